// The server's side of a runner host (vitestHost.ts, jestHost.ts): one kept child process per project and runner
// configuration, started on first use, asked to run test files one at a time, and killed with its whole process
// group (the runner's workers too) on a time limit, on shutdown, or when the configuration it read has changed.
// The server keeps a host warm between saves; the CLI ends it after its one run.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { HostReply, HostRun, HostStart } from './hostProtocol';
import { makeTempDir, removeTempDir, sandboxEnv, trackChild, type Limits } from './sandbox';

export type HostKind = 'vitest' | 'jest';

export interface HostOptions {
  kind: HostKind;
  root: string;
  config?: string;
  /** The runner's node API entry, resolved from the project. */
  entry: string;
  /** Files whose change means the host must start again (the config, package.json, tsconfig.json). */
  inputs: string[];
  /** Node flags the runner needs (jest's `--experimental-vm-modules` for ES modules). */
  execArgv?: string[];
  limits: Limits;
}

export interface HostResult {
  runs: HostRun[];
  /** The runner could not start (its config threw, it hung while starting): why, in words for the user. */
  error?: string;
}

const ENTRIES: Record<HostKind, string> = { vitest: 'vitestHost.js', jest: 'jestHost.js' };

class Host {
  readonly child: ChildProcess;
  readonly tmpDir: string;
  readonly ready: Promise<string | { error: string }>;
  private readonly listeners = new Set<(m: HostReply) => void>();
  private output = '';
  private nextId = 1;
  exited = false;
  readonly kind: HostKind;

  constructor(o: HostOptions) {
    this.kind = o.kind;
    this.tmpDir = makeTempDir('testgap-coverage-');
    const start: HostStart = { root: o.root, ...(o.config ? { config: o.config } : {}), entry: o.entry, tmpDir: this.tmpDir, allowWrite: o.limits.allowWrite ?? [], allowNetwork: !!o.limits.allowNetwork, memoryMb: o.limits.memoryMb };
    // Its own process group, so that killing the group ends the runner's workers with it.
    this.child = spawn(process.execPath, [`--max-old-space-size=${Math.max(1024, 2 * o.limits.memoryMb)}`, ...(o.execArgv ?? []), path.join(__dirname, ENTRIES[o.kind]), JSON.stringify(start)], {
      cwd: o.root,
      env: sandboxEnv({ TMPDIR: this.tmpDir, TEMP: this.tmpDir, TMP: this.tmpDir }, o.limits),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    trackChild(this.child, { group: true });
    // A kept host must not keep the process that started it alive (a test run, a script using the API): while a run or
    // the start is pending, its watchdog timer does.
    this.child.unref();
    (this.child.channel as { unref?: () => void } | undefined)?.unref?.();
    (this.child.stdout as unknown as { unref?: () => void }).unref?.();
    (this.child.stderr as unknown as { unref?: () => void }).unref?.();
    const keep = (d: Buffer) => (this.output = (this.output + d).slice(-20_000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.child.on('message', (m: HostReply) => this.listeners.forEach((l) => l(m)));
    // Starting (loading the config, transforming it, reading the test files) gets the time limit of one test file.
    const startMs = o.limits.timeoutMs;
    this.ready = new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve({ error: `${o.kind} did not start within ${startMs / 1000} s (coverageTimeoutMs)${this.tail()}` });
        this.kill();
      }, startMs);
      const listener = (m: HostReply) => {
        if (m.type !== 'ready' && m.type !== 'failed') return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(m.type === 'ready' ? m.version : { error: `${o.kind} could not start: ${m.message}` });
      };
      this.listeners.add(listener);
      this.child.on('exit', (code, signal) => {
        this.exited = true;
        clearTimeout(timer);
        resolve({ error: `${o.kind} could not start: it exited with ${signal ?? `code ${code}`}${this.tail()}` });
        removeTempDir(this.tmpDir);
      });
    });
  }

  private tail(): string {
    const text = this.output.replace(/\x1b\[[0-9;]*m/g, '').trim();
    return text ? `\n${text.split('\n').slice(-8).join('\n')}` : '';
  }

  kill(): void {
    if (this.exited) return;
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  /**
   * Runs `files` one after another; each must finish within `timeoutMs` or the host is killed. Resolves with the
   * runs that finished and the file that was running when the host stopped (undefined when all finished).
   */
  run(files: string[], changed: string[], timeoutMs: number, signal: AbortSignal | undefined, onRun: (run: HostRun) => void): Promise<{ stopped?: { file: string; why: 'timeout' | 'crashed'; message: string } }> {
    const id = this.nextId++;
    let current = 0;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ file: files[current]!, why: 'timeout', message: `did not finish within ${timeoutMs} ms` }), timeoutMs);
      };
      const onExit = (code: number | null, sig: NodeJS.Signals | null) => finish({ file: files[current]!, why: 'crashed', message: `${this.kind} ended by ${sig ?? `code ${code}`}${this.tail()}` });
      const onAbort = () => finish(undefined, true);
      const listener = (m: HostReply) => {
        if ((m.type === 'ran' || m.type === 'done') && m.id !== id) return;
        if (m.type === 'ran') {
          current++;
          onRun(m.run);
          arm();
        } else if (m.type === 'done') finish(undefined);
      };
      const finish = (stopped: { file: string; why: 'timeout' | 'crashed'; message: string } | undefined, aborted = false) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        this.child.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        if (stopped || aborted) this.kill();
        resolve(stopped ? { stopped } : {});
      };
      if (this.exited) return resolve({ stopped: { file: files[0]!, why: 'crashed', message: `${this.kind} had ended${this.tail()}` } });
      this.listeners.add(listener);
      this.child.on('exit', onExit);
      signal?.addEventListener('abort', onAbort);
      arm();
      this.child.send({ type: 'run', id, files, changed });
    });
  }
}

const hosts = new Map<string, Host>();

/** What the host's configuration was read from, as of now: a different key means a new host. */
function keyOf(o: HostOptions): string {
  const stamp = (f: string) => {
    try {
      const s = fs.statSync(f);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '-';
    }
  };
  // Not the time limit: a verification run allows a whole file more time than a coverage run, in the same host.
  return JSON.stringify([o.kind, o.root, o.config ?? '', o.entry, { ...o.limits, timeoutMs: 0 }, o.execArgv ?? [], o.inputs.map((f) => [f, stamp(f)])]);
}

/**
 * Runs `files` in the project's runner, through a kept host (started now if there is none for this configuration),
 * restarting it after a file that hung or crashed it. `changed`: files saved since the host's last run, whose
 * transformed code it must drop. With `keep: false` the host ends afterwards.
 */
export async function runInHost(
  o: HostOptions,
  files: string[],
  changed: string[],
  options: { keep: boolean; signal?: AbortSignal; onRun?: (run: HostRun, done: number) => void },
): Promise<HostResult> {
  const runs: HostRun[] = [];
  let left = [...files];
  // Nothing to run, but files changed: a kept host must still drop what it compiled of them.
  const live = hosts.get(keyOf(o));
  if (files.length === 0 && changed.length > 0 && live && !live.exited) await live.run([], changed, o.limits.timeoutMs, options.signal, () => undefined);
  let error: string | undefined;
  while (left.length > 0 && !options.signal?.aborted) {
    const key = keyOf(o);
    for (const [k, h] of hosts) {
      if (h.exited || (k !== key && path.resolve(JSON.parse(k)[1]) === o.root)) {
        h.kill();
        hosts.delete(k);
      }
    }
    let host = hosts.get(key);
    const fresh = !host;
    if (!host) hosts.set(key, (host = new Host(o)));
    const ready = await host.ready;
    if (typeof ready !== 'string') {
      hosts.delete(key);
      host.kill();
      error = ready.error;
      break;
    }
    let ranNow = 0;
    const { stopped } = await host.run(left, fresh ? [] : changed, o.limits.timeoutMs, options.signal, (run) => {
      ranNow++;
      runs.push(run);
      options.onRun?.(run, runs.length);
    });
    left = left.slice(ranNow);
    if (!stopped) break;
    hosts.delete(key);
    runs.push({ testFile: stopped.file, status: stopped.why, durationMs: o.limits.timeoutMs, coverage: {}, loaded: [stopped.file], message: stopped.message });
    options.onRun?.(runs[runs.length - 1]!, runs.length);
    left = left.filter((f) => f !== stopped.file);
  }
  if (!options.keep) stopHosts(o.root);
  return { runs, ...(error ? { error } : {}) };
}

/** Ends the hosts of `root` (default: every host). */
export function stopHosts(root?: string): void {
  for (const [k, h] of hosts) {
    if (root !== undefined && path.resolve(JSON.parse(k)[1]) !== root) continue;
    h.kill();
    hosts.delete(k);
  }
}
