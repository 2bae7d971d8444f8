// A scripted LSP client for tests. It speaks real JSON-RPC, either to `testgap lsp --stdio` in a child process or to
// the server created in this process over in-memory streams (typescript-language-server style), and records what the
// server sends: diagnostics, log messages, registrations, refresh requests.
//
// Waiting is event-driven: every message from the server re-checks the pending `waitFor` predicates. The timeout is a
// failure report, not a synchronisation mechanism.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities,
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  Registration,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import { createConnection } from 'vscode-languageserver/node';
import type { CoverageNotification } from '../../server/src/lsp/coverage';
import { startServer } from '../../server/src/lsp/server';
import type { Session } from '../../server/src/lsp/session';
import { URI } from '../../server/src/lsp/uri';
import { descendants } from '../lifecycle/procs';

export const SERVER_BIN = path.resolve(__dirname, '../../server/src/cli/main.js');

export const PUSH_CLIENT: ClientCapabilities = {
  textDocument: {
    publishDiagnostics: { relatedInformation: true, versionSupport: true, dataSupport: true },
    synchronization: { didSave: true },
  },
  workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } },
  window: { workDoneProgress: true },
};

/** A client like Neovim 0.10+/VS Code: code action literals, lazy edits, documentChanges, file creation. */
export const FULL_CLIENT: ClientCapabilities = {
  ...PUSH_CLIENT,
  textDocument: {
    ...PUSH_CLIENT.textDocument,
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } },
      resolveSupport: { properties: ['edit'] },
      dataSupport: true,
    },
  },
  workspace: { ...PUSH_CLIENT.workspace, applyEdit: true, workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } },
};

export interface ClientOptions {
  root: string;
  transport: 'stdio' | 'in-process';
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** The answer to workspace/configuration for section `testgap` (null = the client has none). */
  settings?: () => unknown;
}

interface Waiter {
  check: () => boolean;
}

export class TestClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  readonly logs: { type: number; message: string }[] = [];
  readonly registrations: Registration[] = [];
  refreshRequests = 0;
  readonly progress: unknown[] = [];
  readonly messages: { type: number; message: string }[] = [];
  /** `testgap/coverage` notifications, in order. */
  readonly coverage: CoverageNotification[] = [];
  initializeResult!: InitializeResult;
  stderr = '';
  private readonly waiters = new Set<Waiter>();
  private readonly versions = new Map<string, number>();
  private child?: ChildProcess;
  /** The server's session, in-process only (tests wait on its coverage runs). */
  session?: Session;

  private constructor(
    readonly connection: MessageConnection,
    readonly options: ClientOptions,
  ) {}

  static async start(options: ClientOptions): Promise<TestClient> {
    let connection: MessageConnection;
    let child: ChildProcess | undefined;
    let session: Session | undefined;
    if (options.transport === 'stdio') {
      child = spawn(process.execPath, [SERVER_BIN, 'lsp', '--stdio'], { cwd: options.root, stdio: ['pipe', 'pipe', 'pipe'] });
      connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    } else {
      const toServer = new PassThrough();
      const toClient = new PassThrough();
      session = startServer(createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient)));
      connection = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    }
    const client = new TestClient(connection, options);
    client.child = child;
    client.session = session;
    child?.stderr!.on('data', (d) => (client.stderr += d));
    client.wire();
    connection.listen();
    client.initializeResult = await connection.sendRequest('initialize', {
      processId: null,
      rootUri: URI.fromPath(options.root),
      workspaceFolders: [{ uri: URI.fromPath(options.root), name: path.basename(options.root) }],
      capabilities: options.capabilities ?? PUSH_CLIENT,
      initializationOptions: options.initializationOptions,
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  private wire(): void {
    const c = this.connection;
    c.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, [...(this.diagnostics.get(p.uri) ?? []), p]);
      this.notify();
    });
    c.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      this.logs.push(p);
      this.notify();
    });
    c.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
      p.items.map((i) => (i.section === 'testgap' ? (this.options.settings?.() ?? null) : null)),
    );
    c.onRequest('client/registerCapability', (p: { registrations: Registration[] }) => {
      this.registrations.push(...p.registrations);
      this.notify();
      return null;
    });
    c.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshRequests++;
      this.notify();
      return null;
    });
    c.onRequest('window/workDoneProgress/create', () => null);
    c.onNotification('$/progress', (p: unknown) => {
      this.progress.push(p);
      this.notify();
    });
    c.onNotification('testgap/coverage', (p: CoverageNotification) => {
      this.coverage.push(p);
      this.notify();
    });
    c.onNotification('window/showMessage', (p: { type: number; message: string }) => {
      this.messages.push(p);
      this.notify();
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) if (w.check()) this.waiters.delete(w);
  }

  /** Resolves with the first truthy value of `probe`, re-checked on every message from the server. */
  waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.state()}`));
      }, timeoutMs);
      const waiter: Waiter = {
        check: () => {
          const v = probe();
          if (!v) return false;
          clearTimeout(timer);
          resolve(v);
          return true;
        },
      };
      if (!waiter.check()) this.waiters.add(waiter);
    });
  }

  /**
   * What a failed wait needs to be diagnosed from CI output alone: which server (its pid and whether it still runs),
   * the processes under it (pid, working folder, command), the last progress, the server's log and stderr.
   */
  state(): string {
    const c = this.child;
    const server = !c ? 'in-process server' : `server pid ${c.pid} (${c.exitCode === null && c.signalCode === null ? 'running' : `exited: ${c.exitCode ?? c.signalCode}`})`;
    const kids = c?.pid ? descendants(c.pid).map((p) => `  pid ${p.pid} (parent ${p.ppid}, ${p.state}) in ${p.cwd}: ${p.args.slice(0, 200)}`) : [];
    const progress = this.progress.slice(-3).map((p) => JSON.stringify(p).slice(0, 200));
    return [
      `${server}; ${kids.length} processes under it${kids.length ? `:\n${kids.join('\n')}` : ''}`,
      `last progress: ${progress.join(' | ') || 'none'}`,
      `logs (last 20):\n${this.logs.slice(-20).map((l) => `  ${l.message.slice(0, 400)}`).join('\n')}`,
      `stderr (last 2000 characters): ${this.stderr.slice(-2000)}`,
    ].join('\n');
  }

  /** The server's process id over stdio (benchmarks read its memory from /proc); undefined in-process. */
  get serverPid(): number | undefined {
    return this.child?.pid;
  }

  uri(rel: string): string {
    return URI.fromPath(path.join(this.options.root, rel));
  }

  /** The latest diagnostics published for `rel`. */
  latest(rel: string): PublishDiagnosticsParams | undefined {
    const all = this.diagnostics.get(this.uri(rel));
    return all?.[all.length - 1];
  }

  /** Waits until diagnostics for `rel` satisfy `accept` (and are for the document's current version, when open). */
  waitForDiagnostics(rel: string, accept: (d: Diagnostic[]) => boolean = () => true, what = 'diagnostics'): Promise<PublishDiagnosticsParams> {
    return this.waitFor(`${what} for ${rel}`, () => {
      const p = this.latest(rel);
      const version = this.versions.get(this.uri(rel));
      if (!p || (version !== undefined && p.version !== version)) return undefined;
      return accept(p.diagnostics) ? p : undefined;
    });
  }

  async open(rel: string, text: string, languageId = 'typescript'): Promise<void> {
    const uri = this.uri(rel);
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  async change(rel: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const uri = this.uri(rel);
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async save(rel: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didSave', { textDocument: { uri: this.uri(rel) } });
  }

  async close(rel: string): Promise<void> {
    this.versions.delete(this.uri(rel));
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri: this.uri(rel) } });
  }

  async watchedFileChanged(rel: string, type: 1 | 2 | 3): Promise<void> {
    await this.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: this.uri(rel), type }] });
  }

  /** For `finally` blocks: ends the server process whatever state the test left it in (a failed assertion skips
   * `stop()`, and a live child would keep the test runner from exiting). */
  dispose(): void {
    this.connection.dispose();
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** shutdown; over stdio also `exit` and wait for the process to end. Returns the exit code (stdio) or null. */
  async stop(): Promise<number | null> {
    await this.connection.sendRequest('shutdown');
    if (!this.child) {
      this.connection.dispose();
      return null;
    }
    const exited = new Promise<number | null>((resolve) => this.child!.once('exit', (code) => resolve(code)));
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}
