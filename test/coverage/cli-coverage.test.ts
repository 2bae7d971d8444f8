// `testgap coverage` and `testgap check --coverage` from a terminal's point of view, and the pure parts of the model.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CoverageJson } from '../../server/src/cli/coverage';
import { ranges } from '../../server/src/cli/coverage';
import { CoverageIndex, coverageFindings, percent, targetFor, type FileCoverageData } from '../../server/src/core/coverage';
import { LineIndex } from '../../server/src/core/text';
import { SERVER_BIN } from '../helpers/lspClient';
import { fixtureProject } from '../helpers/project';
import { linkTestTools, tempProject } from '../helpers/tempProject';

function cli(root: string, args: string[]) {
  const r = spawnSync(process.execPath, [SERVER_BIN, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PROJECT = `//- /package.json
{ "name": "targets" }
//- /src/unit.js
exports.sign = (x) => {
  if (x > 0) return 1;
  if (x < 0) return -1;
  return 0;
};
//- /src/service.js
exports.handle = (req) => {
  if (!req) throw new Error('no request');
  if (req.kind === 'a') return 'A';
  if (req.kind === 'b') return 'B';
  if (req.kind === 'c') return 'C';
  if (req.kind === 'd') return 'D';
  return 'other';
};
//- /test/unit.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
const { sign } = require('../src/unit');
test('sign', () => { assert.is(sign(3), 1); assert.is(sign(-3), -1); assert.is(sign(0), 0); });
test.run();
//- /test/integration/service.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
const { handle } = require('../../src/service');
test('a, b, c', () => { assert.is(handle({ kind: 'a' }), 'A'); assert.is(handle({ kind: 'b' }), 'B'); assert.is(handle({ kind: 'c' }), 'C'); });
test.run();
`;

test('coverage: table, lcov.info and coverage-summary.json; integration tests are held to the integration target', () => {
  const p = tempProject(PROJECT);
  linkTestTools(p.root);
  try {
    const r = cli(p.root, ['coverage']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /^File\s+\| % Lines \| % Branch \| % Funcs \| Target \| Uncovered lines$/m);
    assert.match(r.stdout, /^src\/unit\.js\s+\|\s+100\.00 \|/m);
    assert.match(r.stderr, /covered by 2 test files; wrote coverage\/lcov\.info and coverage\/coverage-summary\.json/);
    const lcov = p.read('coverage/lcov.info');
    assert.match(lcov, /^SF:src\/service\.js$/m);
    assert.match(lcov, /^DA:2,3$/m, 'the guard line ran three times');
    assert.match(lcov, /^DA:6,0$/m, 'the fallback never ran');
    const summary = JSON.parse(p.read('coverage/coverage-summary.json'));
    assert.is(summary.total.lines.pct > 0, true);

    const json = JSON.parse(cli(p.root, ['coverage', '--json']).stdout) as CoverageJson;
    const service = json.files.find((f) => f.path === 'src/service.js')!;
    assert.equal(service.target, { kind: 'integration', pct: 70 }, 'only an integration test loads it');
    assert.ok(service.lines.pct >= 70 && service.lines.pct < 85, `between the targets: ${service.lines.pct}`);
    assert.is(service.meetsTarget, true);
    assert.equal(service.uncoveredLines, [6, 7]);
    assert.equal(json.files.find((f) => f.path === 'src/unit.js')!.target, { kind: 'unit', pct: 85 });

    // check --coverage: everything is tested and every file meets its target…
    const ok = cli(p.root, ['check', '--coverage']);
    assert.is(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stderr, /0 of 2 source files below their coverage target/);
    // …until the integration target is raised above what the tests reach.
    p.write('package.json', JSON.stringify({ name: 'targets', testgap: { coverageTargets: { unit: 85, integration: 90 } } }));
    const below = cli(p.root, ['check', '--coverage']);
    assert.is(below.code, 1);
    assert.match(below.stdout, /^src\/service\.js: \d+(\.\d+)? % of lines covered, below the integration target of 90 % \[below-target\]$/m);
  } finally {
    p.remove();
  }
});

test('coverage: a failing test file is named and exits 1; the others still count', () => {
  const p = tempProject(`${PROJECT}//- /test/broken.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
test('wrong', () => assert.is(1 + 1, 3)); test.run();
`);
  linkTestTools(p.root);
  try {
    const r = cli(p.root, ['coverage', '--json']);
    assert.is(r.code, 1);
    assert.match(r.stderr, /test\/broken\.test\.js: failed: 1 test failed: "wrong": Expected values to be strictly equal/);
    const json = JSON.parse(r.stdout) as CoverageJson;
    assert.is(json.files.find((f) => f.path === 'src/unit.js')!.lines.pct, 100);
  } finally {
    p.remove();
  }
});

test('the guard follows links: a symlink or hard link made in the temp folder cannot carry a write outside', () => {
  const p = tempProject(`//- /package.json
{ "name": "links" }
//- /src/a.js
exports.a = 1;
//- /test/links.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
const fs = require('fs'); const os = require('os'); const path = require('path');
const root = path.resolve(__dirname, '..');
test('symlink to the project, then write through it', () => {
  fs.symlinkSync(root, path.join(os.tmpdir(), 'project'));
  fs.writeFileSync(path.join(os.tmpdir(), 'project', 'via-symlink.txt'), 'x');
});
test('dangling symlink out of the temp folder', () => {
  fs.symlinkSync(path.join(root, 'dangling.txt'), path.join(os.tmpdir(), 'dangling'));
});
test('hard link to a source file, then append', () => {
  fs.linkSync(path.join(root, 'src/a.js'), path.join(os.tmpdir(), 'a.js'));
  fs.appendFileSync(path.join(os.tmpdir(), 'a.js'), '// appended');
});
test('writes inside the temp folder are fine', () => {
  fs.writeFileSync(path.join(os.tmpdir(), 'ok.txt'), 'ok');
  assert.is(fs.readFileSync(path.join(os.tmpdir(), 'ok.txt'), 'utf8'), 'ok');
});
test.run();
`);
  linkTestTools(p.root);
  try {
    const json = JSON.parse(cli(p.root, ['coverage', '--json']).stdout) as CoverageJson;
    const message = json.tests[0]!.message ?? '';
    assert.match(message, /^3 tests failed: /, message);
    assert.match(message, /"symlink to the project, then write through it": testgap sandbox: symlink/);
    assert.match(message, /"dangling symlink out of the temp folder": testgap sandbox: symlink/);
    assert.match(message, /"hard link to a source file, then append": testgap sandbox: link/);
    assert.not.ok(fs.existsSync(path.join(p.root, 'via-symlink.txt')));
    assert.is(p.read('src/a.js'), 'exports.a = 1;\n');
  } finally {
    p.remove();
  }
});

test('a test file that does not load, or fails and still exits 0, is reported with the reason', () => {
  const p = tempProject(`//- /package.json
{ "name": "broken" }
//- /src/a.js
exports.a = 1;
//- /test/syntax.test.js
const { test } = require('uvu');
test('never', () => {
//- /test/sneaky.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
test('wrong', () => assert.is(1, 2));
test.run();
setTimeout(() => process.exit(0), 50);
`);
  linkTestTools(p.root);
  try {
    const json = JSON.parse(cli(p.root, ['coverage', '--json']).stdout) as CoverageJson;
    const byPath = Object.fromEntries(json.tests.map((t) => [t.path, t]));
    assert.is(byPath['test/syntax.test.js']!.status, 'failed');
    assert.match(byPath['test/syntax.test.js']!.message!, /^exited with code 1: SyntaxError: /);
    assert.is(byPath['test/sneaky.test.js']!.status, 'failed', 'uvu counted a failure though the process exited 0');
    assert.match(byPath['test/sneaky.test.js']!.message!, /"wrong": Expected values to be strictly equal/);
  } finally {
    p.remove();
  }
});

test('a project in a folder whose path needs escaping in a URL is measured', () => {
  const p = tempProject('//- /README\n');
  // Fixture headers cannot hold a space, so this project is written by hand.
  p.write('sp ace/é/package.json', '{ "name": "spaced" }\n');
  p.write('sp ace/é/src/a.js', 'exports.a = (x) => {\n  return x + 1;\n};\n');
  p.write('sp ace/é/test/a.test.js', "const { test } = require('uvu'); const assert = require('uvu/assert');\ntest('a', () => assert.is(require('../src/a').a(1), 2)); test.run();\n");
  const root = path.join(p.root, 'sp ace/é');
  linkTestTools(root);
  try {
    const json = JSON.parse(cli(root, ['coverage', '--json']).stdout) as CoverageJson;
    assert.is(json.files[0]!.lines.pct, 100);
  } finally {
    p.remove();
  }
});

test('percent and line ranges are what c8 and the table show', () => {
  assert.is(percent(31, 39), 79.48); // floored, not rounded (79.487…)
  assert.is(percent(0, 0), 100);
  assert.is(percent(2, 3), 66.66);
  assert.is(ranges([3, 4, 5, 9, 11, 12]), '3-5, 9, 11-12');
  assert.is(ranges([]), '');
});

test('affected tests: those that loaded the file, the file itself if a test, and current importers', () => {
  const index = new CoverageIndex();
  index.record({ testFile: '/p/test/a.test.js', status: 'passed', loaded: ['/p/src/a.js', '/p/src/util.js'], durationMs: 1 });
  index.record({ testFile: '/p/test/b.test.js', status: 'passed', loaded: ['/p/src/b.js', '/p/src/util.js'], durationMs: 1 });
  const isTest = (f: string) => f.includes('/test/');
  const none = () => [];
  assert.equal(index.affectedTests(['/p/src/a.js'], isTest, none), ['/p/test/a.test.js']);
  assert.equal(index.affectedTests(['/p/src/util.js'], isTest, none), ['/p/test/a.test.js', '/p/test/b.test.js']);
  assert.equal(index.affectedTests(['/p/test/b.test.js'], isTest, none), ['/p/test/b.test.js']);
  assert.equal(index.affectedTests(['/p/src/c.js'], isTest, () => ['/p/test/c.test.js']), ['/p/test/c.test.js'], 'an import added since the last run');
  // A re-run replaces what the test loaded before.
  index.record({ testFile: '/p/test/a.test.js', status: 'failed', loaded: ['/p/src/a.js'], durationMs: 1 });
  assert.equal(index.testsLoading('/p/src/util.js'), ['/p/test/b.test.js']);
});

test('integration target only when every test that loads a file is an integration test', () => {
  const targets = { unit: 85, integration: 70 };
  assert.equal(targetFor([{ integration: true }], targets), { kind: 'integration', pct: 70 });
  assert.equal(targetFor([{ integration: true }, { integration: false }], targets), { kind: 'unit', pct: 85 });
  assert.equal(targetFor([], targets), { kind: 'unit', pct: 85 });
});

test('an arrow function whose line runs at load but that nobody calls is uncovered, not covered', () => {
  const text = 'export const never = (x: number) => x + 1;\nexport const called = (x: number) => x * 2;\n';
  const { project, fixture } = fixtureProject(`//- /src/arrows.ts\n${text}`);
  const units = project.facts(fixture.path('src/arrows.ts')).units;
  const at = (line: number, from: number, to: number) => ({ start: { line, column: from }, end: { line, column: to } });
  const data: FileCoverageData = {
    path: fixture.path('src/arrows.ts'),
    statementMap: { 0: at(1, 0, 43), 1: at(2, 0, 44) },
    s: { 0: 1, 1: 1 }, // both lines run when the module loads
    fnMap: { 0: { name: 'never', decl: at(1, 21, 42), loc: at(1, 21, 42), line: 1 }, 1: { name: 'called', decl: at(2, 22, 43), loc: at(2, 22, 43), line: 2 } },
    f: { 0: 0, 1: 3 },
    branchMap: { 0: { loc: at(1, 36, 41), type: 'branch', locations: [{ start: { line: 1, column: -1 }, end: { line: 1, column: 41 } }], line: 1 } },
    b: { 0: [0] },
  };
  const findings = coverageFindings(units, new LineIndex(text), data, { kind: 'unit', pct: 85 });
  assert.equal(findings.map((f) => `${f.code} ${f.unit.name}`), ['uncovered never']);
  assert.equal(findings[0]!.coverage.uncoveredBranches, [{ line: 1, column: 0, endLine: 1, endColumn: 41 }], 'no negative column');
});

test('coverage findings: an unexecuted class is one finding; members of a class that ran are judged one by one', () => {
  const text = `export class Cart {
  add(x: number) {
    return x;
  }
  clear() {
    return 0;
  }
}
export class Unused {
  go() {
    return 1;
  }
}
`;
  const { project, fixture } = fixtureProject(`//- /src/cart.ts\n${text}`);
  const units = project.facts(fixture.path('src/cart.ts')).units;
  // Lines 1-4 and 8 ran (the class was built and add called); clear (5-7) and Unused (9-13) never did.
  const counts: Record<number, number> = { 1: 1, 2: 1, 3: 1, 4: 1, 5: 0, 6: 0, 7: 0, 8: 1, 9: 0, 10: 0, 11: 0, 12: 0, 13: 0 };
  const data: FileCoverageData = { path: '/p/src/cart.ts', statementMap: {}, fnMap: {}, branchMap: {}, s: {}, f: {}, b: {} };
  for (const [line, n] of Object.entries(counts)) {
    data.statementMap[line] = { start: { line: +line, column: 0 }, end: { line: +line, column: 1 } };
    data.s[line] = n;
  }
  const findings = coverageFindings(units, new LineIndex(text), data, { kind: 'unit', pct: 85 });
  assert.equal(findings.map((f) => `${f.code} ${f.unit.name}`).sort(), ['uncovered Cart.clear', 'uncovered Unused']);
  assert.match(findings.find((f) => f.unit.name === 'Unused')!.message, /^No test executes class `Unused` \(5 lines\)$/);
});

test('a vitest project without vitest installed: coverage says so, instead of reporting 0 % from failed runs', () => {
  const p = tempProject(`//- /package.json
{ "name": "vitest-project", "scripts": { "test": "vitest run" }, "devDependencies": { "vitest": "^4.1.0" } }
//- /src/a.ts
export function a(): number { return 1; }
//- /src/a.test.ts
import { expect, it } from 'vitest';
import { a } from './a';
it('a', () => expect(a()).toBe(1));
`);
  try {
    const cov = cli(p.root, ['coverage', '--json']);
    assert.is(cov.code, 1);
    assert.equal(Object.keys(JSON.parse(cov.stdout)), ['version', 'root', 'unmeasurable'], 'no figures');
    assert.match(cov.stderr, /run with vitest \(scripts\.test: "vitest run"\), which is not installed, so testgap measures no coverage here: install the project's dependencies \(npm install\)/);
    assert.not.ok(fs.existsSync(path.join(p.root, 'coverage')), 'no lcov.info of zeros');
    const check = cli(p.root, ['check', '--coverage']);
    assert.is(check.code, 0, 'the one export is tested; coverage cannot fail the check ' + check.stderr);
    assert.match(check.stderr, /--coverage checks nothing here/);
  } finally {
    p.remove();
  }
});

test("a loader that compiles nothing (uvu -r <package>) leaves testgap's own loader in place for import syntax", () => {
  // As lukeed/dset's 'uvu test -r esm': ES syntax in a CommonJS package, and a -r package that is not a compiler.
  const p = tempProject(`//- /package.json
{ "name": "esm-syntax", "scripts": { "test": "uvu -r picomatch test" } }
//- /src/sum.js
export function sum(a, b) {
  return a + b;
}
//- /test/sum.js
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sum } from '../src/sum';
test('sum', () => assert.is(sum(1, 2), 3));
test.run();
`);
  linkTestTools(p.root);
  try {
    const json = JSON.parse(cli(p.root, ['coverage', '--json']).stdout) as CoverageJson;
    assert.equal(json.tests.map((t) => t.status), ['passed'], JSON.stringify(json.tests));
    assert.is(json.files.find((f) => f.path === 'src/sum.js')!.lines.pct, 100);
  } finally {
    p.remove();
  }
});

test.run();
