// A thin VS Code client for the testgap language server (protocol.md is the contract). Everything testgap does —
// diagnostics (pulled: vscode-languageclient advertises textDocument.diagnostic with refresh support), code actions
// resolved lazily, `$/progress` with a cancel button, code lenses and their refresh, the commands
// `testgap.generateTests` / `testgap.runCoverage` (registered by vscode-languageclient from executeCommandProvider)
// — comes from vscode-languageclient's standard features. This file adds only what the protocol leaves to the
// client: where the server comes from and how it is started (launch.ts), which settings are sent (settings.ts), and
// the status bar item fed by the `testgap/coverage` notification (status.ts).
import type { ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import {
  IPCMessageReader,
  IPCMessageWriter,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { resolveServerPath, startServer, type Transport } from './launch';
import { explicitSettings, serverSettingKeys } from './settings';
import { CoverageStatus, type CoverageNotification } from './status';

const SECTION = 'testgap';
const LANGUAGES = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'];

let client: LanguageClient | undefined;
let server: ChildProcess | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('testgap', { log: true });
  const keys = serverSettingKeys(context.extension.packageJSON);
  const coverage = new CoverageStatus();
  const item = vscode.window.createStatusBarItem('testgap.coverage', vscode.StatusBarAlignment.Left, 10);
  item.name = 'testgap coverage';
  item.command = 'testgap.runCoverage';
  context.subscriptions.push(output, item);

  const render = (): void => {
    const view = coverage.view(vscode.window.activeTextEditor?.document.uri.toString());
    if (!view) return item.hide();
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.show();
  };

  const serverSettings = (scopeUri?: string): Record<string, unknown> => {
    const config = vscode.workspace.getConfiguration(SECTION, scopeUri ? vscode.Uri.parse(scopeUri) : undefined);
    return explicitSettings(keys, (key) => config.inspect(key));
  };

  const folders = (): string[] => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

  const serverOptions: ServerOptions = async () => {
    const config = vscode.workspace.getConfiguration(SECTION);
    const transport = config.get<Transport>('transport', 'stdio');
    const executable = resolveServerPath(config.get<string | null>('serverPath', null), folders());
    output.info(`starting ${executable} lsp --${transport === 'ipc' ? 'node-ipc' : 'stdio'}`);
    const child = startServer({ executable, transport, cwd: folders()[0] });
    server = child;
    child.on('error', (error) => output.error(`testgap server: ${error.message}`));
    if (transport === 'ipc') {
      // Over IPC stdout and stderr carry only logs.
      child.stdout?.on('data', (d: Buffer) => output.info(String(d).trimEnd()));
      child.stderr?.on('data', (d: Buffer) => output.error(String(d).trimEnd()));
      return { reader: new IPCMessageReader(child), writer: new IPCMessageWriter(child) };
    }
    return { process: child, detached: false };
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
    synchronize: { configurationSection: SECTION },
    initializationOptions: { testgap: serverSettings(vscode.workspace.workspaceFolders?.[0]?.uri.toString()) },
    outputChannel: output,
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) return answers;
          return params.items.map((entry, i) => (entry.section === SECTION ? serverSettings(entry.scopeUri) : answers[i]));
        },
      },
    },
  };

  client = new LanguageClient('testgap', 'testgap', serverOptions, clientOptions);
  client.onNotification('testgap/coverage', (params: CoverageNotification) => {
    coverage.update(params);
    render();
  });

  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(render),
    vscode.commands.registerCommand('testgap.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('testgap.serverPath') || e.affectsConfiguration('testgap.transport')) void restart();
    }),
  );
  await client.start();
}

async function restart(): Promise<void> {
  if (!client) return;
  await stopServer();
  await client.start();
}

/** Stops the client, then the process if `shutdown`/`exit` did not end it (the extension owns it, see launch.ts). */
async function stopServer(): Promise<void> {
  const child = server;
  try {
    if (client?.isRunning()) await client.stop(2000);
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill();
  }
}

export async function deactivate(): Promise<void> {
  await stopServer();
  client = undefined;
}
