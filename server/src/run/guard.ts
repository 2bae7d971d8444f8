// Confinement in JavaScript, installed before any user code loads. The network guard serves every run of user code
// (Node 20's permission model does not cover the network); the write and process guards serve the runs that need V8
// coverage (the user's own test files, run for coverage).
//
// Why not Node's permission model, as for candidate runs (sandbox.ts)? On Node 20 it turns the inspector off, and with
// it V8 coverage: `NODE_V8_COVERAGE` writes nothing and `--inspect` is ignored (checked on 20.20). Coverage of the
// user's tests is worth having only if it is V8's, the figures c8 shows, so these runs are confined in JavaScript
// instead, before any user code loads:
// - file-system writes outside the allowed folders throw EACCES (every write, create, delete and rename entry point of
//   `fs` and `fs/promises`);
// - child processes, workers, native addons, `process.binding` and network connections (net, tls, dgram, fetch,
//   WebSocket) throw with a message that says what was refused.
// This stops a test from damaging the project or the machine by accident; it is not a wall against code written to
// escape (for that, candidate runs keep the permission model). The time and memory limits are the parent's.
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const GUARD_REFUSAL = 'testgap sandbox:';

/** An ERR_ACCESS_DENIED error shaped like Node's permission-model errors (core/outcome.ts turns it into words). */
function refusal(what: string, permission: string, resource?: string): Error {
  const e = new Error(`${GUARD_REFUSAL} ${what} is not allowed in the sandbox`) as Error & { code: string; permission: string; resource?: string };
  e.code = 'ERR_ACCESS_DENIED';
  e.permission = permission;
  if (resource !== undefined) e.resource = resource;
  return e;
}

function toPath(p: unknown): string | undefined {
  if (typeof p === 'string') return path.resolve(p);
  if (p instanceof URL) return p.protocol === 'file:' ? fileURLToPath(p) : undefined;
  if (Buffer.isBuffer(p)) return path.resolve(p.toString());
  return undefined; // a file descriptor: it was opened through a checked call
}

/**
 * Where a write to `file` really lands: symbolic links followed (dangling ones too, since writing through them
 * creates their target), for the file and every folder above it that exists.
 */
function realTarget(file: string, depth = 0): string {
  if (depth > 32) return file;
  try {
    const stat = fs.lstatSync(file);
    if (stat.isSymbolicLink()) return realTarget(path.resolve(path.dirname(file), fs.readlinkSync(file)), depth + 1);
    return fs.realpathSync(file);
  } catch {
    // does not exist (yet): its folder decides
  }
  const parent = path.dirname(file);
  return parent === file ? file : path.join(realTarget(parent, depth + 1), path.basename(file));
}

function isWriteFlag(flags: unknown): boolean {
  if (typeof flags === 'number') return (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND)) !== 0;
  return typeof flags === 'string' && /[wa+]/.test(flags);
}

/** Everything: writes outside `writable`, processes and workers, and (unless allowed) the network. */
export function installGuard(writable: string[], options: { allowNetwork?: boolean } = {}): void {
  installWriteGuard(writable);
  installProcessGuard();
  if (!options.allowNetwork) installNetworkGuard();
  // ESM imports of builtins see the patched functions too.
  (Module as unknown as { syncBuiltinESMExports(): void }).syncBuiltinESMExports();
}

/**
 * Writes only inside `writable` (symlinks followed), and to the single files `alsoFile` accepts. Node's permission
 * model does this for candidate runs.
 */
export function installWriteGuard(writable: string[], alsoFile?: (file: string) => boolean): void {
  const roots = writable.map((w) => realTarget(path.resolve(w)));
  const allowed = (p: unknown) => {
    const given = toPath(p);
    if (given === undefined) return true;
    const file = realTarget(given);
    return roots.some((r) => file === r || file.startsWith(r + path.sep)) || !!alsoFile?.(file);
  };
  const check = (what: string, p: unknown) => {
    if (!allowed(p)) {
      const e = new Error(`${GUARD_REFUSAL} ${what} ${String(toPath(p))}: writes outside the temporary folder are not allowed`) as Error & { code: string; permission: string; resource: string };
      e.code = 'EACCES';
      e.permission = 'FileSystemWrite';
      e.resource = String(toPath(p));
      throw e;
    }
  };
  type AnyFn = (...args: unknown[]) => unknown;
  const wrap = (target: Record<string, unknown>, name: string, paths: (args: unknown[]) => unknown[]) => {
    const original = target[name];
    if (typeof original !== 'function') return;
    const guarded = function (this: unknown, ...args: unknown[]) {
      for (const p of paths(args)) check(name, p);
      return (original as AnyFn).apply(this, args);
    };
    Object.defineProperty(guarded, 'name', { value: name });
    target[name] = guarded;
  };
  const first = (args: unknown[]) => [args[0]];
  const both = (args: unknown[]) => [args[0], args[1]];
  const second = (args: unknown[]) => [args[1]];
  // A link is a way to write elsewhere later: both ends must be inside (a symlink's target is relative to its folder).
  const symlinkArgs = (args: unknown[]) => {
    const at = toPath(args[1]);
    return at === undefined ? [args[1]] : [args[1], path.resolve(path.dirname(at), String(args[0]))];
  };
  const openArgs = (args: unknown[]) => (isWriteFlag(args[1]) ? [args[0]] : []);
  const streamArgs = (args: unknown[]) => {
    const o = args[1];
    const flags = typeof o === 'object' && o !== null ? (o as { flags?: unknown }).flags : undefined;
    return flags === undefined || isWriteFlag(flags) ? [args[0]] : [];
  };
  const table: [string, (args: unknown[]) => unknown[]][] = [
    ['writeFile', first], ['appendFile', first], ['mkdir', first], ['mkdtemp', first], ['rm', first], ['rmdir', first],
    ['unlink', first], ['truncate', first], ['chmod', first], ['lchmod', first], ['chown', first], ['lchown', first],
    ['utimes', first], ['lutimes', first], ['rename', both], ['copyFile', second], ['cp', second], ['symlink', symlinkArgs],
    ['link', both], ['open', openArgs],
  ];
  const fsAny = fs as unknown as Record<string, unknown>;
  const promises = fs.promises as unknown as Record<string, unknown>;
  for (const [name, paths] of table) {
    wrap(fsAny, name, paths);
    wrap(fsAny, `${name}Sync`, paths);
    wrap(promises, name, paths);
  }
  wrap(fsAny, 'createWriteStream', streamArgs);
  // `fs.open` with a numeric fd later written through is fine: the open was checked.

}

const load = (id: string) => require(id) as Record<string, unknown>;

function deny(target: Record<string, unknown>, names: string[], what: string, permission: string): void {
  for (const name of names) {
    if (typeof target[name] !== 'function') continue;
    target[name] = function () {
      throw refusal(what, permission);
    };
  }
}

/** No child processes, workers, native addons or process.binding. Node's permission model does this for candidates. */
export function installProcessGuard(): void {
  deny(load('node:child_process'), ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'], 'starting a child process', 'ChildProcess');
  deny(load('node:worker_threads'), ['Worker'], 'starting a worker thread', 'WorkerThreads');
  const proc = process as unknown as Record<string, unknown>;
  proc.dlopen = () => {
    throw refusal('loading a native addon', 'Addon');
  };
  proc.binding = () => {
    throw refusal('process.binding', 'Binding');
  };
}

/** Where a connection was going, as `host:port`, from the arguments of net.connect / socket.connect. */
function connectTarget(args: unknown[]): string {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (first && typeof first === 'object') {
    const o = first as { host?: unknown; hostname?: unknown; port?: unknown; path?: unknown };
    if (typeof o.path === 'string') return o.path;
    return `${String(o.host ?? o.hostname ?? 'localhost')}:${String(o.port ?? '')}`;
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return first; // a pipe path
  return `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${String(first)}`;
}

/**
 * No network: sockets, TLS, UDP, fetch and WebSocket fail at once with an error that names the destination, instead
 * of hanging until a time limit (Node's permission model on Node 20 does not cover the network).
 */
export function installNetworkGuard(): void {
  const net = load('node:net');
  for (const name of ['connect', 'createConnection']) {
    net[name] = function (...args: unknown[]) {
      throw refusal(`opening a network connection to ${connectTarget(args)}`, 'Network', connectTarget(args));
    };
  }
  const socketProto = (net.Socket as { prototype: Record<string, unknown> }).prototype;
  socketProto.connect = function (...args: unknown[]) {
    throw refusal(`opening a network connection to ${connectTarget(args)}`, 'Network', connectTarget(args));
  };
  const tls = load('node:tls');
  tls.connect = function (...args: unknown[]) {
    throw refusal(`opening a TLS connection to ${connectTarget(args)}`, 'Network', connectTarget(args));
  };
  deny(load('node:dgram'), ['createSocket'], 'opening a UDP socket', 'Network');
  for (const name of ['fetch', 'WebSocket', 'EventSource']) {
    if (!(name in globalThis)) continue;
    Object.defineProperty(globalThis, name, {
      configurable: true,
      writable: true,
      value: function (input: unknown) {
        let target = String(input);
        try {
          target = new URL(String((input as { url?: unknown })?.url ?? input)).host;
        } catch {
          // not a URL: say what was given
        }
        const e = refusal(`${name} to ${target}`, 'Network', target);
        if (name === 'fetch') return Promise.reject(e);
        throw e;
      },
    });
  }
  (Module as unknown as { syncBuiltinESMExports(): void }).syncBuiltinESMExports();
}
