// `testgap coverage [--root DIR] [--json]`: runs the project's tests under V8 coverage, prints a table, and writes
// coverage/lcov.info and coverage/coverage-summary.json. `testgap check --coverage` reuses it to fail CI when a file
// is below its target.
import path from 'node:path';
import type { FileSummary, TestRunRecord } from '../core/coverage';
import { Project } from '../core/project';
import type { Settings } from '../core/settings';
import { nodeFileHost } from '../io/nodeHost';
import { CoverageStore } from '../run/coverage';
import { coverageReport, fileFigures, runTests, unmeasurable, writeCoverageFiles, type FileCoverageResult, type FileFigures, type ProjectCoverage } from '../run/measure';
import { killAllSandboxes } from '../run/sandbox';
import { projectSettings, type CliIo } from './check';

export interface CoverageJson {
  version: 1;
  root: string;
  total: FileSummary;
  targets: Settings['coverageTargets'];
  files: ({ path: string } & FileFigures)[];
  tests: { path: string; status: TestRunRecord['status']; durationMs: number; message?: string }[];
  written: string[];
  durationMs: number;
}

/** Runs every test file and returns the report (the caller prints it). */
export async function measureFromCli(o: CliIo, settings: Settings, scanned?: Project): Promise<{ project: Project; coverage: ProjectCoverage; runnerError?: string }> {
  const project = scanned ?? new Project(o.root, nodeFileHost, settings);
  if (!scanned) project.scan();
  const store = new CoverageStore();
  const tests = project.runnableTestFiles();
  if (o.interactive && tests.length) o.err(`\rtestgap: running 0/${tests.length} test files`);
  let runnerError: string | undefined;
  try {
    ({ runnerError } = await runTests(project, settings, store, {
      testFiles: tests,
      onProgress: (done, total) => {
        if (o.interactive) o.err(`\rtestgap: running ${done}/${total} test files`);
      },
    }));
  } finally {
    killAllSandboxes();
  }
  if (o.interactive && tests.length) o.err('\r\x1b[K');
  try {
    return { project, coverage: await coverageReport(project, settings, store), ...(runnerError ? { runnerError } : {}) };
  } finally {
    store.dispose();
  }
}

function pct(n: number): string {
  return n.toFixed(2).padStart(7);
}

export function coverageTable(coverage: ProjectCoverage, project: Project, cwd: string): string[] {
  const name = (f: string) => path.relative(cwd, f) || f;
  const rows = coverage.files.map((f) => [name(f.file), f]) as [string, FileCoverageResult][];
  const width = Math.max(9, ...rows.map(([n]) => n.length));
  const lines = [`${'File'.padEnd(width)} | % Lines | % Branch | % Funcs | Target | Uncovered lines`];
  lines.push('-'.repeat(lines[0]!.length + 4));
  lines.push(`${'All files'.padEnd(width)} | ${pct(coverage.total.lines.pct)} | ${pct(coverage.total.branches.pct)}  | ${pct(coverage.total.functions.pct)} |        |`);
  for (const [n, f] of rows) {
    const mark = f.meetsTarget ? ' ' : '✗';
    lines.push(
      `${n.padEnd(width)} | ${pct(f.summary.lines.pct)} | ${pct(f.summary.branches.pct)}  | ${pct(f.summary.functions.pct)} | ${mark}${String(f.target.pct).padStart(3)} % | ${ranges(f.uncoveredLines)}`,
    );
  }
  void project;
  return lines;
}

/** 3,4,5,9 → "3-5, 9". */
export function ranges(lines: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    out.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j;
  }
  return out.join(', ');
}

export function coverageJson(root: string, settings: Settings, project: Project, coverage: ProjectCoverage, written: string[], durationMs: number): CoverageJson {
  return {
    version: 1,
    root,
    total: coverage.total,
    targets: settings.coverageTargets,
    files: coverage.files.map((f) => ({ path: project.relative(f.file), ...fileFigures(f) })),
    tests: coverage.tests.map((t) => ({ path: project.relative(t.testFile), status: t.status, durationMs: t.durationMs, ...(t.message ? { message: t.message } : {}) })),
    written: written.map((w) => project.relative(w)),
    durationMs,
  };
}

export function reportFailedTests(o: CliIo, coverage: ProjectCoverage, project: Project): number {
  const failed = coverage.tests.filter((t) => t.status !== 'passed');
  for (const t of failed) o.err(`testgap: ${project.relative(t.testFile)}: ${t.status}: ${(t.message ?? '').split('\n')[0]}\n`);
  return failed.length;
}

/** 0: the tests passed; 1: a test file failed, hung or crashed. */
export async function runCoverage(o: CliIo): Promise<number> {
  const started = performance.now();
  const { settings, problems } = projectSettings(o.root);
  for (const p of problems) o.err(`testgap: ${p.severity}: ${p.message}\n`);
  const scanned = new Project(o.root, nodeFileHost, settings);
  scanned.scan();
  const why = unmeasurable(scanned);
  if (why) {
    scanned.dispose();
    if (o.json) o.out(JSON.stringify({ version: 1, root: o.root, unmeasurable: why }, null, 2));
    o.err(`testgap: ${why}\n`);
    return 1;
  }
  const { project, coverage, runnerError } = await measureFromCli(o, settings, scanned);
  if (runnerError && coverage.tests.length === 0) {
    // The runner did not start: no figure would be true. Say why, as for a runner testgap cannot drive.
    project.dispose();
    if (o.json) o.out(JSON.stringify({ version: 1, root: o.root, unmeasurable: runnerError }, null, 2));
    o.err(`testgap: ${runnerError}\n`);
    return 1;
  }
  if (runnerError) o.err(`testgap: ${runnerError}\n`);
  const written = writeCoverageFiles(o.root, path.join(o.root, 'coverage'), coverage.files);
  const durationMs = Math.round(performance.now() - started);
  if (o.json) o.out(JSON.stringify(coverageJson(o.root, settings, project, coverage, written, durationMs), null, 2));
  else for (const line of coverageTable(coverage, project, o.cwd)) o.out(line);
  const failed = reportFailedTests(o, coverage, project);
  o.err(
    `testgap: ${coverage.total.lines.pct} % of lines and ${coverage.total.branches.pct} % of branches covered by ${coverage.tests.length} test files` +
      `${failed ? ` (${failed} failed)` : ''}; wrote ${written.map((w) => path.relative(o.cwd, w)).join(' and ')} in ${(durationMs / 1000).toFixed(1)} s\n`,
  );
  project.dispose();
  return failed ? 1 : 0;
}
