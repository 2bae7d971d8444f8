// The coverage-guided search's pure parts: where counters are and what guards them (instrument.ts), constraints read
// from those conditions, the values that satisfy them, mutations, proposals, and why a block stayed uncovered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Param } from '../../server/src/core/model';
import {
  applyAtoms,
  constantlyFails,
  constraintsOf,
  guardChain,
  guardLiterals,
  mutateValue,
  proposeInputs,
  calleeRegions,
  solveNumber,
  solveString,
  uncoveredReason,
  unitBlocks,
  unitRegion,
  type BlockInfo,
  type SearchCandidate,
} from '../../server/src/core/search';
import { transpileForSandbox } from '../../server/src/run/instrument';

const str = (name: string): Param => ({ name, shape: { kind: 'string' }, optional: false, rest: false });
const num = (name: string): Param => ({ name, shape: { kind: 'number' }, optional: false, rest: false });

/** Applies every alternative of the guards to `args` and returns the results that changed something. */
function solutions(guards: { text: string; holds: boolean }[], args: string, params: Param[], typed = true): string[] {
  return constraintsOf(guards)
    .map((atoms) => applyAtoms(args, atoms, params, typed))
    .filter((x): x is string => x !== undefined);
}

test('a prefix and a minimum length from one condition make one string', () => {
  assert.equal(solutions([{ text: "s.startsWith('v2:') && s.length > 6", holds: true }], "['a']", [str('s')]), ["['v2:xxxx']"]);
});

test('simple linear comparisons are solved for the parameter', () => {
  assert.equal(solutions([{ text: 'n * 2 === 84', holds: true }], '[1]', [num('n')]), ['[42]']);
  assert.equal(solutions([{ text: '84 === 2 * n', holds: true }], '[1]', [num('n')]), ['[42]']);
  assert.equal(solutions([{ text: '(n + 3) / 2 === 10', holds: true }], '[1]', [num('n')]), ['[17]']);
  assert.equal(solutions([{ text: '10 - n > 20', holds: true }], '[1]', [num('n')]), ['[-11]']);
  assert.equal(solutions([{ text: 'n > 100', holds: true }], '[1]', [num('n')]), ['[101]']);
  assert.equal(solutions([{ text: 'n >= 100', holds: false }], '[1000]', [num('n')]), ['[99]']);
});

test('nested conditions combine: every guard on the way in holds', () => {
  const guards = [
    { text: 'n > 10', holds: true },
    { text: "label.endsWith('!')", holds: true },
    { text: 'n % 7 === 3', holds: true },
  ];
  assert.equal(solutions(guards, "[1, 'a']", [num('n'), str('label')]), ["[17, '!']"]);
});

test('negation, || alternatives and else-branches', () => {
  assert.equal(solutions([{ text: "!(s === 'on' || s === 'yes')", holds: false }], "['a']", [str('s')]), ["['on']", "['yes']"]);
  assert.equal(solutions([{ text: 'a > 5 && b < 0', holds: false }], '[10, -1]', [num('a'), num('b')]), ['[5, -1]', '[10, 0]']);
  // A falsy string: the else of `if (s)`.
  assert.equal(solutions([{ text: 's', holds: false }], "['a']", [str('s')]), ["['']"]);
});

test('options parameters get the property the condition reads, other properties kept', () => {
  const opts: Param = { name: 'opts', optional: false, rest: false };
  assert.equal(solutions([{ text: "opts.mode === 'fast' && opts.retries > 2", holds: true }], "[{ a: 1 }]", [opts], false), ["[{ a: 1, mode: 'fast', retries: 3 }]"]);
});

test('values stay within TypeScript parameter types; JavaScript takes anything', () => {
  const currency: Param = { name: 'c', shape: { kind: 'union', members: [{ kind: 'literal', value: 'USD' }, { kind: 'literal', value: 'EUR' }] }, optional: false, rest: false };
  assert.equal(solutions([{ text: "c === 'EUR'", holds: true }], "['USD']", [currency]), ["['EUR']"]);
  assert.equal(solutions([{ text: "c === 'JPY'", holds: true }], "['USD']", [currency]), [], 'not a member of the union');
  assert.equal(solutions([{ text: "typeof x === 'string'", holds: true }], '[1]', [num('x')]), [], 'a number parameter gets no string');
  assert.equal(solutions([{ text: "typeof x === 'string'", holds: true }], '[1]', [{ name: 'x', optional: false, rest: false }], false), ["['a']"]);
  assert.equal(solutions([{ text: 'Array.isArray(x) && x.length === 2', holds: true }], '[1]', [{ name: 'x', optional: false, rest: false }], false), ['[[]]']);
});

test('solveNumber and solveString respect every bound, or give up', () => {
  assert.is(solveNumber([{ t: 'num', ref: { root: 'n', path: [] }, op: '>', n: 5 }, { t: 'num', ref: { root: 'n', path: [] }, op: '<', n: 7 }]), 6);
  assert.is(solveNumber([{ t: 'num', ref: { root: 'n', path: [] }, op: '>', n: 5 }, { t: 'num', ref: { root: 'n', path: [] }, op: '<', n: 6 }]), undefined);
  assert.is(solveNumber([{ t: 'type', ref: { root: 'n', path: [] }, type: 'fraction' }], 3), 3.5);
  assert.is(solveString([{ t: 'str', ref: { root: 's', path: [] }, op: 'suffix', value: '.ts' }, { t: 'len', ref: { root: 's', path: [] }, op: '>=', n: 5 }]), 'xx.ts');
  assert.is(solveString([{ t: 'str', ref: { root: 's', path: [] }, op: 'prefix', value: 'abcdef' }, { t: 'len', ref: { root: 's', path: [] }, op: '<', n: 3 }]), undefined);
});

test('constant-false conditions', () => {
  assert.ok(constantlyFails({ text: 'false', holds: true }));
  assert.ok(constantlyFails({ text: '1 === 2', holds: true }));
  assert.ok(constantlyFails({ text: "!'x'", holds: true }));
  assert.ok(constantlyFails({ text: 'true', holds: false }));
  assert.not.ok(constantlyFails({ text: 'n === 2', holds: true }));
  assert.not.ok(constantlyFails({ text: '0 < 1', holds: true }));
});

test('guard literals include the solutions of linear comparisons', () => {
  const lits = guardLiterals([{ text: "n * 2 === 84 && s.startsWith('v2:')", holds: true }]);
  assert.ok(lits.numbers.includes(42) && lits.numbers.includes(84), String(lits.numbers));
  assert.equal(lits.strings, ['v2:']);
});

test('mutations of numbers, strings, arrays and booleans', () => {
  assert.equal(mutateValue('5', [100], []), ['6', '4', '0', '-5', '10', '100']);
  assert.equal(mutateValue("'ab'", [], ['v2:']), ["'v2:ab'", "'abv2:'", "''", "'AB'"]);
  assert.equal(mutateValue('[1, 2]', [], []), ['[]', '[1]', '[1, 2, 1, 2]']);
  assert.equal(mutateValue('true', [], []), ['false']);
  assert.equal(mutateValue('new Date(0)', [1], ['x']), [], 'no mutation of what is not a plain literal');
});

test('mutations of an options object: empty, each property left out, each value varied', () => {
  assert.equal(mutateValue('{ deep: true, n: 1 }', [], []), ['{}', '{ n: 1 }', '{ deep: false, n: 1 }', '{ deep: true }', '{ deep: true, n: 2 }', '{ deep: true, n: 0 }', '{ deep: true, n: -1 }']);
});

test("`'re' in z` asks for an object with that property", () => {
  const any = (name: string): Param => ({ name, optional: false, rest: false });
  assert.equal(solutions([{ text: "'im' in a && 're' in a", holds: true }], '[1, 2]', [any('a'), any('b')], false), ['[{ im: 1, re: 1 }, 2]']);
  assert.equal(solutions([{ text: "'im' in a", holds: false }], '[1]', [any('a')], false), [], 'no object is built for the property being absent');
});

test('callee regions: same-file functions the unit calls or constructs, two levels down; ambiguous names left out', () => {
  const src = [
    "function parse(a, b) { if (typeof a === 'object') { if ('im' in a) return 1; } return 2; }",
    'function helper2(x) { return deeper(x) ? 1 : 0; }',
    'function deeper(x) { return x; }',
    'function Complex(a, b) { parse(a, b); twice(); return new Other(a); }',
    'function Other(a) { helper2(a); }',
    'function twice() {}',
    'function twice() {}',
  ].join('\n');
  const start = src.indexOf('function Complex');
  const region = { start, end: src.indexOf('\nfunction Other') };
  const names = calleeRegions(src, 'c.js', region).map((r) => /function (\w+)/.exec(src.slice(r.start, r.end))![1]);
  assert.equal(names, ['parse', 'Other', 'helper2']);
  assert.equal(calleeRegions(src, 'c.js', undefined), []);
});

test('proposals leave trailing arguments out: any in JS, only optional ones in TS', () => {
  const blocks = unitBlocksOf('parseTag');
  const els = blocks.find((b) => b.kind === 'else')!;
  const tried: SearchCandidate[] = [{ args: "['a', 1]", hits: [els.id], usable: true }];
  const any = (name: string): Param => ({ name, optional: false, rest: false });
  const js = proposeInputs({ params: [any('s'), any('known')], typed: false, blocks, reached: [els.id], tried });
  assert.ok(js.some((i) => i.args === "['a']"), 'JS: the second argument left out');
  const ts = proposeInputs({ params: [str('s'), num('n')], typed: true, blocks, reached: [els.id], tried });
  assert.not.ok(ts.some((i) => i.args === "['a']"), 'TS: a required parameter is never left out');
  const optional = proposeInputs({ params: [str('s'), { ...num('n'), optional: true }], typed: true, blocks, reached: [els.id], tried });
  assert.ok(optional.some((i) => i.args === "['a']"), 'TS: an optional one is');
});

const SOURCE = `import fs from 'node:fs';
export function parseTag(s: string): string {
  if (s.startsWith('v2:') && s.length > 6) {
    return 'payload';
  }
  return 'plain';
}
export function dead(n: number): number {
  return n;
  if (n > 1) { n++; }
}
export function never(n: number): number {
  if (false) { return 1; }
  return n;
}
export function io(p: string): boolean {
  if (fs.existsSync(p)) { return true; }
  return false;
}
export const arrow = (n: number) => (n * 2 === 84 ? 'yes' : 'no');
export class Box {
  constructor(readonly n: number) {
    if (n < 0) throw new RangeError('negative');
  }
  get double(): number { return this.n * 2; }
}
`;

function map(): BlockInfo[] {
  const t = transpileForSandbox('/p/src/x.ts', SOURCE, true);
  assert.is(t.map!.length, t.blocks, 'every counter is described');
  return t.map!;
}

function unitBlocksOf(name: string, kind: 'function' | 'class' | 'getter' = 'function'): BlockInfo[] {
  const start = new RegExp(`\\b${name}\\b`).exec(SOURCE)!.index;
  return unitBlocks(map(), unitRegion(SOURCE, '/p/src/x.ts', { nameSpan: { start, end: start + name.length }, kind }));
}

test('instrument: each counter has its line, kind and guarding condition', () => {
  const blocks = unitBlocksOf('parseTag');
  assert.equal(
    blocks.map((b) => [b.kind, b.line, b.guards]),
    [
      ['operand', 3, [{ text: "s.startsWith('v2:')", holds: true }]],
      ['then', 3, [{ text: "s.startsWith('v2:') && s.length > 6", holds: true }]],
      ['else', 6, [{ text: "s.startsWith('v2:') && s.length > 6", holds: false }]],
      ['function', 2, []],
    ],
  );
  const then = blocks.find((b) => b.kind === 'then')!;
  assert.equal(guardChain(then, blocks), [{ text: "s.startsWith('v2:') && s.length > 6", holds: true }]);
});

test('instrument: the code after a loop that can return is a block of its own (the fallback when no iteration matched)', () => {
  const source = [
    'export function lookup(word: string, rules: string[]) {',
    '  for (let i = 0; i < rules.length; i++) {',
    "    if (rules[i] === word) return 'rule';",
    '  }',
    "  return word + 's';",
    '}',
    'export function sum(xs: number[]) {',
    '  let t = 0;',
    '  for (const x of xs) { if (x < 0) break; t += x; }',
    '  return t;',
    '}',
  ].join('\n');
  const t = transpileForSandbox('/p/src/l.ts', source, true);
  const after = t.map!.filter((b) => b.kind === 'after-loop');
  // Only `lookup`'s loop can leave the function; `break` in `sum` continues after its loop on every path.
  assert.equal(after.map((b) => [b.line, b.guards]), [[5, [{ text: 'i < rules.length', holds: false }]]]);
  const hits: number[] = [];
  const mod = { exports: {} as Record<string, (...a: unknown[]) => unknown> };
  new Function('module', 'exports', '__testgap_hit', t.code)(mod, mod.exports, (id: number) => hits.push(id));
  assert.is(mod.exports.lookup('cat', ['cat']), 'rule');
  assert.not.ok(hits.includes(after[0].id), 'a matching rule returns before the fallback');
  assert.is(mod.exports.lookup('dog', ['cat']), 'dogs');
  assert.ok(hits.includes(after[0].id), 'no rule matched: the fallback ran and was counted');
});

test('unit regions: functions, arrow functions, a class is its constructor, a getter its body', () => {
  assert.equal(unitBlocks(map(), undefined), [], 'no region, no blocks');
  assert.equal(unitBlocksOf('arrow').map((b) => b.kind), ['branch', 'branch', 'function']);
  // The code after `if (n < 0) throw …` is the end of the constructor: an empty region on the `if`'s last line.
  assert.equal(unitBlocksOf('Box', 'class').map((b) => [b.kind, b.line]), [['then', 23], ['else', 23], ['function', 22]]);
  assert.equal(unitBlocksOf('double', 'getter').map((b) => b.kind), ['function']);
});

test('why blocks stay uncovered: unreachable, needs-io, non-deterministic, not-found', () => {
  const none = { reached: false, reachedOnlyUnstable: false, reachedOnlyRefused: false };
  const reason = (name: string, kind: BlockInfo['kind'], facts = none) => {
    const blocks = unitBlocksOf(name);
    return uncoveredReason(blocks.find((b) => b.kind === kind)!, blocks, facts);
  };
  assert.is(reason('dead', 'then'), 'unreachable', 'after an unconditional return');
  assert.is(reason('never', 'then'), 'unreachable', 'constant-false condition');
  assert.is(reason('io', 'then'), 'needs-io');
  assert.is(reason('parseTag', 'then', { reached: true, reachedOnlyUnstable: true, reachedOnlyRefused: false }), 'non-deterministic');
  assert.is(reason('parseTag', 'then'), 'not-found');
  assert.is(reason('never', 'then', { reached: true, reachedOnlyUnstable: false, reachedOnlyRefused: false }), 'not-found', 'something reached it: not dead');
});

test('proposals aim at the missed blocks first, are deterministic and never repeat a tried input', () => {
  const blocks = unitBlocksOf('parseTag');
  const fn = blocks.find((b) => b.kind === 'function')!;
  const els = blocks.find((b) => b.kind === 'else')!;
  const op = blocks.find((b) => b.kind === 'operand')!;
  const tried: SearchCandidate[] = [
    { args: "['a']", hits: [fn.id, els.id], usable: true },
    { args: "['v2:']", hits: [fn.id, op.id, els.id], usable: true },
  ];
  const input = { params: [str('s')], constants: { numbers: [6], strings: ['v2:'] }, typed: true, blocks, reached: [fn.id, op.id, els.id], tried };
  const ideas = proposeInputs(input);
  assert.is(ideas[0].args, "['v2:xxxx']");
  assert.match(ideas[0].why, /^block /);
  assert.ok(ideas.some((i) => i.why === 'mutation'));
  assert.not.ok(ideas.some((i) => i.args === "['a']" || i.args === "['v2:']"), 'tried inputs are not proposed again');
  assert.equal(proposeInputs(input), ideas, 'the same every time');
  assert.ok(ideas.every((i) => /^\['.*'\]$/.test(i.args)), 'a string parameter gets strings only');
});

test('proposals: nothing for units without parameters or inputs that do not parse; never throws', () => {
  const blocks = unitBlocksOf('parseTag');
  assert.equal(proposeInputs({ params: [], typed: true, blocks, reached: [], tried: [{ args: '[]', hits: [], usable: true }] }), []);
  assert.equal(proposeInputs({ params: [str('s')], typed: true, blocks, reached: [], tried: [{ args: 'not an array', hits: [], usable: true }] }), []);
  assert.equal(proposeInputs({ params: [str('s')], typed: true, blocks: [{ id: 0, kind: 'then', start: 0, end: 1, line: 1, guards: [{ text: ')(', holds: true }] }], reached: [], tried: [{ args: "['a']", hits: [], usable: true }] }).length > 0, true);
});

test.run();
