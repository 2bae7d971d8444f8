import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { analyseFile, parseFile } from '../../server/src/core/analyse';
import type { Unit } from '../../server/src/core/model';
import { planUnit } from '../../server/src/core/plan';
import { sourceFilter } from '../../server/src/run/measure';
import { fixtureProject } from '../helpers/project';

/** One line per unit: `kind name [exports] (params) -> returns` plus flags and the source text its range covers. */
function render(units: Unit[], text: string): string[] {
  return units.map((u) => {
    const params = u.params
      .map((p) => `${p.rest ? '...' : ''}${p.name}${p.optional && !p.defaultText ? '?' : ''}${p.type ? `: ${p.type}` : ''}${p.defaultText ? ` = ${p.defaultText}` : ''}`)
      .join(', ');
    const flags = [u.async ? 'async' : '', u.generator ? 'generator' : ''].filter(Boolean).join(' ');
    const exports = u.exportNames.length ? ` [${u.exportNames.join(',')}]` : '';
    const returns = u.returnType ? ` -> ${u.returnType}` : '';
    const range = text.slice(u.nameSpan.start, u.nameSpan.end);
    return `${u.kind} ${u.name}${exports} (${params})${returns}${flags ? ' ' + flags : ''} @${range}`;
  });
}

function check(path: string, text: string, expected: string[]): void {
  const facts = analyseFile(parseFile(`/p/${path}`, text), { relPath: path, isTest: false });
  assert.equal(facts.problems, []);
  assert.equal(render(facts.units, text), expected);
}

test('TS: exported function declarations, async, generators, overloads', () => {
  check(
    'src/a.ts',
    `export function add(a: number, b = 1): number { return a + b; }
export async function load(url: string, ...rest: string[]) { return url; }
export function* ids(): Generator<number> { yield 1; }
export function pick(x: string): string;
export function pick(x: number): number;
export function pick(x: any) { return x; }
function hidden() {}
declare function ambient(): void;`,
    [
      'function add [add] (a: number, b = 1) -> number @add',
      'function load [load] (url: string, ...rest: string[]) async @load',
      'function ids [ids] () -> Generator<number> generator @ids',
      'function pick [pick] (x: any) @pick',
    ],
  );
});

test('TS: exported consts holding functions; values, types and enums are not units', () => {
  check(
    'src/b.ts',
    `export const double = (n: number): number => n * 2;
export const named = function inner(s?: string) { return s; };
export const wrapped = ((x: number) => x) as (x: number) => number;
export const asyncArrow = async () => 1;
export const value = 5;
export interface Shape { area(): number }
export type Id = string;
export enum Color { Red }`,
    [
      'function double [double] (n: number) -> number @double',
      'function named [named] (s?: string) @named',
      'function wrapped [wrapped] (x: number) @wrapped',
      'function asyncArrow [asyncArrow] () async @asyncArrow',
    ],
  );
});

test('TS: default exports, named and anonymous, and export lists with renames', () => {
  check('src/c.ts', `export default function main(argv: string[]) {}`, ['function main [default] (argv: string[]) @main']);
  check('src/d.ts', `export default function (x: number) { return x; }`, ['function default export [default] (x: number) @default']);
  check('src/e.ts', `export default (a: number) => a;`, ['function default export [default] (a: number) @export']);
  check(
    'src/f.ts',
    `function f(a: string) {}
const g = (b: number) => b;
export { f, f as alias, g as renamed };
export default f;`,
    ['function f [f,alias,default] (a: string) @f', 'function g [renamed] (b: number) @g'],
  );
  check('src/g.ts', `function h() {}\nexport = h;`, ['function h [export=] () @h']);
});

test('TS: classes with public methods, getters, static methods and constructor; private members skipped', () => {
  check(
    'src/cart.ts',
    `export class Cart {
  private items: number[] = [];
  #secret = 1;
  constructor(readonly owner: string, discount?: number) {}
  add(price: number): this { return this; }
  get total(): number { return 0; }
  set total(v: number) {}
  static empty(): Cart { return new Cart(''); }
  onClick = (e: string) => e;
  find(x: string): number;
  find(x: number): number;
  find(x: any) { return 0; }
  protected guard() {}
  private hide() {}
  #priv() {}
}
export default class { run() {} }`,
    [
      'class Cart [Cart] (owner: string, discount?: number) @Cart',
      'constructor new Cart (owner: string, discount?: number) @constructor',
      'method Cart.add (price: number) -> this @add',
      'getter Cart.total () -> number @total',
      'static-method Cart.empty () -> Cart @empty',
      'method Cart.onClick (e: string) @onClick',
      'method Cart.find (x: any) @find',
      'class default export [default] () @default',
      'method default.run () @run',
    ],
  );
});

test('TS: re-exports make no units of their own but record where names come from', () => {
  const text = `import { local } from './local';
export { a, b as c } from './ab';
export * from './star';
export * as ns from './ns';
export { local };
export type { T } from './types';`;
  const facts = analyseFile(parseFile('/p/src/index.ts', text), { relPath: 'src/index.ts', isTest: false });
  assert.equal(facts.units, []);
  assert.equal(Object.fromEntries(facts.exports.named), {
    a: { kind: 'reexport', specifier: './ab', name: 'a' },
    c: { kind: 'reexport', specifier: './ab', name: 'b' },
    ns: { kind: 'reexport', specifier: './ns', name: '*' },
    local: { kind: 'reexport', specifier: './local', name: 'local' },
  });
  assert.equal(facts.exports.star, ['./star']);
});

test('JS ESM: JSDoc types stand in for annotations', () => {
  check(
    'src/j.mjs',
    `/**
 * Repeats a string.
 * @param {string} s the text
 * @param {number} [times] how often
 * @returns {string}
 */
export function repeat(s, times = 2) { return s.repeat(times); }`,
    ['function repeat [repeat] (s: string, times: number = 2) -> string @repeat'],
  );
});

test("JS CommonJS: Object.defineProperty(exports, …), as TypeScript's output and hand-written modules have it", () => {
  check(
    'lib/defined.js',
    `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.twice = void 0;
function twice(x) { return x * 2; }
exports.twice = twice;
Object.defineProperty(exports, "half", { enumerable: true, get: function () { return half; } });
function half(x) { return x / 2; }
Object.defineProperty(exports, 'third', { get: () => third });
const third = (x) => x / 3;
Object.defineProperty(module.exports, 'neg', { value: function (x) { return -x; } });
Object.defineProperty(exports, 'version', { value: '1.0' });`,
    ['function twice [twice] (x) @twice', 'function half [half] (x) @half', 'function third [third] (x) @third', "function neg [neg] (x) @'neg'"],
  );
  const facts = analyseFile(parseFile('/p/lib/index.js', `var m = require("./half");\nObject.defineProperty(exports, "half", { enumerable: true, get: function () { return m.half; } });\n`), { relPath: 'lib/index.js', isTest: false });
  assert.equal(facts.exports.named.get('half'), { kind: 'reexport', specifier: './half', name: 'half' });
});

test('JS CommonJS: module.exports forms', () => {
  check('lib/one.js', `module.exports = function isOdd(n) { return n % 2 === 1; };`, ['function isOdd [export=] (n) @module.exports']);
  check('lib/anon.cjs', `module.exports = (a, b) => a + b;`, ['function module.exports [export=] (a, b) @module.exports']);
  check(
    'lib/many.js',
    `function a(x) {}
const c = function (y) {};
module.exports = { a, b: c, d(z) {}, e: function () {}, f: (w) => w, n: 1 };`,
    ['function a [a] (x) @a', 'function c [b] (y) @c', 'function d [d] (z) @d', 'function e [e] () @e', 'function f [f] (w) @f'],
  );
  check(
    'lib/props.js',
    `function helper() {}
exports.x = function (p) {};
module.exports.y = helper;
exports['z'] = async () => {};`,
    ['function x [x] (p) @x', 'function helper [y] () @helper', "function z [z] () async @'z'"],
  );
  check('lib/klass.js', `class Queue { push(item) {} }\nmodule.exports = Queue;`, ['class Queue [export=] () @Queue', 'method Queue.push (item) @push']);
});

// Shapes found in TestPilot's npm corpus (bench/corpus): jsonfile, fs-extra, uneval, rsvp, countries-and-timezones.
test('JS CommonJS: an object built first, wrapped functions, and module bodies inside a function', () => {
  check(
    'lib/jsonfile.js',
    `async function _readFile(file, options = {}) {}
const readFile = universalify.fromPromise(_readFile);
function readFileSync(file, options = {}) {}
const api = { readFile, readFileSync, version: '1' };
module.exports = api;`,
    ['function readFile [readFile] (file, options = {}) async @readFile', 'function readFileSync [readFileSync] (file, options = {}) @readFileSync'],
  );
  check(
    'lib/wrapped.js',
    `const u = require('universalify').fromCallback;
exports.copy = u(function copy(src, dest, cb) {});
module.exports.later = memoize(later);
function later(n) {}
const notAWrapper = compute(1, 2);
exports.value = notAWrapper;
exports.twoFunctions = pick(function a() {}, function b() {});`,
    ['function copy [copy] (src, dest, cb) @copy', 'function later [later] (n) @later'],
  );
  check(
    'lib/iife.js',
    `module.exports = (function (undefined) {
  function uneval(value) { return String(value); }
  return uneval;
})();`,
    ['function uneval [export=] (value) @uneval'],
  );
  check(
    'dist/umd.js',
    `(function (global, factory) {
  typeof exports === 'object' && typeof module !== 'undefined' ? factory(exports) : (factory((global.Lib = {})));
}(this, (function (exports) { 'use strict';
  function all(entries) { return entries; }
  var hash = function (object) { return object; };
  function internal() {}
  exports.all = all;
  exports.hash = hash;
  Object.defineProperty(exports, '__esModule', { value: true });
})));`,
    ['function all [all] (entries) @all', 'function hash [hash] (object) @hash'],
  );
  check(
    'dist/returning-factory.js',
    `(function (root, factory) { module.exports = factory(); })(this, function () {
  function Q(value) { return value; }
  return Q;
});`,
    ['function Q [export=] (value) @Q'],
  );
});

test('JS: ES5 classes, written by hand and compiled by TypeScript, are classes with their public members', () => {
  check(
    'lib/dirty.js',
    `function Dirty(path) { this.path = path; }
util.inherits(Dirty, EventEmitter);
/** Stores a value. */
Dirty.prototype.set = function (key, value, cb) {};
Dirty.prototype._flush = function () {};
Dirty.load = function (file) {};
module.exports = Dirty;`,
    ['class Dirty [export=] (path) @Dirty', 'constructor new Dirty (path) @Dirty', 'method Dirty.set (key, value, cb) @set', 'static-method Dirty.load (file) @load'],
  );
  check(
    'lib/complex.js',
    `var Complex = function (a, b) {};
Complex.prototype = { add: function (a, b) {}, neg() {}, constructor: Complex, re: 0 };
exports.Complex = Complex;`,
    ['class Complex [Complex] (a, b) @Complex', 'constructor new Complex (a, b) @Complex', 'method Complex.add (a, b) @add', 'method Complex.neg () @neg'],
  );
  check(
    'lib/volume.js',
    `var Volume = /** @class */ (function (_super) {
    __extends(Volume, _super);
    function Volume(props) { return _super.call(this) || this; }
    Volume.fromJSON = function (json, cwd) {};
    Volume.prototype.readFileSync = function (file, options) {};
    return Volume;
}(Base));
exports.Volume = Volume;`,
    ['class Volume [Volume] (props) @Volume', 'constructor new Volume (props) @Volume', 'static-method Volume.fromJSON (json, cwd) @fromJSON', 'method Volume.readFileSync (file, options) @readFileSync'],
  );
  check(
    'lib/proxied.js',
    `class Dirty { set(key, value, cb) {} }\nmodule.exports = exports = new Proxy(Dirty, { apply: (target, self, args) => new Dirty(...args) });`,
    ['class Dirty [export=] () @Dirty', 'method Dirty.set (key, value, cb) @set'],
  );
  // A function with static helpers but no prototype is a function, and a namespace for its static functions.
  check('lib/q.js', `function Q(value) {}\nfunction all(xs) {}\nQ.all = all;\nQ.delay = function (ms) {};\nQ.resolve = Q;\nmodule.exports = Q;`, [
    'function Q [export=] (value) @Q',
    'static-method Q.all (xs) @all',
    'static-method Q.delay (ms) @delay',
  ]);
  check(
    'dist/complex.js',
    `(function (root) {
  var Complex = function (a, b) {};
  Complex.prototype = { add: function (a, b) {} };
  if (typeof define === 'function' && define['amd']) {
    define([], function () { return Complex; });
  } else if (typeof exports === 'object') {
    module['exports'] = Complex;
  } else {
    root['Complex'] = Complex;
  }
})(this);`,
    ['class Complex [export=] (a, b) @Complex', 'constructor new Complex (a, b) @Complex', 'method Complex.add (a, b) @add'],
  );
});

test('JSDoc: summary, params, returns, throws and examples are kept', () => {
  const text = `/**
 * Formats cents as a price.
 *
 * Longer text that is not the summary.
 * @param {number} cents amount in cents
 * @returns the formatted price
 * @throws {RangeError} when cents is negative
 * @example formatPrice(1999) // '$19.99'
 */
export function formatPrice(cents) {}`;
  const [unit] = analyseFile(parseFile('/p/a.js', text), { relPath: 'a.js', isTest: false }).units;
  assert.equal(unit.jsDoc, {
    summary: 'Formats cents as a price.',
    params: [{ name: 'cents', type: 'number', text: 'amount in cents' }],
    returns: 'the formatted price',
    throws: ['RangeError when cents is negative'],
    examples: ["formatPrice(1999) // '$19.99'"],
  });
});

test('a file with syntax errors still yields the units that parse', () => {
  check(
    'src/broken.ts',
    `export function ok(a: number) { return a; }
export function broken(a: number) { return a + ; }
@@@ %%% ;
export const later = (s: string) => s;
export function unclosed(x: string) { if (x) {`,
    [
      'function ok [ok] (a: number) @ok',
      'function broken [broken] (a: number) @broken',
      'function later [later] (s: string) @later',
      'function unclosed [unclosed] (x: string) @unclosed',
    ],
  );
});

test('the type checker fills in inferred types, for TS and for JS with JSDoc', () => {
  const { project, fixture } = fixtureProject(`//- /package.json
{}
//- /src/a.ts
export function area(w: number, h = 2) { return w * h; }
export class Box { constructor(public size = 1) {} grow(by: number) { return new Box(this.size + by); } }
//- /src/b.js
/** @param {string} s */
export function shout(s) { return s.toUpperCase() + '!'; }
`);
  const a = project.typedUnits(fixture.path('src/a.ts'));
  assert.equal(render(a.value, fixture.files.get(fixture.path('src/a.ts'))!), [
    'function area [area] (w: number, h: number = 2) -> number @area',
    'class Box [Box] (size: number = 1) @Box',
    'constructor new Box (size: number = 1) @constructor',
    'method Box.grow (by: number) -> Box @grow',
  ]);
  assert.ok(a.value.every((u) => u.typeFrom === 'checker'));
  const b = project.typedUnits(fixture.path('src/b.js'));
  assert.equal(render(b.value, fixture.files.get(fixture.path('src/b.js'))!), ['function shout [shout] (s: string) -> string @shout']);
});

test('shapes: a type parameter takes its constraint, `object` any object, a constructor type a class; classes say abstract and generic', () => {
  const { project, fixture } = fixtureProject(`//- /package.json
{}
//- /src/a.ts
export function keyed<K extends string>(key: K): K { return key; }
export function held<T extends object>(value: T): T { return value; }
export function make<T>(ctor: new () => T): T { return new ctor(); }
export abstract class Base<T> { abstract get(): T; }
`);
  const units = new Map(project.typedUnits(fixture.path('src/a.ts')).value.map((u) => [u.name, u]));
  assert.equal(units.get('keyed')!.params[0]!.shape, { kind: 'string' });
  assert.equal(units.get('held')!.params[0]!.shape, { kind: 'object', properties: [] });
  assert.equal(units.get('make')!.params[0]!.shape, { kind: 'constructor' });
  assert.equal(planUnit(units.get('make')!).candidates.map((c) => c.args), ['[class {}]'], 'a class, never {} or an arrow function');
  assert.equal([units.get('Base')!.abstract, units.get('Base')!.generic], [true, true]);
});

test('type guards: the guarded parameter and type are read, and the plan tries a value of that type (issue 17)', () => {
  const { project, fixture } = fixtureProject(`//- /package.json
{}
//- /src/guards.ts
export interface Point { x: number; y: number; label?: string }
export function isPoint(value: unknown): value is Point {
  return typeof value === 'object' && value !== null && typeof (value as Point).x === 'number' && typeof (value as Point).y === 'number';
}
`);
  const unit = project.typedUnits(fixture.path('src/guards.ts')).value.find((u) => u.name === 'isPoint')!;
  assert.is(unit.guard?.index, 0);
  assert.is(unit.guard?.shape.kind, 'object');
  // Without it the inputs are values of `unknown` (1, 'a', [1, 2], { a: 1 }, null…), every one of them `false`.
  assert.ok(planUnit(unit).candidates.some((c) => /^\[\{ x: [^,]+, y: [^,]+(, label: [^}]+)? \}\]$/.test(c.args)), 'a Point among the inputs');
});

test('React hooks: use… functions of a module that imports React, and no others', () => {
  const { project, fixture } = fixtureProject(`//- /package.json
{}
//- /src/hooks.ts
import { useState } from 'react';
export function useCounter(start = 0) { const [n, setN] = useState(start); return { n, inc: () => setN(n + 1) }; }
export const useToggle = (on = false) => useState(on);
export function user(name: string) { return name; }
//- /src/plain.ts
export function useCache(key: string) { return key; }
`);
  const hooks = project.typedUnits(fixture.path('src/hooks.ts')).value.map((u) => [u.name, !!u.reactHook]);
  assert.equal(hooks, [['useCounter', true], ['useToggle', true], ['user', false]]);
  assert.equal(project.typedUnits(fixture.path('src/plain.ts')).value.map((u) => !!u.reactHook), [false], 'no React: a plain function');
});

test('constants: keys of the object a parameter indexes, also through a helper whose parameter is untyped', () => {
  const { project, fixture } = fixtureProject(`//- /package.json
{}
//- /lib/zones.js
var data = { countries: { AD: { name: 'Andorra' }, AE: { name: 'Emirates' }, AF: { name: 'Afghanistan' }, AG: {} } };
var cache = {};
function build(table, id) {
  return table.countries[id] ? { id: id, name: table.countries[id].name } : null;
}
function getCountry(id) {
  if (!cache[id]) cache[id] = build(data, id);
  return cache[id];
}
module.exports = { getCountry };
`);
  const units = project.typedUnits(fixture.path('lib/zones.js')).value;
  const getCountry = units.find((u) => u.name === 'getCountry')!;
  assert.equal(getCountry.constants!.strings.slice(0, 3), ['AD', 'AE', 'AF']);
});

test('modules of types only are no sources to measure; tooling config and runner setup files are not sources at all', () => {
  const typeOnly = (text: string, file = 'src/t.ts') => analyseFile(parseFile(`/p/${file}`, text), { relPath: file, isTest: false }).typeOnly === true;
  assert.ok(typeOnly("import { Money } from './money';\nimport type { Cart } from './cart';\nexport interface Line { price: Money; cart: Cart }\nexport type Id = string;\nexport type { Cart } from './cart';\ndeclare const VERSION: string;\nexport {};\n"));
  assert.not.ok(typeOnly("import './polyfill';\nexport interface A {}\n"), 'a bare import runs that module');
  assert.not.ok(typeOnly("export interface A {}\nexport enum Color { Red }\n"), 'an enum is code');
  assert.not.ok(typeOnly("export { a } from './a';\nexport type B = 1;\n"), 'a value re-export is code');
  assert.not.ok(typeOnly("import { a } from './a';\n", 'src/t.js'), 'in JavaScript an import runs the module');
  assert.not.ok(typeOnly(''), 'an empty file');

  const { project, fixture } = fixtureProject(`//- /package.json
{ "devDependencies": { "jest": "29" }, "jest": { "setupFilesAfterEnv": ["<rootDir>/test/jest.setup.ts", "<rootDir>/test/setup-db.ts"] } }
//- /src/types.ts
export interface Line { price: number }
//- /src/cart.ts
export function total(lines: { price: number }[]): number { return lines.reduce((n, l) => n + l.price, 0); }
//- /src/vite.config.ts
export default {};
//- /eslint.config.mjs
export default [];
//- /src/.eslintrc.js
module.exports = {};
//- /test/setup-db.ts
export function connect(): void {}
//- /test/cart.test.ts
import { total } from '../src/cart';
test('total', () => expect(total([])).toBe(0));
`);
  const measured = project.knownFiles().filter(sourceFilter(project)).map((f) => project.relative(f));
  assert.equal(measured, ['src/cart.ts']);
  assert.equal(project.knownFiles().filter((f) => project.isTestFile(f)).map((f) => project.relative(f)), ['test/cart.test.ts']);
  assert.equal(project.findings(fixture.path('test/setup-db.ts')).value, [], 'a setup file gets no missing-test');
});

test.run();
