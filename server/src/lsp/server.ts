// The wiring table: which LSP message goes to which Session method. No logic lives here.
import type { Connection } from 'vscode-languageserver/node';
import { Session } from './session';

export function startServer(connection: Connection): Session {
  const session = new Session(connection);
  const { documents } = session;

  connection.onInitialize((params) => session.initialize(params));
  // One handler per notification: vscode-languageserver keeps only the last one registered.
  connection.onInitialized(() => {
    if (session.watchesWorkspaceFolders) connection.workspace.onDidChangeWorkspaceFolders((e) => session.didChangeWorkspaceFolders(e));
    return session.initialized();
  });
  connection.onShutdown(() => session.shutdown());

  documents.onDidOpen((e) => session.documentChanged(e.document, true));
  documents.onDidChangeContent((e) => session.documentChanged(e.document, false));
  documents.onDidClose((e) => session.documentClosed(e.document));
  documents.onDidSave((e) => session.documentSaved(e.document));

  connection.onDidChangeConfiguration((params) => session.didChangeConfiguration(params));
  connection.onDidChangeWatchedFiles((params) => session.didChangeWatchedFiles(params));
  connection.languages.diagnostics.on((params) => session.pullDiagnostics(params));
  connection.onCodeAction((params) => session.codeActions(params));
  connection.onCodeLens((params) => session.codeLenses(params));
  connection.onCodeActionResolve((action, token) => session.resolveCodeAction(action, token));
  connection.onExecuteCommand((params, token) => session.executeCommand(params, token));

  documents.listen(connection);
  connection.listen();
  return session;
}
