// The generation pipeline for one source file: plan → run (sandbox) → select → emit → verify (sandbox, N runs) →
// the insertions that add the surviving tests to the test file. Nothing that failed or flipped is ever returned.
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURE_FILES, plannedParams, planUnit, preparingCalls } from '../core/plan';
import type { Problem, Unit } from '../core/model';
import type { Project } from '../core/project';
import { propertiesFor, type PropertyCase } from '../core/properties';
import { keepsStableCases, selectCases, type Case, type Selection, type SuspectedBug } from '../core/select';
import { calleeRegions, percent, proposeInputs, uncoveredReason, unitBlocks, unitRegion, type BlockInfo, type UncoveredReason } from '../core/search';
import { sandboxRefusal } from '../core/outcome';
import type { Settings } from '../core/settings';
import { emitNewFile, emitSections, helperNames, identifierFrom, type EmitInput, type EmitStyle, type ImportNeed, RESERVED_WORDS, type ReexportSuite, type UnitSection } from '../core/emit';
import { applyInsertions, mergeIntoExisting, scanExistingTestFile, type Insertion } from '../core/existingTestFile';
import { parseFile, relativeSpecifiers } from '../core/analyse';
import { mayReexport, reexportMarker } from '../core/reexports';
import { transpileForSandbox } from './instrument';
import { TranspileCache } from './transpileCache';
import { limitsFor, MAX_HANGS_PER_JOB, probeReexports, runCandidates, type CandidateResult, type Limits } from './sandbox';
import { foreignDialect } from '../core/runner';
import { resolveEsm } from './esmResolve';
import { runTestText } from './verify';

export type Variant = 'all' | 'table' | 'properties';

export interface GenerateRequest {
  project: Project;
  file: string;
  /** Units to generate for (a class id brings its members); default: the file's untested units. */
  unitIds?: string[];
  variant: Variant;
  settings: Settings;
  /** Current text of the test file (an open editor's, or the disk's); undefined when it does not exist. */
  existingText?: string;
  signal?: AbortSignal;
  progress?: (message: string, fraction: number) => void;
  verifyRuns?: number;
  seed?: number;
  /**
   * Block coverage (%) of each unit to search for inputs until: while the planned inputs' cases reach less, new inputs
   * aimed at the missed blocks are tried (at most SEARCH_ROUNDS rounds). Default: settings.coverageTargets.unit.
   */
  target?: number;
}

/** Why a block of a unit stayed uncovered, and where it starts (1-based line). */
export interface UncoveredBlock {
  line: number;
  reason: UncoveredReason;
}

/** Block coverage of a unit by its selected cases: before the search rounds, and after them (and verification). */
export interface UnitBlockCoverage {
  blocks: number;
  coveredBefore: number;
  coveredAfter: number;
  rounds: number;
  /** Inputs the search tried. */
  searched: number;
  uncovered: UncoveredBlock[];
}

/** The same for a whole file (sums over its units; `uncovered` names the unit). */
export interface FileBlockCoverage {
  target: number;
  blocks: number;
  coveredBefore: number;
  coveredAfter: number;
  percentBefore: number;
  percentAfter: number;
  rounds: number;
  uncovered: (UncoveredBlock & { unitId: string })[];
}

export interface UnitReport {
  unitId: string;
  name: string;
  cases: number;
  properties: number;
  dropped: Record<string, number>;
  suspectedBugs: SuspectedBug[];
  notExecutable?: string;
  nondeterministic: boolean;
  blocks: { reached: number; kept: number };
  /** Absent for units that never ran (not executable) or that have no blocks of their own to count. */
  blockCoverage?: UnitBlockCoverage;
  /** Setting `execute: false`: nothing ran; what was written are type properties testgap has not checked. */
  notRun?: boolean;
}

export interface GenerateResult {
  sourceFile: string;
  testFile: string;
  created: boolean;
  /** Against the existing text ('' when the file is new). */
  insertions: Insertion[];
  /** The whole test file after the insertions. */
  text: string;
  units: UnitReport[];
  missingDependencies: string[];
  verifyRuns: number;
  problems: Problem[];
  blockCoverage: FileBlockCoverage;
  /** The entry module's re-exports that were checked and written: values, and the modules they come from. */
  reexports?: { values: number; modules: number };
}

/** At most this many rounds of searched inputs per unit, each of at most SEARCH_BATCH inputs. */
export const SEARCH_ROUNDS = 5;
export const SEARCH_BATCH = 40;
/** Rounds spent only on the blocks of helpers a unit calls, once its own blocks met the target. */
export const HELPER_SEARCH_ROUNDS = 2;

const IDENT = /^[A-Za-z_$][\w$]*$/;
/**
 * Export names that cannot be a local binding (reserved words: `exports.delete`), or that make a call read as
 * something else: TypeScript's transpiler turns `assert.equal(async(...args), expected)` into an arrow function head
 * (RSVP exports `async`). They are imported under another name.
 */
const NOT_A_BINDING = new Set(RESERVED_WORDS);

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function testStyle(testFile: string, projectRoot: string, existingText?: string): EmitStyle {
  const ext = path.extname(testFile);
  const ts = /\.[cm]?tsx?$/.test(testFile);
  if (ext === '.mjs' || ext === '.mts') return { ts, esm: true };
  if (ext === '.cjs' || ext === '.cts') return { ts, esm: false };
  if (ts) return { ts, esm: true };
  const type = readJson(path.join(projectRoot, 'package.json'))?.type;
  return { ts, esm: type === 'module' || /^\s*import\s/m.test(existingText ?? '') };
}

function moduleSpecifier(testFile: string, sourceFile: string, style: EmitStyle, projectRoot: string): string {
  let rel = path.relative(path.dirname(testFile), sourceFile).split(path.sep).join('/');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const typeModule = readJson(path.join(projectRoot, 'package.json'))?.type === 'module';
  if (/\.tsx?$/.test(rel)) return typeModule ? rel.replace(/\.tsx?$/, '.js') : rel.replace(/\.tsx?$/, '');
  if (/\.[mc]ts$/.test(rel)) return rel.replace(/\.([mc])ts$/, '.$1js');
  if (!style.esm && rel.endsWith('.js')) return rel.slice(0, -3);
  return rel;
}

/** Dependencies the emitted file needs that the project neither declares nor can resolve. */
export function missingDependencies(projectRoot: string, needs: string[]): string[] {
  const pkg = readJson(path.join(projectRoot, 'package.json')) ?? {};
  const declared = { ...(pkg.dependencies as object), ...(pkg.devDependencies as object) } as Record<string, string>;
  return needs.filter((name) => {
    if (declared[name]) return false;
    for (let dir = projectRoot; ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'node_modules', name, 'package.json'))) return false;
      if (dir === path.dirname(dir)) return true;
    }
  });
}

interface Target {
  unit: Unit;
  /** The unit or its class, as the module exports it. */
  exported: Unit;
  exportName: string;
  binding: string;
  importKind: ImportNeed['kind'];
  /** The test file already binds the unit's export under `binding`. */
  alreadyImported?: boolean;
}

/**
 * How the test file refers to `unit`'s export. `existing` maps the test file's current top-level bindings to the unit
 * they import (or '' for anything else): a binding already there for the same unit is reused (no import), and a
 * name taken by something else gets a suffix.
 */
function targetFor(unit: Unit, byId: Map<string, Unit>, style: EmitStyle, file: string, existing: Map<string, string>): Target | undefined {
  const exported = unit.parent ? byId.get(unit.parent) : unit;
  if (!exported || exported.exportNames.length === 0) return undefined;
  const exportName = exported.exportNames.find((n) => n !== 'default' && n !== 'export=') ?? exported.exportNames[0];
  const named = exportName !== 'default' && exportName !== 'export=';
  let binding = named && IDENT.test(exportName) ? exportName : identifierFrom(exported.name === 'default export' || exported.name === 'module.exports' ? path.basename(file).replace(/\..*$/, '') : exported.name, 'subject');
  const reused = [...existing].find(([, id]) => id === exported.id)?.[0];
  if (reused) return { unit, exported, exportName, binding: reused, importKind: 'named', alreadyImported: true };
  if (NOT_A_BINDING.has(binding)) binding += '_';
  while (existing.has(binding)) binding += '_';
  const importKind: ImportNeed['kind'] = named ? 'named' : exportName === 'default' ? 'default' : style.esm ? 'default' : 'whole';
  return { unit, exported, exportName, binding, importKind };
}

export async function generateTests(req: GenerateRequest): Promise<GenerateResult> {
  const { project, file, settings } = req;
  const problems: Problem[] = [];
  const verifyRuns = req.verifyRuns ?? 3;
  const seed = req.seed ?? 42;
  const limits = limitsFor(settings, project.root);
  const testFile = project.expectedTestFile(file);
  const existing = req.existingText;
  // A uvu file in a vitest, jest or mocha project breaks (or fools) the project's own test run: nothing is written.
  const foreign = foreignDialect(project.runner());
  if (foreign) {
    const none = { target: req.target ?? settings.coverageTargets.unit, blocks: 0, coveredBefore: 0, coveredAfter: 0, percentBefore: 100, percentAfter: 100, rounds: 0, uncovered: [] };
    return { sourceFile: file, testFile, created: false, insertions: [], text: existing ?? '', units: [], missingDependencies: [], verifyRuns: 0, problems: [{ severity: 'error', file, message: foreign }], blockCoverage: none };
  }
  const style = testStyle(testFile, project.root, existing);
  const scanned = existing !== undefined ? scanExistingTestFile(existing, testFile) : undefined;
  const typed = project.typedUnits(file);
  problems.push(...typed.problems.filter((p) => p.severity !== 'info'));
  const byId = new Map(typed.value.map((u) => [u.id, u]));

  const reports: UnitReport[] = [];
  const sections: UnitSection[] = [];
  const imports = new Map<string, ImportNeed>();
  const specifierFor = (sourceFile: string, verify: boolean) => (verify ? sourceFile : moduleSpecifier(testFile, sourceFile, style, project.root));
  const N = helperNames(scanned?.bindings);
  // The existing file's bindings, resolved to the units they import: `import { formatPrice } from '../src'` is the
  // same formatPrice as '../src/pricing' exports.
  const existingUnits = new Map<string, string>();
  for (const [local, meaning] of scanned?.bindings ?? []) {
    const hash = meaning.lastIndexOf('#');
    const id = hash > 0 ? project.unitIdForImport(testFile, meaning.slice(0, hash), meaning.slice(hash + 1) === '*' ? 'export=' : meaning.slice(hash + 1)) : undefined;
    existingUnits.set(local, id ?? '');
  }
  for (const name of Object.values(N)) if (!existingUnits.has(name)) existingUnits.set(name, '');
  const bindingOf = (u: Unit) => targetFor(u, byId, style, file, existingUnits)?.binding ?? identifierFrom(u.name, 'subject');
  // Bindings the existing file already has are not imported again, but the verification file (which holds only the
  // new sections) needs them too.
  const reusedImports = new Map<string, ImportNeed>();
  const addImport = (t: Target) => {
    const need: ImportNeed = { specifier: file, kind: t.alreadyImported ? 'named' : t.importKind, exportName: t.exportName, local: t.binding };
    (t.alreadyImported ? reusedImports : imports).set(t.binding, need);
  };

  // Which units: the requested ones or the untested ones; a class brings its members; what the test file already
  // has a section for is left alone (regenerating is idempotent).
  const wanted = new Set(req.unitIds ?? project.findings(file).value.map((f) => f.unit.id));
  const targets: Target[] = [];
  for (const unit of typed.value) {
    const chosen = wanted.has(unit.id) || (unit.parent !== undefined && wanted.has(unit.parent));
    if (!chosen || unit.kind === 'constructor' || scanned?.unitIds.has(unit.id)) continue;
    const t = targetFor(unit, byId, style, file, existingUnits);
    if (t) targets.push(t);
  }

  const constructorArgsThatWorked = new Map<string, string>();
  const target = req.target ?? settings.coverageTargets.unit;
  const blockMap = sourceBlocks(file);
  // Made when the first unit runs: a request with nothing to run (a barrel, units all tested) parses no import closure.
  let childFiles: { instrumented?: { code: string; blocks: number }; transpiled?: string } | undefined;
  const filesForChildren = () =>
    (childFiles ??= blockMap ? { instrumented: { code: childCode.instrumented(file, blockMap.code), blocks: blockMap.blocks }, transpiled: childCode.prepare(importClosure(project, file)) } : {});
  const setupsThatFailed = new Set<string>();
  const caseHitsByUnit = new Map<string, { hits: Map<Case, number[]>; own: BlockInfo[]; results: (CandidateResult | undefined)[] }>();
  for (const [i, t] of targets.entries()) {
    if (req.signal?.aborted) break;
    const { unit } = t;
    const ctor = unit.parent ? typed.value.find((u) => u.parent === unit.parent && u.kind === 'constructor') : undefined;
    // A class whose methods use the file system is built in the temp folder with paths, as its members will be.
    const classId = unit.kind === 'class' ? unit.id : unit.kind === 'constructor' ? unit.parent : undefined;
    const membersUseFs = classId !== undefined && typed.value.some((m) => m.parent === classId && m.constants?.fileSystem);
    const plan = planUnit(membersUseFs && !unit.constants?.fileSystem ? { ...unit, constants: { numbers: [], strings: [], ...unit.constants, fileSystem: true } } : unit, ctor);
    // Members are called on an instance built with arguments the class was seen to accept, when its own run found some.
    const accepted = unit.parent ? constructorArgsThatWorked.get(unit.parent) : undefined;
    if (accepted && plan.ctorArgs !== undefined) plan.ctorArgs = accepted;
    if (!settings.execute) {
      // Static mode: no run, so no observed value can be asserted. What types alone promise is written as a property
      // (the result has the declared type, for arbitrary arguments of the declared types), marked as not run.
      const report: UnitReport = { unitId: unit.id, name: unit.name, cases: 0, properties: 0, dropped: {}, suspectedBugs: [], nondeterministic: false, blocks: { reached: 0, kept: 0 }, notRun: true };
      reports.push(report);
      // Members would need an instance, and no constructor arguments were ever seen to work.
      if (req.variant === 'table' || unit.kind !== 'function') continue;
      const typeProperty = propertiesFor(unit, [], { numRuns: settings.propertyRuns.default, seed, binding: bindingOf, assert: N.assert, fc: N.fc }).find((p) => p.family === 'type');
      if (!typeProperty) continue;
      const properties = [{ ...typeProperty, name: typeProperty.name.replace(/\(property\)$/, '(property, not run by testgap: execute is false)') }];
      sections.push({ unit, binding: t.binding, ctorArgs: undefined, cases: [], properties });
      addImport(t);
      continue;
    }
    req.progress?.(`${unit.name}: running ${plan.candidates.length} inputs`, i / Math.max(1, targets.length));
    const member =
      unit.kind === 'class'
        ? { name: '', kind: 'class' as const }
        : unit.kind === 'method' || unit.kind === 'static-method' || unit.kind === 'getter'
          ? { name: unit.memberName!, kind: unit.kind }
          : undefined;
    const runJob = (candidates: string[], setup?: { method: string; args: string }[]) =>
      runCandidates(
        {
          projectRoot: project.root,
          modulePath: file,
          exportName: t.exportName,
          member,
          ctorArgs: plan.ctorArgs,
          ...(setup ? { setup } : {}),
          candidates,
          instrument: true,
          ...filesForChildren(),
          ...(plan.fixture ? { fixture: plan.fixture, fixtureFiles: FIXTURE_FILES } : {}),
          // Long enough for file-system work in the temp folder, short enough that a callback never called is cheap.
          ...(plan.callback ? { callbackWaitMs: Math.min(1_000, limits.timeoutMs) } : {}),
        },
        limits,
        req.signal,
      );
    const run = await runJob(plan.candidates.map((c) => c.args));
    const report: UnitReport = { unitId: unit.id, name: unit.name, cases: 0, properties: 0, dropped: {}, suspectedBugs: [], nondeterministic: false, blocks: { reached: 0, kept: 0 } };
    reports.push(report);
    if (run.loadError) {
      report.notExecutable = `${run.loadError.className || run.loadError.name}: ${run.loadError.message}`;
      continue;
    }
    if (unit.kind === 'class') {
      const worked = plan.candidates.findIndex((_, i) => run.results[i]?.outcome.kind === 'return' && run.results[i]?.stable);
      if (worked >= 0) constructorArgsThatWorked.set(unit.id, plan.candidates[worked].args);
    }
    const displayName = unit.kind === 'class' ? `new ${unit.name}` : unit.name;
    // The unit's own blocks, when the counters the sandbox ran are the ones this source gives (it did not change).
    const counters = blockMap && blockMap.blocks === run.blocks ? blockMap : undefined;
    const region = counters && unitRegion(counters.source, file, unit);
    const own = counters && unitBlocks(counters.map, region);
    // The same file's helpers it calls: the search aims at their blocks too (they are reached only through units).
    const ownIdSet = new Set((own ?? []).map((b) => b.id));
    const helpers = counters && own ? [...new Map(calleeRegions(counters.source, file, region).flatMap((span) => unitBlocks(counters.map, span)).filter((b) => !ownIdSet.has(b.id)).map((b) => [b.id, b])).values()] : [];
    const searched = await searchInputs({
      plan,
      planned: plan.candidates.map((_, k) => run.results[k]),
      displayName,
      own,
      helpers,
      target,
      typed: /\.[cm]?tsx?$/.test(file),
      enabled: req.variant !== 'properties' && unit.kind !== 'getter',
      run: runJob,
      signal: req.signal,
      progress: (round) => req.progress?.(`${unit.name}: searching for inputs (round ${round})`, i / Math.max(1, targets.length)),
    });
    const { selection, allResults } = searched;
    if (searched.coverage) {
      report.blockCoverage = searched.coverage;
      caseHitsByUnit.set(unit.id, { hits: new Map(selection.cases.map((c, k) => [c, selection.caseHits[k]])), own: own!, results: allResults });
    }
    for (const why of selection.refused) noteNotExecutable(report, why);
    if (selection.constructionFailed && selection.cases.length === 0) {
      report.notExecutable = `could not construct the instance with ${plan.ctorArgs}: ${selection.constructionFailed}`;
    }
    Object.assign(report, {
      dropped: selection.dropped,
      suspectedBugs: selection.suspectedBugs,
      nondeterministic: selection.nondeterministic,
      blocks: { reached: selection.blocksReached, kept: selection.blocksKept },
    });
    const cases = req.variant === 'properties' || !keepsStableCases(selection) ? [] : selection.cases;
    // A property quantifies over inputs like the ones the sandbox refused: it would meet the same refusal when verified.
    const properties: PropertyCase[] =
      req.variant === 'table' || plan.callback || selection.refused.length > 0
        ? []
        : propertiesFor(unit, typed.value.filter((u) => u.id !== unit.id), { numRuns: settings.propertyRuns.default, seed, binding: bindingOf, assert: N.assert, fc: N.fc });
    // The same inputs on an instance something was put into first: kept where they reach blocks the cases on a fresh
    // instance do not (the non-empty paths of `front()`, `get(key)`, `readFileSync(path)`).
    // Only the member's own blocks and its helpers' count: the filling calls reach their own blocks on every input.
    const memberBlocks = new Set([...(own ?? []), ...helpers].map((b) => b.id));
    // Nothing left to reach (every block of the member is covered already): no second run.
    const keptHits = cases.length > 0 ? selection.caseHits.flat() : [];
    const reachedFresh = new Set(keptHits.filter((h) => memberBlocks.has(h)));
    const setup = memberBlocks.size > reachedFresh.size && hangs(allResults) < MAX_HANGS_PER_JOB && req.variant !== 'properties' && keepsStableCases(selection) && !selection.constructionFailed ? preparingCalls(unit, typed.value) : undefined;
    let prepared: { cases: Case[]; globals: boolean } | undefined;
    // The same filling calls on the same instance fail the same way for every member (memfs: appendFileSync on an
    // empty volume): after one member saw them fail, its siblings skip the run.
    const setupKey = setup && `${unit.parent}\u0000${plan.ctorArgs}\u0000${plan.fixture ?? ''}\u0000${JSON.stringify(setup)}`;
    if (setup && !req.signal?.aborted && !setupsThatFailed.has(setupKey!)) {
      req.progress?.(`${unit.name}: running ${plan.candidates.length} inputs on a prepared instance`, i / Math.max(1, targets.length));
      const again = await runJob(plan.candidates.map((c) => c.args), setup);
      const second = again.loadError ? undefined : selectCases(plan, plan.candidates.map((_, k) => again.results[k]), displayName);
      if (second?.constructionFailed && second.cases.length === 0) setupsThatFailed.add(setupKey!);
      if (second && !second.constructionFailed && keepsStableCases(second)) {
        const seen = new Set(keptHits);
        const gains = second.cases.filter((c, k) => {
          const fresh = second.caseHits[k].filter((h) => memberBlocks.has(h) && !seen.has(h));
          fresh.forEach((h) => seen.add(h));
          return fresh.length > 0;
        });
        if (gains.length > 0) prepared = { cases: gains, globals: again.results.some((r) => r?.globals) };
      }
    }
    if (cases.length === 0 && properties.length === 0 && !prepared) continue;
    const ctorArgs = unit.kind === 'method' || unit.kind === 'getter' ? plan.ctorArgs : undefined;
    const touchesGlobals = allResults.some((r) => r?.globals);
    const common = {
      unit, binding: t.binding, ctorArgs,
      ...(plan.fixture ? { fixture: plan.fixture } : {}),
      ...(plan.callback ? { callback: true } : {}),
    };
    if (cases.length > 0 || properties.length > 0) sections.push({ ...common, cases, properties, ...(touchesGlobals ? { restoreGlobals: true } : {}) });
    if (prepared) sections.push({ ...common, cases: prepared.cases, properties: [], setup: setup!, ...(prepared.globals || touchesGlobals ? { restoreGlobals: true } : {}) });
    addImport(t);
    for (const p of properties) {
      for (const used of p.uses) {
        const ut = targetFor(used, byId, style, file, existingUnits);
        if (ut) addImport(ut);
      }
    }
  }

  // Verify: run the file N times; drop what failed; keep the first property of each family that held; then run the
  // pruned file again, until a run passes whole (or give up and write nothing).
  // An ES-module verification file imports its test libraries by file URL (resolved once per request).
  const libraries = /^\.m[jt]s$/.test(path.extname(testFile)) ? esmLibraries(project.root) : undefined;
  const emitInput = (verify: boolean, secs: UnitSection[]): EmitInput => ({
    style,
    sourceLabel: project.relative(file),
    sections: secs,
    imports: [...imports.values(), ...(verify ? reusedImports.values() : [])].map((i) => ({ ...i, specifier: specifierFor(i.specifier, verify) })),
    mode: verify ? 'verify' : 'final',
    ...(verify && libraries ? { libraries } : {}),
  });
  const ext = path.extname(testFile);
  let current = sections;
  let runs = 0;
  if (!settings.execute && current.length > 0) {
    problems.push({
      severity: 'warning',
      file,
      message: `running code is turned off ("execute": false), so the tests for ${project.relative(file)} are type properties testgap has not run; run them yourself, or set "execute": true to have every case verified`,
    });
  }
  for (let round = 0; round < 4 && current.length > 0 && settings.execute && !req.signal?.aborted; round++) {
    const emitted = emitSections(emitInput(true, current), scanned?.bindings);
    const text = `${emitted.importLines.join('\n')}\n\n${emitted.body}`;
    const failed = new Set<string>();
    const refusedWhenVerified = new Map<string, string>();
    let broken: string | undefined;
    const times = round === 0 ? verifyRuns : 1;
    for (let r = 0; r < times && !broken; r++) {
      req.progress?.(`verifying generated tests (run ${runs + 1})`, 0.9);
      const result = await runTestText(text, ext, project.root, limits, req.signal);
      runs++;
      result.failed.forEach((n) => failed.add(n));
      result.refused.forEach((why, n) => refusedWhenVerified.set(n, why));
      broken = result.broken;
    }
    if (broken) {
      // Table cases each ran under the per-call watchdog already; only a property can hang or blow up the file.
      if (current.some((s) => s.properties.length > 0)) {
        problems.push({ severity: 'warning', file, message: `properties for ${project.relative(file)} were left out: ${broken}` });
        current = current.map((s) => ({ ...s, properties: [] })).filter((s) => s.cases.length > 0);
        continue;
      }
      problems.push({ severity: 'error', file, message: `generated tests for ${project.relative(file)} were not written: ${broken}` });
      current = [];
      break;
    }
    const familyKept = new Set<string>();
    const next = current.map((s, si) => {
      const failedCase = new Set(emitted.names.filter((n) => n.section === si && n.case !== undefined && failed.has(n.name)).map((n) => n.case!));
      const failedProperty = new Set(emitted.names.filter((n) => n.section === si && n.property !== undefined && failed.has(n.name)).map((n) => n.property!));
      const report = reports.find((r) => r.unitId === s.unit.id)!;
      // A hazard first met by the written tests is reported as one met by the candidate runs: not-executable, why.
      const refusals = new Set(emitted.names.filter((n) => n.section === si && refusedWhenVerified.has(n.name)).map((n) => refusedWhenVerified.get(n.name)!));
      for (const why of refusals) noteNotExecutable(report, why);
      if (failedCase.size > 0) report.dropped['failed or flaky when verified'] = (report.dropped['failed or flaky when verified'] ?? 0) + failedCase.size;
      const cases: Case[] = s.cases.filter((_, ci) => !failedCase.has(ci));
      const properties = s.properties.filter((p, pi) => {
        if (failedProperty.has(pi)) return false;
        const key = `${si}:${p.family}`;
        if (familyKept.has(key)) return false;
        familyKept.add(key);
        return true;
      });
      return { ...s, cases, properties };
    });
    const changed = failed.size > 0 || next.some((s, i) => s.properties.length !== current[i].properties.length);
    current = next.filter((s) => s.cases.length > 0 || s.properties.length > 0);
    if (!changed) break;
  }

  // A unit may have two sections (fresh and prepared instance): its counts are their sums.
  for (const s of current) Object.assign(reports.find((x) => x.unitId === s.unit.id)!, { cases: 0, properties: 0 });
  for (const s of current) {
    const r = reports.find((x) => x.unitId === s.unit.id)!;
    r.cases += s.cases.length;
    r.properties += s.properties.length;
  }
  // Block coverage of what is written: the cases that survived verification.
  for (const r of reports) {
    const known = caseHitsByUnit.get(r.unitId);
    if (!r.blockCoverage || !known) continue;
    const written = current.find((s) => s.unit.id === r.unitId)?.cases ?? [];
    const covered = new Set(written.flatMap((c) => known.hits.get(c) ?? []));
    r.blockCoverage.coveredAfter = known.own.filter((b) => covered.has(b.id)).length;
    r.blockCoverage.uncovered = known.own
      .filter((b) => !covered.has(b.id))
      .sort((a, b) => a.line - b.line || a.start - b.start)
      .map((b) => ({ line: b.line, reason: uncoveredReason(b, known.own, blockFacts(b.id, known.results, r.nondeterministic), [...covered]) }));
  }
  const counted = reports.filter((r) => r.blockCoverage);
  const sum = (f: (c: UnitBlockCoverage) => number) => counted.reduce((n, r) => n + f(r.blockCoverage!), 0);
  const fileCoverage: FileBlockCoverage = {
    target,
    blocks: sum((c) => c.blocks),
    coveredBefore: sum((c) => c.coveredBefore),
    coveredAfter: sum((c) => c.coveredAfter),
    percentBefore: percent(sum((c) => c.coveredBefore), sum((c) => c.blocks)),
    percentAfter: percent(sum((c) => c.coveredAfter), sum((c) => c.blocks)),
    rounds: sum((c) => c.rounds),
    uncovered: counted.flatMap((r) => r.blockCoverage!.uncovered.map((u) => ({ unitId: r.unitId, ...u }))),
  };
  const used = new Set<string>();
  for (const s of current) {
    used.add(s.binding);
    for (const p of s.properties) for (const u of p.uses) used.add(bindingOf(u));
  }
  for (const k of [...imports.keys()]) if (!used.has(k)) imports.delete(k);
  for (const k of [...reusedImports.keys()]) if (!used.has(k)) reusedImports.delete(k);

  // A whole-file request for an entry module: its re-exports get a suite of their own (core/reexports.ts).
  const marker = reexportMarker(project.relative(file));
  const reexports =
    req.unitIds === undefined && req.variant !== 'properties' && settings.execute && !scanned?.unitIds.has(marker) && !req.signal?.aborted
      ? await verifiedReexports({ project, file, marker, style, testFile, limits, verifyRuns, signal: req.signal, specifierFor: (f) => specifierFor(f, true), progress: req.progress })
      : undefined;
  if (reexports) runs += reexports.runs;
  const finalReexports = reexports && { ...reexports.suite, entry: specifierFor(file, false), checks: reexports.suite.checks.map((c) => ({ ...c, module: specifierFor(c.module, false) })) };

  const deps = ['uvu', ...(current.some((s) => s.properties.length > 0) ? ['fast-check'] : []), ...(style.ts ? ['tsx'] : [])];
  const finalInput: EmitInput = { ...emitInput(false, current), ...(finalReexports ? { reexports: finalReexports } : {}) };
  let insertions: Insertion[] = [];
  let text = existing ?? '';
  const writes = current.length > 0 || finalReexports !== undefined;
  if (writes) {
    if (existing === undefined) {
      text = emitNewFile(finalInput);
      // The usual header says every case ran; in static mode nothing did, and the file must not claim otherwise.
      if (!settings.execute) text = text.replace(/^\/\/ Tests for (.*?), written by testgap\..*\n\/\/ .*\n/, (_m, label: string) => `// Tests for ${label}, written by testgap without running them ("execute": false): these are properties\n// derived from the declared types, and testgap has not checked that they hold.\n`);
      insertions = [{ offset: 0, text }];
    } else {
      insertions = mergeIntoExisting(existing, testFile, emitSections(finalInput, scanned?.bindings));
      text = applyInsertions(existing, insertions);
    }
  }
  return {
    sourceFile: file,
    testFile,
    created: existing === undefined && writes,
    insertions,
    text,
    units: reports,
    missingDependencies: writes ? missingDependencies(project.root, deps) : [],
    verifyRuns: runs,
    problems,
    blockCoverage: fileCoverage,
    ...(reexports ? { reexports: { values: reexports.suite.checks.length, modules: new Set(reexports.suite.checks.map((c) => c.module)).size } } : {}),
  };
}

/** The test libraries an ES-module verification file imports, as file URLs: the project's copies, else testgap's. */
function esmLibraries(root: string): Record<string, string> {
  const own = path.resolve(__dirname, '../../../..');
  const out: Record<string, string> = {};
  for (const name of ['uvu', 'uvu/assert', 'fast-check']) {
    const url = resolveEsm(name, [root, own]);
    if (url) out[name] = url;
  }
  return out;
}

/** Adds a reason to a unit's `not-executable` report (reasons are distinct, in the order met). */
function noteNotExecutable(report: UnitReport, why: string): void {
  const known = report.notExecutable?.split('; ') ?? [];
  if (!known.includes(why)) report.notExecutable = [...known, why].join('; ');
}

interface ReexportRequest {
  project: Project;
  file: string;
  marker: string;
  style: EmitStyle;
  testFile: string;
  limits: Limits;
  verifyRuns: number;
  signal?: AbortSignal;
  /** How the verification file imports a module (by absolute path). */
  specifierFor: (file: string) => string;
  progress?: (message: string, fraction: number) => void;
}

/**
 * The re-exports of an entry module that hold in the sandbox and in every verification run (checks are in absolute
 * paths), or undefined when it has none. A module whose test fails is dropped, and the rest run again.
 */
async function verifiedReexports(r: ReexportRequest): Promise<{ suite: ReexportSuite; runs: number } | undefined> {
  let source: string;
  try {
    source = fs.readFileSync(r.file, 'utf8');
  } catch {
    return undefined;
  }
  const specifiers = relativeSpecifiers(parseFile(r.file, source));
  if (!mayReexport(r.project.facts(r.file), specifiers)) return undefined;
  r.progress?.('checking what the module re-exports', 0.95);
  const probe = await probeReexports(r.project.root, r.file, specifiers, r.limits, r.signal);
  if (probe.loadError || probe.checks.length === 0) return undefined;
  const label = r.project.relative(r.file);
  // An ESM test file reaches a whole module through default-import interop, which is `.default` for transpiled ESM:
  // such a check could compare undefined with undefined. Only values reached by name are checked there.
  let checks = probe.checks
    .filter((c) => !r.style.esm || (c.entryKey !== null && c.moduleKey !== null))
    .map((c) => ({ ...c, moduleLabel: r.project.relative(c.module) }));
  let runs = 0;
  for (let round = 0; round < 3 && checks.length > 0 && !r.signal?.aborted; round++) {
    const input: EmitInput = {
      style: r.style,
      sourceLabel: label,
      sections: [],
      imports: [],
      mode: 'verify',
      reexports: { id: r.marker, label, entry: r.specifierFor(r.file), checks: checks.map((c) => ({ ...c, module: r.specifierFor(c.module) })) },
    };
    const emitted = emitSections(input);
    const text = `${emitted.importLines.join('\n')}\n\n${emitted.body}`;
    const failedModules = new Set<string>();
    const times = round === 0 ? r.verifyRuns : 1;
    for (let k = 0; k < times; k++) {
      const result = await runTestText(text, path.extname(r.testFile), r.project.root, r.limits, r.signal);
      runs++;
      if (result.broken) return undefined;
      for (const n of emitted.names) if (n.reexports !== undefined && result.failed.has(n.name)) failedModules.add(n.reexports);
    }
    if (failedModules.size === 0) return { suite: { id: r.marker, label, entry: r.file, checks }, runs };
    checks = checks.filter((c) => !failedModules.has(r.specifierFor(c.module)));
  }
  return undefined;
}

/** The project files `file` loads, following relative imports (at most MAX_CLOSURE of them). */
const MAX_CLOSURE = 500;
function importClosure(project: Project, file: string): string[] {
  const seen = new Set([file]);
  const queue = [file];
  while (queue.length > 0 && seen.size < MAX_CLOSURE) {
    const f = queue.shift()!;
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const specifier of relativeSpecifiers(parseFile(f, text))) {
      const target = project.resolveImport(f, specifier);
      if (target && !seen.has(target) && project.contains(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen];
}

/**
 * The code sandbox children run, made once here: the module as instrumented, and the files it loads transpiled, so a
 * child does not load TypeScript (0.4 s) and transpile them again; a unit is run in many children.
 */
const childCode = new TranspileCache();

/** The block counters the sandbox puts in `file` (same source, same ids), with the source they were made from. */
function sourceBlocks(file: string): { source: string; code: string; blocks: number; map: (BlockInfo | undefined)[] } | undefined {
  try {
    const source = fs.readFileSync(file, 'utf8');
    const t = transpileForSandbox(file, source, true);
    return { source, code: t.code, blocks: t.blocks, map: t.map ?? [] };
  } catch {
    return undefined;
  }
}

/**
 * What the runs say about one block: reached at all, only by unstable inputs (or by any input of a unit whose results
 * differ between calls, which gets no value assertions), only by inputs the sandbox refused.
 */
function blockFacts(id: number, results: (CandidateResult | undefined)[], unitNondeterministic: boolean) {
  const reaching = results.filter((r): r is CandidateResult => !!r && r.hits.includes(id));
  const refused = (r: CandidateResult) => (r.outcome.kind === 'throw' || r.outcome.kind === 'reject') && !!sandboxRefusal(r.outcome.error);
  return {
    reached: reaching.length > 0,
    reachedOnlyUnstable: (reaching.length > 0 && unitNondeterministic) || (reaching.some((r) => !r.stable) && !reaching.some((r) => r.stable)),
    reachedOnlyRefused: reaching.length > 0 && reaching.every(refused),
  };
}

/** Whether a searched input's result can become a case: it ran to an outcome, the same twice, without the sandbox in it. */
function usable(r: CandidateResult | undefined): boolean {
  if (!r || !r.stable || r.local) return false;
  const o = r.outcome;
  if (o.kind === 'return' || o.kind === 'resolve') return true;
  return (o.kind === 'throw' || o.kind === 'reject') && !sandboxRefusal(o.error);
}

interface SearchRequest {
  /** The unit's plan; inputs the search found useful are appended to its candidates. */
  plan: ReturnType<typeof planUnit>;
  /** Results of the planned candidates (index = candidate). */
  planned: (CandidateResult | undefined)[];
  displayName: string;
  /** The unit's own blocks; undefined when unknown (then there is no search and no coverage report). */
  own: BlockInfo[] | undefined;
  /** Blocks of the same file's functions the unit calls: searched for too, not reported as the unit's. */
  helpers: BlockInfo[];
  target: number;
  typed: boolean;
  enabled: boolean;
  run: (candidates: string[]) => Promise<{ results: CandidateResult[]; loadError?: unknown }>;
  signal?: AbortSignal;
  progress: (round: number) => void;
}

/** How many of these calls were stopped by the watchdog. */
function hangs(results: readonly (CandidateResult | undefined)[]): number {
  return results.filter((r) => r?.outcome.kind === 'timeout').length;
}

/**
 * Coverage-guided search: while the selected cases reach less than `target` % of the unit's blocks, run inputs
 * proposed for the missed blocks (core/search.ts), at most SEARCH_ROUNDS rounds, and stop early when a round finds
 * no new block and no untried idea is left. An input joins the plan only when it reached a block nothing before it
 * did and its result is one a test can state, so the search adds cases only for coverage and never makes a unit look
 * non-deterministic.
 */
async function searchInputs(req: SearchRequest): Promise<{ selection: Selection; allResults: (CandidateResult | undefined)[]; coverage?: UnitBlockCoverage }> {
  const { plan, own } = req;
  const results = [...req.planned];
  /** Everything run, kept or not: what explains the blocks left uncovered. */
  const allResults = [...req.planned];
  const tried = plan.candidates.map((c, k) => ({ args: c.args, hits: results[k]?.hits ?? [], usable: usable(results[k]) }));
  let selection = selectCases(plan, results, req.displayName);
  if (!own || own.length === 0) return { selection, allResults };
  const ownIds = new Set(own.map((b) => b.id));
  const targets = [...own, ...req.helpers];
  const targetIds = new Set(targets.map((b) => b.id));
  const coveredBy = (sel: Selection, ids = ownIds) => new Set(sel.caseHits.flat().filter((h) => ids.has(h))).size;
  const coverage: UnitBlockCoverage = { blocks: own.length, coveredBefore: coveredBy(selection), coveredAfter: 0, rounds: 0, searched: 0, uncovered: [] };
  // Blocks the pool's usable inputs reach: a searched input joins the pool only when it adds to them.
  const pooled = new Set(results.filter(usable).flatMap((r) => r!.hits));
  const coveredSet = (sel: Selection) => new Set(sel.caseHits.flat());
  // The unit's own blocks keep the search going for up to SEARCH_ROUNDS rounds; its helpers' alone for fewer, since
  // a module's shared internals are reached from many units and would otherwise cost every one of them every round.
  const below = () =>
    percent(coveredBy(selection), own.length) < req.target ||
    (coverage.rounds < HELPER_SEARCH_ROUNDS && percent(coveredBy(selection, targetIds), targets.length) < req.target);
  let fruitless = 0;
  const searchable = req.enabled && hangs(req.planned) < MAX_HANGS_PER_JOB && keepsStableCases(selection) && plannedParams(plan.unit).length > 0;
  while (searchable && coverage.rounds < SEARCH_ROUNDS && below() && !req.signal?.aborted) {
    // Aim at what the selected cases miss (a block reached only by an input no test can state is still missed).
    const ideas = proposeInputs({ params: plannedParams(plan.unit), constants: plan.unit.constants, typed: req.typed, blocks: targets, reached: [...coveredSet(selection)], tried });
    if (ideas.length === 0) break;
    const batch = ideas.slice(0, SEARCH_BATCH);
    coverage.rounds++;
    req.progress(coverage.rounds);
    const ran = await req.run(batch.map((x) => x.args));
    if (ran.loadError) break;
    // A round that hung as often as the sandbox allows one batch to: more rounds would mostly wait on watchdogs.
    const hungOut = hangs(ran.results) >= MAX_HANGS_PER_JOB;
    coverage.searched += batch.length;
    let found = 0;
    batch.forEach((idea, k) => {
      const r = ran.results[k];
      allResults.push(r);
      tried.push({ args: idea.args, hits: r?.hits ?? [], usable: usable(r) });
      if (!usable(r)) return;
      const fresh = r!.hits.filter((h) => !pooled.has(h));
      if (fresh.length === 0) return;
      if (fresh.some((h) => targetIds.has(h))) found++;
      fresh.forEach((h) => pooled.add(h));
      plan.candidates.push({ args: idea.args, origin: 'search' });
      results.push(r);
    });
    selection = selectCases(plan, results, req.displayName);
    fruitless = found === 0 ? fruitless + 1 : 0;
    // Ideas come best first: two rounds in a row that reach nothing new mean the rest will not either (memfs's Volume
    // methods on an empty volume otherwise ran all five rounds each).
    if (hungOut || (found === 0 && ideas.length <= batch.length) || fruitless >= 2) break;
  }
  return { selection, allResults, coverage };
}
