// The wiring table: which LSP message goes to which Session method. No logic lives here.
import type { Connection, Position, Range } from 'vscode-languageserver/node';
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

  documents.listen(checkedSync(connection));
  connection.listen();
  return session;
}

// TextDocuments keeps whatever didOpen/didChange carry: a text that is not a string (or a change without a range of
// numbers) made every later analysis throw in a timer, which ended the server (found by test/fuzz/frames.test.ts).
// Sync notifications whose params do not have the protocol's shape are dropped here, with a warning.
const isPosition = (p: Position) => !!p && Number.isFinite(p.line) && Number.isFinite(p.character);
const isRange = (r: Range) => !!r && isPosition(r.start) && isPosition(r.end);
const isDoc = (d: { uri?: unknown } | undefined) => !!d && typeof d.uri === 'string';
const VALID: Record<string, (p: any) => boolean> = {
  onDidOpenTextDocument: (p) => isDoc(p?.textDocument) && typeof p.textDocument.text === 'string' && typeof p.textDocument.languageId === 'string' && Number.isInteger(p.textDocument.version),
  onDidChangeTextDocument: (p) =>
    isDoc(p?.textDocument) && Number.isInteger(p.textDocument.version) && Array.isArray(p.contentChanges) &&
    p.contentChanges.every((c: { text?: unknown; range?: Range }) => !!c && typeof c.text === 'string' && (c.range === undefined || isRange(c.range))),
  onDidCloseTextDocument: (p) => isDoc(p?.textDocument),
  onDidSaveTextDocument: (p) => isDoc(p?.textDocument),
  onWillSaveTextDocument: (p) => isDoc(p?.textDocument),
};

function checkedSync(connection: Connection): Connection {
  return new Proxy(connection, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      const valid = typeof key === 'string' ? VALID[key] : undefined;
      if (!valid) return typeof value === 'function' ? value.bind(target) : value;
      return (handler: (p: unknown) => void) =>
        value.call(target, (params: unknown) => {
          if (valid(params)) return handler(params);
          target.console.warn(`ignored ${String(key).replace(/^on/, '')}: its params do not have the protocol's shape`);
        });
    },
    set(target, key, value) {
      return Reflect.set(target, key, value);
    },
  });
}
