// Messages for the user. `connection.window.show*Message` sends `window/showMessageRequest`, a request: a client that
// does not implement it answers with an error, and a voided promise that rejects is an unhandled rejection that ends
// the server. Without actions to offer, the notification says the same and every client shows it.
import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver/node';

export function showMessage(connection: Connection, type: 'info' | 'warning' | 'error', message: string): void {
  const t = type === 'error' ? MessageType.Error : type === 'warning' ? MessageType.Warning : MessageType.Info;
  void connection.sendNotification(ShowMessageNotification.type, { type: t, message });
}
