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
import { describeRunner, type MochaOptions, type Preload } from '../core/runner';
import type { Settings } from '../core/settings';
import { CoverageStore, runTestFiles } from './coverage';
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
 * Why testgap measures no coverage of this project, in words for the user: its tests run under vitest or jest, whose
 * test files only their own runner can run, and testgap does not drive those runners yet. Running the files as plain
 * modules fails every one of them, and would publish 0 % and `uncovered` where the tests do run.
 */
export function unmeasurable(project: Project): string | undefined {
  const d = project.runner();
  if (d.runner === 'mocha' && d.source !== 'default' && d.source !== 'imports' && !resolveFrom(project.root, 'mocha')) {
    return `the tests of ${project.root} run with mocha (${d.evidence}), which is not installed, so testgap measures no coverage here: install the project's dependencies (npm install)`;
  }
  // vitest or jest named anywhere, imports included (a workspace may declare it only at its root).
  if ((d.runner !== 'vitest' && d.runner !== 'jest') || d.source === 'default') return undefined;
  const command = d.runner === 'vitest' ? 'npx vitest run --coverage' : 'npm test -- --coverage';
  return `the tests of ${project.root} run with ${describeRunner(d)}; testgap cannot run ${d.runner}'s test files yet, so it measures no coverage here (\`${command}\` gives the runner's own figures)`;
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

/** Runs `testFiles` (default: every runnable test file) and records the results in `store`. */
export async function runTests(
  project: Project,
  settings: Settings,
  store: CoverageStore,
  o: { testFiles?: string[]; signal?: AbortSignal; onProgress?: (done: number, total: number, testFile: string) => void } = {},
): Promise<boolean> {
  const testFiles = o.testFiles ?? project.runnableTestFiles();
  const manifest = store.transpiled.prepare(project.knownFiles());
  const preload = resolvePreload(project);
  const runner = runnerFor(project);
  const runs = await runTestFiles({
    manifest,
    ...(preload ? { preload } : {}),
    ...(runner ? { runner } : {}),
    root: project.root,
    testFiles,
    isSource: sourceFilter(project),
    isProjectFile: (f) => project.contains(f),
    limits: limitsFor(settings, project.root, 'test-file'),
    signal: o.signal,
    onProgress: o.onProgress,
  });
  if (o.signal?.aborted) return false;
  for (const run of runs) store.record(run);
  return true;
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
