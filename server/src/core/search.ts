// Coverage-guided search for inputs. After the planned candidates ran, the blocks of the unit they did not reach are
// known (run/instrument.ts records where each counter is and which condition guards it); this module proposes new
// arguments aimed at those blocks:
//   - values that satisfy the conditions on the way to a missed block, read from exactly those conditions
//     (`s.startsWith('v2:') && s.length > 6` → 'v2:xxxx', `n * 2 === 86` → 43, `n % 7 === 3` with `n > 10` → 17);
//   - mutations of the inputs that reached the most blocks (numbers ±1, 0, negated, doubled, the body's constants;
//     strings with the body's strings as prefix and suffix, empty, upper-cased; arrays empty, one element, doubled);
// and tells why a block stayed uncovered when the code says so. Pure: plain data in and out, deterministic (no
// randomness), no I/O, never throws.
import ts from 'typescript';
import type { Param, TypeShape, Unit } from './model';
import type { Span } from './text';
import { quote } from './values';

export type BlockKind = 'function' | 'then' | 'else' | 'case' | 'default' | 'catch' | 'loop' | 'after-loop' | 'branch' | 'operand';

/** A condition on the way into a block: its source text, and whether it must be truthy (`holds`) or falsy. */
export interface Guard {
  text: string;
  holds: boolean;
}

/** One block counter of an instrumented module. */
export interface BlockInfo {
  id: number;
  kind: BlockKind;
  /** UTF-16 offsets of the counted region (a branch, a case clause, a function) in the original source. */
  start: number;
  end: number;
  /** 1-based line of `start`. */
  line: number;
  /** The conditions of this block's own branch point (an `if`, `case`, loop, `?:`, `&&`…), else-if chain included. */
  guards: Guard[];
  /** The block comes after a statement that always leaves (return, throw, break, continue). */
  afterExit?: boolean;
}

export type UncoveredReason = 'unreachable' | 'needs-io' | 'non-deterministic' | 'not-found';

export interface SearchCandidate {
  /** JS source of an arguments array. */
  args: string;
  /** Block ids reached by the first call. */
  hits: number[];
  /** Ran the same twice and produced an outcome a test can state. */
  usable: boolean;
}

export interface SearchInput {
  /** The unit's parameters and the constants mined from its body. */
  params: Param[];
  constants?: Unit['constants'];
  /** TypeScript source: values must stay within the declared parameter types, or the emitted test would not compile. */
  typed: boolean;
  /** The unit's blocks (see unitBlocks). */
  blocks: BlockInfo[];
  /** Block ids reached so far by any candidate. */
  reached: number[];
  /** Every candidate run so far, in order. */
  tried: SearchCandidate[];
}

export interface Idea {
  args: string;
  /** What it aims at: `block 7` (from the conditions guarding it) or `mutation`. */
  why: string;
}

const MAX_IDEAS = 400;
const MAX_ALTERNATIVES = 8;
const SHORT = 60;

// ---------------------------------------------------------------------------------------------------------------
// Which blocks are the unit's

/** The span of the unit's declaration (a class: its constructor), found from the name's span; undefined if unknown. */
export function unitRegion(source: string, fileName: string, unit: Pick<Unit, 'nameSpan' | 'kind'>): Span | undefined {
  try {
    const sf = parsed(fileName, source);
    const at = unit.nameSpan.start;
    let node: ts.Node = sf;
    for (;;) {
      const child: ts.Node | undefined = node.getChildren(sf).find((c) => c.getStart(sf) <= at && at < c.end);
      if (!child) break;
      node = child;
    }
    const spanOf = (n: ts.Node): Span => ({ start: n.getStart(sf), end: n.end });
    const classRegion = (c: ts.ClassLikeDeclaration): Span => {
      const ctor = c.members.find(ts.isConstructorDeclaration);
      return ctor ? spanOf(ctor) : { start: c.getStart(sf), end: c.getStart(sf) };
    };
    const fromValue = (e: ts.Expression | undefined): Span | undefined => {
      while (e && (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e))) e = e.expression;
      if (!e) return undefined;
      if (ts.isClassExpression(e)) return classRegion(e);
      if (ts.isFunctionExpression(e) || ts.isArrowFunction(e)) return spanOf(e);
      return undefined;
    };
    for (let n: ts.Node | undefined = node; n && !ts.isSourceFile(n); n = n.parent) {
      if (ts.isClassDeclaration(n) || ts.isClassExpression(n)) return unit.kind === 'class' ? classRegion(n) : undefined;
      if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n)) return spanOf(n);
      if (ts.isVariableDeclaration(n) || ts.isPropertyDeclaration(n) || ts.isPropertyAssignment(n)) return fromValue(n.initializer) ?? spanOf(n);
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) return fromValue(n.right) ?? spanOf(n);
      if (ts.isExportAssignment(n)) return fromValue(n.expression) ?? spanOf(n);
    }
    return undefined;
  } catch {
    return undefined;
  }
}

let lastParsed: { fileName: string; source: string; sf: ts.SourceFile } | undefined;
/**
 * The file's syntax tree, kept for the next call with the same text: unitRegion and calleeRegions run for every unit
 * of a file in turn, and a big module (memfs's volume.js, 142 methods) would otherwise be parsed twice per unit.
 */
function parsed(fileName: string, source: string): ts.SourceFile {
  if (lastParsed?.fileName !== fileName || lastParsed.source !== source) lastParsed = { fileName, source, sf: ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, scriptKind(fileName)) };
  return lastParsed.sf;
}

function scriptKind(fileName: string): ts.ScriptKind {
  if (/\.tsx$/.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.jsx$/.test(fileName)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(fileName)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/**
 * The regions of the same file's functions the unit calls by name (`parse(a, b)`, `new Node(x)`), and theirs in turn
 * (two levels): much of a library's branching sits in such helpers, and only the unit's inputs can reach it. A name
 * declared more than once in the file is left out (which one a call means would need scopes).
 */
export function calleeRegions(source: string, fileName: string, region: Span | undefined): Span[] {
  if (!region) return [];
  try {
    const sf = parsed(fileName, source);
    const byName = new Map<string, ts.Node[]>();
    const note = (name: string, fn: ts.Node) => byName.set(name, [...(byName.get(name) ?? []), fn]);
    const collect = (n: ts.Node): void => {
      if (ts.isFunctionDeclaration(n) && n.name && n.body) note(n.name.text, n);
      else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isFunctionExpression(n.initializer) || ts.isArrowFunction(n.initializer))) note(n.name.text, n.initializer);
      ts.forEachChild(n, collect);
    };
    collect(sf);
    const out: Span[] = [];
    const seen = new Set<ts.Node>();
    const within = (from: Span, depth: number): void => {
      if (depth > 2) return;
      const visit = (n: ts.Node): void => {
        if (n.end <= from.start || n.getStart(sf) >= from.end) return;
        if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && ts.isIdentifier(n.expression) && n.getStart(sf) >= from.start) {
          const found = byName.get(n.expression.text);
          const fn = found?.length === 1 ? found[0] : undefined;
          const span = fn && { start: fn.getStart(sf), end: fn.end };
          if (fn && span && !seen.has(fn) && !(span.start <= region.start && span.end >= region.end) && !(span.start >= region.start && span.end <= region.end)) {
            seen.add(fn);
            out.push(span);
            within(span, depth + 1);
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    };
    within(region, 1);
    return out;
  } catch {
    return [];
  }
}

/** The blocks inside `region`; none when the region is unknown (the whole file's would be the wrong measure). */
export function unitBlocks(map: (BlockInfo | undefined)[], region: Span | undefined): BlockInfo[] {
  if (!region) return [];
  return map.filter((b): b is BlockInfo => !!b && b.start >= region.start && b.end <= region.end);
}

/** Blocks whose region contains `b`'s, outermost first. */
export function ancestors(b: BlockInfo, blocks: BlockInfo[]): BlockInfo[] {
  return blocks
    .filter((a) => a.id !== b.id && a.start <= b.start && a.end >= b.end && !(a.start === b.start && a.end === b.end && a.id > b.id))
    .sort((x, y) => y.end - y.start - (x.end - x.start) || x.id - y.id);
}

/** Every condition between the unit's entry and `b`, outermost first. */
export function guardChain(b: BlockInfo, blocks: BlockInfo[]): Guard[] {
  return [...ancestors(b, blocks).flatMap((a) => a.guards), ...b.guards];
}

export function percent(covered: number, total: number): number {
  return total === 0 ? 100 : Math.round((covered / total) * 1000) / 10;
}

// ---------------------------------------------------------------------------------------------------------------
// Conditions → constraints on parameters

type Cmp = '===' | '!==' | '<' | '<=' | '>' | '>=';

/** What a condition refers to: a parameter (`s`) or a property path off one (`opts.mode`). */
interface Ref {
  root: string;
  path: string[];
}

export type Atom =
  | { t: 'str'; ref: Ref; op: 'prefix' | 'suffix' | 'contains' | 'equals'; value: string }
  | { t: 'len'; ref: Ref; op: Cmp; n: number }
  | { t: 'num'; ref: Ref; op: Cmp; n: number }
  | { t: 'mod'; ref: Ref; m: number; r: number }
  | { t: 'lit'; ref: Ref; src: string }
  | { t: 'truthy'; ref: Ref; holds: boolean }
  | { t: 'type'; ref: Ref; type: string };

const NEGATE: Record<Cmp, Cmp> = { '===': '!==', '!==': '===', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };
const FLIP: Record<Cmp, Cmp> = { '===': '===', '!==': '!==', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

function cmpOf(kind: ts.SyntaxKind): Cmp | undefined {
  switch (kind) {
    case ts.SyntaxKind.EqualsEqualsEqualsToken:
    case ts.SyntaxKind.EqualsEqualsToken:
      return '===';
    case ts.SyntaxKind.ExclamationEqualsEqualsToken:
    case ts.SyntaxKind.ExclamationEqualsToken:
      return '!==';
    case ts.SyntaxKind.LessThanToken:
      return '<';
    case ts.SyntaxKind.LessThanEqualsToken:
      return '<=';
    case ts.SyntaxKind.GreaterThanToken:
      return '>';
    case ts.SyntaxKind.GreaterThanEqualsToken:
      return '>=';
  }
  return undefined;
}

function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

function parseExpression(text: string): ts.Expression | undefined {
  const sf = ts.createSourceFile('guard.ts', `(${text});`, ts.ScriptTarget.Latest, true);
  const diagnostics = (sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? [];
  const stmt = sf.statements[0];
  if (diagnostics.length > 0 || sf.statements.length !== 1 || !stmt || !ts.isExpressionStatement(stmt)) return undefined;
  return unwrap(stmt.expression);
}

/** A literal's value: numbers, strings, booleans, null, undefined (`{ v }`), or undefined when not a literal. */
function literalValue(e: ts.Expression): { v: unknown } | undefined {
  e = unwrap(e);
  if (ts.isNumericLiteral(e)) return { v: Number(e.text) };
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return { v: e.text };
  if (e.kind === ts.SyntaxKind.TrueKeyword) return { v: true };
  if (e.kind === ts.SyntaxKind.FalseKeyword) return { v: false };
  if (e.kind === ts.SyntaxKind.NullKeyword) return { v: null };
  if (ts.isIdentifier(e) && e.text === 'undefined') return { v: undefined };
  if (ts.isIdentifier(e) && e.text === 'NaN') return { v: NaN };
  if (ts.isVoidExpression(e) && literalValue(e.expression)) return { v: undefined };
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
    const inner = literalValue(e.operand);
    if (inner && typeof inner.v === 'number') return { v: -inner.v };
  }
  return undefined;
}

/** The value of a condition built only from literals (`false`, `1 === 2`, `!0`), or undefined. */
function constantValue(e: ts.Expression): { v: unknown } | undefined {
  e = unwrap(e);
  const lit = literalValue(e);
  if (lit) return lit;
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = constantValue(e.operand);
    return inner ? { v: !inner.v } : undefined;
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    const l = constantValue(e.left);
    if (op === ts.SyntaxKind.AmpersandAmpersandToken && l) return l.v ? constantValue(e.right) : l;
    if (op === ts.SyntaxKind.BarBarToken && l) return l.v ? l : constantValue(e.right);
    const r = constantValue(e.right);
    const cmp = cmpOf(op);
    if (!l || !r || !cmp) return undefined;
    const [a, b] = [l.v, r.v] as [never, never];
    const loose = op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    const eq = loose ? a == b : a === b;
    switch (cmp) {
      case '===':
        return { v: eq };
      case '!==':
        return { v: !eq };
      case '<':
        return { v: a < b };
      case '<=':
        return { v: a <= b };
      case '>':
        return { v: a > b };
      case '>=':
        return { v: a >= b };
    }
  }
  return undefined;
}

/** Whether the guard can never come out the way the block needs (`if (false)`, `else` of `if (true)`). */
export function constantlyFails(g: Guard): boolean {
  try {
    const e = parseExpression(g.text);
    const c = e && constantValue(e);
    return !!c && !!c.v !== g.holds;
  } catch {
    return false;
  }
}

function refOf(e: ts.Expression): Ref | undefined {
  e = unwrap(e);
  if (ts.isIdentifier(e)) return { root: e.text, path: [] };
  if (e.kind === ts.SyntaxKind.ThisKeyword) return { root: 'this', path: [] };
  if (ts.isPropertyAccessExpression(e) && e.name.text !== 'length') {
    const base = refOf(e.expression);
    return base && { root: base.root, path: [...base.path, e.name.text] };
  }
  if (ts.isElementAccessExpression(e) && (ts.isStringLiteral(e.argumentExpression) || ts.isNumericLiteral(e.argumentExpression))) {
    const base = refOf(e.expression);
    return base && { root: base.root, path: [...base.path, e.argumentExpression.text] };
  }
  return undefined;
}

function lengthOf(e: ts.Expression): Ref | undefined {
  e = unwrap(e);
  return ts.isPropertyAccessExpression(e) && e.name.text === 'length' ? refOf(e.expression) : undefined;
}

function conj(a: Atom[][], b: Atom[][]): Atom[][] {
  const out: Atom[][] = [];
  for (const x of a) for (const y of b) if (out.length < MAX_ALTERNATIVES) out.push([...x, ...y]);
  return out;
}

function alt(a: Atom[][], b: Atom[][]): Atom[][] {
  return [...a, ...b].slice(0, MAX_ALTERNATIVES);
}

const NONE: Atom[][] = [[]];

/** `lhs op n` solved for the reference in `lhs` when it is linear in it (`n * 2`, `n + 1`, `s.length - 1`, `n % 7`). */
function solve(lhs: ts.Expression, op: Cmp, n: number, depth = 0): Atom[] {
  lhs = unwrap(lhs);
  if (depth > 4 || !Number.isFinite(n)) return [];
  const len = lengthOf(lhs);
  if (len) return [{ t: 'len', ref: len, op, n }];
  const ref = refOf(lhs);
  if (ref) return [{ t: 'num', ref, op, n }];
  if (ts.isPrefixUnaryExpression(lhs) && lhs.operator === ts.SyntaxKind.MinusToken) return solve(lhs.operand, FLIP[op], -n, depth + 1);
  if (ts.isPrefixUnaryExpression(lhs) && lhs.operator === ts.SyntaxKind.PlusToken) return solve(lhs.operand, op, n, depth + 1);
  if (ts.isCallExpression(lhs) && ts.isIdentifier(lhs.expression) && lhs.expression.text === 'Number' && lhs.arguments.length === 1) return solve(lhs.arguments[0], op, n, depth + 1);
  if (!ts.isBinaryExpression(lhs)) return [];
  const k = lhs.operatorToken.kind;
  const lv = literalValue(lhs.left);
  const rv = literalValue(lhs.right);
  const num = (x: { v: unknown } | undefined) => (x && typeof x.v === 'number' ? x.v : undefined);
  const [a, b] = [num(lv), num(rv)];
  if (a === undefined && b === undefined) return [];
  const other = b !== undefined ? lhs.left : lhs.right;
  const c = (b ?? a)!;
  switch (k) {
    case ts.SyntaxKind.AsteriskToken:
      return c === 0 ? [] : solve(other, c < 0 ? FLIP[op] : op, n / c, depth + 1);
    case ts.SyntaxKind.PlusToken:
      return solve(other, op, n - c, depth + 1);
    case ts.SyntaxKind.MinusToken:
      return b !== undefined ? solve(other, op, n + c, depth + 1) : solve(other, FLIP[op], c - n, depth + 1);
    case ts.SyntaxKind.SlashToken:
      return b !== undefined && c !== 0 ? solve(other, c < 0 ? FLIP[op] : op, n * c, depth + 1) : [];
    case ts.SyntaxKind.PercentToken: {
      if (b === undefined || !Number.isInteger(c) || c === 0 || !Number.isInteger(n)) return [];
      const m = Math.abs(c);
      const r = op === '===' ? n : op === '!==' ? n + 1 : op === '>' ? n + 1 : op === '>=' ? n : op === '<' ? n - 1 : n;
      if (r < 0 || r >= m) return [];
      const ref2 = refOf(other) ?? lengthOf(other);
      if (!ref2) return [];
      return lengthOf(other) ? [{ t: 'len', ref: ref2, op: '>=', n: r }] : [{ t: 'mod', ref: ref2, m, r }];
    }
  }
  return [];
}

/** Alternatives (each a conjunction of atoms) under which `e` comes out truthy (`holds`) or falsy. */
function collect(e: ts.Expression, holds: boolean, depth = 0): Atom[][] {
  e = unwrap(e);
  if (depth > 12) return NONE;
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) return collect(e.operand, !holds, depth + 1);
  if (ts.isBinaryExpression(e)) {
    const k = e.operatorToken.kind;
    if (k === ts.SyntaxKind.AmpersandAmpersandToken) return holds ? conj(collect(e.left, true, depth + 1), collect(e.right, true, depth + 1)) : alt(collect(e.left, false, depth + 1), collect(e.right, false, depth + 1));
    if (k === ts.SyntaxKind.BarBarToken) return holds ? alt(collect(e.left, true, depth + 1), collect(e.right, true, depth + 1)) : conj(collect(e.left, false, depth + 1), collect(e.right, false, depth + 1));
    if (k === ts.SyntaxKind.InKeyword) {
      // `'re' in z`: an object with that property (set to 1: a number passes more checks than a string would).
      const prop = literalValue(e.left);
      const owner = refOf(e.right);
      return holds && owner && prop && (typeof prop.v === 'string' || typeof prop.v === 'number') ? [[{ t: 'lit', ref: { root: owner.root, path: [...owner.path, String(prop.v)] }, src: '1' }]] : NONE;
    }
    let op = cmpOf(k);
    if (op) {
      let [l, r] = [e.left, e.right];
      if (literalValue(l) && !literalValue(r)) {
        [l, r] = [r, l];
        op = FLIP[op];
      }
      if (!holds) op = NEGATE[op];
      const value = literalValue(r);
      if (!value) return NONE;
      const lu = unwrap(l);
      // typeof x === 'string'
      if (ts.isTypeOfExpression(lu) && typeof value.v === 'string') {
        const ref = refOf(lu.expression);
        return ref && op === '===' ? [[{ t: 'type', ref, type: value.v }]] : NONE;
      }
      if (typeof value.v === 'number') {
        const atoms = solve(l, op, value.v);
        return atoms.length > 0 ? [atoms] : NONE;
      }
      const ref = refOf(l);
      if (!ref) return NONE;
      if (typeof value.v === 'string') return op === '===' ? [[{ t: 'str', ref, op: 'equals', value: value.v }]] : NONE;
      const src = value.v === null ? 'null' : value.v === undefined ? 'undefined' : String(value.v);
      if (op === '===') return [[{ t: 'lit', ref, src }]];
      if (op === '!==' && (value.v === null || value.v === undefined)) return [[{ t: 'truthy', ref, holds: true }]];
      if (op === '!==' && typeof value.v === 'boolean') return [[{ t: 'lit', ref, src: String(!value.v) }]];
      return NONE;
    }
    return NONE;
  }
  if (ts.isCallExpression(e)) {
    const callee = unwrap(e.expression);
    const arg = e.arguments[0] && literalValue(e.arguments[0]);
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const ref = refOf(callee.expression);
      const strOp = ({ startsWith: 'prefix', endsWith: 'suffix', includes: 'contains' } as const)[method as 'startsWith'];
      if (ref && strOp && arg && typeof arg.v === 'string') return holds ? [[{ t: 'str', ref, op: strOp, value: arg.v }]] : NONE;
      const target = e.arguments[0] && refOf(e.arguments[0]);
      const owner = ts.isIdentifier(callee.expression) ? callee.expression.text : '';
      if (target && owner === 'Array' && method === 'isArray') return holds ? [[{ t: 'type', ref: target, type: 'array' }]] : NONE;
      if (target && owner === 'Number' && method === 'isInteger') return [[{ t: 'type', ref: target, type: holds ? 'integer' : 'fraction' }]];
      if (target && owner === 'Number' && (method === 'isNaN' || method === 'isFinite')) return [[{ t: 'lit', ref: target, src: (method === 'isNaN') === holds ? 'NaN' : '1' }]];
    }
    if (ts.isIdentifier(callee) && callee.text === 'isNaN' && e.arguments[0]) {
      const target = refOf(e.arguments[0]);
      return target ? [[{ t: 'lit', ref: target, src: holds ? 'NaN' : '1' }]] : NONE;
    }
    return NONE;
  }
  const len = lengthOf(e);
  if (len) return [[{ t: 'len', ref: len, op: holds ? '>' : '===', n: 0 }]];
  const ref = refOf(e);
  if (ref) return [[{ t: 'truthy', ref, holds }]];
  return NONE;
}

/** Alternatives of atoms under which every guard comes out as needed (conjunction over the guards). */
export function constraintsOf(guards: Guard[]): Atom[][] {
  let out: Atom[][] = NONE;
  for (const g of guards) {
    try {
      const e = parseExpression(g.text);
      if (e) out = conj(out, collect(e, g.holds));
    } catch {
      // a guard we cannot read adds no constraint
    }
  }
  return out;
}

/** Every number and string literal written in the guards, and the solutions of their linear comparisons. */
export function guardLiterals(guards: Guard[]): { numbers: number[]; strings: string[] } {
  const numbers: number[] = [];
  const strings: string[] = [];
  for (const g of guards) {
    const e = parseExpression(g.text);
    if (!e) continue;
    const visit = (n: ts.Node) => {
      if (ts.isNumericLiteral(n)) numbers.push(Number(n.text));
      else if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) strings.push(n.text);
      ts.forEachChild(n, visit);
    };
    visit(e);
    for (const conj of [...collect(e, true), ...collect(e, false)]) {
      for (const a of conj) {
        if (a.t === 'num' || a.t === 'len') numbers.push(a.n);
        if (a.t === 'mod') numbers.push(a.r, a.r + a.m);
      }
    }
  }
  return { numbers: [...new Set(numbers.filter(Number.isFinite))], strings: [...new Set(strings)] };
}

// ---------------------------------------------------------------------------------------------------------------
// Constraints → values

type Kind = 'number' | 'string' | 'array' | 'object' | 'boolean' | 'other';

function numberSrc(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

/** A number that satisfies the comparisons and remainders, close to `near` when they leave room. */
export function solveNumber(atoms: Atom[], near = 0): number | undefined {
  let lo = -Infinity;
  let hi = Infinity;
  let eq: number | undefined;
  const ne: number[] = [];
  const mods: { m: number; r: number }[] = [];
  let integer = false;
  let fraction = false;
  for (const a of atoms) {
    if (a.t === 'num') {
      if (a.op === '===') eq = a.n;
      else if (a.op === '!==') ne.push(a.n);
      else if (a.op === '>') lo = Math.max(lo, Number.isInteger(a.n) ? a.n + 1 : Math.ceil(a.n));
      else if (a.op === '>=') lo = Math.max(lo, a.n);
      else if (a.op === '<') hi = Math.min(hi, Number.isInteger(a.n) ? a.n - 1 : Math.floor(a.n));
      else hi = Math.min(hi, a.n);
    } else if (a.t === 'mod') {
      mods.push(a);
      integer = true;
    } else if (a.t === 'type') {
      if (a.type === 'integer') integer = true;
      if (a.type === 'fraction') fraction = true;
    }
  }
  const ok = (v: number) => v >= lo && v <= hi && !ne.includes(v) && mods.every((m) => v % m.m === m.r) && (!integer || Number.isInteger(v)) && (!fraction || !Number.isInteger(v));
  if (eq !== undefined) return ok(eq) || (mods.length === 0 && !integer && !fraction) ? eq : undefined;
  let start = Math.min(Math.max(near, lo), hi);
  if (!Number.isFinite(start)) start = Number.isFinite(lo) ? lo : Number.isFinite(hi) ? hi : 0;
  if (fraction) start = Math.floor(start) + 0.5 > hi ? Math.floor(start) - 0.5 : Math.floor(start) + 0.5;
  if (!fraction && mods.length > 0) start = Math.max(0, Math.ceil(start));
  for (let i = 0; i < 200; i++) {
    const up = start + i;
    if (ok(up)) return up;
    const down = start - i;
    if (ok(down)) return down;
  }
  return undefined;
}

/** A string that satisfies equality, prefix, suffix, contains and length constraints, built around `base`. */
export function solveString(atoms: Atom[], base = ''): string | undefined {
  let eq: string | undefined;
  let prefix = '';
  let suffix = '';
  const contains: string[] = [];
  let minLen = 0;
  let maxLen = Infinity;
  let exactLen: number | undefined;
  let wantTruthy = false;
  let wantFalsy = false;
  for (const a of atoms) {
    if (a.t === 'str') {
      if (a.op === 'equals') eq = a.value;
      else if (a.op === 'prefix') prefix = a.value.length > prefix.length ? a.value : prefix;
      else if (a.op === 'suffix') suffix = a.value.length > suffix.length ? a.value : suffix;
      else contains.push(a.value);
    } else if (a.t === 'len') {
      if (a.op === '===') exactLen = a.n;
      else if (a.op === '>') minLen = Math.max(minLen, Math.floor(a.n) + 1);
      else if (a.op === '>=') minLen = Math.max(minLen, Math.ceil(a.n));
      else if (a.op === '<') maxLen = Math.min(maxLen, Math.ceil(a.n) - 1);
      else if (a.op === '<=') maxLen = Math.min(maxLen, Math.floor(a.n));
      else if (a.op === '!==' && a.n === 0) minLen = Math.max(minLen, 1);
    } else if (a.t === 'truthy') {
      if (a.holds) wantTruthy = true;
      else wantFalsy = true;
    }
  }
  if (eq !== undefined) return eq;
  if (wantFalsy && !prefix && !suffix && contains.length === 0) return '';
  const constrained = prefix || suffix || contains.length > 0;
  let middle = contains.filter((c) => !prefix.includes(c) && !suffix.includes(c)).join('');
  if (!constrained && base) middle = base;
  let s = prefix + middle + suffix;
  const want = exactLen ?? Math.max(minLen, wantTruthy ? 1 : 0);
  if (s.length < want) s = prefix + middle + 'x'.repeat(want - s.length) + suffix;
  if (exactLen !== undefined && s.length > exactLen) return undefined;
  if (s.length > maxLen) {
    if (constrained) return undefined;
    s = s.slice(0, Math.max(0, maxLen));
  }
  if (s.length > 200) return undefined;
  return s;
}

function kindOfShape(shape: TypeShape | undefined): Kind[] {
  if (!shape) return ['number', 'string', 'array', 'object', 'boolean', 'other'];
  switch (shape.kind) {
    case 'number':
    case 'string':
    case 'array':
    case 'object':
    case 'boolean':
      return [shape.kind];
    case 'union':
      return [...new Set(shape.members.flatMap(kindOfShape))];
    case 'any':
    case 'unknown':
      return ['number', 'string', 'array', 'object', 'boolean', 'other'];
    case 'literal':
      return typeof shape.value === 'boolean' ? ['boolean'] : [];
    case 'null':
    case 'undefined':
    case 'void':
      return ['other'];
  }
  return [];
}

/** The kinds of values a parameter may receive in the emitted test. In JS, anything; in TS, what its type allows. */
function allowedKinds(p: Param, typed: boolean): Set<Kind> {
  return new Set(!typed || !p.shape ? kindOfShape(undefined) : kindOfShape(p.shape));
}

/** Sources of the literal values a TS parameter's type names (`'USD' | 'EUR'`, `null`), which it may also receive. */
function allowedLiterals(p: Param, typed: boolean): Set<string> | undefined {
  if (!typed || !p.shape) return undefined;
  const out = new Set<string>();
  const visit = (s: TypeShape) => {
    if (s.kind === 'literal') out.add(typeof s.value === 'string' ? quote(s.value) : String(s.value));
    else if (s.kind === 'null' || s.kind === 'undefined') out.add(s.kind);
    else if (s.kind === 'boolean') out.add('true').add('false');
    else if (s.kind === 'union') s.members.forEach(visit);
  };
  visit(p.shape);
  return out;
}

/** The kinds a value of source `src` is, when it is a plain literal. */
function kindOfSource(e: ts.Expression | undefined): Kind | undefined {
  if (!e) return undefined;
  e = unwrap(e);
  if (ts.isNumericLiteral(e) || (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand))) return 'number';
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return 'string';
  if (ts.isArrayLiteralExpression(e)) return 'array';
  if (ts.isObjectLiteralExpression(e)) return 'object';
  if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return 'boolean';
  return undefined;
}

/** The elements of an arguments array's source, or undefined when it is not a plain array literal. */
function parseArgs(args: string): { texts: string[]; nodes: ts.Expression[] } | undefined {
  const e = parseExpression(args);
  if (!e || !ts.isArrayLiteralExpression(e) || e.elements.some(ts.isSpreadElement)) return undefined;
  const sf = e.getSourceFile();
  return { texts: e.elements.map((x) => x.getText(sf)), nodes: [...e.elements] };
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
const key = (k: string) => (IDENT.test(k) ? k : quote(k));

/** The value for one reference from its atoms, in the kind the parameter (or its current value) suggests. */
function realize(atoms: Atom[], kinds: Set<Kind>, current: ts.Expression | undefined, literals?: Set<string>): string | undefined {
  const currentKind = kindOfSource(current);
  const fits = (src: string, kind: Kind) => kinds.has(kind) || !literals || literals.has(src);
  const lit = atoms.find((a): a is Extract<Atom, { t: 'lit' }> => a.t === 'lit');
  if (lit) return fits(lit.src, lit.src === 'true' || lit.src === 'false' ? 'boolean' : /^[-\d.N]/.test(lit.src) ? 'number' : 'other') ? lit.src : undefined;
  const equals = atoms.find((a): a is Extract<Atom, { t: 'str' }> => a.t === 'str' && a.op === 'equals');
  if (equals && literals?.has(quote(equals.value))) return quote(equals.value);
  const type = atoms.find((a): a is Extract<Atom, { t: 'type' }> => a.t === 'type' && a.type !== 'integer' && a.type !== 'fraction');
  if (type) {
    const byType: Record<string, [Kind, string]> = { string: ['string', "'a'"], number: ['number', '1'], boolean: ['boolean', 'true'], undefined: ['other', 'undefined'], object: ['object', '{}'], array: ['array', '[]'], function: ['other', '() => undefined'], bigint: ['other', '1n'] };
    const t = byType[type.type];
    return t && kinds.has(t[0]) ? t[1] : undefined;
  }
  const stringy = atoms.some((a) => a.t === 'str');
  const numeric = atoms.some((a) => a.t === 'num' || a.t === 'mod' || (a.t === 'type' && (a.type === 'integer' || a.type === 'fraction')));
  const lengthy = atoms.some((a) => a.t === 'len');
  const truthy = atoms.find((a): a is Extract<Atom, { t: 'truthy' }> => a.t === 'truthy');
  const text = current && (ts.isStringLiteral(current) || ts.isNoSubstitutionTemplateLiteral(current)) ? current.text : '';
  if (stringy || (lengthy && (currentKind === 'string' || (!kinds.has('array') && kinds.has('string'))))) {
    if (!kinds.has('string')) return undefined;
    const s = solveString(atoms, text);
    return s === undefined ? undefined : quote(s);
  }
  if (lengthy && kinds.has('array')) {
    const n = solveString(atoms, '')?.length;
    if (n === undefined) return undefined;
    const els = current && ts.isArrayLiteralExpression(current) ? current.elements.map((x) => x.getText()) : [];
    const fill = els[0] ?? '1';
    return `[${Array.from({ length: n }, (_, i) => els[i] ?? fill).join(', ')}]`;
  }
  if (numeric) {
    if (!kinds.has('number')) return undefined;
    const near = current && kindOfSource(current) === 'number' ? Number(current.getText()) : 0;
    const v = solveNumber(atoms, Number.isFinite(near) ? near : 0);
    return v === undefined ? undefined : numberSrc(v);
  }
  if (truthy) {
    const k: Kind | undefined = currentKind && kinds.has(currentKind) ? currentKind : (['string', 'number', 'boolean', 'array', 'object'] as Kind[]).find((x) => kinds.has(x));
    if (truthy.holds) return k === 'string' ? (text ? undefined : "'x'") : k === 'number' ? '1' : k === 'boolean' ? 'true' : k === 'array' ? '[1]' : k === 'object' ? '{}' : undefined;
    return k === 'string' ? "''" : k === 'number' ? '0' : k === 'boolean' ? 'false' : kinds.has('other') ? 'null' : undefined;
  }
  return undefined;
}

/** Applies a conjunction of atoms to one arguments array: the parameters they name get values that satisfy them. */
export function applyAtoms(args: string, atoms: Atom[], params: Param[], typed: boolean): string | undefined {
  const parsed = parseArgs(args);
  if (!parsed) return undefined;
  const texts = [...parsed.texts];
  let changed = false;
  params.forEach((p, i) => {
    if (p.rest) return;
    const mine = atoms.filter((a) => a.ref.root === p.name);
    if (mine.length === 0) return;
    const kinds = allowedKinds(p, typed);
    const direct = mine.filter((a) => a.ref.path.length === 0);
    const byProp = new Map<string, Atom[]>();
    for (const a of mine) if (a.ref.path.length > 0) byProp.set(a.ref.path[0], [...(byProp.get(a.ref.path[0]) ?? []), { ...a, ref: { root: a.ref.path[0], path: a.ref.path.slice(1) } } as Atom]);
    let value: string | undefined;
    if (direct.length > 0) value = realize(direct, kinds, parsed.nodes[i], allowedLiterals(p, typed));
    if (byProp.size > 0 && kinds.has('object')) {
      // Properties off an options parameter: keep the other properties the current object has.
      const current = parsed.nodes[i] && unwrap(parsed.nodes[i]);
      const props = new Map<string, string>();
      if (current && ts.isObjectLiteralExpression(current)) {
        for (const prop of current.properties) {
          if (ts.isPropertyAssignment(prop) && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))) props.set(prop.name.text, prop.initializer.getText());
        }
      }
      const shapeProps = p.shape?.kind === 'object' ? p.shape.properties : undefined;
      for (const [name, propAtoms] of byProp) {
        const shape = shapeProps?.find((s) => s.name === name)?.shape;
        if (typed && p.shape && !shape) continue;
        const prop: Param = { name, shape, optional: true, rest: false };
        const v = propAtoms.every((a) => a.ref.path.length === 0) ? realize(propAtoms, allowedKinds(prop, typed), undefined, allowedLiterals(prop, typed)) : undefined;
        if (v !== undefined) props.set(name, v);
      }
      if (props.size > 0) value = `{ ${[...props].map(([k, v]) => `${key(k)}: ${v}`).join(', ')} }`;
    }
    if (value === undefined || value === texts[i]) return;
    while (texts.length < i) texts.push('undefined');
    texts[i] = value;
    changed = true;
  });
  return changed ? `[${texts.join(', ')}]` : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations

/** Variations of one argument's value: numbers ±1, 0, negated, doubled, constants; strings; arrays. */
export function mutateValue(src: string, numbers: number[], strings: string[], depth = 0): string[] {
  const e = parseExpression(src);
  const kind = kindOfSource(e);
  const out: string[] = [];
  if (kind === 'number') {
    const n = Number(src.replace(/\s+/g, ''));
    if (!Number.isFinite(n)) return [];
    out.push(...[n + 1, n - 1, 0, -n, n * 2, ...numbers].map(numberSrc));
  } else if (kind === 'string' && e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e))) {
    const s = e.text;
    for (const c of strings) out.push(quote(c + s), quote(s + c));
    out.push("''", quote(s.toUpperCase()));
  } else if (kind === 'array' && e && ts.isArrayLiteralExpression(e)) {
    const els = e.elements.map((x) => x.getText());
    out.push('[]');
    if (els.length > 0) out.push(`[${els[0]}]`, `[${[...els, ...els].join(', ')}]`);
  } else if (kind === 'boolean') {
    out.push(src.trim() === 'true' ? 'false' : 'true');
  } else if (kind === 'object' && e && ts.isObjectLiteralExpression(e) && depth < 2) {
    // An options object: empty, each property left out, each property's value varied (one level down).
    const props = e.properties.map((x) => x.getText());
    out.push('{}');
    e.properties.forEach((prop, i) => {
      const others = props.filter((_, j) => j !== i);
      out.push(others.length > 0 ? `{ ${others.join(', ')} }` : '{}');
      if (!ts.isPropertyAssignment(prop)) return;
      const name = prop.name.getText();
      for (const v of mutateValue(prop.initializer.getText(), numbers, strings, depth + 1).slice(0, 4)) {
        out.push(`{ ${props.map((x, j) => (j === i ? `${name}: ${v}` : x)).join(', ')} }`);
      }
    });
  }
  return [...new Set(out)].filter((x) => x !== src && x.length <= 2 * SHORT + src.length);
}

function withArg(parsed: { texts: string[] }, i: number, value: string): string {
  const texts = [...parsed.texts];
  while (texts.length < i) texts.push('undefined');
  texts[i] = value;
  return `[${texts.join(', ')}]`;
}

// ---------------------------------------------------------------------------------------------------------------
// Proposals

/**
 * New inputs aimed at the unit's blocks no candidate reached yet, best first, none of them tried before. Ideas from
 * the conditions guarding each missed block come first (applied to the inputs that got closest to it), then the
 * literals of those conditions and mutations of the inputs that reached the most blocks.
 */
export function proposeInputs(input: SearchInput): Idea[] {
  try {
    return propose(input);
  } catch {
    return [];
  }
}

function propose(input: SearchInput): Idea[] {
  const { params, blocks, typed } = input;
  const reached = new Set(input.reached);
  const seen = new Set(input.tried.map((c) => c.args));
  const ideas: Idea[] = [];
  const add = (args: string | undefined, why: string) => {
    if (args === undefined || seen.has(args) || ideas.length >= MAX_IDEAS) return;
    seen.add(args);
    ideas.push({ args, why });
  };
  const own = new Set(blocks.map((b) => b.id));
  const score = (c: SearchCandidate) => c.hits.filter((h) => own.has(h)).length;
  // The inputs to build on: usable ones first, then by how many of the unit's blocks they reached.
  const ranked = input.tried
    .map((c, i) => ({ c, i, s: score(c) }))
    .filter((x) => parseArgs(x.c.args))
    .sort((a, b) => Number(b.c.usable) - Number(a.c.usable) || b.s - a.s || a.i - b.i)
    .map((x) => x.c);
  if (ranked.length === 0 || params.filter((p) => !p.rest).length === 0) return [];
  // Dead code (after a return, or behind a constant-false condition) is no target; with nothing else missed, stop.
  const missed = blocks.filter((b) => !reached.has(b.id) && !b.afterExit && !guardChain(b, blocks).some(constantlyFails));
  if (missed.length === 0) return [];
  // Shallow misses first: a block whose enclosing block was reached is the frontier.
  const parentOf = (b: BlockInfo) => ancestors(b, blocks).pop();
  missed.sort((a, b) => Number(!!parentOf(a) && !reached.has(parentOf(a)!.id)) - Number(!!parentOf(b) && !reached.has(parentOf(b)!.id)) || a.id - b.id);
  const numbers = new Set<number>(input.constants?.numbers ?? []);
  const strings = new Set<string>(input.constants?.strings ?? []);
  for (const b of missed) {
    const chain = guardChain(b, blocks);
    const lits = guardLiterals(chain);
    lits.numbers.forEach((n) => numbers.add(n));
    lits.strings.forEach((s) => strings.add(s));
    const parent = parentOf(b);
    const near = parent ? ranked.filter((c) => c.hits.includes(parent.id)) : ranked;
    const bases = [...near.slice(0, 2), ...ranked.slice(0, 1)];
    for (const conjunction of constraintsOf(chain)) {
      if (conjunction.length === 0) continue;
      for (const base of bases) add(applyAtoms(base.args, conjunction, params, typed), `block ${b.id}`);
    }
  }
  // The literals of the missed blocks' conditions (and the body's), put in place of each argument of a fitting kind.
  const top = ranked.slice(0, 3);
  const nums = [...numbers].slice(0, 24);
  const strs = [...strings].filter((s) => s.length <= SHORT).slice(0, 16);
  for (const base of top) {
    const parsed = parseArgs(base.args)!;
    params.forEach((p, i) => {
      if (p.rest) return;
      const kinds = allowedKinds(p, typed);
      const current = kindOfSource(parsed.nodes[i]);
      if (kinds.has('number') && (current === 'number' || current === undefined)) for (const n of nums) for (const v of [n, n + 1, n - 1]) add(withArg(parsed, i, numberSrc(v)), 'condition literal');
      if (kinds.has('string') && (current === 'string' || current === undefined)) for (const s of strs) add(withArg(parsed, i, quote(s)), 'condition literal');
    });
  }
  // Mutations of the inputs that reached the most blocks.
  for (const base of top) {
    const parsed = parseArgs(base.args)!;
    params.forEach((p, i) => {
      if (p.rest || i >= parsed.texts.length) return;
      const kinds = allowedKinds(p, typed);
      for (const v of mutateValue(parsed.texts[i], nums, strs)) {
        const k = kindOfSource(parseExpression(v));
        if (k && !kinds.has(k)) continue;
        add(withArg(parsed, i, v), 'mutation');
      }
    });
    // Trailing arguments left out, where the parameters allow it (any in JS: `known = known || []` is common).
    for (let k = Math.min(parsed.texts.length, params.length) - 1; k >= 1; k--) {
      if (typed && !params.slice(k).every((p) => p.optional || p.rest)) break;
      add(`[${parsed.texts.slice(0, k).join(', ')}]`, 'mutation');
    }
  }
  return ideas;
}

// ---------------------------------------------------------------------------------------------------------------
// Why a block stayed uncovered

const IO = /\b(?:fs|fsp|fsPromises)\s*\.\s*\w+|\b(?:existsSync|readFileSync|statSync|lstatSync|accessSync|readdirSync|readFile|stat|access|readdir)\s*\(|\bprocess\s*\.\s*(?:env|platform|argv|cwd|arch|versions)\b|\bfetch\s*\(|\b(?:http|https|net|dns|os|child_process)\s*\.\s*\w+|\b(?:navigator|window|document|localStorage)\s*\./;

export interface UncoveredFacts {
  /** Some candidate that reached it gave different results on two calls, and no stable one reached it. */
  reachedOnlyUnstable: boolean;
  /** Reached only by candidates the sandbox stopped for access it refuses. */
  reachedOnlyRefused: boolean;
  /** Reached by some candidate at all. */
  reached: boolean;
}

/**
 * Why block `b` of `blocks` was left uncovered, as far as the code and the runs tell. Only the conditions of `b` and
 * of its enclosing blocks that are not `covered` either can be what kept it out.
 */
export function uncoveredReason(b: BlockInfo, blocks: BlockInfo[], facts: UncoveredFacts, covered: number[] = []): UncoveredReason {
  try {
    if (facts.reachedOnlyUnstable) return 'non-deterministic';
    const done = new Set(covered);
    const chainBlocks = [...ancestors(b, blocks).filter((a) => !done.has(a.id)), b];
    const guards = chainBlocks.flatMap((x) => x.guards);
    if (facts.reachedOnlyRefused || guards.some((g) => IO.test(g.text))) return 'needs-io';
    if (!facts.reached && (chainBlocks.some((x) => x.afterExit) || guards.some(constantlyFails))) return 'unreachable';
    return 'not-found';
  } catch {
    return 'not-found';
  }
}
