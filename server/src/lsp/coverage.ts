// Coverage on save: which tests to run after a save, one run at a time per project (a newer save cancels the run in
// flight and takes over its tests), the `testgap/coverage` notification, `$/progress`, and the diagnostics coverage
// gives (`uncovered`, `low-coverage`, `test-failed`).
//
// Figures are never shown for text they were not measured on: each file's report remembers the text it was computed
// from, and an open document whose text differs gets no coverage diagnostics (its `missing-test` ones stay) until
// the next run. While a run is pending, the notification says `stale: true`.
import { CodeLensRefreshRequest, DiagnosticSeverity, type CodeLens, type Connection, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import { coverageFindings, type CoverageFinding, type FileSummary, type TestRunRecord } from '../core/coverage';
import type { Project } from '../core/project';
import type { Settings } from '../core/settings';
import { LineIndex } from '../core/text';
import { nodeFileHost } from '../io/nodeHost';
import { CoverageStore, keepWarmChildren } from '../run/coverage';
import { coverageReport, fileFigures, runTests, unmeasurable, usesRunnerHost, type FileCoverageResult, type FileFigures } from '../run/measure';
import type { ClientCaps } from './capabilities';
import { GENERATE_COMMAND } from './codeActions';
import { DIAGNOSTIC_SOURCE, SEVERITY, toRange } from './convert';
import { showMessage } from './messages';
import { URI } from './uri';

export const COVERAGE_NOTIFICATION = 'testgap/coverage';
export const RUN_COVERAGE_COMMAND = 'testgap.runCoverage';

/** The `testgap/coverage` notification's params (protocol.md). */
export interface CoverageNotification {
  root: string;
  stale: boolean;
  /** Whole-project figures (every source file, those no test loads at zero). */
  total: FileSummary | null;
  /** Files whose figures this notification brings: all files after a full run, else those the run touched. */
  files: ({ uri: string } & FileFigures)[];
  tests: { uri: string; status: TestRunRecord['status']; durationMs: number; message?: string }[];
}

export interface CoverageProject {
  root: string;
  project: Project;
  settings: Settings;
}

interface State {
  store: CoverageStore;
  /** Reports by source file, with the text each was computed from. */
  reports: Map<string, { result: FileCoverageResult; text: string }>;
  ranOnce: boolean;
  /** Test files waiting to run (a cancelled run's tests stay here). */
  pending: Set<string>;
  /** Files saved since the last finished run (a cancelled run's stay here): the notification reports them. */
  pendingChanged: Set<string>;
  /** A full run (the command) is pending: the notification then lists every file. */
  pendingFull: boolean;
  running?: AbortController;
  /** Bumped by every save: a run whose generation is not the latest publishes nothing. */
  generation: number;
  total: FileSummary | null;
  /** What the runner said when it last failed to start (shown once, until a run succeeds). */
  lastRunnerError?: string;
}

export interface CoverageHost {
  connection: Connection;
  caps: ClientCaps;
  /** Re-publish diagnostics of the project's open documents. */
  republish(root: string): void;
}

export class CoverageService {
  private readonly states = new Map<string, State>();
  /** Runs that finished (or were cancelled), for tests and benchmarks to wait on without sleeping. */
  readonly settled: { root: string; generation: number; cancelled: boolean; tests: string[] }[] = [];
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly host: CoverageHost) {}

  private state(root: string): State {
    let s = this.states.get(root);
    if (!s) this.states.set(root, (s = { store: new CoverageStore(), reports: new Map(), ranOnce: false, pending: new Set(), pendingChanged: new Set(), pendingFull: false, generation: 0, total: null }));
    return s;
  }

  enabled(p: CoverageProject): boolean {
    return p.settings.execute && p.settings.coverageOnSave && !unmeasurable(p.project);
  }

  /** A file of the project was saved: run the tests it affects. */
  saved(p: CoverageProject, file: string): void {
    if (!this.enabled(p)) return;
    const s = this.state(p.root);
    s.store.fileChanged(file);
    const runnable = new Set(p.project.runnableTestFiles());
    let tests: string[];
    if (!s.ranOnce) {
      tests = [...runnable];
    } else {
      const affected = s.store.index.affectedTests([file], (f) => p.project.isTestFile(f), (f) => p.project.testsImporting(f));
      const neverRun = [...runnable].filter((t) => !s.store.index.get(t));
      // A test that hung or crashed left no record of what it loads, so any change may be its fix.
      const unfinished = s.store.index.knownTests().filter((t) => ['timeout', 'crashed'].includes(s.store.index.get(t)!.status));
      tests = [...affected, ...neverRun, ...unfinished].filter((t) => runnable.has(t));
    }
    this.start(p, runnable, tests, [file]);
  }

  /**
   * A file changed on disk by something other than a save in the editor (a checkout, a formatter, another editor):
   * its figures are no longer for its text, so the tests that load it run again, as after a save. Before the first
   * run there is nothing to update.
   */
  changedOnDisk(p: CoverageProject, file: string): void {
    const s = this.states.get(p.root);
    if (!s || !s.ranOnce) return;
    s.reports.delete(file);
    this.saved(p, file);
  }

  /** Runs every test file of the project (the `testgap.runCoverage` command). */
  runAll(p: CoverageProject): Promise<void> {
    if (!p.settings.execute || unmeasurable(p.project)) return Promise.resolve();
    const runnable = new Set(p.project.runnableTestFiles());
    return this.start(p, runnable, [...runnable], [], true);
  }

  /** `runnable`: the project's runnable test files, as the caller just computed them (walking every test's imports). */
  private start(p: CoverageProject, runnable: Set<string>, tests: string[], changed: string[], full = false): Promise<void> {
    const s = this.state(p.root);
    for (const t of tests) s.pending.add(t);
    for (const f of changed) s.pendingChanged.add(f);
    if (full) s.pendingFull = true;
    s.running?.abort();
    const generation = ++s.generation;
    const abort = new AbortController();
    s.running = abort;
    this.notify(p, s, true, []);
    return this.run(p, s, generation, abort, runnable);
  }

  private async run(p: CoverageProject, s: State, generation: number, abort: AbortController, runnable: Set<string>): Promise<void> {
    // Tests deleted (or turned into helpers) since their last run must not count any more.
    for (const t of s.store.index.knownTests()) {
      if (runnable.has(t)) continue;
      for (const f of s.store.index.get(t)!.loaded) s.pendingChanged.add(f); // their figures change: report them
      s.store.removeTest(t);
    }
    for (const t of [...s.pending]) if (!runnable.has(t)) s.pending.delete(t);
    const tests = [...s.pending].sort();
    const changed = [...s.pendingChanged];
    const current = () => generation === s.generation && this.states.get(p.root) === s;
    const progress = this.host.caps.workDoneProgress ? await this.host.connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
    progress?.begin('testgap: coverage', 0, `${tests.length} test ${tests.length === 1 ? 'file' : 'files'}`, true);
    progress?.token.onCancellationRequested(() => abort.abort());
    try {
      const result = await runTests(p.project, p.settings, s.store, {
        testFiles: tests,
        changed,
        keepHost: true,
        signal: abort.signal,
        onProgress: (done, total, testFile) => progress?.report(Math.round((done / total) * 100), `${done}/${total} ${p.project.relative(testFile)}`),
      });
      if (result.runnerError && current()) {
        // The runner itself failed (its config throws, it hangs while starting): one message, and the figures already
        // shown stay as they are; the next save tries again.
        this.host.connection.console.error(`project ${p.root}: ${result.runnerError}`);
        if (s.lastRunnerError !== result.runnerError) showMessage(this.host.connection, 'warning', `testgap: ${result.runnerError.split('\n')[0]}`);
        s.lastRunnerError = result.runnerError;
      } else if (result.completed && current()) s.lastRunnerError = undefined;
      if (!result.completed || !current() || (result.runnerError && result.ran === 0)) {
        // Cancelled from the progress UI (not by a newer run), or nothing ran: nothing runs now, and the figures stay stale.
        if (current()) s.running = undefined;
        return this.settle(p.root, generation, true, tests);
      }
      const full = !s.ranOnce || s.pendingFull;
      const touched = new Set<string>(changed);
      for (const t of tests) for (const f of s.store.index.get(t)?.loaded ?? []) touched.add(f);
      const report = await coverageReport(p.project, p.settings, s.store);
      if (!current()) return this.settle(p.root, generation, true, tests);
      for (const t of tests) s.pending.delete(t);
      s.pendingChanged.clear();
      s.pendingFull = false;
      s.ranOnce = true;
      // Only what this run measured gets a new report; the others keep the text they were measured on.
      const shown = full ? report.files : report.files.filter((f) => touched.has(f.file) || !s.reports.has(f.file));
      for (const f of shown) s.reports.set(f.file, { result: f, text: nodeFileHost.readFile(f.file) ?? '' });
      s.total = report.total;
      s.running = undefined;
      this.notify(p, s, false, shown);
      this.host.republish(p.root);
      if (this.host.caps.codeLensRefresh) void this.host.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
      // From now on saves are expected: have a child booted for the next one.
      if (!usesRunnerHost(p.project)) keepWarmChildren(1, p.settings.memoryMb);
      this.settle(p.root, generation, false, tests);
    } catch (error) {
      this.host.connection.console.error(`coverage run failed: ${(error as Error)?.stack ?? error}`);
      if (current()) s.running = undefined;
      this.settle(p.root, generation, true, tests);
    } finally {
      progress?.done();
    }
  }

  private settle(root: string, generation: number, cancelled: boolean, tests: string[]): void {
    this.settled.push({ root, generation, cancelled, tests });
    for (const l of this.listeners.splice(0)) l();
  }

  /** Resolves after the next run settles (tests and benchmarks wait on this instead of sleeping). */
  nextSettled(): Promise<void> {
    return new Promise((resolve) => this.listeners.push(resolve));
  }

  isRunning(root: string): boolean {
    return !!this.states.get(root)?.running;
  }

  private notify(p: CoverageProject, s: State, stale: boolean, files: FileCoverageResult[]): void {
    const params: CoverageNotification = {
      root: URI.fromPath(p.root),
      stale,
      total: s.total,
      files: files.map((f) => ({ uri: URI.fromPath(f.file), ...fileFigures(f) })),
      tests: stale ? [] : s.store.index.knownTests().map((t) => {
        const r = s.store.index.get(t)!;
        return { uri: URI.fromPath(t), status: r.status, durationMs: r.durationMs, ...(r.message ? { message: r.message } : {}) };
      }),
    };
    void this.host.connection.sendNotification(COVERAGE_NOTIFICATION, params);
  }

  /**
   * Coverage diagnostics for an open document, or undefined when coverage does not apply to its current text (no
   * run yet, or the text changed since): then the caller keeps `missing-test`.
   */
  diagnostics(p: CoverageProject, file: string, text: string): { diagnostics: Diagnostic[]; key: string } | undefined {
    const s = this.states.get(p.root);
    if (!s || !this.enabled(p)) return undefined;
    if (p.project.isTestFile(file)) {
      const record = s.store.index.get(file);
      if (!record || record.status === 'passed') return { diagnostics: [], key: 'test-passed' };
      return { diagnostics: [testFailed(record)], key: `test-${record.status}-${record.message}` };
    }
    const measured = this.findings(p, file, text);
    if (!measured) return undefined;
    const { index, findings } = measured;
    const uri = URI.fromPath(file);
    const diagnostics = findings.map((f): Diagnostic => {
      const d: Diagnostic = {
        range: toRange(index, f.unit.nameSpan),
        severity: f.code === 'uncovered' ? SEVERITY[p.settings.diagnosticSeverity] : DiagnosticSeverity.Information,
        source: DIAGNOSTIC_SOURCE,
        code: f.code,
        message: f.message,
      };
      if (this.host.caps.relatedInformation && f.coverage.uncoveredBranches.length) {
        d.relatedInformation = f.coverage.uncoveredBranches.slice(0, 10).map(
          (b): DiagnosticRelatedInformation => ({
            // Istanbul's columns can point past the end of a line (a branch that runs to the end of a file that
            // does not parse, found by test/fuzz/lsp-model.test.ts): clamp them into the text as LSP asks.
            location: { uri, range: { start: clamp(index, b.line - 1, b.column), end: clamp(index, b.endLine - 1, b.endColumn) } },
            message: 'branch never taken',
          }),
        );
      }
      if (this.host.caps.diagnosticData) d.data = { unitId: f.unit.id };
      return d;
    });
    return { diagnostics, key: `coverage-${s.generation}-${findings.map((f) => `${f.unit.id}:${f.code}:${f.message}`).join('|')}` };
  }

  /**
   * Code lenses over the units coverage reports on: "72 % · 3 branches missed · Generate tests", running the same
   * generation as the code action.
   */
  lenses(p: CoverageProject, file: string, text: string, uri: string, version: number): CodeLens[] {
    const measured = this.findings(p, file, text);
    if (!measured) return [];
    const { index, findings } = measured;
    return findings.map((f) => {
      const c = f.coverage;
      const missed = c.uncoveredBranches.length;
      const what = f.code === 'uncovered' ? 'never run' : `${c.lines.pct} % of lines${missed ? ` · ${missed} ${missed === 1 ? 'branch' : 'branches'} missed` : ''}`;
      const title = `${what} · Generate tests`;
      return {
        range: toRange(index, f.unit.nameSpan),
        command: { title, command: GENERATE_COMMAND, arguments: [{ uri, version, unitIds: [f.unit.id], variant: 'all' }] },
      };
    });
  }

  /** Units the coverage diagnostics of this text name (they get code actions). */
  units(p: CoverageProject, file: string, text: string): import('../core/model').Unit[] {
    return this.findings(p, file, text)?.findings.map((f) => f.unit) ?? [];
  }

  /** What coverage says of `file`'s units, or undefined when coverage does not apply to this text of it. */
  private findings(p: CoverageProject, file: string, text: string): { index: LineIndex; findings: CoverageFinding[] } | undefined {
    const report = this.states.get(p.root)?.reports.get(file);
    if (!report || report.text !== text || !this.enabled(p)) return undefined;
    const index = new LineIndex(text);
    return { index, findings: coverageFindings(p.project.facts(file).units, index, report.result.data, report.result.target) };
  }

  dispose(root: string): void {
    const s = this.states.get(root);
    if (s) s.generation++; // a run in flight publishes nothing
    s?.running?.abort();
    s?.store.dispose();
    this.states.delete(root);
  }
}

function clamp(index: LineIndex, line: number, character: number): { line: number; character: number } {
  return index.positionAt(index.offsetAt({ line, character }));
}

function testFailed(record: TestRunRecord): Diagnostic {
  const what = record.status === 'timeout' ? 'did not finish' : record.status === 'crashed' ? 'crashed' : 'failed';
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    code: 'test-failed',
    message: `This test file ${what} in the coverage run, so the coverage it would give is missing: ${record.message ?? record.status}`,
  };
}
