// Runs the user's test files under V8 precise coverage (what NODE_V8_COVERAGE collects, taken by the child itself:
// coverageChild.ts), one child process per test file (so the model knows which source files each test loads), confined by guard.ts with a time and a memory limit, and turns V8's block coverage into
// Istanbul data with the libraries c8 uses (@bcoe/v8-coverage to merge, v8-to-istanbul to map back through source
// maps). Source files no test loaded get all-zero coverage from their transpiled text, like c8's `--all`.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { mergeProcessCovs, type ProcessCov, type ScriptCov } from '@bcoe/v8-coverage';
import libCoverage from 'istanbul-lib-coverage';
import v8ToIstanbul from 'v8-to-istanbul';
import { CoverageIndex, type FileCoverageData, type TestStatus } from '../core/coverage';
import type { Preload } from '../core/runner';
import type { MochaRun } from './measure';
import { transpileForSandbox } from './instrument';
import { makeTempDir, removeTempDir, sandboxEnv, trackChild, type Limits } from './sandbox';
import { TranspileCache } from './transpileCache';

const CHILD = path.join(__dirname, 'coverageChild.js');

/** What one test file's run produced: its V8 coverage of project source files, kept raw so runs can be merged. */
export interface TestFileRun {
  testFile: string;
  status: TestStatus;
  exitCode: number | null;
  durationMs: number;
  /** uvu's own count, when it printed one. */
  tests?: { total: number; passed: number; skipped: number };
  /** Why it failed: the end of its output. */
  message?: string;
  scripts: ScriptCov[];
  /** Every project file the test loaded, test helpers included: what its result depends on. */
  loadedFiles: string[];
  /** Source maps Node recorded for the loaded files (transpiled TypeScript), by file URL. */
  sourceMaps: Record<string, unknown>;
  /** The coverage the project's runner measured itself (vitest, jest), by source file: used instead of `scripts`. */
  istanbul?: Record<string, FileCoverageData>;
}

export interface CoverageRunOptions {
  root: string;
  testFiles: string[];
  /** Whether a loaded file counts as project source (not a test, not excluded, inside the root). */
  isSource: (file: string) => boolean;
  /** Whether a loaded file belongs to the project at all (test helpers do; packages do not). */
  isProjectFile: (file: string) => boolean;
  /** `timeoutMs` is the limit for one whole test file. */
  limits: Limits;
  /** A TranspileCache manifest the children read transpiled code from. */
  manifest?: string;
  /** Loaders the project's test script puts into Node (resolved paths): the tests run with them instead of testgap's. */
  preload?: Preload;
  /** A runner that runs each test file (mocha): the project's copy, resolved. */
  runner?: MochaRun;
  /** How many test files run at once (default: 2). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, testFile: string) => void;
}

export async function runTestFiles(o: CoverageRunOptions): Promise<TestFileRun[]> {
  const results: TestFileRun[] = new Array(o.testFiles.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < o.testFiles.length && !o.signal?.aborted) {
      const i = next++;
      results[i] = await runTestFile(o, o.testFiles[i]!);
      o.onProgress?.(++done, o.testFiles.length, o.testFiles[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 2, o.testFiles.length)) }, worker));
  return results.filter(Boolean);
}

interface CoverageChild {
  child: ChildProcess;
  tmpDir: string;
  memoryMb: number;
  output: { text: string };
  used: boolean;
}

const warm: CoverageChild[] = [];
let warmTarget = 0;

/**
 * Keeps `n` coverage children booted and waiting, so a save does not wait for Node to start (the server sets 1; the
 * CLI, which runs everything once, keeps none).
 */
export function keepWarmChildren(n: number, memoryMb: number): void {
  warmTarget = n;
  for (const w of warm.filter((x) => x.memoryMb !== memoryMb)) w.child.kill('SIGKILL');
  while (warm.filter((w) => w.memoryMb === memoryMb).length < n) warm.push(spawnCoverageChild(memoryMb));
}

/** Ends the warm children and keeps no more (shutdown). */
export function stopWarmChildren(): void {
  warmTarget = 0;
  for (const w of warm.splice(0)) w.child.kill('SIGKILL');
}

function spawnCoverageChild(memoryMb: number): CoverageChild {
  const tmpDir = makeTempDir('testgap-coverage-');
  const scratch = path.join(tmpDir, 'tmp');
  fs.mkdirSync(path.join(scratch, '.testgap-coverage'), { recursive: true });
  const child = spawn(process.execPath, [`--max-old-space-size=${memoryMb}`, CHILD], {
    cwd: scratch,
    env: sandboxEnv({ TMPDIR: scratch, TEMP: scratch, TMP: scratch }),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  trackChild(child);
  const output = { text: '' };
  const keep = (d: Buffer) => (output.text = (output.text + d).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const c: CoverageChild = { child, tmpDir, memoryMb, output, used: false };
  child.on('exit', () => {
    const i = warm.indexOf(c);
    if (i >= 0) warm.splice(i, 1);
    if (!c.used) removeTempDir(tmpDir);
  });
  return c;
}

function takeChild(memoryMb: number): CoverageChild {
  const i = warm.findIndex((w) => w.memoryMb === memoryMb && w.child.exitCode === null && w.child.signalCode === null && w.child.connected);
  const c = i >= 0 ? warm.splice(i, 1)[0]! : spawnCoverageChild(memoryMb);
  c.used = true;
  if (warmTarget > 0) setImmediate(() => keepWarmChildren(warmTarget, memoryMb));
  return c;
}

function runTestFile(o: CoverageRunOptions, testFile: string): Promise<TestFileRun> {
  const c = takeChild(o.limits.memoryMb);
  const { child, tmpDir } = c;
  const scratch = path.join(tmpDir, 'tmp');
  const v8Dir = path.join(scratch, '.testgap-coverage');
  const started = Date.now();
  return new Promise((resolve) => {
    child.send({ root: o.root, testFile, tmpDir: scratch, out: path.join(v8Dir, 'coverage.json'), manifest: o.manifest, allowWrite: o.limits.allowWrite ?? [], allowNetwork: !!o.limits.allowNetwork, ...(o.preload ? { preload: o.preload } : {}), ...(o.runner ? { runner: o.runner } : {}) });
    let timedOut = false;
    const watchdog = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, testFileTimeoutMs(o.limits));
    const onAbort = () => child.kill('SIGKILL');
    o.signal?.addEventListener('abort', onAbort);
    child.on('exit', (code, signal) => {
      const output = c.output.text;
      clearTimeout(watchdog);
      o.signal?.removeEventListener('abort', onAbort);
      const durationMs = Date.now() - started;
      const counts = testCounts(output.replace(/\x1b\[[0-9;]*m/g, ''), o.runner?.kind === 'mocha');
      // A test file can fail and still exit 0 (a failed assertion, then process.exit(0)): the counts say so.
      const failedByCount = !!counts && counts.passed + counts.skipped < counts.total;
      const status: TestStatus = timedOut ? 'timeout' : code === 0 && !failedByCount ? 'passed' : signal ? 'crashed' : 'failed';
      const raw = readV8Dir(v8Dir, o.isSource, o.isProjectFile);
      removeTempDir(tmpDir);
      resolve({
        testFile,
        status,
        exitCode: code,
        durationMs,
        ...(counts ? { tests: counts } : {}),
        ...(status === 'passed' ? {} : { message: failureMessage(status, code, signal, output, testFileTimeoutMs(o.limits)) }),
        ...raw,
      });
    });
  });
}

/** The test counts a run printed: uvu's summary, or mocha's spec reporter (`3 passing`, `1 pending`, `1 failing`). */
function testCounts(output: string, mocha: boolean): { total: number; passed: number; skipped: number } | undefined {
  const uvu = /Total:\s+(\d+)\s+Passed:\s+(\d+)\s+Skipped:\s+(\d+)/.exec(output);
  if (uvu) return { total: +uvu[1]!, passed: +uvu[2]!, skipped: +uvu[3]! };
  if (!mocha || !/^\s*\d+ passing\b/m.test(output)) return undefined;
  const count = (word: string) => Number(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'm').exec(output)?.[1] ?? 0);
  const [passed, skipped, failed] = [count('passing'), count('pending'), count('failing')];
  return { total: passed + skipped + failed, passed, skipped };
}

function testFileTimeoutMs(limits: Limits): number {
  return limits.timeoutMs;
}

function failureMessage(status: TestStatus, code: number | null, signal: NodeJS.Signals | null, output: string, timeoutMs: number): string {
  const text = output.replace(/\x1b\[[0-9;]*m/g, '').trim();
  const tail = text.split('\n').slice(-12).join('\n');
  if (status === 'timeout') return `did not finish within ${timeoutMs} ms${tail ? `\n${tail}` : ''}`;
  if (status === 'crashed') return `ended by ${signal}${tail ? `\n${tail}` : ''}`;
  if (/Exiting early before testing is finished/.test(text)) return `exited before its tests finished (code ${code})`;
  // uvu prints each failure as `FAIL  "name"` and the error's message on the next line.
  const failures: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = /^\s*FAIL\s+"(.*)"\s*$/.exec(line);
    if (m) failures.push(`"${m[1]}": ${(lines[i + 1] ?? '').trim()}`);
  });
  if (failures.length) return `${failures.length} ${failures.length === 1 ? 'test' : 'tests'} failed: ${failures.join('; ')}`;
  // A crash while loading (a syntax error, a missing module): the error's own line says what, the stack only where.
  const errorLine = lines.find((l) => /^\w*(Error|Exception)\b.*:/.test(l.trim()));
  return `exited with code ${code}${errorLine ? `: ${errorLine.trim()}` : ''}${tail ? `\n${tail}` : ''}`;
}

function readV8Dir(dir: string, isSource: (file: string) => boolean, isProjectFile: (file: string) => boolean): Pick<TestFileRun, 'scripts' | 'sourceMaps' | 'loadedFiles'> {
  const scripts: ScriptCov[] = [];
  const sourceMaps: Record<string, unknown> = {};
  const loaded = new Set<string>();
  let files: string[] = [];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return { scripts, sourceMaps, loadedFiles: [] };
  }
  for (const name of files) {
    let report: { result?: ScriptCov[]; 'source-map-cache'?: Record<string, unknown> };
    try {
      report = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    } catch {
      continue; // a child killed while writing leaves a partial file
    }
    for (const script of report.result ?? []) {
      const file = fileOfUrl(script.url);
      if (file && isProjectFile(file)) loaded.add(file);
      if (!file || !isSource(file)) continue;
      scripts.push({ ...script, url: pathToFileURL(file).href });
      const map = report['source-map-cache']?.[script.url];
      if (map) sourceMaps[pathToFileURL(file).href] = map;
    }
  }
  return { scripts, sourceMaps, loadedFiles: [...loaded].sort() };
}

function fileOfUrl(url: string): string | undefined {
  if (url.startsWith('file://')) return fileURLToPath(url);
  return path.isAbsolute(url) ? url : undefined;
}

/** Istanbul coverage of one source file from the runs that loaded it (merged as c8 merges processes). */
export async function fileCoverage(file: string, runs: TestFileRun[]): Promise<FileCoverageData> {
  // The runner's own figures: merged as the runner merges its test files (hits added up, statement by statement).
  const measured = runs.map((r) => r.istanbul?.[file]).filter((d): d is FileCoverageData => !!d);
  if (measured.length > 0) {
    const merged = libCoverage.createFileCoverage(measured[0] as unknown as libCoverage.FileCoverageData);
    for (const d of measured.slice(1)) merged.merge(d as unknown as libCoverage.FileCoverageData);
    return merged.toJSON() as unknown as FileCoverageData;
  }
  const url = pathToFileURL(file).href;
  const processes: ProcessCov[] = [];
  let sourceMap: unknown;
  for (const run of runs) {
    const scripts = run.scripts.filter((s) => s.url === url);
    if (!scripts.length) continue;
    processes.push({ result: scripts });
    sourceMap ??= run.sourceMaps[url];
  }
  if (!processes.length) return emptyCoverage(file);
  const merged = mergeProcessCovs(processes).result[0]!;
  const sources = sourcesFromNodeCache(sourceMap, file);
  const converter = v8ToIstanbul(file, 0, sources as Parameters<typeof v8ToIstanbul>[2]);
  await converter.load();
  converter.applyCoverage(merged.functions);
  const data = converter.toIstanbul() as Record<string, FileCoverageData>;
  converter.destroy();
  return data[file] ?? Object.values(data)[0] ?? emptyCoverage(file);
}

/**
 * As c8 does with Node's source-map cache: the map, and a stand-in source with the generated line lengths. A loader's
 * map without the original text (tsx leaves `sourcesContent` out unless NODE_V8_COVERAGE is set, which c8 sets) gets
 * it from the file, which is what that loader would have embedded.
 */
function sourcesFromNodeCache(entry: unknown, file: string): Record<string, unknown> | undefined {
  const e = entry as { data?: { sources?: unknown[]; sourcesContent?: (string | null)[] }; lineLengths?: number[] } | undefined;
  if (!e?.data) return undefined;
  let data = e.data;
  if (data.sources?.length === 1 && !data.sourcesContent?.[0]) {
    try {
      data = { ...data, sourcesContent: [fs.readFileSync(file, 'utf8')] };
    } catch {
      // gone since the run: the map alone
    }
  }
  return {
    sourceMap: { sourcemap: data },
    ...(e.lineLengths ? { source: e.lineLengths.map((n) => '.'.repeat(n)).join('\n') + '\n' } : {}),
  };
}

/** All-zero coverage of a file no test loaded: every line counts, none is covered. */
export async function emptyCoverage(file: string): Promise<FileCoverageData> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { path: file, statementMap: {}, fnMap: {}, branchMap: {}, s: {}, f: {}, b: {} };
  }
  const isTs = /\.[mc]?tsx?$/.test(file);
  let sources: Record<string, unknown> = { source: text };
  let length = Buffer.byteLength(text);
  if (isTs) {
    const out = transpileForSandbox(file, text, false);
    const m = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(out.code);
    const code = m ? out.code.slice(0, m.index) : out.code;
    length = code.length;
    sources = { source: code, ...(m ? { originalSource: text, sourceMap: { sourcemap: JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) } } : {}) };
  } else {
    length = text.length;
  }
  const converter = v8ToIstanbul(file, 0, sources as Parameters<typeof v8ToIstanbul>[2]);
  await converter.load();
  converter.applyCoverage([{ functionName: '(empty-report)', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: length, count: 0 }] }]);
  const data = converter.toIstanbul() as Record<string, FileCoverageData>;
  converter.destroy();
  return data[file] ?? Object.values(data)[0]!;
}

/**
 * The raw runs behind the model, and the Istanbul data derived from them per source file, cached until a run that
 * loads the file (or the file itself) changes.
 */
export class CoverageStore {
  readonly index = new CoverageIndex();
  readonly transpiled = new TranspileCache();
  private readonly runs = new Map<string, TestFileRun>();
  private readonly cache = new Map<string, Promise<FileCoverageData>>();

  record(run: TestFileRun): void {
    const before = this.index.get(run.testFile)?.loaded ?? [];
    let loaded = [...new Set([...run.loadedFiles, ...run.scripts.map((s) => fileURLToPath(s.url)), ...Object.keys(run.istanbul ?? {})])].sort();
    // A test killed for hanging wrote no coverage, so nothing says what it loads: keep what its last run said.
    if (loaded.length === 0 && run.status !== 'passed') loaded = before;
    this.runs.set(run.testFile, run);
    this.index.record({ testFile: run.testFile, status: run.status, loaded, durationMs: run.durationMs, ...(run.message ? { message: run.message } : {}) });
    for (const f of [...before, ...loaded]) this.cache.delete(f);
  }

  removeTest(testFile: string): void {
    for (const f of this.index.get(testFile)?.loaded ?? []) this.cache.delete(f);
    this.index.forget(testFile);
    this.runs.delete(testFile);
  }

  /** A source file changed on disk: its all-zero coverage (when no test loads it) must be made again. */
  fileChanged(file: string): void {
    this.cache.delete(file);
  }

  dispose(): void {
    this.transpiled.dispose();
  }

  run(testFile: string): TestFileRun | undefined {
    return this.runs.get(testFile);
  }

  coverageOf(file: string): Promise<FileCoverageData> {
    let p = this.cache.get(file);
    if (!p) {
      const runs = this.index.testsLoading(file).map((t) => this.runs.get(t)!).filter(Boolean);
      p = fileCoverage(file, runs);
      this.cache.set(file, p);
    }
    return p;
  }
}
