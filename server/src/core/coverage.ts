// Coverage as plain data: figures per file and per unit from Istanbul-format file coverage (what v8-to-istanbul makes
// of V8's block coverage, the same data c8 reports), and the incremental model the server keeps between saves.
//
// Figures are computed exactly as istanbul-lib-coverage does (lines = statements grouped by start line, counts by
// max; percentages floored to two decimals; 100 % when there is nothing to count), so they agree with c8's
// `json-summary` for the same run.
import type { Unit } from './model';
import type { LineIndex } from './text';

export interface Location {
  line: number;
  column: number;
}
export interface Range {
  start: Location;
  end: Location;
}

/** Istanbul's per-file coverage JSON (`coverage-final.json` entries). Lines are 1-based, columns 0-based. */
export interface FileCoverageData {
  path: string;
  statementMap: Record<string, Range>;
  fnMap: Record<string, { name: string; decl: Range; loc: Range; line: number }>;
  branchMap: Record<string, { loc: Range; type: string; locations: Range[]; line: number }>;
  s: Record<string, number>;
  f: Record<string, number>;
  b: Record<string, number[]>;
}

export interface Totals {
  total: number;
  covered: number;
  pct: number;
}

export interface FileSummary {
  lines: Totals;
  statements: Totals;
  functions: Totals;
  branches: Totals;
}

export interface UncoveredBranch {
  /** 1-based line and 0-based column of the branch arm no test took. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface FileReport {
  file: string;
  summary: FileSummary;
  /** 1-based, ascending. */
  uncoveredLines: number[];
  uncoveredBranches: UncoveredBranch[];
}

/** istanbul-lib-coverage's `percent`. */
export function percent(covered: number, total: number): number {
  return total > 0 ? Math.floor((1000 * 100 * covered) / total / 10) / 100 : 100;
}

function totals(covered: number, total: number): Totals {
  return { total, covered, pct: percent(covered, total) };
}

export function lineCounts(data: FileCoverageData): Map<number, number> {
  const lines = new Map<number, number>();
  for (const [id, count] of Object.entries(data.s)) {
    const range = data.statementMap[id];
    if (!range) continue;
    const previous = lines.get(range.start.line);
    if (previous === undefined || previous < count) lines.set(range.start.line, count);
  }
  return lines;
}

export function summarize(data: FileCoverageData): FileSummary {
  const lines = [...lineCounts(data).values()];
  const statements = Object.values(data.s);
  const functions = Object.values(data.f);
  let branchTotal = 0;
  let branchCovered = 0;
  for (const arms of Object.values(data.b)) {
    branchTotal += arms.length;
    branchCovered += arms.filter((n) => n > 0).length;
  }
  return {
    lines: totals(lines.filter((n) => n > 0).length, lines.length),
    statements: totals(statements.filter((n) => n > 0).length, statements.length),
    functions: totals(functions.filter((n) => n > 0).length, functions.length),
    branches: totals(branchCovered, branchTotal),
  };
}

export function uncoveredBranches(data: FileCoverageData, within?: { startLine: number; endLine: number }): UncoveredBranch[] {
  const out: UncoveredBranch[] = [];
  for (const [id, branch] of Object.entries(data.branchMap)) {
    (data.b[id] ?? []).forEach((count, arm) => {
      const loc = branch.locations[arm] ?? branch.loc;
      if (count > 0 || !loc) return;
      if (within && (loc.start.line < within.startLine || loc.start.line > within.endLine)) return;
      // Source-map mapping can leave -1 columns; positions are never negative.
      out.push({ line: loc.start.line, column: Math.max(0, loc.start.column), endLine: loc.end.line, endColumn: Math.max(0, loc.end.column) });
    });
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

export function fileReport(data: FileCoverageData): FileReport {
  const uncoveredLines = [...lineCounts(data)].filter(([, n]) => n === 0).map(([l]) => l).sort((a, b) => a - b);
  return { file: data.path, summary: summarize(data), uncoveredLines, uncoveredBranches: uncoveredBranches(data) };
}

export function sumTotals(reports: FileSummary[]): FileSummary {
  const add = (key: keyof FileSummary) => {
    const covered = reports.reduce((n, r) => n + r[key].covered, 0);
    const total = reports.reduce((n, r) => n + r[key].total, 0);
    return totals(covered, total);
  };
  return { lines: add('lines'), statements: add('statements'), functions: add('functions'), branches: add('branches') };
}

// ---------------------------------------------------------------------------------------------------------------
// Units.

export interface UnitCoverage {
  unitId: string;
  /** Some test ran code of the unit (a line of it has a count above zero). */
  executed: boolean;
  lines: Totals;
  /** Branch arms that start inside the unit. */
  branches: Totals;
  uncoveredBranches: UncoveredBranch[];
}

/** Line range (1-based, inclusive) of a unit's declaration. */
export function unitLines(unit: Unit, index: LineIndex): { startLine: number; endLine: number } | undefined {
  if (!unit.span) return undefined;
  return { startLine: index.positionAt(unit.span.start).line + 1, endLine: index.positionAt(unit.span.end).line + 1 };
}

export function unitCoverage(unit: Unit, index: LineIndex, data: FileCoverageData): UnitCoverage | undefined {
  const range = unitLines(unit, index);
  if (!range) return undefined;
  const within = (r: Range) => r.start.line >= range.startLine && r.end.line <= range.endLine;
  let total = 0;
  let covered = 0;
  for (const [line, count] of lineCounts(data)) {
    if (line < range.startLine || line > range.endLine) continue;
    total++;
    if (count > 0) covered++;
  }
  let arms = 0;
  let taken = 0;
  for (const [id, branch] of Object.entries(data.branchMap)) {
    (data.b[id] ?? []).forEach((count, arm) => {
      const loc = branch.locations[arm] ?? branch.loc;
      if (!loc || loc.start.line < range.startLine || loc.start.line > range.endLine) return;
      arms++;
      if (count > 0) taken++;
    });
  }
  // Whether the unit ran is a question for its functions' call counts, not its lines: the line of
  // `export const f = () => …` runs when the module loads, whether or not anything calls f.
  const functions = Object.entries(data.fnMap).filter(([, fn]) => within(fn.loc));
  const executed = functions.length > 0 ? functions.some(([id]) => (data.f[id] ?? 0) > 0) : covered > 0;
  return { unitId: unit.id, executed, lines: totals(covered, total), branches: totals(taken, arms), uncoveredBranches: uncoveredBranches(data, range) };
}

// ---------------------------------------------------------------------------------------------------------------
// Targets.

export interface CoverageTargets {
  unit: number;
  integration: number;
}

/** The target a file is held to: the integration target when only integration tests load it. */
export function targetFor(loadedBy: { integration: boolean }[], targets: CoverageTargets): { kind: 'unit' | 'integration'; pct: number } {
  const onlyIntegration = loadedBy.length > 0 && loadedBy.every((t) => t.integration);
  return onlyIntegration ? { kind: 'integration', pct: targets.integration } : { kind: 'unit', pct: targets.unit };
}

// ---------------------------------------------------------------------------------------------------------------
// The incremental model: what each test file loaded in its last run, so a save re-runs only the tests it affects.

export type TestStatus = 'passed' | 'failed' | 'timeout' | 'crashed' | 'not-run';

export interface TestRunRecord {
  testFile: string;
  status: TestStatus;
  /** Source files the test loaded (so its result depends on them). */
  loaded: string[];
  message?: string;
  durationMs: number;
}

export class CoverageIndex {
  private readonly tests = new Map<string, TestRunRecord>();
  private readonly loadedBy = new Map<string, Set<string>>();

  record(run: TestRunRecord): void {
    this.forget(run.testFile);
    this.tests.set(run.testFile, run);
    for (const f of run.loaded) {
      let set = this.loadedBy.get(f);
      if (!set) this.loadedBy.set(f, (set = new Set()));
      set.add(run.testFile);
    }
  }

  forget(testFile: string): void {
    const old = this.tests.get(testFile);
    if (!old) return;
    this.tests.delete(testFile);
    for (const f of old.loaded) this.loadedBy.get(f)?.delete(testFile);
  }

  get(testFile: string): TestRunRecord | undefined {
    return this.tests.get(testFile);
  }

  testsLoading(file: string): string[] {
    return [...(this.loadedBy.get(file) ?? [])].sort();
  }

  knownTests(): string[] {
    return [...this.tests.keys()].sort();
  }

  /**
   * Test files to re-run after `changed` files were saved: tests that loaded one of them last time, changed test
   * files themselves, and tests that import one of them now (`importers`, from the project's import graph: it knows
   * about imports added since the last run). Tests never run before are included by the caller.
   */
  affectedTests(changed: string[], isTest: (f: string) => boolean, importers: (f: string) => string[]): string[] {
    const out = new Set<string>();
    for (const f of changed) {
      if (isTest(f)) out.add(f);
      for (const t of this.testsLoading(f)) out.add(t);
      for (const t of importers(f)) if (isTest(t)) out.add(t);
    }
    return [...out].sort();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Diagnostics from coverage.

export interface CoverageFinding {
  code: 'uncovered' | 'low-coverage';
  unit: Unit;
  message: string;
  coverage: UnitCoverage;
}

/**
 * What coverage says about a file's units, replacing `missing-test` once it is known: units no test executes
 * (`uncovered`) and units executed below the target (`low-coverage`). A class no test executes is one finding; the
 * members of a class that runs are judged one by one, and the class itself is not (its members carry the figures).
 */
export function coverageFindings(units: Unit[], index: LineIndex, data: FileCoverageData, target: { kind: 'unit' | 'integration'; pct: number }): CoverageFinding[] {
  const out: CoverageFinding[] = [];
  const byId = new Map(units.map((u) => [u.id, u]));
  const executedClasses = new Set<string>();
  const measured = new Map<string, UnitCoverage>();
  for (const u of units) {
    const c = unitCoverage(u, index, data);
    if (c) measured.set(u.id, c);
    if (c?.executed && u.kind === 'class') executedClasses.add(u.id);
  }
  for (const unit of units) {
    const c = measured.get(unit.id);
    if (!c || c.lines.total === 0) continue;
    if (unit.parent && !executedClasses.has(unit.parent) && byId.has(unit.parent)) continue; // the class finding covers it
    if (unit.kind === 'constructor' && !c.executed) continue; // an unconstructed class is reported once, as the class
    if (!c.executed) {
      const what = unit.kind === 'class' ? `class \`${unit.name}\`` : `\`${unit.name}\``;
      out.push({ code: 'uncovered', unit, coverage: c, message: `No test executes ${what} (${c.lines.total} ${c.lines.total === 1 ? 'line' : 'lines'})` });
      continue;
    }
    // Branches count as well as lines: a guard clause that never fires leaves every line "covered".
    if (unit.kind === 'class' || (c.lines.pct >= target.pct && c.branches.pct >= target.pct)) continue;
    const missed = c.uncoveredBranches.length;
    out.push({
      code: 'low-coverage',
      unit,
      coverage: c,
      message:
        `\`${unit.name}\`: ${c.lines.pct} % of lines and ${c.branches.pct} % of branches covered, below the ${target.kind} target of ${target.pct} %` +
        (missed ? `; ${missed} ${missed === 1 ? 'branch' : 'branches'} never taken` : ''),
    });
  }
  return out;
}
