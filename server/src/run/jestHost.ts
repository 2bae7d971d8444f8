// Entry of the jest host: a child process that runs a project's test files with the project's own jest (`runCLI`
// from its @jest/core, with its config: setup files, transforms, moduleNameMapper, testEnvironment), one file per
// call, in band, with jest's v8 coverage. Jest test files need jest's globals, module registry and transforms, so only
// jest can run them; its coverage map, with the project's own `coverageProvider` (jest's default is babel's
// instrumentation), is what `jest --coverage` reports. The process is kept:
// jest's transform cache (in the host's folder) and the loaded jest itself make each later call cheaper.
//
// The tests run in this process (in band), so the whole guard goes in before the first one: writes only in the host's
// folder, no processes or workers (jest's file crawler falls back from `find` to Node's fs), no network.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileCoverageData } from '../core/coverage';
import { verifyFailures, type HostReply, type HostRequest, type HostRun, type HostStart } from './hostProtocol';
import { installGuard } from './guard';

const start = JSON.parse(process.argv[2]!) as HostStart;

// The watchdog ends the host's whole process group (the server starts it as a group leader), so the runner's workers
// go with it even when one of them is stuck in a loop.
new Worker(
  `const { workerData } = require('node:worker_threads');
   const end = () => { try { process.kill(-workerData.pid, 'SIGKILL'); } catch { process.kill(workerData.pid, 'SIGKILL'); } };
   setInterval(() => { if (process.ppid !== workerData.ppid) end(); }, 250);`,
  { eval: true, workerData: { ppid: process.ppid, pid: process.pid } },
).unref();

interface AssertionResult {
  fullName: string;
  status: string;
  failureMessages?: string[];
}
interface TestFileResult {
  testFilePath: string;
  testResults: AssertionResult[];
  failureMessage?: string | null;
  testExecError?: { message?: string; stack?: string } | null;
  numFailingTests: number;
  numPassingTests: number;
  numPendingTests: number;
  numTodoTests?: number;
}
interface AggregatedResult {
  testResults: TestFileResult[];
  coverageMap?: { toJSON(): Record<string, FileCoverageData> };
  numRuntimeErrorTestSuites?: number;
  numTotalTestSuites: number;
}
type RunCli = (argv: Record<string, unknown>, projects: string[]) => Promise<{ results: AggregatedResult }>;

const send = (m: HostReply) => process.send!(m);
const verifyLog = verifyFailures(start.tmpDir);
const withFailures = () => {
  const lines = verifyLog.read();
  return lines.length > 0 ? { verifyFailures: lines } : {};
};
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** The first line of a failure and the first stack line in the project: what a user needs to find it. */
function firstLines(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const lines = stripAnsi(text).split('\n').map((l) => l.trim()).filter(Boolean);
  // jest wraps a parse error in advice ("Jest encountered an unexpected token … Details:"): the error's own line
  // (`SyntaxError: /p/test/a.test.js: Unexpected token (3:0)`) says what and where.
  const head = lines.find((l) => /^\w*Error: /.test(l)) ?? lines.find((l) => !/^●/.test(l)) ?? lines[0];
  const at = lines.find((l) => /^at /.test(l) && !/node_modules|<anonymous>|node:internal/.test(l));
  return head ? `${head}${at ? ` (${at})` : ''}` : undefined;
}

function boot(): RunCli {
  const core = require(start.entry) as { runCLI: RunCli };
  process.chdir(start.root);
  // jest 30 resolves modules with a native addon (unrs-resolver), loaded on first use: load it before the guard,
  // which refuses native addons to the tests.
  try {
    const resolver = require(require.resolve('jest-resolve', { paths: [path.dirname(start.entry)] })) as { default: { findNodeModule(p: string, o: object): unknown } };
    resolver.default.findNodeModule('jest', { basedir: start.root });
  } catch {
    // an older jest-resolve (pure JavaScript), or none where expected: nothing to load early
  }
  installGuard([start.tmpDir, ...start.allowWrite], { allowNetwork: start.allowNetwork });
  return core.runCLI;
}

async function runOne(runCLI: RunCli, file: string): Promise<HostRun> {
  const started = Date.now();
  verifyLog.reset();
  const argv = {
    _: [file],
    $0: 'jest',
    ...(start.config ? { config: start.config } : {}),
    runTestsByPath: true,
    runInBand: true,
    silent: true,
    ci: true,
    watchman: false,
    cacheDirectory: path.join(start.tmpDir, 'cache'),
    coverage: true,
    coverageReporters: [],
    // Only what the file loaded: sources no test loads are counted by the caller, once, not on every call.
    collectCoverageFrom: [],
    coverageThreshold: undefined,
    passWithNoTests: true,
  };
  const { results } = await runCLI(argv, [start.root]);
  const result = results.testResults.find((r) => path.resolve(r.testFilePath) === file) ?? results.testResults[0];
  const coverage = results.coverageMap?.toJSON() ?? {};
  const tests = result?.testResults ?? [];
  const counts = { total: tests.length, passed: tests.filter((t) => t.status === 'passed').length, skipped: tests.filter((t) => t.status === 'pending' || t.status === 'todo' || t.status === 'skipped').length };
  const failures = tests.filter((t) => t.status === 'failed').map((t) => `"${t.fullName}": ${firstLines(t.failureMessages?.[0]) ?? 'failed'}`);
  const execError = result?.testExecError ? (firstLines(result.failureMessage) ?? firstLines(result.testExecError.stack) ?? result.testExecError.message ?? 'the test file failed to run') : undefined;
  const passed = !!result && failures.length === 0 && !execError && (result.numFailingTests ?? 0) === 0;
  const message = passed
    ? undefined
    : failures.length
      ? `${failures.length} ${failures.length === 1 ? 'test' : 'tests'} failed: ${failures.join('; ')}`
      : (execError ?? firstLines(result?.failureMessage) ?? (result ? 'jest reported the file as failed' : 'jest ran no test file: does its config (testMatch, roots) include it?'));
  return { testFile: file, status: passed ? 'passed' : 'failed', durationMs: Date.now() - started, tests: counts, coverage, loaded: [...new Set([file, ...Object.keys(coverage)])], ...(message ? { message } : {}), ...withFailures() };
}

let runCLI: RunCli;
let queue = (async () => {
  runCLI = boot();
  // Reading the config once now makes one that throws a start failure (one message), not a failure of every file.
  await runCLI({ _: [], $0: 'jest', ...(start.config ? { config: start.config } : {}), listTests: true, json: true, silent: true, watchman: false, cacheDirectory: path.join(start.tmpDir, 'cache') }, [start.root]);
  send({ type: 'ready', version: (require(path.join(path.dirname(start.entry), '..', 'package.json')) as { version: string }).version });
})().catch((e: unknown) => {
  send({ type: 'failed', message: firstLines((e as Error)?.stack) ?? String(e) });
  process.exit(1);
});
process.on('message', (m: HostRequest) => {
  if (m.type === 'close') process.exit(0);
  queue = queue.then(async () => {
    // jest reads every file again on each call (its transform cache is keyed by content): nothing to invalidate.
    for (const file of m.files) {
      try {
        send({ type: 'ran', id: m.id, run: await runOne(runCLI, file) });
      } catch (e) {
        send({ type: 'ran', id: m.id, run: { testFile: file, status: 'failed', durationMs: 0, coverage: {}, loaded: [file], message: firstLines((e as Error)?.stack) ?? String(e) } });
      }
    }
    send({ type: 'done', id: m.id });
  });
});
// The server is gone (its channel closed): the runner's workers go with this host.
process.on('disconnect', () => {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.exit(1);
  }
});
