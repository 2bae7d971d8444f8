// The test index: which units some test exercises. A test exercises an export when it imports it (directly, through a
// namespace, a re-export or require) and refers to it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtureProject } from '../helpers/project';

const SOURCE = `//- /package.json
{}
//- /src/math.ts
export function add(a: number, b: number) { return a + b; }
export function sub(a: number, b: number) { return a - b; }
export const mul = (a: number, b: number) => a * b;
export default function div(a: number, b: number) { return a / b; }
`;

test('named import that is called counts; one that is only imported does not', () => {
  const p = fixtureProject(`${SOURCE}//- /test/math.test.ts
import { add, sub } from '../src/math';
add(1, 2);
`);
  assert.equal(p.untested('src/math.ts'), ['sub', 'mul', 'div']);
});

test('namespace import counts the members it accesses; default import counts the default export', () => {
  const p = fixtureProject(`${SOURCE}//- /test/math.test.ts
import * as m from '../src/math.js';
import divide from '../src/math';
m.add(1, 2); m['mul'](2, 3); divide(1, 2);
`);
  assert.equal(p.untested('src/math.ts'), ['sub']);
});

test('re-exports through an index (named, star, renamed) resolve to the defining module', () => {
  const p = fixtureProject(`${SOURCE}//- /src/index.ts
export { add as plus } from './math';
export * from './math';
export { default as divide } from './math';
//- /test/index.test.ts
import { plus, mul, divide } from '../src';
plus(1, 1); mul(2, 2); divide(1, 1);
`);
  assert.equal(p.untested('src/math.ts'), ['sub']);
  assert.equal(p.untested('src/index.ts'), []);
});

test('require: whole module, destructured, and called directly', () => {
  const p = fixtureProject(`//- /package.json
{}
//- /lib/one.js
module.exports = function isOdd(n) { return n % 2 === 1; };
//- /lib/many.js
function a() {} function b() {} function c() {} function d() {}
module.exports = { a, b, c, d };
//- /test/one.test.js
const isOdd = require('../lib/one');
const { a, b: bee } = require('../lib/many');
const many = require('../lib/many.js');
isOdd(1); bee(); many.c();
`);
  assert.equal(p.untested('lib/one.js'), []);
  assert.equal(p.untested('lib/many.js'), ['a', 'd']);
});

test('ESM default import of a CommonJS module is its module.exports', () => {
  const p = fixtureProject(`//- /package.json
{}
//- /lib/one.js
module.exports = function isOdd(n) { return n % 2 === 1; };
//- /lib/many.js
exports.x = function () {}; exports.y = function () {};
//- /test/t.test.mjs
import isOdd from '../lib/one.js';
import many from '../lib/many.js';
isOdd(3); many.x();
`);
  assert.equal(p.untested('lib/one.js'), []);
  assert.equal(p.untested('lib/many.js'), ['y']);
});

test('class members count when a test that uses the class accesses them', () => {
  const p = fixtureProject(`//- /package.json
{}
//- /src/cart.ts
export class Cart {
  add(x: number) { return this; }
  remove(x: number) { return this; }
  get total() { return 0; }
  static empty() { return new Cart(); }
}
export class Unused { go() {} }
//- /test/cart.test.ts
import { Cart } from '../src/cart';
const c = new Cart().add(1);
c.total;
`);
  assert.equal(p.untested('src/cart.ts'), ['Cart.remove', 'Cart.empty', 'Unused']);
});

test('test files get no findings, and type-only imports do not count', () => {
  const p = fixtureProject(`${SOURCE}//- /test/math.test.ts
import type { add } from '../src/math';
import { type sub } from '../src/math';
let f: typeof add;
let g: typeof sub;
`);
  assert.equal(p.untested('test/math.test.ts'), []);
  assert.equal(p.untested('src/math.ts'), ['add', 'sub', 'mul', 'div']);
});

test('colocated and __tests__ tests are test files too; their imports count', () => {
  const p = fixtureProject(`${SOURCE}//- /src/math.spec.ts
import { add } from './math'; add(1, 1);
//- /src/__tests__/more.ts
import { sub } from '../math'; sub(1, 1);
`);
  assert.equal(p.untested('src/math.ts'), ['mul', 'div']);
});

test('a changed test file re-indexes only itself', () => {
  const p = fixtureProject(`${SOURCE}//- /test/a.test.ts
import { add } from '../src/math'; add(1, 1);
//- /test/b.test.ts
import { sub } from '../src/math'; sub(1, 1);
`);
  assert.equal(p.untested('src/math.ts'), ['mul', 'div']);
  p.host.reads.clear();
  const a = p.fixture.path('test/a.test.ts');
  p.fixture.files.set(a, `import { add, mul } from '../src/math'; add(1, 1); mul(2, 2);`);
  p.project.fileChangedOnDisk(a, 'changed');
  assert.equal(p.untested('src/math.ts'), ['div']);
  assert.equal([...p.host.reads.keys()], [a]);
});

test('an edit inside a function body keeps the index; an edit to the exports rebuilds it', () => {
  const p = fixtureProject(`${SOURCE}//- /test/a.test.ts
import { add } from '../src/math'; add(1, 1);
`);
  const math = p.fixture.path('src/math.ts');
  assert.equal(p.untested('src/math.ts'), ['sub', 'mul', 'div']);
  const before = p.project.exercisedUnits();
  p.project.setOverlay(math, p.fixture.files.get(math)!.replace('return a - b', 'return b - a'));
  assert.equal(p.untested('src/math.ts'), ['sub', 'mul', 'div']);
  assert.is(p.project.exercisedUnits(), before, 'body edit: same index object');
  p.project.setOverlay(math, p.fixture.files.get(math)!.replace('export function add', 'export function plus'));
  assert.equal(p.untested('src/math.ts'), ['plus', 'sub', 'mul', 'div']);
});

test('a new test file on disk and a deleted one update the findings', () => {
  const p = fixtureProject(SOURCE);
  assert.equal(p.untested('src/math.ts'), ['add', 'sub', 'mul', 'div']);
  const t = p.fixture.path('test/new.test.ts');
  p.fixture.files.set(t, `import { mul } from '../src/math'; mul(1, 2);`);
  p.project.fileChangedOnDisk(t, 'created');
  assert.equal(p.untested('src/math.ts'), ['add', 'sub', 'div']);
  p.fixture.files.delete(t);
  p.project.fileChangedOnDisk(t, 'deleted');
  assert.equal(p.untested('src/math.ts'), ['add', 'sub', 'mul', 'div']);
});

test('a deleted folder takes its test files with it', () => {
  const p = fixtureProject(`${SOURCE}//- /test/deep/a.test.ts
import { add } from '../../src/math'; add(1, 1);
`);
  assert.equal(p.untested('src/math.ts'), ['sub', 'mul', 'div']);
  p.fixture.files.delete(p.fixture.path('test/deep/a.test.ts'));
  p.project.fileChangedOnDisk(p.fixture.path('test/deep'), 'deleted');
  assert.equal(p.untested('src/math.ts'), ['add', 'sub', 'mul', 'div']);
});

test('tsconfig paths are followed when resolving test imports', () => {
  const p = fixtureProject(`${SOURCE}//- /tsconfig.json
{ "compilerOptions": { "paths": { "@lib/*": ["./src/*"] } } }
//- /test/a.test.ts
import { add } from '@lib/math'; add(1, 1);
`);
  assert.equal(p.untested('src/math.ts'), ['sub', 'mul', 'div']);
});

test('oversized and binary files are skipped with a reason, and the rest still analysed', () => {
  const p = fixtureProject(
    `${SOURCE}//- /src/big.ts
export function big() {}
${'// padding\n'.repeat(200)}
//- /src/blob.js
\u0000\u0001binary
`,
    { maxFileSizeKb: 1 },
  );
  const big = p.project.findings(p.fixture.path('src/big.ts'));
  assert.equal(big.value, []);
  assert.match(big.problems[0].message, /skipped src\/big\.ts: .* over maxFileSizeKb \(1\)/);
  assert.match(p.project.findings(p.fixture.path('src/blob.js')).problems[0].message, /binary/);
  assert.equal(p.untested('src/math.ts'), ['add', 'sub', 'mul', 'div']);
});

test('findings point at the expected test file by the mapping rule', () => {
  const p = fixtureProject(`${SOURCE}//- /src/core/pricing.ts
export function price() {}
`);
  const [f] = p.project.findings(p.fixture.path('src/core/pricing.ts')).value;
  assert.is(f.expectedTestFile, p.fixture.path('test/core/pricing.test.ts'));
  assert.is(f.message, 'No test exercises `price` (tests for it belong in test/core/pricing.test.ts)');
});

// Regressions from the review of the first version.

test('a member added to a class that tests already call is not reported (index follows unit ids)', () => {
  const p = fixtureProject(`//- /package.json
{}
//- /src/cart.ts
export class Cart { add() { return this; } }
//- /test/cart.test.ts
import { Cart } from '../src/cart'; const c = new Cart(); c.add(); c.total();
`);
  assert.equal(p.untested('src/cart.ts'), []);
  const cart = p.fixture.path('src/cart.ts');
  p.project.setOverlay(cart, `export class Cart { add() { return this; } total() { return 0; } }`);
  assert.equal(p.untested('src/cart.ts'), []);
});

test('a JS module with a sibling .d.ts counts as the module under test', () => {
  const p = fixtureProject(`//- /package.json
{}
//- /lib/a.js
exports.f = function () {};
//- /lib/a.d.ts
export declare function f(): void;
//- /test/a.test.js
const { f } = require('../lib/a.js'); f();
//- /test/b.test.mjs
import { f as g } from '../lib/a.js'; g();
`);
  assert.equal(p.untested('lib/a.js'), []);
});

test('changing settings re-resolves the layout and the file set', () => {
  const p = fixtureProject(`${SOURCE}//- /gen/a.ts
export function f() {}
export function g() {}
//- /test/a.test.ts
import { f } from '../gen/a'; f();
`, { exclude: ['gen'] });
  assert.equal(p.project.findings(p.fixture.path('gen/a.ts')).value, [], 'a bare folder glob excludes the folder');
  p.project.updateSettings({ ...p.project.currentSettings, exclude: [], testDir: 'spec' });
  assert.equal(p.untested('gen/a.ts'), ['g']);
  assert.is(p.project.findings(p.fixture.path('gen/a.ts')).value[0].expectedTestFile, p.fixture.path('spec/gen/a.test.ts'));
});

test('test styles that load modules late or indirectly count', () => {
  const p = fixtureProject(`${SOURCE}//- /test/late.test.ts
let mod: any;
beforeEach(async () => { mod = await import('../src/math'); });
it('adds', () => mod.add(1, 2));
//- /test/then.test.ts
import('../src/math').then(({ sub }) => sub(2, 1));
//- /test/destructure.test.ts
import * as m from '../src/math';
const { mul } = m;
mul(2, 3);
//- /test/actual.test.js
const { default: div } = jest.requireActual('../src/math');
div(1, 2);
`);
  assert.equal(p.untested('src/math.ts'), []);
});

test('a namespace re-exported with export * as counts through its members', () => {
  const p = fixtureProject(`${SOURCE}//- /src/index.ts
export * as maths from './math';
//- /test/ns.test.ts
import { maths } from '../src';
maths.add(1, 2);
`);
  assert.equal(p.untested('src/math.ts'), ['sub', 'mul', 'div']);
});

test('mocked modules, type positions and assertion methods do not count as uses', () => {
  const p = fixtureProject(`//- /package.json
{}
//- /src/cart.ts
export class Cart { equal(o: Cart) { return o === this; } }
export function load() { return 1; }
//- /test/cart.test.ts
import * as assert from 'uvu/assert';
import { Cart } from '../src/cart';
import { load } from '../src/cart';
vi.mock('../src/cart');
let c: Cart;
assert.equal(load(), 1);
//- /test/typed.test.ts
import { Cart } from '../src/cart';
import * as assert from 'node:assert';
const c = new Cart();
assert.equal(1, 1);
`);
  assert.equal(p.untested('src/cart.ts'), ['Cart.equal', 'load']);
});

test('default test globs find test folders inside nested packages; compiler output is not a source', () => {
  const p = fixtureProject(`//- /package.json
{}
//- /tsconfig.json
{ "compilerOptions": { "outDir": "lib" } }
//- /packages/a/src/a.ts
export function f() {}
//- /packages/a/test/a.ts
import { f } from '../src/a'; f();
//- /lib/a.js
exports.f = function () {};
`);
  assert.equal(p.untested('packages/a/src/a.ts'), []);
  assert.not.ok(p.project.contains(p.fixture.path('lib/a.js')), 'outDir is excluded');
});

test('export * chains: the first target that really exports a name wins, in declaration order, through cycles', () => {
  const p = fixtureProject(`//- /package.json
{}
//- /src/a.ts
export { shared } from './missing';
export function onlyA() {}
//- /src/b.ts
export function shared() {}
export function twice() {}
//- /src/c.ts
export function twice() {}
export * from './index';
//- /src/index.ts
export * from './a';
export * from './b';
export * from './c';
//- /test/index.test.ts
import { shared, twice, onlyA } from '../src';
shared(); twice(); onlyA();
`);
  // a names \`shared\` but cannot resolve it, so b's is the one used; b comes before c for \`twice\`; c's star back
  // to the index is a cycle that must end.
  assert.equal(p.untested('src/a.ts'), []);
  assert.equal(p.untested('src/b.ts'), []);
  assert.equal(p.untested('src/c.ts'), ['twice']);
});

test('behind an index, a renamed export and a new module are seen at once (nothing stale from before the change)', () => {
  const p = fixtureProject(`${SOURCE}//- /src/index.ts
export * from './math';
export * from './more';
//- /src/more.ts
export function other() {}
//- /test/index.test.ts
import { add, extra } from '../src';
add(1, 1); extra();
`);
  const math = p.fixture.path('src/math.ts');
  const original = p.fixture.files.get(math)!;
  assert.equal(p.untested('src/math.ts'), ['sub', 'mul', 'div']);
  p.project.setOverlay(math, original.replace('export function add', 'export function plus'));
  assert.equal(p.untested('src/math.ts'), ['plus', 'sub', 'mul', 'div']);
  p.project.setOverlay(math, original);
  assert.equal(p.untested('src/math.ts'), ['sub', 'mul', 'div']);

  // \`extra\` appears in a module the index already re-exports, then in a new one it starts to re-export.
  const more = p.fixture.path('src/more.ts');
  p.fixture.files.set(more, 'export function other() {}\nexport function extra() {}\n');
  p.project.fileChangedOnDisk(more, 'changed');
  assert.equal(p.untested('src/more.ts'), ['other']);
  p.fixture.files.set(more, 'export function other() {}\n');
  p.project.fileChangedOnDisk(more, 'changed');
  const late = p.fixture.path('src/late.ts');
  p.fixture.files.set(late, 'export function extra() {}\n');
  p.project.fileChangedOnDisk(late, 'created');
  const index = p.fixture.path('src/index.ts');
  p.fixture.files.set(index, "export * from './math';\nexport * from './more';\nexport * from './late';\n");
  p.project.fileChangedOnDisk(index, 'changed');
  assert.equal(p.untested('src/late.ts'), []);
  assert.equal(p.untested('src/more.ts'), ['other']);
});


// The index is updated per test file after an edit (issue 7, flat rename cost). Each case below is one a stale answer
// would hide in; test/property/index-incremental.test.ts checks random edit sequences against a fresh Project.

const BEHIND_INDEX = `//- /package.json
{}
//- /src/index.ts
export * from './a';
//- /src/a.ts
export function a() {}
//- /src/far.ts
export function far() {}
//- /test/far.test.ts
import { far } from '../src';
far();
//- /test/a.test.ts
import { a } from '../src/a';
a();
`;

test('a module behind an index gains an export *: a name tests import through the index comes into reach', () => {
  const p = fixtureProject(BEHIND_INDEX);
  assert.equal(p.untested('src/far.ts'), ['far']);
  // far.test.ts read only the index (far had no provider there), not a.ts: the index's providers must go whole.
  const a = p.fixture.path('src/a.ts');
  p.project.setOverlay(a, "export function a() {}\nexport * from './far';\n");
  assert.equal(p.untested('src/far.ts'), []);
  p.project.setOverlay(a, 'export function a() {}\n');
  assert.equal(p.untested('src/far.ts'), ['far']);
});

test('two edits of a module before the index is read: a name the first one added is still seen behind the index', () => {
  const p = fixtureProject(BEHIND_INDEX);
  const a = p.fixture.path('src/a.ts');
  assert.equal(p.untested('src/far.ts'), ['far']);
  p.project.setOverlay(a, 'export function a() {}\nexport function far() {}\n');
  p.project.facts(a); // re-analysed, as code actions do, without reading the index
  p.project.setOverlay(a, 'export function a() {}\nexport function far() {}\nexport function more() {}\n');
  assert.equal(p.untested('src/a.ts'), ['more']);
});

test('after an export rename only the tests that read the module or looked its names up behind an index are resolved again', () => {
  const p = fixtureProject(`//- /package.json
{}
//- /src/index.ts
export * from './a';
export * from './b';
//- /src/a.ts
export function a() {}
//- /src/b.ts
export function b() {}
//- /test/a.test.ts
import { a } from '../src/a';
a();
//- /test/b.test.ts
import { b } from '../src';
b();
//- /test/late.test.ts
import { later } from '../src';
later();
`);
  assert.equal(p.untested('src/a.ts'), []);
  const resolved: string[] = [];
  const project = p.project as unknown as { indexTest(file: string): boolean };
  const indexTest = project.indexTest.bind(p.project);
  project.indexTest = (file) => {
    resolved.push(p.project.relative(file));
    return indexTest(file);
  };
  const a = p.fixture.path('src/a.ts');
  p.project.setOverlay(a, 'export function later() {}\n');
  assert.equal(p.untested('src/a.ts'), []);
  assert.equal(resolved.sort(), ['test/a.test.ts', 'test/late.test.ts'], 'b.test.ts went through the index to b.ts only');
  resolved.length = 0;
  p.project.setOverlay(a, 'export function later() {}\n// a comment\n');
  assert.equal(p.untested('src/a.ts'), []);
  assert.equal(resolved, [], 'an edit that keeps the exports resolves nothing');
});

test('unitIdForImport sees a rename behind an index without the index being read in between', () => {
  const p = fixtureProject(BEHIND_INDEX);
  const t = p.fixture.path('test/a.test.ts');
  assert.is(p.project.unitIdForImport(t, '../src', 'a'), 'src/a.ts#a');
  p.project.setOverlay(p.fixture.path('src/a.ts'), 'export function b() {}\n');
  assert.is(p.project.unitIdForImport(t, '../src', 'a'), undefined);
  assert.is(p.project.unitIdForImport(t, '../src', 'b'), 'src/a.ts#b');
});

test.run();
