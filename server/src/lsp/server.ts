// The wiring table: which LSP message goes to which Session method. No logic lives here.
import type { Connection } from 'vscode-languageserver/node';
import { Session } from './session';

export function startServer(connection: Connection): Session {
  const session = new Session(connection);
  const { documents } = session;

  connection.onInitialize((params) => session.initialize(params));
  connection.onInitialized(() => session.initialized());
  connection.onShutdown(() => session.shutdown());

  documents.onDidOpen((e) => session.documentChanged(e.document, true));
  documents.onDidChangeContent((e) => session.documentChanged(e.document, false));
  documents.onDidClose((e) => session.documentClosed(e.document));

  connection.onDidChangeConfiguration((params) => session.didChangeConfiguration(params));
  connection.onDidChangeWatchedFiles((params) => session.didChangeWatchedFiles(params));
  connection.languages.diagnostics.on((params) => session.pullDiagnostics(params));
  connection.onInitialized(() => {
    // Only clients that advertised workspace folders may be sent this registration's notifications.
    if (connection.workspace) connection.workspace.onDidChangeWorkspaceFolders((e) => session.didChangeWorkspaceFolders(e));
  });

  documents.listen(connection);
  connection.listen();
  return session;
}
