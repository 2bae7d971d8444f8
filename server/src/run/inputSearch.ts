// Coverage-guided input search for one unit: the instrumented module's blocks, which of them the planned inputs
// reached, and rounds of new inputs aimed at the blocks they missed (its own first, then the helpers it calls), kept
// only where a result is usable as a case. Also the project files a unit's module loads (the sandbox child gets them
// transpiled).
import fs from 'node:fs';
import { parseFile, relativeSpecifiers } from '../core/analyse';
import { notExecutableReason } from '../core/outcome';
import { plannedParams, planUnit } from '../core/plan';
import type { Project } from '../core/project';
import { percent, proposeInputs, type BlockInfo } from '../core/search';
import { keepsStableCases, selectCases, type Selection } from '../core/select';
import type { UnitBlockCoverage } from './generate';
import { transpileForSandbox } from './instrument';
import { MAX_HANGS_PER_JOB, type CandidateResult } from './sandbox';
import { TranspileCache } from './transpileCache';

/** At most this many rounds of searched inputs per unit, each of at most SEARCH_BATCH inputs. */
export const SEARCH_ROUNDS = 5;
export const SEARCH_BATCH = 40;
/** Rounds spent only on the blocks of helpers a unit calls, once its own blocks met the target. */
export const HELPER_SEARCH_ROUNDS = 2;

/** The project files `file` loads, following relative imports (at most MAX_CLOSURE of them). */
const MAX_CLOSURE = 500;
export function importClosure(project: Project, file: string): string[] {
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
export const childCode = new TranspileCache();

/** The block counters the sandbox puts in `file` (same source, same ids), with the source they were made from. */
export function sourceBlocks(file: string): { source: string; code: string; blocks: number; map: (BlockInfo | undefined)[] } | undefined {
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
export function blockFacts(id: number, results: (CandidateResult | undefined)[], unitNondeterministic: boolean) {
  const reaching = results.filter((r): r is CandidateResult => !!r && r.hits.includes(id));
  const refused = (r: CandidateResult) => (r.outcome.kind === 'throw' || r.outcome.kind === 'reject') && !!notExecutableReason(r.outcome.error);
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
  return (o.kind === 'throw' || o.kind === 'reject') && !notExecutableReason(o.error);
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
export function hangs(results: readonly (CandidateResult | undefined)[]): number {
  return results.filter((r) => r?.outcome.kind === 'timeout').length;
}

/**
 * Coverage-guided search: while the selected cases reach less than `target` % of the unit's blocks, run inputs
 * proposed for the missed blocks (core/search.ts), at most SEARCH_ROUNDS rounds, and stop early when a round finds
 * no new block and no untried idea is left. An input joins the plan only when it reached a block nothing before it
 * did and its result is one a test can state, so the search adds cases only for coverage and never makes a unit look
 * non-deterministic.
 */
export async function searchInputs(req: SearchRequest): Promise<{ selection: Selection; allResults: (CandidateResult | undefined)[]; coverage?: UnitBlockCoverage }> {
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
