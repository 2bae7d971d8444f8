// From observed outcomes to the cases worth writing: the fewest that keep every block the candidates reached and
// every distinct kind of outcome, with documented results checked against what happened.
import ts from 'typescript';
import type { Candidate, UnitPlan } from './plan';
import { ASYNC_FAILURE, CONSTRUCTION_FAILED, missingGlobal, sandboxRefusal, type Observed, type Outcome } from './outcome';
import { literal, show, type Described } from './values';

export interface ReturnCase {
  kind: 'returns';
  args: string;
  /** Literal source of the expected value, or for class instances the literal of their own properties. */
  expected: string;
  instanceOf?: string;
  /** `expected` holds only some of the instance's own properties: the test checks those, not that there are no others. */
  partial?: true;
  async: boolean;
  origin: Candidate['origin'];
  callText: string;
  resultText: string;
}

export interface ThrowCase {
  kind: 'throws';
  args: string;
  errorClass: string;
  message: string;
  async: boolean;
  origin: Candidate['origin'];
  callText: string;
}

export type Case = ReturnCase | ThrowCase;

export interface SuspectedBug {
  args: string;
  documented: string;
  observed: string;
}

export interface Selection {
  cases: Case[];
  /** What the unit tried that the sandbox refused (each distinct), for a not-executable report. */
  refused: string[];
  /** For members: the planned constructor arguments did not build an instance (the error). */
  constructionFailed?: string;
  suspectedBugs: SuspectedBug[];
  /** Candidates left out and why (a count per reason). */
  dropped: Record<string, number>;
  /** Some input gave different results on two calls: no value assertions were kept for those inputs. */
  nondeterministic: boolean;
  /** How many inputs ran, and how many of them gave different results on two calls. */
  inputsRun: number;
  unstableInputs: number;
  /** Blocks reached by all candidates / by the kept cases. */
  blocksReached: number;
  blocksKept: number;
  /** The blocks each kept case reached (parallel to `cases`). */
  caseHits: number[][];
}

const MAX_CASES_PER_KIND = 12;
const ORIGIN_RANK: Record<Candidate['origin'], number> = { example: 0, typical: 1, omitted: 2, constant: 3, search: 4, boundary: 5, invalid: 6 };

function outcomeClass(o: Outcome): string {
  if (o.kind === 'return' || o.kind === 'resolve') return `${o.kind}:${valueClass(o.value)}`;
  if (o.kind === 'throw' || o.kind === 'reject') return `${o.kind}:${o.error.className}`;
  return o.kind;
}

function valueClass(d: Described): string {
  if (d.t === 'number') {
    if (typeof d.v === 'number') return d.v === 0 ? 'zero' : d.v < 0 ? 'negative' : 'positive';
    return d.v === 'NaN' ? 'nan' : d.v === '-0' ? 'zero' : 'infinite';
  }
  if (d.t === 'string') return d.v === '' ? 'empty-string' : 'string';
  if (d.t === 'array') return d.items.length === 0 ? 'empty-array' : 'array';
  if (d.t === 'boolean') return String(d.v);
  if (d.t === 'instance') return `instance:${d.className}`;
  return d.t;
}

export function callText(name: string, args: string, max = 60): string {
  const inner = args.slice(1, -1);
  const text = `${name}(${inner})`;
  if (text.length <= max) return text;
  // Long arguments are named by what they are (the whole value is in the test's table), so the title stays whole.
  const short = `${name}(${topLevelItems(inner).map(describeArgument).join(', ')})`;
  return short.length > max * 1.5 ? `${short.slice(0, max - 2)}…)` : short;
}

/** An argument's source as a title shows it: itself when short, else what kind of value it is. */
function describeArgument(arg: string): string {
  if (arg.length <= 24) return arg;
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (/^(['"`]).*\1$/s.test(arg)) return 'a long string';
  if (arg.startsWith('[')) return `an array of ${plural(topLevelItems(arg.slice(1, -1)).length, 'item')}`;
  if (arg.startsWith('{')) return 'an object';
  if (/^(async )?(\([^)]*\)|\w+) =>|^(async )?function\b/.test(arg)) return 'a function';
  const created = /^new ([\w$.]+)\(/.exec(arg)?.[1];
  if (created) return `${/^[AEIOU]/i.test(created) ? 'an' : 'a'} ${created}`;
  return `${arg.slice(0, 21)}…`;
}

/** The comma-separated items of a list's source at its top level (not inside brackets, strings or templates). */
export function topLevelItems(source: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      items.push(source.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = source.slice(start).trim();
  if (last) items.push(last);
  return items;
}

function toCase(plan: UnitPlan, c: Candidate, o: Outcome, displayName: string): Case | { drop: string } {
  const call = plan.unit.kind === 'getter' ? displayName : callText(displayName, c.args);
  if (o.kind === 'return' || o.kind === 'resolve') {
    const async = o.kind === 'resolve';
    const v = o.value;
    if (v.t === 'instance') {
      // Own properties with no literal form (bound methods, nested instances, cycles) are left out of the assertion
      // rather than dropping the case: the class and every property that can be written are still checked.
      const kept = v.entries.filter(([, x]) => literal(x) !== undefined);
      const props = literal({ t: 'object', entries: kept });
      if (props === undefined) return { drop: 'result has no literal form' };
      return { kind: 'returns', args: c.args, expected: props, instanceOf: v.className, ...(kept.length < v.entries.length ? { partial: true as const } : {}), async, origin: c.origin, callText: call, resultText: `${v.className} {…}` };
    }
    const expected = literal(v);
    if (expected === undefined) return { drop: 'result has no literal form' };
    return { kind: 'returns', args: c.args, expected, async, origin: c.origin, callText: call, resultText: show(v) };
  }
  if (o.kind === 'throw' || o.kind === 'reject') {
    // How deep recursion may go depends on the machine and its flags: not a behaviour to pin in a test.
    if (/Maximum call stack size exceeded/.test(o.error.message)) return { drop: 'stack overflow' };
    if (o.error.message.length > 300) return { drop: 'error message too long to assert' };
    return { kind: 'throws', args: c.args, errorClass: o.error.className || o.error.name, message: o.error.message, async: o.kind === 'reject', origin: c.origin, callText: call };
  }
  switch (o.kind) {
    case 'bad-input':
      // Errors left behind after the call, or a callback never called: a test would crash or hang, so no case.
      if (o.error.message.startsWith(ASYNC_FAILURE)) return { drop: o.error.message.includes('callback never called') ? 'callback never called' : 'failed after returning' };
      return { drop: 'input did not evaluate' };
    case 'timeout':
      return { drop: `timed out after ${o.ms} ms` };
    case 'exit':
      return { drop: `process exited (code ${o.code}${o.signal ? `, ${o.signal}` : ''})` };
  }
  return { drop: 'unknown outcome' };
}

/** The reason a case is left out when its outcome follows NODE_ENV, TZ or the locale. */
export const ENVIRONMENT_DEPENDENT = 'depends on NODE_ENV, the time zone or the locale';

/** `displayName`: how the emitted test calls the unit (`formatPrice`, `cart.add`). */
export function selectCases(plan: UnitPlan, observed: (Observed | undefined)[], displayName: string): Selection {
  const dropped: Record<string, number> = {};
  const drop = (why: string): void => {
    dropped[why] = (dropped[why] ?? 0) + 1;
  };
  const suspectedBugs: SuspectedBug[] = [];
  const refused = new Set<string>();
  let constructionFailed: string | undefined;
  let nondeterministic = false;
  let inputsRun = 0;
  let unstableInputs = 0;
  const pool: { c: Case; hits: number[]; cls: string; rank: number; index: number }[] = [];
  const order = new Map<Case, number>();
  const hitsOf = new Map<Case, number[]>();
  const reached = new Set<number>();
  plan.candidates.forEach((c, index): void => {
    const o = observed[index];
    if (!o) return drop('not run');
    inputsRun++;
    for (const h of o.hits) reached.add(h);
    // An error the sandbox caused says nothing about the code outside it: never a test.
    const thrown = o.outcome.kind === 'throw' || o.outcome.kind === 'reject' ? o.outcome.error : undefined;
    const refusal = thrown && sandboxRefusal(thrown);
    if (refusal) {
      refused.add(refusal);
      return drop('needs access the sandbox refuses');
    }
    const lacking = thrown && missingGlobal(thrown);
    if (lacking) {
      refused.add(lacking);
      return drop('needs a global its test environment lacks');
    }
    if (o.local) return drop('result names the sandbox folder');
    if (o.outcome.kind === 'bad-input' && o.outcome.error.message.startsWith(CONSTRUCTION_FAILED)) {
      constructionFailed = o.outcome.error.message.slice(CONSTRUCTION_FAILED.length);
      return drop('the constructor threw with the planned arguments');
    }
    if (!o.stable && o.environment) return drop(ENVIRONMENT_DEPENDENT);
    if (!o.stable) {
      nondeterministic = true;
      unstableInputs++;
      return drop('different result on a second call');
    }
    if (c.expected !== undefined && (o.outcome.kind === 'return' || o.outcome.kind === 'resolve')) {
      const observedText = literal(o.outcome.value);
      if (observedText !== undefined && !matchesDocumented(observedText, c.expected)) {
        suspectedBugs.push({ args: c.args, documented: c.expected, observed: observedText });
        return;
      }
    }
    const made = toCase(plan, c, o.outcome, displayName);
    if ('drop' in made) return drop(made.drop);
    pool.push({ c: made, hits: o.hits, cls: outcomeClass(o.outcome), rank: ORIGIN_RANK[c.origin], index });
    order.set(made, index);
    hitsOf.set(made, o.hits);
  });
  // Greedy set cover: documented examples first; then, round by round, the case that reaches the most blocks not yet
  // reached (ties: the more typical input); then cases whose kind of outcome is new. What adds neither is left out.
  pool.sort((a, b) => a.rank - b.rank || a.index - b.index);
  const covered = new Set<number>();
  const classes = new Set<string>();
  const kept: Case[] = [];
  const perKind = { returns: 0, throws: 0 };
  const take = (p: (typeof pool)[number]) => {
    perKind[p.c.kind]++;
    kept.push(p.c);
    for (const h of p.hits) covered.add(h);
    classes.add(p.cls);
    pool.splice(pool.indexOf(p), 1);
  };
  for (const p of pool.filter((x) => x.c.origin === 'example')) if (perKind[p.c.kind] < MAX_CASES_PER_KIND) take(p);
  for (;;) {
    let best: (typeof pool)[number] | undefined;
    let bestGain = 0;
    for (const p of pool) {
      if (perKind[p.c.kind] >= MAX_CASES_PER_KIND) continue;
      const gain = p.hits.filter((h) => !covered.has(h)).length;
      if (gain > bestGain) [best, bestGain] = [p, gain];
    }
    if (!best) break;
    take(best);
  }
  for (const p of [...pool]) {
    if (classes.has(p.cls)) continue;
    if (perKind[p.c.kind] >= MAX_CASES_PER_KIND) continue;
    take(p);
  }
  for (const p of pool) drop(perKind[p.c.kind] >= MAX_CASES_PER_KIND && !classes.has(p.cls) ? 'table full' : 'adds no coverage or new outcome');
  // Tables read best in the order inputs were planned (typical first), not in the order they were chosen.
  kept.sort((a, b) => order.get(a)! - order.get(b)!);
  return { cases: kept, refused: [...refused], ...(constructionFailed ? { constructionFailed } : {}), suspectedBugs, dropped, nondeterministic, inputsRun, unstableInputs, blocksReached: reached.size, blocksKept: covered.size, caseHits: kept.map((c) => hitsOf.get(c) ?? []) };
}

/** Whether two JS expressions are the same value as written (`'$1'` vs `"$1"`, spacing). */
/**
 * Whether what the code returned is what its `@example` says. Documentation rounds (`// => 0.516` for
 * 0.5163977794943222), writes `1.0` for 1, shows arithmetic (`47 / 12`) and prints numbers as text (`'0.84'` after a
 * `.toFixed(2)` the example line had): none of that is a bug. The documented text is folded as constants, never run.
 */
export function matchesDocumented(observed: string, documented: string): boolean {
  if (sameSource(observed, documented)) return true;
  const o = constantOf(observed, false);
  const d = constantOf(documented, true);
  return o !== undefined && d !== undefined && agrees(o, d);
}

interface Constant {
  value: unknown;
  /** Decimals the documented number was written with (it may be rounded to them). */
  decimals?: number;
}

/** `documentation`: numbers written as text count as numbers (an example's `.toFixed(2)` shows as `'0.84'`). */
function constantOf(text: string, documentation: boolean): Constant | undefined {
  const sf = ts.createSourceFile('doc.ts', `(${text});`, ts.ScriptTarget.Latest, true);
  const statement = sf.statements[0];
  if (sf.statements.length !== 1 || !statement || !ts.isExpressionStatement(statement)) return undefined;
  const fold = (e: ts.Expression): Constant | undefined => {
    if (ts.isParenthesizedExpression(e)) return fold(e.expression);
    if (ts.isNumericLiteral(e)) return { value: Number(e.text.replace(/_/g, '')), decimals: /\.(\d+)$/.exec(e.text)?.[1].length ?? 0 };
    if (ts.isStringLiteralLike(e)) {
      // A number shown as text: compare as the number, to the decimals shown.
      const asNumber = documentation ? /^-?\d+(\.(\d+))?$/.exec(e.text) : null;
      return asNumber ? { value: Number(e.text), decimals: asNumber[2]?.length ?? 0 } : { value: e.text };
    }
    if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return { value: e.kind === ts.SyntaxKind.TrueKeyword };
    if (e.kind === ts.SyntaxKind.NullKeyword) return { value: null };
    if (ts.isIdentifier(e) && (e.text === 'NaN' || e.text === 'Infinity')) return { value: Number(e.text) };
    if (ts.isPrefixUnaryExpression(e) && (e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.PlusToken)) {
      const x = fold(e.operand);
      return typeof x?.value === 'number' ? { value: e.operator === ts.SyntaxKind.MinusToken ? -x.value : x.value, decimals: x.decimals } : undefined;
    }
    if (ts.isBinaryExpression(e)) {
      const a = fold(e.left);
      const b = fold(e.right);
      if (typeof a?.value !== 'number' || typeof b?.value !== 'number') return undefined;
      const ops: Partial<Record<ts.SyntaxKind, (x: number, y: number) => number>> = {
        [ts.SyntaxKind.PlusToken]: (x, y) => x + y,
        [ts.SyntaxKind.MinusToken]: (x, y) => x - y,
        [ts.SyntaxKind.AsteriskToken]: (x, y) => x * y,
        [ts.SyntaxKind.SlashToken]: (x, y) => x / y,
      };
      const op = ops[e.operatorToken.kind];
      return op ? { value: op(a.value, b.value) } : undefined;
    }
    if (ts.isArrayLiteralExpression(e)) {
      const items = e.elements.map(fold);
      return items.every((x) => x !== undefined) ? { value: items.map((x) => x!) } : undefined;
    }
    if (ts.isObjectLiteralExpression(e)) {
      const out: Record<string, Constant> = {};
      for (const p of e.properties) {
        if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name))) return undefined;
        const v = fold(p.initializer);
        if (!v) return undefined;
        out[p.name.text] = v;
      }
      return { value: out };
    }
    return undefined;
  };
  return fold(statement.expression);
}

/** Arrays hold Constants and objects map keys to Constants, on both sides, as constantOf folds them. */
function agrees(observed: Constant, documented: Constant): boolean {
  const o = observed.value;
  const d = documented.value;
  if (typeof o === 'number' && typeof d === 'number') {
    if (Object.is(o, d) || o === d) return true;
    if (!Number.isFinite(o) || !Number.isFinite(d)) return false;
    // Floating-point noise in the last digits, or the documentation rounding to the decimals it shows.
    if (Math.abs(o - d) <= 1e-12 * Math.max(1, Math.abs(o), Math.abs(d))) return true;
    const decimals = documented.decimals ?? 0;
    return decimals >= 1 && Number(o.toFixed(decimals)) === d;
  }
  if (Array.isArray(o) && Array.isArray(d)) return o.length === d.length && o.every((x: Constant, i) => agrees(x, d[i] as Constant));
  const isRecord = (x: unknown): x is Record<string, Constant> => !!x && typeof x === 'object' && !Array.isArray(x);
  if (isRecord(o) && isRecord(d)) {
    const keys = Object.keys(o);
    return keys.length === Object.keys(d).length && keys.every((k) => k in d && agrees(o[k], d[k]));
  }
  return o === d;
}

function sameSource(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, '').replace(/"((?:[^"\\]|\\.)*)"/g, (_, x: string) => `'${x.replace(/'/g, "\\'")}'`);
  return norm(a) === norm(b);
}

/**
 * Whether the inputs that gave the same result twice may be written as tests although others did not: only when the
 * unstable ones are a small minority (a race in one corner of a callback API), not when the unit itself depends on
 * time or chance (then most inputs differ, and the stable ones would only be lucky). The written file is still run
 * several times before it is offered, which drops a case that flips.
 */
export function keepsStableCases(s: Pick<Selection, 'nondeterministic' | 'inputsRun' | 'unstableInputs'>): boolean {
  return !s.nondeterministic || s.unstableInputs * 4 <= s.inputsRun;
}
