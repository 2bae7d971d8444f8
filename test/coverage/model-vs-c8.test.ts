// The coverage model against c8's own json-summary on the same project: the figures must agree to 0.1 pp.
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../../server/src/core/project';
import { DEFAULT_SETTINGS } from '../../server/src/core/settings';
import { nodeFileHost } from '../../server/src/io/nodeHost';
import { CoverageStore, runTestFiles } from '../../server/src/run/coverage';
import { coverageReport, runnerFor, runTests } from '../../server/src/run/measure';
import { c8Summary } from '../helpers/c8';
import { linkTestTools, tempProject } from '../helpers/tempProject';

const REPO = path.resolve(__dirname, '../../..');
const UVU = path.join(REPO, 'node_modules/uvu/bin.js');

async function ours(root: string) {
  const project = new Project(root, nodeFileHost, DEFAULT_SETTINGS);
  project.scan();
  const store = new CoverageStore();
  await runTests(project, DEFAULT_SETTINGS, store);
  const report = await coverageReport(project, DEFAULT_SETTINGS, store);
  project.dispose();
  return report;
}

function near(a: number, b: number, what: string) {
  assert.ok(Math.abs(a - b) <= 0.1, `${what}: ours ${a}, c8 ${b}`);
}

const JS_PROJECT = `//- /package.json
{ "name": "js-fixture" }
//- /src/shapes.js
function area(shape) {
  if (shape.kind === 'circle') return Math.PI * shape.r ** 2;
  if (shape.kind === 'square') return shape.side * shape.side;
  throw new Error('unknown shape ' + shape.kind);
}
function perimeter(shape) {
  switch (shape.kind) {
    case 'circle': return 2 * Math.PI * shape.r;
    case 'square': return 4 * shape.side;
    default: return NaN;
  }
}
const label = (shape) => (shape.name ? shape.name : shape.kind) + (shape.big && shape.r > 10 ? '!' : '');
module.exports = { area, perimeter, label };
//- /src/text.js
exports.shout = (s) => s.toUpperCase() + '!';
exports.whisper = function (s) {
  for (let i = 0; i < 3; i++) {
    if (s.length > i) s = s.slice(0, -1);
  }
  return s.toLowerCase();
};
//- /src/unused.js
module.exports = function never(x) {
  return x > 1 ? 'big' : 'small';
};
//- /test/shapes.test.js
const { test } = require('uvu');
const assert = require('uvu/assert');
const { area, label } = require('../src/shapes');
test('circle', () => assert.ok(area({ kind: 'circle', r: 1 }) > 3));
test('label', () => assert.is(label({ kind: 'square' }), 'square'));
test.run();
//- /test/text.test.js
const { test } = require('uvu');
const assert = require('uvu/assert');
const { shout } = require('../src/text');
const shapes = require('../src/shapes');
test('shout', () => assert.is(shout('a'), 'A!'));
test('area of a square', () => assert.is(shapes.area({ kind: 'square', side: 2 }), 4));
test.run();
`;

test('JavaScript project: every figure of every file agrees with c8 --all', async () => {
  // Not vacuous: the fixture has uncovered lines in every file.
  await agreesWithRunner(JS_PROJECT, [UVU, 'test'], 3, (mine) => assert.ok(mine.files.every((f) => f.summary.lines.pct < 100)));
});

const TS_PROJECT = `//- /package.json
{ "name": "ts-fixture" }
//- /src/grade.ts
export type Grade = 'A' | 'B' | 'C' | 'F';
export function grade(score: number): Grade {
  if (score < 0 || score > 100) throw new RangeError('score out of range');
  if (score >= 90) return 'A';
  if (score >= 75) return 'B';
  if (score >= 50) return 'C';
  return 'F';
}
export class Roster {
  private readonly scores = new Map<string, number>();
  add(name: string, score: number): this {
    this.scores.set(name, score);
    return this;
  }
  best(): string | undefined {
    let top: string | undefined;
    for (const [name, s] of this.scores) if (top === undefined || s > this.scores.get(top)!) top = name;
    return top;
  }
}
//- /test/grade.test.ts
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grade, Roster } from '../src/grade';
test('A', () => assert.is(grade(95), 'A'));
test('C', () => assert.is(grade(60), 'C'));
test('roster', () => assert.ok(new Roster().add('x', 1)));
test.run();
`;

// c8 over tsx is not the reference for TypeScript: esbuild adds helper functions and branches of its own and maps
// lines differently (on this fixture it reports `return 'F'`, which no test reaches, as covered). The reference is c8
// over the very code we run: the TypeScript transpile, written to disk with its source maps.
test('TypeScript project: every figure agrees with c8 over the same transpiled code', async () => {
  const p = tempProject(TS_PROJECT);
  linkTestTools(p.root);
  try {
    const mine = await ours(p.root);
    const f = mine.files.find((x) => x.file.endsWith('grade.ts'))!;
    // The same TypeScript transpile written to disk with source maps: c8 must see exactly what we see.
    const ts = require('typescript') as typeof import('typescript');
    for (const rel of ['src/grade.ts', 'test/grade.test.ts']) {
      const out = ts.transpileModule(p.read(rel), {
        fileName: path.join(p.root, rel),
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true, ignoreDeprecations: '6.0' },
      });
      p.write(path.join('out', rel.replace(/\.ts$/, '.js')), out.outputText.replace(/(\/\/# sourceMappingURL=data:application\/json;base64,)(.*)$/m, (_m, head, b64) => {
        const map = JSON.parse(Buffer.from(b64, 'base64').toString());
        map.sources = [path.join(p.root, rel)];
        return head + Buffer.from(JSON.stringify(map)).toString('base64');
      }));
    }
    const compiled = c8Summary(p.root, ['node', 'out/test/grade.test.js'], ['--exclude-after-remap']);
    const theirs = compiled[f.file];
    assert.ok(theirs, Object.keys(compiled).join(', '));
    for (const key of ['lines', 'statements', 'functions', 'branches'] as const) {
      near(f.summary[key].pct, theirs![key].pct, `grade.ts ${key}`);
      assert.is(f.summary[key].total, theirs![key].total, `grade.ts ${key} total`);
    }
    assert.ok(f.summary.branches.pct < 100 && f.summary.lines.pct < 100);
  } finally {
    p.remove();
  }
});

test('a project without tests yields zeros for every source file, not an error', async () => {
  const p = tempProject(`//- /package.json
{ "name": "no-tests" }
//- /src/a.ts
export function f(x: number) {
  return x > 0 ? 1 : -1;
}
`);
  try {
    const mine = await ours(p.root);
    assert.is(mine.tests.length, 0);
    assert.is(mine.files.length, 1);
    assert.is(mine.files[0]!.summary.lines.covered, 0);
    assert.ok(mine.files[0]!.summary.lines.total > 0);
    assert.is(mine.total.lines.pct, 0);
    assert.is(mine.files[0]!.meetsTarget, false);
  } finally {
    p.remove();
  }
});

/** Every figure of every file the same as c8's around the project's own test command (the runner's report). */
async function agreesWithRunner(fixture: string, command: string[], files: number, also?: (mine: Awaited<ReturnType<typeof ours>>) => void, notSources: string[] = []): Promise<void> {
  const p = tempProject(fixture);
  linkTestTools(p.root);
  try {
    const c8 = c8Summary(p.root, command, ['--all', '--src', 'src']);
    const mine = await ours(p.root);
    assert.equal(mine.tests.map((t) => t.status), mine.tests.map(() => 'passed'), JSON.stringify(mine.tests));
    assert.is(mine.files.length, files);
    for (const f of mine.files) {
      const theirs = c8[f.file];
      assert.ok(theirs, `c8 reports ${f.file}: ${Object.keys(c8).join(', ')}`);
      for (const key of ['lines', 'statements', 'functions', 'branches'] as const) {
        near(f.summary[key].pct, theirs[key].pct, `${path.basename(f.file)} ${key}`);
        assert.is(f.summary[key].total, theirs[key].total, `${path.basename(f.file)} ${key} total`);
      }
    }
    // c8 --all counts a module of types only as one uncovered line, and measures a loader the script names; testgap
    // measures neither (nothing runs in the one; the other is no source of the project's).
    const onlyC8 = Object.keys(c8).filter((k) => k !== 'total' && !mine.files.some((f) => f.file === k)).map((k) => path.relative(p.root, k));
    assert.equal(onlyC8, notSources, 'the files c8 reports and testgap does not');
    if (notSources.length === 0) for (const key of ['lines', 'branches', 'functions'] as const) near(mine.total[key].pct, c8.total[key].pct, `total ${key}`);
    // Not vacuous: some branch is never taken.
    assert.ok(mine.files.some((f) => f.summary.branches.pct < 100));
    also?.(mine);
  } finally {
    p.remove();
  }
}

test('node:test + tsx, ES modules with top-level await: the figures of c8 around `node --import tsx --test`', async () => {
  await agreesWithRunner(
    `//- /package.json
{ "name": "esm-node-test", "type": "module", "scripts": { "test": "node --import tsx --test test/*.test.ts" } }
//- /tsconfig.json
{ "compilerOptions": { "module": "nodenext", "target": "es2022", "strict": true } }
//- /src/math.ts
export interface Range { lo: number; hi: number }
export function clamp(x: number, { lo, hi }: Range): number {
  if (x < lo) return lo;
  if (x > hi) return hi;
  return x;
}
export async function later(x: number): Promise<number> {
  return x * 2;
}
//- /src/types.ts
export type Id = string;
//- /test/math.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clamp, later } from '../src/math.js';
const doubled = await later(2);
await test('clamp', () => {
  assert.equal(clamp(5, { lo: 0, hi: 3 }), 3);
  assert.equal(doubled, 4);
});
`,
    [process.execPath, '--import', 'tsx', '--test', 'test/math.test.ts'],
    1,
    undefined,
    ['src/types.ts'], // types only: nothing to measure
  );
});

test('JavaScript ES modules (.mjs) under node --test: the figures of c8 around it', async () => {
  await agreesWithRunner(
    `//- /package.json
{ "name": "esm-mjs", "scripts": { "test": "node --test" } }
//- /src/slug.mjs
export function slug(s) {
  if (typeof s !== 'string') throw new TypeError('not a string');
  return s.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
//- /test/slug.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slug } from '../src/slug.mjs';
await test('slug', () => assert.equal(slug(' Hello World '), 'hello-world'));
`,
    [process.execPath, '--test', 'test/slug.test.mjs'],
    1,
  );
});

test('module hooks from --loader are registered, and --import of a project file runs before the tests', async () => {
  await agreesWithRunner(
    `//- /package.json
{ "name": "esm-hooks", "type": "module", "scripts": { "test": "node --loader ./hooks/ts-as-js.mjs --import ./test/setup.mjs --test" } }
//- /hooks/ts-as-js.mjs
// A loader that runs .ts files as JavaScript (they hold no types): enough to need registering as hooks.
import fs from 'node:fs';
export async function load(url, context, next) {
  if (url.endsWith('.ts')) return { format: 'module', source: fs.readFileSync(new URL(url), 'utf8'), shortCircuit: true };
  return next(url, context);
}
//- /src/sign.ts
export function sign(x) {
  if (x > 0) return 1;
  if (x < 0) return -1;
  return 0;
}
//- /test/setup.mjs
globalThis.setupRan = true;
//- /test/sign.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sign } from '../src/sign.ts';
await test('sign', () => {
  assert.equal(globalThis.setupRan, true, 'the setup file ran first');
  assert.equal(sign(5), 1);
});
`,
    [process.execPath, '--loader', './hooks/ts-as-js.mjs', '--import', './test/setup.mjs', '--test', 'test/sign.test.ts'],
    1,
    undefined,
    ['hooks/ts-as-js.mjs'],
  );
});

test("mocha: its files run with the project's mocha and its .mocharc (file, root hooks, timeout, exit), as c8 around `mocha` reports", async () => {
  await agreesWithRunner(
    `//- /package.json
{ "name": "mocha-project", "scripts": { "test": "mocha" } }
//- /.mocharc.json
{ "spec": "test/**/*.spec.js", "timeout": "3s", "exit": true, "file": ["./test/setup.js"], "require": ["./test/hooks.js"] }
//- /src/queue.js
class Queue {
  constructor() { this.items = []; }
  push(x) { this.items.push(x); return this; }
  pop() {
    if (this.items.length === 0) throw new Error('empty');
    return this.items.shift();
  }
}
module.exports = { Queue };
//- /test/setup.js
// Loaded by mocha before the spec: its globals exist here.
before(() => { global.fromSetup = true; });
//- /test/hooks.js
exports.mochaHooks = { beforeEach() { global.hooked = (global.hooked || 0) + 1; } };
//- /test/queue.spec.js
const assert = require('node:assert');
const { Queue } = require('../src/queue');
// Left running: only mocha's exit option ends the process.
setInterval(() => {}, 1000);
describe('Queue', () => {
  it('pops in order, after the setup file and the root hook ran', () => {
    assert.strictEqual(global.fromSetup, true);
    assert.strictEqual(global.hooked, 1);
    assert.strictEqual(new Queue().push(1).push(2).pop(), 1);
  });
  it('takes longer than the default 2 s of mocha, within the 3 s of .mocharc', async () => {
    await new Promise((r) => setTimeout(r, 2100));
  });
  it.skip('later', () => {});
});
`,
    [path.join(REPO, 'node_modules/mocha/bin/mocha.js')],
    1,
    (mine) => assert.equal(mine.tests.map((t) => t.status), ['passed']),
  );
});

test('mocha: the counts of its spec reporter are the counts of the test file', async () => {
  const p = tempProject(`//- /package.json
{ "scripts": { "test": "mocha" } }
//- /test/a.spec.js
describe('a', () => {
  it('passes', () => {});
  it('fails', () => { throw new Error('no'); });
  it.skip('later', () => {});
});
`);
  linkTestTools(p.root);
  try {
    const project = new Project(p.root, nodeFileHost, DEFAULT_SETTINGS);
    project.scan();
    const limits = { timeoutMs: 20_000, memoryMb: 256 };
    const [run] = await runTestFiles({ root: p.root, testFiles: [path.join(p.root, 'test/a.spec.js')], isSource: () => true, isProjectFile: () => true, limits, runner: runnerFor(project)! });
    project.dispose();
    assert.is(run!.status, 'failed');
    assert.equal(run!.tests, { total: 3, passed: 1, skipped: 1 });
  } finally {
    p.remove();
  }
});

test.run();
