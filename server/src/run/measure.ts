// Coverage of a whole project (or of the test files a save affects): runs the tests, keeps the results in a
// CoverageStore, and reports every source file against its target. Shared by `testgap coverage`, `testgap check
// --coverage` and the server.
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import libCoverage from 'istanbul-lib-coverage';
import libReport from 'istanbul-lib-report';
import reports from 'istanbul-reports';
import { fileReport, sumTotals, targetFor, type FileCoverageData, type FileReport, type FileSummary, type TestRunRecord } from '../core/coverage';
import type { Project } from '../core/project';
import type { MochaOptions, Preload } from '../core/runner';
import type { Settings } from '../core/settings';
import { CoverageStore, runTestFiles, type TestFileRun } from './coverage';
import type { HostRun } from './hostProtocol';
import { runInHost, type HostOptions } from './runnerHost';
import { limitsFor } from './sandbox';

export interface FileCoverageResult extends FileReport {
  data: FileCoverageData;
  target: { kind: 'unit' | 'integration'; pct: number };
  meetsTarget: boolean;
}

/** What the CLI's JSON and the `testgap/coverage` notification say of one file (plus its path or URI). */
export interface FileFigures extends FileSummary {
  uncoveredLines: number[];
  uncoveredBranches: FileReport['uncoveredBranches'];
  target: FileCoverageResult['target'];
  meetsTarget: boolean;
}

export function fileFigures(f: FileCoverageResult): FileFigures {
  return { ...f.summary, uncoveredLines: f.uncoveredLines, uncoveredBranches: f.uncoveredBranches, target: f.target, meetsTarget: f.meetsTarget };
}

export interface ProjectCoverage {
  files: FileCoverageResult[];
  total: FileSummary;
  tests: TestRunRecord[];
}

export function integrationMatcher(settings: Settings, project: Project): (file: string) => boolean {
  const match = picomatch(settings.integrationTestPattern, { dot: true });
  return (file) => match(project.relative(file));
}

export function sourceFilter(project: Project): (file: string) => boolean {
  // A module of types only compiles to nothing: there is no code whose coverage could be measured.
  return (file) => project.contains(file) && !project.isTestFile(file) && !project.facts(file).typeOnly;
}

/**
 * What the project's test script loads before its tests (`--import tsx`, `-r ts-node/register`, `--loader ts-node/esm`,
 * `--import ./test/setup.mjs`), resolved from the project as Node resolves it. Undefined when there is none, or when a
 * package it names is not installed: then testgap's own loader compiles the TypeScript, and the figures follow
 * TypeScript's output rather than that loader's.
 */
export function resolvePreload(project: Project): Preload | undefined {
  const wanted = project.runner().preload;
  if (!wanted) return undefined;
  const resolve = (spec: string) => resolveFrom(project.root, spec);
  const packages = { import: wanted.import.map(resolve), require: wanted.require.map(resolve), hooks: wanted.hooks.map(resolve) };
  if ([...packages.import, ...packages.require, ...packages.hooks].some((f) => f === undefined)) return undefined;
  return { ...(packages as Omit<Preload, 'setup'>), setup: wanted.setup.map((f) => path.resolve(project.root, f)) };
}

/**
 * Why testgap measures no coverage of this project, in words for the user, when that can be told before running
 * anything: the runner is not installed, is a version testgap cannot drive on this Node, or (vitest) has no coverage
 * provider. Running the files without their runner fails every one of them, and would publish 0 % and `uncovered`
 * where the tests do run.
 */
export function unmeasurable(project: Project): string | undefined {
  const d = project.runner();
  if (d.runner === 'mocha' && d.source !== 'default' && d.source !== 'imports' && !resolveFrom(project.root, 'mocha')) {
    return `the tests of ${project.root} run with mocha (${d.evidence}), which is not installed, so testgap measures no coverage here: install the project's dependencies (npm install)`;
  }
  // vitest or jest named anywhere, imports included (a workspace may declare it only at its root).
  if ((d.runner !== 'vitest' && d.runner !== 'jest') || d.source === 'default') return undefined;
  if (d.warnings.length > 0) return `${d.warnings[0]} testgap measures no coverage here.`;
  const host = hostOptions(project);
  return typeof host === 'string' ? host : undefined;
}

/** How the project's vitest or jest is driven, or why it cannot be (undefined: the runner is another). */
export function hostOptions(project: Project): Omit<HostOptions, 'limits'> | string | undefined {
  if (!usesRunnerHost(project)) return undefined;
  return project.runner().runner === 'vitest' ? vitestHost(project) : jestHost(project);
}

/** Whether the project's tests run in its runner's own process (a kept host) rather than one child per file. */
export function usesRunnerHost(project: Project): boolean {
  const d = project.runner();
  return (d.runner === 'vitest' || d.runner === 'jest') && d.source !== 'default';
}

/** Files whose change restarts a runner host: what its configuration is read from. */
function hostInputs(project: Project): string[] {
  const d = project.runner();
  const names = ['package.json', 'tsconfig.json', ...(d.configFile && !d.configFile.includes('#') ? [d.configFile] : []), ...d.setupFiles];
  return [...new Set(names.map((n) => path.resolve(project.root, n)))];
}

/**
 * How the project's vitest is driven: its node API (`vitest/node`, from the project) in a host process, with its
 * config. A string says why it cannot be: vitest is not installed, is older than 3, or has no v8 coverage provider.
 */
export function vitestHost(project: Project): Omit<HostOptions, 'limits'> | string {
  const d = project.runner();
  const entry = resolveFrom(project.root, 'vitest/node');
  if (!entry) return `the tests of ${project.root} run with vitest (${d.evidence}), which is not installed, so testgap measures no coverage here: install the project's dependencies (npm install)`;
  const version = packageVersion(entry, 'vitest') ?? d.version ?? '';
  if (Number(/^(\d+)/.exec(version)?.[1] ?? 0) < 3) return `the tests of ${project.root} run with vitest ${version}; testgap drives vitest 3 and 4, so it measures no coverage here (npm i -D vitest@^4)`;
  // vitest loads its coverage provider from the project (or from beside itself, in a workspace).
  if (!resolveFrom(project.root, '@vitest/coverage-v8') && !resolveFrom(path.dirname(entry), '@vitest/coverage-v8')) {
    return `the tests of ${project.root} run with vitest ${version}, and testgap measures them with vitest's v8 coverage, which is not installed: npm i -D @vitest/coverage-v8@${version}`;
  }
  const config = d.configFile && !d.configFile.includes('#') ? path.resolve(project.root, d.configFile) : undefined;
  return { kind: 'vitest', root: project.root, ...(config ? { config } : {}), entry, inputs: hostInputs(project) };
}

/**
 * How the project's jest is driven: `runCLI` from the @jest/core its jest uses, in a host process, with its config
 * (`--config`, a jest.config.* file or package.json's "jest"). A string says why it cannot be: jest is not installed
 * or is older than 27.
 */
export function jestHost(project: Project): Omit<HostOptions, 'limits'> | string {
  const d = project.runner();
  const jest = resolveFrom(project.root, 'jest');
  const entry = jest && resolveFrom(path.dirname(jest), '@jest/core');
  if (!jest || !entry) return `the tests of ${project.root} run with jest (${d.evidence}), which is not installed, so testgap measures no coverage here: install the project's dependencies (npm install)`;
  const version = packageVersion(jest, 'jest') ?? d.version ?? '';
  if (Number(/^(\d+)/.exec(version)?.[1] ?? 0) < 25) return `the tests of ${project.root} run with jest ${version}; testgap drives jest 25 to 30, so it measures no coverage here (npm i -D jest@^30)`;
  const config = d.configFile && !d.configFile.includes('#') ? path.resolve(project.root, d.configFile) : undefined;
  // Native ES modules in jest need this flag on the process that runs the tests (`node --experimental-vm-modules …jest`).
  const script = JSON.stringify(readJson(path.join(project.root, 'package.json'))?.scripts ?? {});
  const execArgv = /--experimental-vm-modules/.test(script) ? ['--experimental-vm-modules'] : [];
  return { kind: 'jest', root: project.root, ...(config ? { config } : {}), entry, inputs: hostInputs(project), ...(execArgv.length ? { execArgv } : {}) };
}

function readJson(file: string): { scripts?: Record<string, string> } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { scripts?: Record<string, string> };
  } catch {
    return undefined;
  }
}

/** The version in the package.json of the package `name` that `file` belongs to. */
function packageVersion(file: string, name: string): string | undefined {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version;
    } catch {
      // no package.json here
    }
  }
  return undefined;
}

/** How a mocha project's test files run: the project's mocha (its main file) with the options of its config. */
export interface MochaRun extends Omit<MochaOptions, 'files'> {
  kind: 'mocha';
  main: string;
  /** Absolute paths of the `file` entries. */
  files?: string[];
}

/**
 * The runner that must run each test file: mocha's files call its globals (`describe`, `it`), so its own copy runs
 * them. uvu and node:test files run themselves. Undefined also when mocha is not installed: the files then run as
 * they are, and fail saying what is missing.
 */
export function runnerFor(project: Project): MochaRun | undefined {
  const d = project.runner();
  if (d.runner !== 'mocha') return undefined;
  const main = resolveFrom(project.root, 'mocha');
  if (!main) return undefined;
  const o = d.options ?? {};
  return { kind: 'mocha', main, ...o, ...(o.files ? { files: o.files.map((f) => path.resolve(project.root, f)) } : {}) };
}

function resolveFrom(root: string, spec: string): string | undefined {
  try {
    return require.resolve(spec, { paths: [root] });
  } catch {
    return undefined;
  }
}

export interface TestsRun {
  /** False when cancelled: nothing was recorded. */
  completed: boolean;
  /** The project's runner could not start (its config threw, it hung): why. */
  runnerError?: string;
  /** How many test files ran and were recorded. */
  ran: number;
}

/**
 * Runs `testFiles` (default: every runnable test file) and records the results in `store`. vitest projects run in
 * the project's vitest (a kept host: `keepHost`, for the server); the others each in a coverage child. `changed`:
 * files saved since the last run, which a kept runner must read again.
 */
export async function runTests(
  project: Project,
  settings: Settings,
  store: CoverageStore,
  o: { testFiles?: string[]; changed?: string[]; keepHost?: boolean; signal?: AbortSignal; onProgress?: (done: number, total: number, testFile: string) => void } = {},
): Promise<TestsRun> {
  const testFiles = o.testFiles ?? project.runnableTestFiles();
  const isSource = sourceFilter(project);
  const host = hostOptions(project);
  if (typeof host === 'string') return { completed: true, runnerError: host, ran: 0 };
  if (host) {
    const result = await runInHost({ ...host, limits: limitsFor(settings, project.root, 'test-file') }, testFiles, o.changed ?? [], {
      keep: !!o.keepHost,
      signal: o.signal,
      onRun: (run, done) => o.onProgress?.(done, testFiles.length, run.testFile),
    });
    if (o.signal?.aborted) return { completed: false, ran: 0 };
    for (const run of result.runs) store.record(hostRun(run, isSource, (f) => project.contains(f)));
    return { completed: true, ran: result.runs.length, ...(result.error ? { runnerError: result.error } : {}) };
  }
  const manifest = store.transpiled.prepare(project.knownFiles());
  const preload = resolvePreload(project);
  const runner = runnerFor(project);
  const runs = await runTestFiles({
    manifest,
    ...(preload ? { preload } : {}),
    ...(runner ? { runner } : {}),
    root: project.root,
    testFiles,
    isSource,
    isProjectFile: (f) => project.contains(f),
    limits: limitsFor(settings, project.root, 'test-file'),
    signal: o.signal,
    onProgress: o.onProgress,
  });
  if (o.signal?.aborted) return { completed: false, ran: 0 };
  for (const run of runs) store.record(run);
  return { completed: true, ran: runs.length };
}

/** A runner host's run as the store keeps runs: the runner's own coverage of the project's sources. */
function hostRun(run: HostRun, isSource: (f: string) => boolean, isProjectFile: (f: string) => boolean): TestFileRun {
  const istanbul = Object.fromEntries(Object.entries(run.coverage).filter(([f]) => isSource(f)));
  return {
    testFile: run.testFile,
    status: run.status,
    exitCode: null,
    durationMs: run.durationMs,
    ...(run.tests ? { tests: run.tests } : {}),
    ...(run.message ? { message: run.message } : {}),
    scripts: [],
    loadedFiles: run.loaded.filter(isProjectFile).sort(),
    sourceMaps: {},
    istanbul,
  };
}

/** The coverage of `files` (default: every source file of the project) from what `store` holds. */
export async function coverageReport(project: Project, settings: Settings, store: CoverageStore, files?: string[]): Promise<ProjectCoverage> {
  const isIntegration = integrationMatcher(settings, project);
  const sources = files ?? project.knownFiles().filter(sourceFilter(project));
  const results: FileCoverageResult[] = [];
  for (const file of sources) {
    const data = await store.coverageOf(file);
    const report = fileReport(data);
    const target = targetFor(store.index.testsLoading(file).map((t) => ({ integration: isIntegration(t) })), settings.coverageTargets);
    results.push({ ...report, file, data, target, meetsTarget: report.summary.lines.pct >= target.pct });
  }
  const tests = store.index.knownTests().map((t) => store.index.get(t)!);
  return { files: results, total: sumTotals(results.map((r) => r.summary)), tests };
}

/** Writes `lcov.info` and `coverage-summary.json` (what editors' coverage gutters and CI badges read) into `dir`. */
export function writeCoverageFiles(root: string, dir: string, files: FileCoverageResult[]): string[] {
  const map = libCoverage.createCoverageMap({});
  for (const f of files) map.addFileCoverage(f.data as unknown as libCoverage.FileCoverageData);
  const context = libReport.createContext({ dir, coverageMap: map, defaultSummarizer: 'flat', sourceFinder: (p: string) => fs.readFileSync(p, 'utf8') });
  // lcov paths relative to the project, as c8 writes them from the project root.
  reports.create('lcovonly', { file: 'lcov.info', projectRoot: root } as never).execute(context);
  reports.create('json-summary', { file: 'coverage-summary.json' }).execute(context);
  return [path.join(dir, 'lcov.info'), path.join(dir, 'coverage-summary.json')];
}
