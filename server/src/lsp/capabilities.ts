// Client capabilities, read once at `initialize` into the few facts the server branches on, and the server
// capabilities that follow from them. Branch on these, never on clientInfo.name.
import {
  TextDocumentSyncKind,
  type ClientCapabilities,
  type ServerCapabilities,
} from 'vscode-languageserver/node';

export interface ClientCaps {
  /**
   * Pull diagnostics are used only when the client can both pull and be told to re-pull: a test file saved elsewhere
   * changes this file's diagnostics, and a client without `workspace/diagnostic/refresh` (Neovim 0.10/0.11) would
   * show stale ones until the next edit. Everyone else gets push, and never both (Neovim ≥ 0.10 shows both sets).
   */
  pullDiagnostics: boolean;
  relatedInformation: boolean;
  diagnosticData: boolean;
  configuration: boolean;
  configurationChangeRegistration: boolean;
  watchedFilesRegistration: boolean;
  workspaceFolders: boolean;
  workDoneProgress: boolean;
  /** Code action literals: without them a client only understands commands. */
  codeActionLiterals: boolean;
  /** `codeAction/resolve` may fill in `edit` lazily. */
  resolveEdit: boolean;
  documentChanges: boolean;
  createFiles: boolean;
  applyEdit: boolean;
  /** `workspace/codeLens/refresh`: code lenses show coverage, which changes after each run. */
  codeLensRefresh: boolean;
}

export function readClientCaps(c: ClientCapabilities): ClientCaps {
  const pull = !!c.textDocument?.diagnostic;
  const refresh = !!c.workspace?.diagnostics?.refreshSupport;
  return {
    pullDiagnostics: pull && refresh,
    relatedInformation: !!c.textDocument?.publishDiagnostics?.relatedInformation || pull,
    diagnosticData: !!c.textDocument?.publishDiagnostics?.dataSupport || pull,
    configuration: !!c.workspace?.configuration,
    configurationChangeRegistration: !!c.workspace?.didChangeConfiguration?.dynamicRegistration,
    watchedFilesRegistration: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
    workspaceFolders: !!c.workspace?.workspaceFolders,
    workDoneProgress: !!c.window?.workDoneProgress,
    codeActionLiterals: !!c.textDocument?.codeAction?.codeActionLiteralSupport,
    resolveEdit: !!c.textDocument?.codeAction?.resolveSupport?.properties?.includes('edit'),
    documentChanges: !!c.workspace?.workspaceEdit?.documentChanges,
    createFiles: !!c.workspace?.workspaceEdit?.resourceOperations?.includes('create'),
    applyEdit: !!c.workspace?.applyEdit,
    codeLensRefresh: !!c.workspace?.codeLens?.refreshSupport,
  };
}

export const CODE_ACTION_KINDS = ['quickfix', 'source.addTest.testgap'];
export const COMMANDS = ['testgap.generateTests', 'testgap.runCoverage'];

export const DIAGNOSTIC_PROVIDER_ID = 'testgap';

export function serverCapabilities(caps: ClientCaps): ServerCapabilities {
  return {
    positionEncoding: 'utf-16',
    textDocumentSync: {
      openClose: true,
      change: TextDocumentSyncKind.Incremental,
      save: { includeText: false },
    },
    ...(caps.pullDiagnostics
      ? { diagnosticProvider: { identifier: DIAGNOSTIC_PROVIDER_ID, interFileDependencies: true, workspaceDiagnostics: false } }
      : {}),
    codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS, resolveProvider: caps.resolveEdit },
    codeLensProvider: { resolveProvider: false },
    // Zed hides commands that are not listed here (zed-industries/zed#26239).
    executeCommandProvider: { commands: COMMANDS },
    workspace: {
      workspaceFolders: { supported: true, changeNotifications: true },
    },
  };
}
