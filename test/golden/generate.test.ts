// Golden files of generated tests (gopls style): inline fixture projects go through the whole real pipeline —
// sandboxed runs, selection, emission, verification — and the written test file must match test/golden/expected/.
// Run with UPDATE_GOLDEN=1 to rewrite the expected files after an intended change, then read the diff.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../../server/src/core/project';
import { resolveSettings } from '../../server/src/core/settings';
import { nodeFileHost } from '../../server/src/io/nodeHost';
import { generateTests, type GenerateResult } from '../../server/src/run/generate';
import { linkTestTools, tempProject } from '../helpers/tempProject';

const EXPECTED = path.resolve(__dirname, '../../../test/golden/expected');

async function generate(fixture: string, source: string, existing?: string, withTools = false): Promise<{ result: GenerateResult; root: string }> {
  const p = tempProject(fixture);
  if (withTools) linkTestTools(p.root);
  try {
    const settings = resolveSettings([]).settings;
    const project = new Project(p.root, nodeFileHost, settings);
    project.scan();
    const result = await generateTests({ project, file: path.join(p.root, source), variant: 'all', settings, existingText: existing });
    project.dispose();
    return { result, root: p.root };
  } finally {
    p.remove();
  }
}

function golden(name: string, text: string): void {
  const file = path.join(EXPECTED, name);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, text);
  assert.ok(fs.existsSync(file), `${name} exists (run with UPDATE_GOLDEN=1 to create it)`);
  assert.fixture(text, fs.readFileSync(file, 'utf8'));
}

test('TS functions: defaults, unions, throws, @example, properties', async () => {
  const { result } = await generate(
    `//- /package.json
{}
//- /src/text.ts
export type Case = 'upper' | 'lower';

/**
 * Changes the case of a word.
 * @example convert('Hi', 'upper') // 'HI'
 */
export function convert(word: string, to: Case = 'lower'): string {
  return to === 'upper' ? word.toUpperCase() : word.toLowerCase();
}

export function clamp(n: number, min: number, max: number): number {
  if (min > max) throw new RangeError('min > max');
  return Math.min(max, Math.max(min, n));
}
`,
    'src/text.ts',
  );
  assert.is(result.testFile.endsWith('test/text.test.ts'), true);
  golden('ts-functions.test.ts.txt', result.text);
});

test('TS class: fixture per test, methods, getters, static methods, instances', async () => {
  const { result } = await generate(
    `//- /package.json
{}
//- /src/stack.ts
export class Stack {
  private items: number[] = [];
  push(n: number): number { this.items.push(n); return this.items.length; }
  pop(): number | undefined { return this.items.pop(); }
  get size(): number { return this.items.length; }
  get top(): number {
    if (this.items.length === 0) throw new RangeError('empty stack');
    return this.items[this.items.length - 1];
  }
  static of(...ns: number[]): Stack { const s = new Stack(); ns.forEach((n) => s.push(n)); return s; }
}
`,
    'src/stack.ts',
  );
  // A getter's throw is written as a test too: every case the report counts is in the file.
  assert.match(result.text, /assert\.throws\(\(\) => stack\.top, \(error: unknown\) => error instanceof Error && error\.constructor\.name === 'RangeError' && error\.message === 'empty stack'\);/);
  const top = result.units.find((u) => u.name === 'Stack.top')!;
  assert.is(top.cases, (result.text.match(/stack\.top\b/g) ?? []).length, 'one test per counted case');
  golden('ts-class.test.ts.txt', result.text);
});

test('abstract and generic classes: members of an abstract one run on the concrete subclass the module exports, or on a minimal subclass the test declares; a generic one is typed as its constructor infers', async () => {
  const { result } = await generate(
    `//- /package.json
{}
//- /src/shape.ts
export abstract class Shape {
  constructor(public readonly name: string) {}
  abstract area(): number;
  describe(): string {
    return \`\${this.name} of area \${this.area().toFixed(1)}\`;
  }
  static unit(): string { return 'cm'; }
}

export class Square extends Shape {
  constructor(private readonly side: number) { super('square'); }
  area(): number { return this.side * this.side; }
}

export abstract class Registry<T> {
  protected items: T[] = [];
  abstract accepts(item: T): boolean;
  add(item: T): boolean { if (!this.accepts(item)) return false; this.items.push(item); return true; }
}

export class Box<T extends object> {
  private items: T[] = [];
  constructor(private readonly limit: number) {}
  put(item: T): number { if (this.items.length >= this.limit) throw new RangeError('full'); return this.items.push(item); }
}

export default class ShapeCatalog {
  count(): number { return 3; }
}
`,
    'src/shape.ts',
  );
  // The default-exported class keeps its class's name, imported in the one statement of its module.
  assert.match(result.text, /^import ShapeCatalog, \{ Square, Shape, Registry, Box \} from '\.\.\/src\/shape';$/m);
  // \`let box: Box\` would not type-check (TS2314): the section would have been dropped whole.
  assert.match(result.text, /box: InstanceType<typeof Box>/);
  assert.ok(result.units.find((u) => u.name === 'Box.put')!.cases > 0, 'Box.put has cases');
  // Never \`new Shape(\` (TS2511): the subclass is built and the inherited member called on it.
  assert.not.match(result.text, /new Shape\(/);
  assert.match(result.text, /square = new Square\(/);
  const describe = result.units.find((u) => u.name === 'Shape.describe')!;
  assert.ok(describe.cases > 0, 'Shape.describe has cases');
  // Registry has no subclass: one declared once for the file, its abstract `accepts` returning a boolean, built.
  assert.match(result.text, /^class TestRegistry extends Registry<unknown> \{\n {2}override accepts\(\) \{\n {4}return true;\n {2}\}\n\}$/m);
  assert.is(result.text.match(/^class TestRegistry /gm)?.length, 1);
  assert.ok(result.units.find((u) => u.name === 'Registry.add')!.cases > 0, 'Registry.add has cases');
  golden('abstract-class.test.ts.txt', result.text);
});

test('a type guard gets a case where it says true, from a value of the type it guards, and one where it says false', async () => {
  const { result } = await generate(
    `//- /package.json
{}
//- /src/guards.ts
export interface Point { x: number; y: number; label?: string }
export function isPoint(value: unknown): value is Point {
  return typeof value === 'object' && value !== null && typeof (value as Point).x === 'number' && typeof (value as Point).y === 'number';
}
`,
    'src/guards.ts',
  );
  assert.match(result.text, /'isPoint\([^']*\) returns true', \[\{ x: /);
  assert.match(result.text, /'isPoint\([^']*\) returns false'/);
});

test('TS class with a bound method: the instance is checked property by property, the function left out', async () => {
  const { result } = await generate(
    `//- /package.json
{}
//- /src/counter.ts
export class Counter {
  private n: number;
  readonly inc: () => number;
  constructor(start: number) {
    this.n = start;
    this.inc = () => ++this.n;
  }
}
`,
    'src/counter.ts',
  );
  golden('partial-instance.test.ts.txt', result.text);
});

test('a member tried on a filled instance too: a second suite whose before.each calls the adder first', async () => {
  const { result } = await generate(
    `//- /package.json
{}
//- /src/shelf.ts
export class Shelf {
  private books: string[] = [];
  add(title: string): number {
    this.books.push(title);
    return this.books.length;
  }
  first(): string {
    if (this.books.length === 0) throw new Error('empty shelf');
    return this.books[0];
  }
}
`,
    'src/shelf.ts',
  );
  golden('prepared-instance.test.ts.txt', result.text);
  // The filled instance's section is extra: the fresh one (the empty shelf throws) is still there.
  assert.match(result.text, /'Shelf\.first after add\(\\'a\\'\), add\(\\'hello world\\'\)'/);
  assert.match(result.text, /empty shelf/);
});

test('async functions: resolved values and rejections', async () => {
  const { result } = await generate(
    `//- /package.json
{}
//- /src/io.ts
export async function half(n: number): Promise<number> {
  if (n % 2 !== 0) throw new TypeError(\`odd: \${n}\`);
  return n / 2;
}
`,
    'src/io.ts',
  );
  golden('async.test.ts.txt', result.text);
});

test('CommonJS module with JSDoc types: require-style tests', async () => {
  const { result } = await generate(
    `//- /package.json
{}
//- /lib/strings.js
/**
 * @param {string} s
 * @param {number} n
 * @returns {string}
 */
function pad(s, n) { return s.length >= n ? s : pad(' ' + s, n); }
module.exports = { pad };
`,
    'lib/strings.js',
  );
  assert.match(result.text, /require\('uvu'\)/);
  golden('cjs.test.js.txt', result.text);
});

test('ESM JavaScript (type: module): import-style tests with extensions', async () => {
  const { result } = await generate(
    `//- /package.json
{ "type": "module" }
//- /src/math.js
/** @param {number} a @param {number} b */
export const add = (a, b) => a + b;
`,
    'src/math.js',
  );
  assert.match(result.text, /from '\.\.\/src\/math\.js'/);
  golden('esm.test.js.txt', result.text);
});

test('file-system units: a fresh temporary working folder per test, paths relative to it', async () => {
  const { result } = await generate(
    `//- /package.json
{}
//- /src/files.ts
import fs from 'node:fs';

/** Counts the lines of a text file. */
export function countLines(file: string): number {
  return fs.readFileSync(file, 'utf8').split('\\n').length - 1;
}

export class Journal {
  constructor(private readonly path: string) {}
  append(entry: string): number {
    fs.appendFileSync(this.path, entry + '\\n');
    return fs.readFileSync(this.path, 'utf8').length;
  }
}
`,
    'src/files.ts',
  );
  assert.match(result.text, /before\.each\(\(context\) => \{\n  context\.cwd = process\.cwd\(\);/);
  assert.not.match(result.text, /testgap-sandbox-/, 'no sandbox path in any expectation');
  golden('fs-fixture.test.ts.txt', result.text);
});

test('units that change globals: each test restores the global object; pure units get no hooks', async () => {
  const { result } = await generate(
    `//- /package.json
{}
//- /src/registry.ts
export function register(name: string): number {
  const g = globalThis as { __plugins?: string[] };
  g.__plugins ??= [];
  g.__plugins.push(name);
  return g.__plugins.length;
}

export function triple(n: number): number {
  return n * 3;
}
`,
    'src/registry.ts',
  );
  assert.is(result.text.match(/getOwnPropertyDescriptors\(globalThis\)/g)?.length, 1, 'hooks for register only');
  golden('globals.test.ts.txt', result.text);
});

test('appending to an existing test file keeps every byte and reuses its bindings; a second run adds nothing', async () => {
  const fixture = `//- /package.json
{}
//- /src/a.ts
export function twice(n: number): number { return n * 2; }
export function half(n: number): number { return n / 2; }
//- /test/a.test.ts
import { test } from 'uvu';
import * as assert from 'node:assert';
import { twice } from '../src/a';
test('twice', () => assert.equal(twice(2), 4));
test.run();
`;
  const existing = `import { test } from 'uvu';
import * as assert from 'node:assert';
import { twice } from '../src/a';
test('twice', () => assert.equal(twice(2), 4));
test.run();
`;
  const { result } = await generate(fixture, 'src/a.ts', existing);
  assert.ok(result.insertions.every((i) => i.offset === existing.indexOf("\ntest('twice'") || i.offset === existing.length || (i.within && /^, \w+$/.test(i.text))), 'only insertions: after the imports, names into an import, and at the end');
  // `half` joins the file's own import of '../src/a'.
  assert.match(result.text, /^import \{ twice, half \} from '\.\.\/src\/a';$/m);
  assert.match(result.text, /import \* as uvuAssert from 'uvu\/assert';/, 'node:assert is already `assert`: uvu\'s gets another name');
  golden('append.test.ts.txt', result.text);
  const again = await generate(fixture.replace(existing, result.text), 'src/a.ts', result.text);
  assert.equal(again.result.insertions, [], 'regenerating is idempotent');
});

test('an entry module that re-exports: each value is checked to be the defining module\'s own; a second run adds nothing', async () => {
  const fixture = `//- /package.json
{}
//- /src/shapes/circle.ts
export function area(r: number): number { return Math.PI * r * r; }
export const UNIT = 'cm';
//- /src/shapes/square.ts
export function side(a: number): number { return Math.sqrt(a); }
export default class Square { constructor(public a: number) {} }
//- /src/index.ts
export * from './shapes/circle';
export { side as squareSide, default as Square } from './shapes/square';
export const fresh = { made: 'here' };
`;
  const { result } = await generate(fixture, 'src/index.ts');
  // UNIT is a string (equal strings say nothing of where one came from); fresh is the entry's own.
  assert.equal(result.reexports, { values: 3, modules: 2 });
  golden('ts-barrel.test.ts.txt', result.text);
  const again = await generate(`${fixture}//- /test/index.test.ts\n${result.text}`, 'src/index.ts', result.text);
  assert.equal(again.result.insertions, [], 'regenerating is idempotent');
  assert.is(again.result.reexports, undefined);
});

// One source in each runner's dialect: how a project running vitest, jest, node:test or mocha gets its tests.
const STACK_TS = `//- /src/stack.ts
export class Stack {
  private items: number[] = [];
  push(n: number): number {
    this.items.push(n);
    return this.items.length;
  }
  get top(): number {
    if (this.items.length === 0) throw new RangeError('empty stack');
    return this.items[this.items.length - 1]!;
  }
}

export function parity(n: number): 'even' | 'odd' {
  if (!Number.isInteger(n)) throw new TypeError('not an integer');
  return n % 2 === 0 ? 'even' : 'odd';
}
`;
const DIALECTS: { name: string; fixture: string; source: string; imports: RegExp }[] = [
  {
    name: 'vitest',
    fixture: `//- /package.json\n{ "type": "module", "scripts": { "test": "vitest run" } }\n//- /vitest.config.mjs\nexport default { test: { include: ['test/**/*.test.ts'] } };\n${STACK_TS}`,
    source: 'src/stack.ts',
    imports: /^import \{ beforeEach, describe, expect, it \} from 'vitest';$/m,
  },
  {
    name: 'jest',
    fixture: `//- /package.json\n{ "scripts": { "test": "jest" } }\n//- /jest.config.js\nmodule.exports = { testEnvironment: 'node', transform: { '^.+\\\\.ts$': ['ts-jest', { tsconfig: { strict: true, esModuleInterop: true, types: ['node'] } }] } };\n${STACK_TS}`,
    source: 'src/stack.ts',
    imports: /^import \{ beforeEach, describe, expect, it \} from '@jest\/globals';$/m,
  },
  {
    name: 'node-test',
    fixture: `//- /package.json\n{ "scripts": { "test": "node --import tsx --test test/*.test.ts" } }\n${STACK_TS}`,
    source: 'src/stack.ts',
    imports: /^import \{ beforeEach, describe, it \} from 'node:test';\nimport assert from 'node:assert\/strict';$/m,
  },
  {
    name: 'mocha',
    fixture: `//- /package.json\n{ "scripts": { "test": "mocha" }, "devDependencies": { "mocha": "^11" } }\n//- /lib/parity.js\nexports.parity = (n) => {\n  if (!Number.isInteger(n)) throw new TypeError('not an integer');\n  return n % 2 === 0 ? 'even' : 'odd';\n};\n`,
    source: 'lib/parity.js',
    imports: /^const assert = require\('node:assert\/strict'\);$/m,
  },
];

for (const d of DIALECTS) {
  test(`dialect ${d.name}: describe blocks, tables as it.each (vitest, jest) or loops of it, the runner's assertions, verified where the runner runs`, async () => {
    const { result } = await generate(d.fixture, d.source, undefined, true);
    assert.equal(result.problems.filter((p) => p.severity === 'error'), [], JSON.stringify(result.problems));
    assert.match(result.text, d.imports);
    assert.not.match(result.text, /uvu/);
    golden(`dialect-${d.name}${d.source.endsWith('.js') ? '.test.js' : '.test.ts'}.txt`, result.text);
  });
}

test.run();
