// `testgap check [paths…] [--root DIR] [--json]`: the same findings the server publishes, for terminals and CI.
import path from 'node:path';
import type { Finding, Problem, Unit } from '../core/model';
import { Project } from '../core/project';
import { describeRunner, type RunnerDetection } from '../core/runner';
import { packageJsonSettingsLayer, resolveSettings, type Settings, type Severity } from '../core/settings';
import { humanPosition, LineIndex } from '../core/text';
import { nodeFileHost } from '../io/nodeHost';
import { unmeasurable } from '../run/measure';
import { coverageJson, measureFromCli, reportFailedTests, type CoverageJson } from './coverage';

/** What every CLI command gets: where it runs and how it talks. */
export interface CliIo {
  root: string;
  json: boolean;
  cwd: string;
  out: (line: string) => void;
  /** Progress and the summary go here (stderr), so stdout stays parseable. */
  err: (text: string) => void;
  /** Whether `err` is a terminal that can redraw a progress line. */
  interactive: boolean;
}

export interface CheckOptions extends CliIo {
  /** Absolute files or folders to report on; empty = the whole project. */
  paths: string[];
  /** Called for a named path that selects no source file (the caller reports it as a usage error). */
  onEmptyPath?: (path: string) => void;
  /** Also run the tests and fail when a file is below its coverage target. */
  coverage?: boolean;
}

export const SEVERITY_WORD: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'info', hint: 'hint' };

export interface CheckJson {
  version: 1;
  root: string;
  summary: { sourceFiles: number; testFiles: number; units: number; untested: number; durationMs: number };
  /** The package's test runner and how it was found (core/runner.ts). */
  runner: RunnerDetection;
  files: {
    path: string;
    expectedTestFile: string;
    findings: {
      code: Finding['code'];
      severity: Severity;
      message: string;
      line: number;
      column: number;
      range: { start: { line: number; character: number }; end: { line: number; character: number } };
      unit: Omit<Unit, 'file' | 'nameSpan'>;
    }[];
  }[];
  problems: Problem[];
  /** With `--coverage`: the same object `testgap coverage --json` prints (protocol.md). */
  coverage?: Omit<CoverageJson, 'written'>;
}

/** The CLI's settings: defaults and the project's package.json "testgap" field; problems are warnings to print. */
export function projectSettings(root: string): { settings: Settings; problems: Problem[] } {
  const problems: Problem[] = [];
  const layers: { origin: string; value: unknown }[] = [];
  const pkg = packageJsonSettingsLayer(nodeFileHost.readFile(path.join(root, 'package.json')), 'package.json');
  if (pkg.layer) layers.push(pkg.layer);
  if (pkg.warning) problems.push({ severity: 'warning', message: pkg.warning });
  const { settings, warnings } = resolveSettings(layers);
  for (const w of warnings) problems.push({ severity: 'warning', message: w });
  return { settings, problems };
}

/** Runs the check and returns the exit code: 0 clean, 1 findings (or, with `coverage`, a file below its target). */
export function runCheck(o: CheckOptions): number | Promise<number> {
  const started = performance.now();
  const { settings, problems } = projectSettings(o.root);

  const project = new Project(o.root, nodeFileHost, settings);
  project.scan();
  const inScope = (file: string) =>
    o.paths.length === 0 || o.paths.some((p) => file === p || file.startsWith(p.endsWith(path.sep) ? p : p + path.sep));
  const files = project.knownFiles().filter((f) => !project.isTestFile(f) && inScope(f));
  for (const p of o.paths) {
    if (!files.some((f) => f === p || f.startsWith(p + path.sep))) {
      project.dispose();
      o.onEmptyPath?.(p);
    }
  }

  // Reading every file is the long part on a big project; show where we are when someone is watching.
  const all = project.knownFiles();
  all.forEach((f, i) => {
    project.facts(f);
    if (o.interactive && (i % 50 === 0 || i === all.length - 1)) o.err(`\rtestgap: analysing ${i + 1}/${all.length} files`);
  });
  if (o.interactive && all.length > 0) o.err('\r\x1b[K');

  const runner = project.runner();
  for (const w of runner.warnings) problems.push({ severity: 'warning', message: w });
  for (const u of runner.unread) problems.push({ severity: 'info', message: u });
  const json: CheckJson = {
    version: 1,
    root: o.root,
    summary: { sourceFiles: 0, testFiles: 0, units: 0, untested: 0, durationMs: 0 },
    runner,
    files: [],
    problems,
  };
  const severity = settings.diagnosticSeverity;
  for (const file of files) {
    const { value: findings, problems: fileProblems } = project.findings(file);
    problems.push(...fileProblems);
    if (findings.length === 0) continue;
    const text = nodeFileHost.readFile(file) ?? '';
    const index = new LineIndex(text);
    const typed = o.json ? new Map(project.typedUnits(file).value.map((u) => [u.id, u])) : undefined;
    const shownPath = path.relative(o.cwd, file) || file;
    const entry: CheckJson['files'][number] = { path: project.relative(file), expectedTestFile: project.relative(findings[0].expectedTestFile), findings: [] };
    for (const f of findings) {
      const start = humanPosition(index, f.unit.nameSpan.start);
      if (!o.json) o.out(`${shownPath}:${start.line}:${start.column}: ${SEVERITY_WORD[severity]}: ${f.message} [${f.code}]`);
      const { file: _file, nameSpan: _span, span: _declaration, ...unit } = typed?.get(f.unit.id) ?? f.unit;
      entry.findings.push({
        code: f.code,
        severity,
        message: f.message,
        line: start.line,
        column: start.column,
        range: { start: index.positionAt(f.unit.nameSpan.start), end: index.positionAt(f.unit.nameSpan.end) },
        unit,
      });
    }
    json.files.push(entry);
  }
  const stats = project.stats();
  const untested = json.files.reduce((n, f) => n + f.findings.length, 0);
  const finish = (belowTarget: number): number => {
    json.summary = { ...stats, untested, durationMs: Math.round(performance.now() - started) };
    if (o.json) o.out(JSON.stringify(json, null, 2));
    for (const p of problems) if (p.severity !== 'info' || !o.json) o.err(`testgap: ${p.severity}: ${p.message}\n`);
    o.err(`testgap: test runner ${describeRunner(runner)}\n`);
    o.err(
      `testgap: ${untested} untested ${untested === 1 ? 'unit' : 'units'} in ${json.files.length} of ${files.length} source files ` +
        `(${stats.units} units, ${stats.testFiles} test files) in ${(json.summary.durationMs / 1000).toFixed(1)} s\n`,
    );
    project.dispose();
    return untested > 0 || belowTarget > 0 ? 1 : 0;
  };
  if (!o.coverage) return finish(0);
  const why = unmeasurable(project);
  if (why) {
    problems.push({ severity: 'warning', message: `${why}; --coverage checks nothing here` });
    return finish(0);
  }
  return (async () => {
    const measured = await measureFromCli(o, settings);
    measured.project.dispose();
    if (measured.runnerError && measured.coverage.tests.length === 0) {
      problems.push({ severity: 'warning', message: `${measured.runnerError.split('\n')[0]}; --coverage checks nothing here` });
      return finish(0);
    }
    const inScopeFiles = measured.coverage.files.filter((f) => inScope(f.file));
    const below = inScopeFiles.filter((f) => !f.meetsTarget);
    const { written: _none, ...coverage } = coverageJson(o.root, settings, project, { ...measured.coverage, files: inScopeFiles }, [], Math.round(performance.now() - started));
    json.coverage = coverage;
    for (const f of below) {
      const shown = path.relative(o.cwd, f.file) || f.file;
      if (!o.json) o.out(`${shown}: ${f.summary.lines.pct} % of lines covered, below the ${f.target.kind} target of ${f.target.pct} % [below-target]`);
    }
    reportFailedTests(o, measured.coverage, project);
    o.err(`testgap: ${below.length} of ${inScopeFiles.length} source files below their coverage target\n`);
    return finish(below.length);
  })();
}
