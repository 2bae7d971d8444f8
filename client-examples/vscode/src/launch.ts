// How the extension finds and starts `testgap lsp`. Plain Node, no `vscode` import, so that
// test/clients/vscode-example.test.ts can run exactly this code against the real server without VS Code.
//
// Both transports run the server on the user's Node (`node` on PATH, or the shebang of the testgap bin), never on
// VS Code's own Electron runtime: the server starts its sandbox and coverage children with `process.execPath` and
// Node flags, which need a real Node >= 20.19. For the same reason IPC is not started through vscode-languageclient's
// `NodeModule` (that forks with Electron and appends `--clientProcessId=<pid>`, which `testgap lsp` rejects as a
// second transport flag): the extension spawns the process itself and hands vscode-languageclient the streams.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Transport = 'stdio' | 'ipc';

/** The arguments after the testgap executable (protocol.md, "Starting the server"). */
export const SERVER_ARGS: Readonly<Record<Transport, readonly string[]>> = {
  stdio: ['lsp', '--stdio'],
  ipc: ['lsp', '--node-ipc'],
};

const BIN_NAME = process.platform === 'win32' ? 'testgap.cmd' : 'testgap';

/**
 * The testgap executable: the `testgap.serverPath` setting (a relative path is taken from the first workspace
 * folder), else `node_modules/.bin/testgap` of the first workspace folder that has one, else `testgap` from PATH.
 */
export function resolveServerPath(setting: string | null | undefined, folders: readonly string[], exists: (p: string) => boolean = fs.existsSync): string {
  if (setting) {
    if (path.isAbsolute(setting) || !/[\\/]/.test(setting) || folders.length === 0) return setting;
    return path.resolve(folders[0], setting);
  }
  for (const folder of folders) {
    const bin = path.join(folder, 'node_modules', '.bin', BIN_NAME);
    if (exists(bin)) return bin;
  }
  return 'testgap';
}

/** Finds a bare command name on PATH, as a shell would. */
function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The JavaScript file behind a testgap executable, for `node <file> lsp --node-ipc`. npm links
 * `node_modules/.bin/testgap` to the package's bin file on POSIX; on Windows `.bin` holds shims, so the bin is read
 * from `node_modules/testgap/package.json` next to them.
 */
export function serverModule(executable: string): string {
  const found = /[\\/]/.test(executable) ? executable : onPath(executable);
  if (!found) throw new Error(`testgap: cannot find ${executable} on PATH; set testgap.serverPath`);
  const real = fs.realpathSync(found);
  if (/\.[cm]?js$/.test(real)) return real;
  const pkgFile = path.join(path.dirname(found), '..', 'testgap', 'package.json');
  if (fs.existsSync(pkgFile)) {
    const bin = (JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { bin?: string | Record<string, string> }).bin;
    const rel = typeof bin === 'string' ? bin : bin?.testgap;
    if (rel) return path.resolve(path.dirname(pkgFile), rel);
  }
  throw new Error(`testgap: ${executable} is not a JavaScript file, and no node_modules/testgap/package.json names one; use testgap.transport "stdio"`);
}

export interface LaunchOptions {
  /** From resolveServerPath. */
  executable: string;
  transport: Transport;
  /** The server's working folder (the first workspace folder). */
  cwd?: string;
  /** The Node that runs the server for IPC; `node` from PATH by default. */
  node?: string;
}

/**
 * Starts the server. For `stdio` the protocol runs over the child's stdin/stdout; for `ipc` over Node's IPC channel
 * (fd 3), stdout and stderr being logs only.
 */
export function startServer(options: LaunchOptions): ChildProcess {
  if (options.transport === 'ipc') {
    return spawn(options.node ?? 'node', [serverModule(options.executable), ...SERVER_ARGS.ipc], {
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    });
  }
  // Node refuses to spawn .cmd/.bat shims without a shell (CVE-2024-27980).
  const shell = process.platform === 'win32' && /\.(cmd|bat)$/i.test(options.executable);
  return spawn(options.executable, [...SERVER_ARGS.stdio], { cwd: options.cwd, shell });
}
