// Entry of the vitest host: a child process that keeps one vitest instance warm for a project (the project's own
// vitest, created through its node API with its own config) and runs test files one at a time with vitest's v8
// coverage, so the figures are vitest's and a save re-runs only the files it affects. Vitest files run only inside
// vitest (`import { it } from 'vitest'` refuses plain Node), and vitest measures the code Vite transformed, so its
// own coverage provider is the one that maps the offsets back.
//
// Confinement: the host loads the project's config (user code) and starts vitest's workers, so it keeps the right to
// start processes; it may write only in its temp folder and vitest's own caches, and has no network. The workers,
// where the tests run, get the whole guard (writes, processes, network) from workerGuard.ts through NODE_OPTIONS.
// A watchdog thread ends the host when the server is gone; the server kills the host's whole process group.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileCoverageData } from '../core/coverage';
import { verifyFailures, type HostReply, type HostRequest, type HostRun, type HostStart } from './hostProtocol';
import { installNetworkGuard, installWriteGuard } from './guard';

const start = JSON.parse(process.argv[2]!) as HostStart;

// The watchdog ends the host's whole process group (the server starts it as a group leader), so the runner's workers
// go with it even when one of them is stuck in a loop. On Linux it also holds the workers to the memory limit, by their
// resident memory read from /proc: a V8 heap flag on each worker would cost every run a tenth of its time (any V8
// flag in NODE_OPTIONS makes Node start without its startup snapshot), and resident memory counts buffers too.
const memoryByProc = process.platform === 'linux';
const RSS_SLACK_MB = 256;
const watchdog = new Worker(
  `const { workerData, parentPort } = require('node:worker_threads');
   const fs = require('node:fs');
   const end = () => { try { process.kill(-workerData.pid, 'SIGKILL'); } catch { process.kill(workerData.pid, 'SIGKILL'); } };
   const children = () => {
     const out = [];
     for (const t of fs.readdirSync('/proc/' + workerData.pid + '/task')) {
       out.push(...fs.readFileSync('/proc/' + workerData.pid + '/task/' + t + '/children', 'utf8').split(' ').filter(Boolean).map(Number));
     }
     return out;
   };
   setInterval(() => {
     if (process.ppid !== workerData.ppid) end();
     if (!workerData.limitBytes) return;
     try {
       for (const pid of children()) {
         const rss = Number(fs.readFileSync('/proc/' + pid + '/statm', 'utf8').split(' ')[1]) * 4096;
         if (rss > workerData.limitBytes) {
           process.kill(pid, 'SIGKILL');
           parentPort.postMessage({ pid, mb: Math.round(rss / 1048576) });
         }
       }
     } catch {}
   }, 100);`,
  { eval: true, workerData: { ppid: process.ppid, pid: process.pid, limitBytes: memoryByProc ? (start.memoryMb + RSS_SLACK_MB) * 2 ** 20 : 0 } },
);
watchdog.unref();
/** Workers the watchdog killed for their memory since the last run started. */
const overMemory: { pid: number; mb: number }[] = [];
watchdog.on('message', (m: { pid: number; mb: number }) => overMemory.push(m));

const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

// The parts of vitest's node API this host uses (stable across vitest 3 and 4).
interface TestResult {
  state: string;
  errors?: ErrorLike[];
}
interface TestCase {
  fullName: string;
  result(): TestResult;
}
interface TestModule {
  moduleId: string;
  state(): string;
  errors(): ErrorLike[];
  children: { allTests(): Iterable<TestCase> };
  diagnostic(): { duration?: number; importDurations?: Record<string, unknown> };
}
interface Project {
  matchesTestGlob(file: string): boolean;
  createSpecification(file: string): unknown;
}
interface Vitest {
  version: string;
  projects: Project[];
  getRootProject(): Project;
  /** vitest ≥ 3.2; before that, `init`. */
  standalone?(): Promise<void>;
  init(): Promise<void>;
  invalidateFile(file: string): void;
  runTestSpecifications(specs: unknown[], allTestsRun?: boolean): Promise<{ testModules: TestModule[]; unhandledErrors: unknown[] }>;
  close(): Promise<void>;
}

const send = (m: HostReply) => process.send!(m);
const verifyLog = verifyFailures(start.tmpDir);
const withFailures = () => {
  const lines = verifyLog.read();
  return lines.length > 0 ? { verifyFailures: lines } : {};
};
const coverageDir = path.join(start.tmpDir, 'coverage');

async function boot(): Promise<Vitest> {
  const api = (await importModule(pathToFileURL(start.entry).href)) as { createVitest(mode: string, options: object, vite?: object): Promise<Vitest> };
  // Vite and vitest keep caches in the project's node_modules (config bundles, pre-bundled dependencies, results).
  const caches = [path.join(start.root, 'node_modules', '.vite'), path.join(start.root, 'node_modules', '.vite-temp'), path.join(start.root, 'node_modules', '.vitest')];
  // Vite bundles a TypeScript config into `<config>.timestamp-<n>-<hash>.mjs` beside it (when the project has no
  // node_modules folder of its own) and deletes it once loaded.
  const configDir = start.config ? path.dirname(start.config) : start.root;
  const bundledConfig = (file: string) => path.dirname(file) === configDir && /\.timestamp-\d+-[0-9a-f]+\.mjs$/.test(file);
  installWriteGuard([start.tmpDir, ...caches, ...start.allowWrite], bundledConfig);
  if (!start.allowNetwork) installNetworkGuard();
  // What vitest's workers inherit: the guard (and, where /proc cannot tell their memory, a heap limit).
  process.env.TESTGAP_GUARD = JSON.stringify({ writable: [start.tmpDir, ...start.allowWrite], allowNetwork: start.allowNetwork });
  process.env.NODE_OPTIONS = `--require ${JSON.stringify(path.join(__dirname, 'workerGuard.js'))}${memoryByProc ? '' : ` --max-old-space-size=${start.memoryMb}`}`;
  process.chdir(start.root);
  const vitest = await api.createVitest(
    'test',
    {
      root: start.root,
      ...(start.config ? { config: start.config } : {}),
      watch: true,
      // A reporter that says nothing: results are read from the test modules (an empty list means "the default").
      reporters: [{ onInit() {} }],
      // Workers are processes, so the guard reaches them through NODE_OPTIONS and a hang is one group to kill.
      pool: 'forks',
      coverage: { enabled: true, provider: 'v8', reporter: [['json', { file: 'coverage-final.json' }]], reportsDirectory: coverageDir, reportOnFailure: true, clean: true, cleanOnRerun: true, thresholds: {} },
    },
    { server: { watch: null } },
  );
  await (vitest.standalone ? vitest.standalone() : vitest.init());
  return vitest;
}

function projectOf(vitest: Vitest, file: string): Project {
  return vitest.projects.find((p) => p.matchesTestGlob(file)) ?? vitest.getRootProject();
}

interface ErrorLike {
  message?: string;
  name?: string;
  stack?: string;
  /** Where Vite's transform failed (a syntax error), and the module it was transforming. */
  loc?: { file?: string; line?: number; column?: number };
  id?: string;
  /** vitest 4 keeps Vite's transform error (with `id` and `loc`) here. */
  __vitest_rollup_error__?: { id?: string; loc?: { file?: string; line?: number; column?: number } };
}

/** The error in one line, with where it happened in the project (not in vitest's or vite's own code). */
function messageOf(e: ErrorLike | undefined): string | undefined {
  if (!e) return undefined;
  const frame = (e.stack ?? '')
    .split('\n')
    .find((l) => /^\s+at /.test(l) && !/node_modules|node:internal/.test(l))
    ?.trim();
  const loc = e.loc ?? e.__vitest_rollup_error__?.loc;
  const where = loc?.file ? `${loc.file}:${loc.line ?? 0}:${loc.column ?? 0}` : (e.id ?? e.__vitest_rollup_error__?.id ?? frame);
  const text = `${e.name && !String(e.message).startsWith(e.name) ? `${e.name}: ` : ''}${(e.message ?? 'error').split('\n')[0]}`;
  return `${text}${where ? ` (${where})` : ''}`;
}

async function runOne(vitest: Vitest, file: string): Promise<HostRun> {
  const started = Date.now();
  overMemory.length = 0;
  verifyLog.reset();
  // vitest cleans its own folder on each run (`cleanOnRerun`); the report of the last run must not be read for this one.
  fs.rmSync(path.join(coverageDir, 'coverage-final.json'), { force: true });
  const result = await vitest.runTestSpecifications([projectOf(vitest, file).createSpecification(file)], false);
  const module = result.testModules.find((m) => path.resolve(m.moduleId) === file) ?? result.testModules[0];
  let coverage: Record<string, FileCoverageData> = {};
  try {
    coverage = JSON.parse(fs.readFileSync(path.join(coverageDir, 'coverage-final.json'), 'utf8'));
  } catch {
    // no test ran, or vitest wrote nothing: no figures from this file
  }
  const tests = module ? [...module.children.allTests()] : [];
  const states = tests.map((t) => t.result().state);
  const counts = { total: tests.length, passed: states.filter((s) => s === 'passed').length, skipped: states.filter((s) => s === 'skipped' || s === 'pending').length };
  const failures = tests.filter((t) => t.result().state === 'failed').map((t) => `"${t.fullName}": ${messageOf(t.result().errors?.[0]) ?? 'failed'}`);
  const moduleErrors = (module?.errors() ?? []).map(messageOf).filter(Boolean) as string[];
  const unhandled = result.unhandledErrors.map((e) => messageOf(e as Error)).filter(Boolean) as string[];
  const state = module?.state() ?? 'failed';
  const passed = (state === 'passed' || state === 'skipped') && failures.length === 0 && moduleErrors.length === 0 && unhandled.length === 0;
  const loaded = Object.keys(module?.diagnostic().importDurations ?? {}).filter((f) => path.isAbsolute(f));
  // The watchdog's memory kill comes first: vitest itself only sees a worker that went away.
  const killed = overMemory[0];
  if (killed) {
    const message = `used ${killed.mb} MB of memory, more than the limit (memoryMb ${start.memoryMb} + ${RSS_SLACK_MB} MB for the runner), and was stopped`;
    return { testFile: file, status: 'crashed', durationMs: Date.now() - started, tests: counts, coverage: {}, loaded: [file, ...loaded], message };
  }
  const message = passed
    ? undefined
    : failures.length
      ? `${failures.length} ${failures.length === 1 ? 'test' : 'tests'} failed: ${failures.join('; ')}`
      : [...moduleErrors, ...unhandled][0] ?? (module ? `vitest reported the file as ${state}` : 'vitest ran no test module for this file');
  return { testFile: file, status: passed ? 'passed' : 'failed', durationMs: Date.now() - started, tests: counts, coverage, loaded: [...new Set([file, ...loaded, ...Object.keys(coverage)])], ...(message ? { message } : {}), ...withFailures() };
}

boot().then(
  (vitest) => {
    send({ type: 'ready', version: vitest.version });
    let queue = Promise.resolve();
    process.on('message', (m: HostRequest) => {
      if (m.type === 'close') {
        void vitest.close().finally(() => process.exit(0));
        return;
      }
      queue = queue.then(async () => {
        for (const f of m.changed) vitest.invalidateFile(f);
        for (const file of m.files) {
          try {
            send({ type: 'ran', id: m.id, run: await runOne(vitest, file) });
          } catch (e) {
            send({ type: 'ran', id: m.id, run: { testFile: file, status: 'failed', durationMs: 0, coverage: {}, loaded: [file], message: messageOf(e as Error) ?? String(e) } });
          }
        }
        send({ type: 'done', id: m.id });
      });
    });
  },
  (e: unknown) => {
    send({ type: 'failed', message: messageOf(e as Error) ?? String(e) });
    process.exit(1);
  },
);
// The server is gone (its channel closed): the runner's workers go with this host.
process.on('disconnect', () => {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.exit(1);
  }
});
