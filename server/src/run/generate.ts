// The generation pipeline for one source file: plan → run (sandbox) → select → emit → verify (sandbox, N runs) →
// the insertions that add the surviving tests to the test file. Nothing that failed or flipped is ever returned.
import path from 'node:path';
import { FIXTURE_FILES, planUnit, preparingCalls, stubMembers } from '../core/plan';
import type { Problem, Unit } from '../core/model';
import type { Project } from '../core/project';
import { propertiesFor, type PropertyCase } from '../core/properties';
import { keepsStableCases, selectCases, type Case, type SuspectedBug } from '../core/select';
import { calleeRegions, percent, uncoveredReason, unitBlocks, unitRegion, type BlockInfo, type UncoveredReason } from '../core/search';
import type { Settings } from '../core/settings';
import { assertions } from '../core/assertions';
import { emitNewFile, emitSections, helperNames, identifierFrom, type EmitInput, type ImportNeed, type UnitSection } from '../core/emit';
import { applyInsertions, mergeIntoExisting, scanExistingTestFile, type Insertion } from '../core/existingTestFile';
import { reexportMarker } from '../core/reexports';
import { quote } from '../core/values';
import { blockFacts, childCode, hangs, importClosure, searchInputs, sourceBlocks } from './inputSearch';
import { verifiedReexports } from './reexportSuite';
import { limitsFor, MAX_HANGS_PER_JOB, runCandidates, type CandidateResult } from './sandbox';
import { missingGlobal } from '../core/outcome';
import { dialectOf, esmLibraries, runnerEnvironment, missingDependencies, moduleSpecifier, runnerLibraries, targetFor, testStyle, usesJestGlobalsImport, verifierFor, type Target } from './testFileShape';
import { inProjectStyle, prettierSyntaxCeiling } from './projectStyle';
import { attribute, buildConfigsTaking, declarationsUnreadable, typeErrors, typescriptVersion, type TypeError as TsError } from './typeCheck';
import { runTestText, runTestTextInRunner } from './verify';

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

export async function generateTests(req: GenerateRequest): Promise<GenerateResult> {
  const { project, file, settings } = req;
  const problems: Problem[] = [];
  const verifyRuns = req.verifyRuns ?? 3;
  const seed = req.seed ?? 42;
  const limits = limitsFor(settings, project.root);
  const testFile = project.expectedTestFile(file);
  const existing = req.existingText;
  // The tests are written in the dialect of the project's runner, and verified where that runner runs them.
  const dialect = dialectOf(project);
  const verifier = verifierFor(project, dialect);
  if (typeof verifier === 'string') {
    const none = { target: req.target ?? settings.coverageTargets.unit, blocks: 0, coveredBefore: 0, coveredAfter: 0, percentBefore: 100, percentAfter: 100, rounds: 0, uncovered: [] };
    return { sourceFile: file, testFile, created: false, insertions: [], text: existing ?? '', units: [], missingDependencies: [], verifyRuns: 0, problems: [{ severity: 'error', file, message: verifier }], blockCoverage: none };
  }
  const typedTest = /\.[cm]?tsx?$/.test(testFile);
  const style = {
    ...testStyle(testFile, project.root, existing),
    dialect,
    ...(dialect === 'jest' && usesJestGlobalsImport(project, existing, typedTest) ? { jestImports: true } : {}),
    // Syntax the project's TypeScript reads (no labeled tuples before 4.0), and its prettier parses (1.x fails on them).
    ...(typedTest ? { typescript: olderOf(typescriptVersion(project.root), prettierSyntaxCeiling(project.root, testFile)) } : {}),
  };
  // Properties import fast-check: a TypeScript file can have them only if the project's TypeScript reads its types.
  const noProperties = typedTest && req.variant !== 'table' ? declarationsUnreadable(project.root, testFile, 'fast-check') : undefined;
  if (noProperties) problems.push({ severity: 'warning', file, message: `no properties were written for ${project.relative(file)}: ${noProperties}; with a fast-check whose declarations it reads in devDependencies, they would be` });
  const scanned = existing !== undefined ? scanExistingTestFile(existing, testFile) : undefined;
  const typed = project.typedUnits(file);
  problems.push(...typed.problems.filter((p) => p.severity !== 'info'));
  const byId = new Map(typed.value.map((u) => [u.id, u]));

  const sections: UnitSection[] = [];
  const imports = new Map<string, ImportNeed>();
  // A file verified in the sandbox imports by absolute path (it runs from a temp folder); one verified in the runner
  // sits beside the final file and imports as it will (ts-jest type-checks it, and rejects a `.ts` path).
  const specifierFor = (sourceFile: string, verify: boolean) => (verify && !verifier.host ? sourceFile : moduleSpecifier(testFile, sourceFile, style, project.root));
  const N = helperNames(scanned?.bindings, style.dialect);
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
  const reports: UnitReport[] = [];
  for (const unit of typed.value) {
    const chosen = wanted.has(unit.id) || (unit.parent !== undefined && wanted.has(unit.parent));
    if (!chosen || unit.kind === 'constructor' || scanned?.unitIds.has(unit.id)) continue;
    // An abstract class is never constructed itself (TS2511): its instance members run on a concrete subclass of the
    // module, which the test builds and imports instead; its constructor runs whenever that subclass is built.
    const abstract = unit.kind === 'class' ? unit : unit.parent !== undefined && unit.kind !== 'static-method' ? byId.get(unit.parent) : undefined;
    if (abstract?.abstract) {
      if (unit.kind === 'class') continue;
      const sub = concreteSubclass(abstract, typed.value, byId);
      const st = sub && targetFor(sub, byId, style, file, existingUnits);
      if (st) {
        targets.push({ ...st, unit, receiver: sub });
        continue;
      }
      // No concrete subclass to build: the test declares a minimal one, if the abstract members are known.
      const t = abstract.abstractMembers ? targetFor(unit, byId, style, file, existingUnits) : undefined;
      if (!t) {
        reports.push({ ...newReport(unit), notExecutable: `${abstract.name} is abstract and the module exports no concrete subclass to build it with` });
        continue;
      }
      targets.push({ ...t, stubbed: abstract });
      continue;
    }
    // Called outside a render, a hook throws React's own error, which is no behaviour of the hook to assert.
    if (unit.reactHook) {
      reports.push({ ...newReport(unit), notExecutable: `${unit.name} is a React hook: it runs only while a component renders (renderHook from @testing-library/react), and testgap does not write such tests yet` });
      continue;
    }
    const t = targetFor(unit, byId, style, file, existingUnits);
    if (t) targets.push(t);
  }

  const constructorArgsThatWorked = new Map<string, string>();
  const target = req.target ?? settings.coverageTargets.unit;
  const blockMap = sourceBlocks(file);
  // Made when the first unit runs: a request with nothing to run (a barrel, units all tested) parses no import closure.
  let childFiles: { instrumented?: { code: string; blocks: number }; transpiled?: string } | undefined;
  // Candidates run in the world the project's runner gives its tests (its NODE_ENV, its setup files' polyfills).
  const environment = runnerEnvironment(project, dialect);
  const filesForChildren = () =>
    (childFiles ??= blockMap
      ? { instrumented: { code: childCode.instrumented(file, blockMap.code), blocks: blockMap.blocks }, transpiled: childCode.prepare([...importClosure(project, file), ...environment.preload.flatMap((f) => importClosure(project, f))]) }
      : {});
  const setupsThatFailed = new Set<string>();
  const caseHitsByUnit = new Map<string, { hits: Map<Case, number[]>; own: BlockInfo[]; results: (CandidateResult | undefined)[] }>();
  for (const [i, t] of targets.entries()) {
    if (req.signal?.aborted) break;
    const { unit } = t;
    // The class an instance member runs on: its own, or the concrete subclass an abstract class is built through.
    const classOf = t.receiver?.id ?? unit.parent;
    // A minimal subclass of an abstract class, as the test will declare it (named apart from the file's bindings).
    const stub = t.stubbed ? { className: unusedName(`Test${t.binding.replace(/^[a-z]/, (c) => c.toUpperCase())}`, existingUnits), ...(t.stubbed.typeArguments ? { typeArguments: t.stubbed.typeArguments } : {}), members: stubMembers(t.stubbed) } : undefined;
    const ctor = classOf ? constructorOf(classOf, typed.value, byId) : undefined;
    // A class whose methods use the file system is built in the temp folder with paths, as its members will be.
    const classId = unit.kind === 'class' ? unit.id : unit.kind === 'constructor' ? unit.parent : undefined;
    const membersUseFs = classId !== undefined && typed.value.some((m) => m.parent === classId && m.constants?.fileSystem);
    const plan = planUnit(membersUseFs && !unit.constants?.fileSystem ? { ...unit, constants: { numbers: [], strings: [], ...unit.constants, fileSystem: true } } : unit, ctor);
    // Members are called on an instance built with arguments the class was seen to accept, when its own run found some.
    const accepted = classOf ? constructorArgsThatWorked.get(classOf) : undefined;
    if (accepted && plan.ctorArgs !== undefined) plan.ctorArgs = accepted;
    if (!settings.execute) {
      // Static mode: no run, so no observed value can be asserted. What types alone promise is written as a property
      // (the result has the declared type, for arbitrary arguments of the declared types), marked as not run.
      const report: UnitReport = { ...newReport(unit), notRun: true };
      reports.push(report);
      // Members would need an instance, and no constructor arguments were ever seen to work.
      if (req.variant === 'table' || unit.kind !== 'function' || noProperties) continue;
      const typeProperty = propertiesFor(unit, [], { numRuns: settings.propertyRuns.default, seed, binding: bindingOf, equal: assertions(style, N.assert).equal, fc: N.fc }).find((p) => p.family === 'type');
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
          ...(stub ? { stub: stub.members } : {}),
          ...(setup ? { setup } : {}),
          candidates,
          instrument: true,
          ...filesForChildren(),
          ...(plan.fixture ? { fixture: plan.fixture, fixtureFiles: FIXTURE_FILES } : {}),
          environment,
          // Long enough for file-system work in the temp folder, short enough that a callback never called is cheap.
          ...(plan.callback ? { callbackWaitMs: Math.min(1_000, limits.timeoutMs) } : {}),
        },
        limits,
        req.signal,
      );
    const run = await runJob(plan.candidates.map((c) => c.args));
    const report = newReport(unit);
    reports.push(report);
    if (run.loadError) {
      report.notExecutable = missingGlobal(run.loadError) ?? `${run.loadError.className || run.loadError.name}: ${run.loadError.message}`;
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
      req.variant === 'table' || plan.callback || selection.refused.length > 0 || noProperties
        ? []
        : propertiesFor(unit, typed.value.filter((u) => u.id !== unit.id), { numRuns: settings.propertyRuns.default, seed, binding: bindingOf, equal: assertions(style, N.assert).equal, fc: N.fc });
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
    const built = t.receiver ?? (unit.parent ? byId.get(unit.parent) : undefined);
    const common = {
      unit, binding: t.binding, ctorArgs,
      ...(ctorArgs !== undefined && built?.generic ? { generic: true } : {}),
      ...(ctorArgs !== undefined && stub ? { stub } : {}),
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
  // An ES-module verification file imports its test libraries by file URL (resolved once per request); one the runner
  // runs in the project finds the project's own, and testgap's fast-check where the project has none (yet).
  const libraries = verifier.host ? runnerLibraries(project.root) : /^\.m[jt]s$/.test(path.extname(testFile)) ? esmLibraries(project.root) : undefined;
  const emitInput = (verify: boolean, secs: UnitSection[]): EmitInput => ({
    style,
    sourceLabel: project.relative(file),
    sections: secs,
    imports: [...imports.values(), ...(verify ? reusedImports.values() : [])].map((i) => ({ ...i, specifier: specifierFor(i.specifier, verify) })),
    mode: verify ? 'verify' : 'final',
    ...(verify && libraries ? { libraries } : {}),
  });
  const ext = path.extname(testFile);
  const verifyText = (text: string) => (verifier.host ? runTestTextInRunner(text, testFile, verifier.host, limits, req.signal) : runTestText(text, ext, project.root, limits, req.signal, verifier.mocha));
  let current = sections;
  let runs = 0;
  if (!settings.execute && current.length > 0) {
    problems.push({
      severity: 'warning',
      file,
      message: `running code is turned off ("execute": false), so the tests for ${project.relative(file)} are type properties testgap has not run; run them yourself, or set "execute": true to have every case verified`,
    });
  }
  /** The sections without the tests whose text does not type-check; errors that name no test are a warning. */
  const typeChecked = (secs: UnitSection[]): UnitSection[] => {
    const emitted = emitSections(emitInput(false, secs), scanned?.bindings);
    const finalText = existing === undefined ? `${emitted.importLines.join('\n')}\n\n${emitted.body}` : applyInsertions(existing, mergeIntoExisting(existing, testFile, emitted));
    // As the test file's own tsconfig checks it, and as the build's does where the build takes the file in.
    const checks = [undefined, ...buildConfigsTaking(project.root, testFile)].map((config) => typeErrors(project.root, testFile, finalText, ['uvu', 'fast-check'], environment.preload, config));
    const errors = checks.find((c) => !Array.isArray(c)) ?? checks.flatMap((c) => c as TsError[]);
    if (!Array.isArray(errors)) {
      problems.push({ severity: 'warning', file, message: `the generated tests for ${project.relative(file)} were not type-checked: ${errors.unavailable}` });
      return secs;
    }
    const a = attribute(finalText, secs.length, emitted.names, errors, quote);
    for (const e of a.outside) problems.push({ severity: 'warning', file, message: `${project.relative(testFile)}:${e.line}: TS${e.code}: ${e.message}` });
    return secs
      .map((s, si) => {
        const report = reports.find((r) => r.unitId === s.unit.id)!;
        const cases = a.sections.has(si) ? [] : s.cases.filter((_, ci) => !a.cases.get(si)?.has(ci));
        const properties = a.sections.has(si) ? [] : s.properties.filter((_, pi) => !a.properties.get(si)?.has(pi));
        const left = s.cases.length + s.properties.length - cases.length - properties.length;
        if (left > 0) report.dropped['does not type-check'] = (report.dropped['does not type-check'] ?? 0) + left;
        return { ...s, cases, properties };
      })
      .filter((s) => s.cases.length > 0 || s.properties.length > 0);
  };
  // The file must type-check as the project checks it (tsc, and ts-jest, which fails a whole test file on one type
  // error): what does not is left out before anything runs.
  if (style.ts && current.length > 0 && settings.execute && !req.signal?.aborted) current = typeChecked(current);
  for (let round = 0; round < 4 && current.length > 0 && settings.execute && !req.signal?.aborted; round++) {
    const emitted = emitSections(emitInput(true, current), scanned?.bindings);
    const text = `${emitted.importLines.join('\n')}\n\n${emitted.body}`;
    const failed = new Set<string>();
    const refusedWhenVerified = new Map<string, string>();
    let broken: string | undefined;
    const times = round === 0 ? verifyRuns : 1;
    for (let r = 0; r < times && !broken; r++) {
      req.progress?.(`verifying generated tests (run ${runs + 1})`, 0.9);
      const result = await verifyText(text);
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
      ? await verifiedReexports({ project, file, marker, style, limits, verifyRuns, signal: req.signal, specifierFor: (f) => specifierFor(f, true), verify: verifyText, progress: req.progress })
      : undefined;
  if (reexports) runs += reexports.runs;
  const finalReexports = reexports && { ...reexports.suite, entry: specifierFor(file, false), checks: reexports.suite.checks.map((c) => ({ ...c, module: specifierFor(c.module, false) })) };

  // What the file needs besides the runner the project has: uvu (and tsx for TypeScript) only where uvu is the runner.
  const deps = [...(dialect === 'uvu' ? ['uvu'] : []), ...(current.some((s) => s.properties.length > 0) ? ['fast-check'] : []), ...(dialect === 'uvu' && style.ts ? ['tsx'] : [])];
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
    }
    // The project's prettier and ESLint have the last word on how the inserted text looks.
    const styled = settings.execute ? await inProjectStyle(project.root, testFile, existing ?? '', insertions, limits, req.signal) : undefined;
    if (styled) {
      insertions = styled.insertions;
      problems.push(...styled.problems);
    }
    text = applyInsertions(existing ?? '', insertions);
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

/** A unit's report before anything of it ran. */
function newReport(unit: Unit): UnitReport {
  return { unitId: unit.id, name: unit.name, cases: 0, properties: 0, dropped: {}, suspectedBugs: [], nondeterministic: false, blocks: { reached: 0, kept: 0 } };
}

/** `name`, or it with underscores appended until no binding of the file has it. */
function unusedName(name: string, taken: Map<string, string>): string {
  while (taken.has(name)) name += '_';
  return name;
}

/** The older of two [major, minor] versions. */
function olderOf(a: [number, number], b: [number, number] | undefined): [number, number] {
  return b && (b[0] < a[0] || (b[0] === a[0] && b[1] < a[1])) ? b : a;
}

/** An exported class of the module that is not abstract and extends `abstract`, directly or through other classes. */
function concreteSubclass(abstract: Unit, units: Unit[], byId: Map<string, Unit>): Unit | undefined {
  const extendsIt = (u: Unit, depth = 0): boolean => {
    const base = u.base && 'id' in u.base ? byId.get(u.base.id) : undefined;
    return !!base && depth < 16 && (base.id === abstract.id || extendsIt(base, depth + 1));
  };
  return units.find((u) => u.kind === 'class' && !u.abstract && u.exportNames.length > 0 && extendsIt(u));
}

/** The constructor a class is built with: its own, else the nearest one it inherits from a class of the module. */
function constructorOf(classId: string, units: Unit[], byId: Map<string, Unit>): Unit | undefined {
  for (let id: string | undefined = classId, depth = 0; id && depth < 16; depth++) {
    const own = units.find((u) => u.parent === id && u.kind === 'constructor');
    if (own) return own;
    const base: Unit['base'] = byId.get(id)?.base;
    id = base && 'id' in base ? base.id : undefined;
  }
  return undefined;
}

/** Adds a reason to a unit's `not-executable` report (reasons are distinct, in the order met). */
function noteNotExecutable(report: UnitReport, why: string): void {
  const known = report.notExecutable?.split('; ') ?? [];
  if (!known.includes(why)) report.notExecutable = [...known, why].join('; ');
}
