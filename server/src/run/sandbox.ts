// Runs user code in child processes that cannot hurt the server or the machine:
// - Node's permission model: reads allowed, writes only inside a fresh temp dir, no child processes or workers;
// - a V8 heap limit (`memoryMb`) and a watchdog per candidate (`timeoutMs`): a hang is killed and recorded;
// - a scrubbed environment with TZ=UTC and LANG=C, so dates and locales print the same everywhere;
// - a crash, `process.exit` or OOM ends one candidate, and a new child continues with the next.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReexportCheck } from '../core/reexports';
import type { Settings } from '../core/settings';
import type { ChildMessage, ErrorInfo, Job, Outcome } from './protocol';

export interface Limits {
  timeoutMs: number;
  memoryMb: number;
  /** Absolute folders user code may write besides its temp folder (setting `sandbox.allowWrite`). */
  allowWrite?: string[];
  /** Network connections allowed (setting `sandbox.allowNetwork`). */
  allowNetwork?: boolean;
}

/** The limits a project's settings give: `timeoutMs` per call, or per test file for coverage runs. */
export function limitsFor(settings: Settings, root: string, kind: 'call' | 'test-file' = 'call'): Limits {
  return {
    timeoutMs: kind === 'call' ? settings.timeoutMs : settings.coverageTimeoutMs,
    memoryMb: settings.memoryMb,
    allowWrite: settings.sandbox.allowWrite.map((w) => path.resolve(root, w)),
    allowNetwork: settings.sandbox.allowNetwork,
  };
}

export interface CandidateResult {
  outcome: Outcome;
  hits: number[];
  stable: boolean;
  /** Unstable because of NODE_ENV, the time zone or the locale. */
  environment?: boolean;
  local?: boolean;
  /** The call changed the global object (the harness put it back). */
  globals?: boolean;
}

export interface SandboxRun {
  results: CandidateResult[];
  blocks: number;
  loadError?: ErrorInfo;
  /** How many child processes it took (1 + restarts after hangs and crashes). */
  processes: number;
}

const HARNESS = path.join(__dirname, 'harness.js');
const live = new Set<ChildProcess>();
/** Children started in a process group of their own (runner hosts): killing the group ends their workers too. */
const groups = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Kills every sandbox child still running (server shutdown). */
export function killAllSandboxes(): void {
  for (const c of live) {
    try {
      if (groups.has(c) && c.pid) process.kill(-c.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
    c.kill('SIGKILL');
  }
  live.clear();
}

/** Kills every child and removes every temporary folder, synchronously ('exit' handlers must be). */
function cleanUp(): void {
  killAllSandboxes();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

// However the process ends (shutdown, the editor closing stdin, an uncaught error), no child outlives it and no
// temporary folder stays behind.
process.on('exit', cleanUp);

let signalsHandled = false;

/**
 * A signal's default action ends the process without running 'exit' handlers, so a child in a loop would outlive it
 * (its IPC channel closing does not stop a busy child) and its temp folders would stay. The processes that own
 * children (`testgap lsp`, and the CLI commands) call this at startup: SIGTERM, SIGINT and SIGHUP clean up, then end
 * the process with 128 + the signal's number, as a shell reports a process the signal killed (SIGTERM: 143).
 */
export function exitOnSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(sig, () => {
      cleanUp();
      process.exit(128 + os.constants.signals[sig]);
    });
  }
}

/** Makes `child` one of the processes killAllSandboxes ends. */
export function trackChild(child: ChildProcess, o: { group?: boolean } = {}): void {
  live.add(child);
  if (o.group) groups.add(child);
  child.on('exit', () => {
    live.delete(child);
    groups.delete(child);
  });
}

/**
 * Runs `node <args>` as a tracked child (stdin and stdout closed) and waits for it: killed when `timeoutMs` passes or
 * `signal` aborts; the last `stderrTail` characters of its stderr kept for the error it may have to explain.
 */
export function runTrackedChild(
  args: string[],
  o: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; stderrTail: number; signal?: AbortSignal },
): Promise<{ code: number | null; signal: string | null; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'ignore', 'pipe'] });
    trackChild(child);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-o.stderrTail)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    const onAbort = () => child.kill('SIGKILL');
    o.signal?.addEventListener('abort', onAbort);
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve({ code, signal: sig, stderr, timedOut });
    });
  });
}

/** The temp folders testgap makes: `testgap-<kind>-<pid of the process that owns it>-<random>`. */
const OWNED_TEMP_DIR = /^testgap-(sandbox|coverage|verify|transpiled)-(\d+)-/;

export function makeTempDir(prefix = 'testgap-sandbox-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}${process.pid}-`)));
  tempDirs.add(dir);
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/**
 * Removes the temp folders of testgap processes that no longer exist. A process killed with SIGKILL (an editor or a
 * test harness giving up on the server) cannot clean up after itself; the next one to start does. Folders of live
 * processes, this one's included, are left alone.
 */
export function sweepTempDirs(): void {
  let names: string[];
  try {
    names = fs.readdirSync(os.tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(OWNED_TEMP_DIR.exec(name)?.[2]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    try {
      fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    } catch {
      // another process sweeping the same folder, or not ours to remove
    }
  }
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

export function sandboxArgs(tmpDir: string, limits: Limits): string[] {
  return [
    `--max-old-space-size=${limits.memoryMb}`,
    '--experimental-permission',
    '--allow-fs-read=*',
    `--allow-fs-write=${tmpDir}/*`,
    // One flag per folder: a folder grants what is inside it (and on Node 20.20, naming both `dir` and `dir/*` aborts
    // the process on an assertion in the permission model; a comma-separated list grants only its first entry).
    ...(limits.allowWrite ?? []).map((dir) => `--allow-fs-write=${dir}`),
    '--disable-warning=ExperimentalWarning',
  ];
}

export function sandboxEnv(extra: Record<string, string> = {}, limits?: Limits): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TZ: 'UTC',
    LANG: 'C',
    LC_ALL: 'C',
    NODE_ENV: 'test',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    ...(limits?.allowNetwork ? { TESTGAP_ALLOW_NETWORK: '1' } : {}),
    ...extra,
  };
}

/** After this many hangs in one job, its remaining candidates are not run. */
export const MAX_HANGS_PER_JOB = 3;

/** Runs every candidate of `job`, restarting the child after a hang or a crash (up to MAX_HANGS_PER_JOB hangs). */
export async function runCandidates(job: Omit<Job, 'startAt'>, limits: Limits, signal?: AbortSignal): Promise<SandboxRun> {
  const tmpDir = makeTempDir();
  const results: CandidateResult[] = [];
  let blocks = 0;
  let processes = 0;
  let hangs = 0;
  try {
    let startAt = 0;
    while (startAt < job.candidates.length) {
      if (signal?.aborted) break;
      processes++;
      const step = await runChild({ ...job, startAt }, limits, tmpDir, signal, (index, r) => (results[index] = r));
      blocks = Math.max(blocks, step.blocks);
      if (step.loadError) return { results, blocks, loadError: step.loadError, processes };
      if (step.stoppedAt === undefined) break;
      // The candidate that was running when the child died gets the death as its outcome.
      results[step.stoppedAt] ??= { outcome: step.death!, hits: [], stable: true };
      startAt = step.stoppedAt + 1;
      // Each hang costs two call limits and a new child; a unit that keeps hanging (a loop no input of this kind
      // ends) would spend minutes on the rest. Those are left not run.
      if (step.death?.kind === 'timeout' && ++hangs >= MAX_HANGS_PER_JOB) break;
    }
    return { results, blocks, processes };
  } finally {
    removeTempDir(tmpDir);
  }
}

interface ChildStep {
  blocks: number;
  loadError?: ErrorInfo;
  /** Index of the candidate running when the child ended early; undefined when it finished. */
  stoppedAt?: number;
  death?: Outcome;
}

/**
 * Loads `modulePath` and the modules its relative `specifiers` name in a sandbox child, and reports which of its
 * exported values are theirs (core/reexports.ts). A module that does not load reports its load error.
 */
export async function probeReexports(
  projectRoot: string,
  modulePath: string,
  specifiers: string[],
  limits: Limits,
  signal?: AbortSignal,
): Promise<{ checks: ReexportCheck[]; loadError?: ErrorInfo }> {
  const tmpDir = makeTempDir();
  try {
    let checks: ReexportCheck[] = [];
    const job: Job = { projectRoot, modulePath, exportName: 'export=', candidates: [], startAt: 0, instrument: false, probeReexports: specifiers };
    const step = await runChild(job, limits, tmpDir, signal, () => undefined, (found) => (checks = found));
    return { checks, ...(step.loadError ? { loadError: step.loadError } : {}) };
  } finally {
    removeTempDir(tmpDir);
  }
}

function runChild(
  job: Job,
  limits: Limits,
  tmpDir: string,
  signal: AbortSignal | undefined,
  onResult: (index: number, r: CandidateResult) => void,
  onReexports?: (checks: ReexportCheck[]) => void,
): Promise<ChildStep> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...sandboxArgs(tmpDir, limits), HARNESS], {
      cwd: tmpDir,
      env: sandboxEnv({}, limits),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    live.add(child);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    let blocks = 0;
    let current: number | undefined;
    let finished = false;
    let killedForTimeout = false;
    let loadError: ErrorInfo | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    // Loading the module (and TypeScript) gets its own, longer allowance than one call.
    const arm = (ms: number) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        killedForTimeout = true;
        child.kill('SIGKILL');
      }, ms);
    };
    arm(limits.timeoutMs + 10_000);
    const onAbort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort);
    child.on('message', (m: ChildMessage) => {
      switch (m.type) {
        case 'loaded':
          blocks = m.blocks;
          break;
        case 'load-error':
          loadError = m.error;
          break;
        case 'start':
          current = m.index;
          arm(limits.timeoutMs * 2); // two calls per candidate (the determinism check)
          break;
        case 'outcome':
          onResult(m.index, { outcome: m.outcome, hits: m.hits, stable: m.stable, ...(m.environment ? { environment: true } : {}), ...(m.local ? { local: true } : {}), ...(m.globals ? { globals: true } : {}) });
          current = undefined;
          break;
        case 'reexports':
          onReexports?.(m.checks);
          break;
        case 'done':
          finished = true;
          // Every outcome is in. A timer or socket the user's module left open would keep the child alive until the
          // watchdog (two call limits later), for every unit of the module: end it now.
          child.kill('SIGKILL');
          break;
      }
    });
    child.on('error', (e) => {
      loadError ??= { name: 'Error', message: `cannot start the sandbox: ${e.message}`, className: 'Error' };
    });
    child.on('exit', (code, sig) => {
      clearTimeout(watchdog);
      live.delete(child);
      signal?.removeEventListener('abort', onAbort);
      if (loadError) return resolve({ blocks, loadError });
      if (finished || signal?.aborted) return resolve({ blocks });
      if (current === undefined) {
        // Died while loading, or between candidates.
        const why = killedForTimeout ? `loading took longer than ${limits.timeoutMs + 10_000} ms` : `the module exited while loading (code ${code}, signal ${sig})${stderr ? `: ${lastLine(stderr)}` : ''}`;
        return resolve({ blocks, loadError: { name: 'Error', message: why, className: 'Error' } });
      }
      const death: Outcome = killedForTimeout ? { kind: 'timeout', ms: limits.timeoutMs } : { kind: 'exit', code, signal: sig };
      resolve({ blocks, stoppedAt: current, death });
    });
    child.send({ ...job });
  });
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim());
  return lines[lines.length - 1] ?? '';
}
