// Coverage on save through the language server: the notification's figures, the diagnostics that replace
// `missing-test`, which tests a save runs, cancellation by a newer save, and test files that hang or exit.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CoverageNotification } from '../../server/src/lsp/coverage';
import { FULL_CLIENT, PUSH_CLIENT, TestClient } from '../helpers/lspClient';
import { linkTestTools, tempProject } from '../helpers/tempProject';

const REPO = path.resolve(__dirname, '../../..');

const SHOP = `//- /package.json
{ "name": "shop" }
//- /src/price.js
function discount(price, pct) {
  if (pct < 0 || pct > 100) throw new RangeError('pct out of range');
  if (pct === 0) return price;
  return Math.round(price * (100 - pct)) / 100;
}
function tax(price, rate) {
  return price * rate;
}
function helper(x) {
  return x * 2;
}
function doubled(x) {
  return helper(x);
}
module.exports = { discount, tax, doubled, helper };
//- /test/price.test.js
const { test } = require('uvu');
const assert = require('uvu/assert');
const { discount, doubled } = require('../src/price');
test('discount', () => assert.is(discount(200, 50), 100));
test('doubled', () => assert.is(doubled(2), 4));
test.run();
`;

function finalNotification(client: TestClient, after = 0): Promise<CoverageNotification> {
  return client.waitFor('a coverage notification that is not stale', () => client.coverage.slice(after).find((n) => !n.stale), 60_000);
}

test('stdio: save → testgap/coverage with c8 figures; uncovered and low-coverage replace missing-test', async () => {
  const p = tempProject(SHOP);
  linkTestTools(p.root);
  const client = await TestClient.start({ root: p.root, transport: 'stdio', capabilities: FULL_CLIENT });
  try {
    await client.open('src/price.js', p.read('src/price.js'), 'javascript');
    const before = await client.waitForDiagnostics('src/price.js', (d) => d.length > 0);
    assert.equal(before.diagnostics.map((d) => d.code).sort(), ['missing-test', 'missing-test']); // tax and helper
    await client.save('src/price.js');
    const n = await finalNotification(client);
    assert.ok(client.coverage[0]!.stale, 'a stale notification first, while the run is pending');
    const file = n.files.find((f) => f.uri === client.uri('src/price.js'))!;
    assert.ok(file, JSON.stringify(n.files.map((f) => f.uri)));
    // The reference: c8 over the same tests.
    const dir = path.join(p.root, '.c8');
    const r = spawnSync(process.execPath, [path.join(REPO, 'node_modules/c8/bin/c8.js'), '--reporter=json-summary', '--reports-dir', dir, '--exclude', 'test/**', path.join(REPO, 'node_modules/uvu/bin.js'), 'test'], { cwd: p.root, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const c8 = JSON.parse(fs.readFileSync(path.join(dir, 'coverage-summary.json'), 'utf8'))[path.join(p.root, 'src/price.js')];
    for (const key of ['lines', 'branches', 'functions', 'statements'] as const) assert.equal([file[key].covered, file[key].total], [c8[key].covered, c8[key].total], key);
    for (const key of ['lines', 'branches', 'functions', 'statements'] as const) assert.ok(Math.abs(file[key].pct - c8[key].pct) <= 0.1, `${key}: ${file[key].pct} vs ${c8[key].pct}`);
    assert.is(n.tests.length, 1);
    assert.is(n.tests[0]!.status, 'passed');
    // helper runs through doubled: covered though no test imports it. tax never runs. discount misses branches.
    const after = await client.waitForDiagnostics('src/price.js', (d) => d.some((x) => x.code === 'uncovered'));
    const byCode = Object.fromEntries(after.diagnostics.map((d) => [d.code, d]));
    assert.equal(after.diagnostics.map((d) => `${d.code}:${String(d.message).split(' ')[0]}`).sort(), ['low-coverage:`discount`:', 'uncovered:No']);
    assert.match(byCode.uncovered!.message, /`tax`/);
    assert.match(byCode['low-coverage']!.message, /below the unit target of 85 %/);
    const related = byCode['low-coverage']!.relatedInformation!;
    assert.ok(related.length >= 1);
    assert.ok(related.every((x: { location: { uri: string }; message: string }) => x.location.uri === client.uri('src/price.js') && x.message === 'branch never taken'));
    assert.ok(related.some((x: { location: { range: { start: { line: number } } } }) => x.location.range.start.line === 1), 'the pct range check on line 2 is a branch never taken: ' + JSON.stringify(related));
    // The code action is offered on the coverage diagnostic too.
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: client.uri('src/price.js') },
      range: byCode.uncovered!.range,
      context: { diagnostics: [byCode.uncovered] },
    })) as { title: string }[];
    assert.ok(actions.some((a) => a.title === 'Generate tests for `tax`'), JSON.stringify(actions.map((a) => a.title)));
    // Code lenses mirror the two diagnostics, with the same generation command as the code action.
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: client.uri('src/price.js') } })) as {
      range: { start: { line: number } };
      command: { title: string; command: string; arguments: { unitIds: string[] }[] };
    }[];
    assert.equal(
      lenses.map((l) => `${l.range.start.line}: ${l.command.title}`),
      ['0: 100 % of lines · 2 branches missed · Generate tests', '5: never run · Generate tests'],
    );
    assert.equal(lenses.map((l) => [l.command.command, l.command.arguments[0]!.unitIds]), [
      ['testgap.generateTests', ['src/price.js#discount']],
      ['testgap.generateTests', ['src/price.js#tax']],
    ]);
    // An unsaved edit: the figures are not for this text any more, so missing-test is back until the next run.
    await client.change('src/price.js', [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '// edited\n' }]);
    const edited = await client.waitForDiagnostics('src/price.js');
    assert.ok(edited.diagnostics.every((d) => d.code === 'missing-test'), JSON.stringify(edited.diagnostics.map((d) => d.code)));
    assert.ok(client.progress.length > 0, '$/progress was reported');
  } finally {
    client.dispose();
    p.remove();
  }
});

/** What an editor does: the new text as an edit of the open document, written to disk, then didSave. */
async function editAndSave(client: TestClient, p: { write(rel: string, text: string): string }, rel: string, text: string) {
  await client.change(rel, [{ text }]);
  p.write(rel, text);
  await client.save(rel);
}

const THREE = `//- /package.json
{ "name": "three" }
//- /src/a.js
exports.a = (x) => (x > 0 ? 'pos' : 'neg');
//- /src/b.js
exports.b = (x) => x + 1;
//- /src/c.js
exports.c = (x) => x * 3;
//- /test/a.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
test('a', () => assert.is(require('../src/a').a(1), 'pos')); test.run();
//- /test/b.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
test('b', () => assert.is(require('../src/b').b(1), 2)); test.run();
//- /test/c.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
test('c', () => assert.is(require('../src/c').c(1), 3)); test.run();
`;

test('a save runs only the tests that loaded the saved file; two quick saves give one result, for the newer text', async () => {
  const p = tempProject(THREE);
  linkTestTools(p.root);
  const client = await TestClient.start({ root: p.root, transport: 'in-process', capabilities: PUSH_CLIENT });
  const coverage = client.session!.coverage;
  try {
    for (const rel of ['src/a.js', 'src/b.js', 'src/c.js']) await client.open(rel, p.read(rel), 'javascript');
    await client.save('src/b.js');
    await finalNotification(client);
    const first = coverage.settled.at(-1)!;
    assert.equal(first.tests.map((t) => path.relative(p.root, t)), ['test/a.test.js', 'test/b.test.js', 'test/c.test.js'], 'the first save measures everything');

    const seen = client.coverage.length;
    await client.save('src/b.js');
    await finalNotification(client, seen);
    assert.equal(coverage.settled.at(-1)!.tests.map((t) => path.relative(p.root, t)), ['test/b.test.js']);

    // Two saves back to back: the first run is cancelled, its tests join the second, one result arrives.
    const mark = client.coverage.length;
    const settledBefore = coverage.settled.length;
    await editAndSave(client, p, 'src/a.js', "exports.a = (x) => (x > 0 ? 'pos' : 'neg');\nexports.unused = () => {\n  return 'never called';\n};\n");
    await editAndSave(client, p, 'src/c.js', 'exports.c = (x) => x * 3;\nexports.d = (x) => {\n  return x - 3;\n};\n');
    const done = await finalNotification(client, mark);
    const runs = coverage.settled.slice(settledBefore);
    assert.equal(runs.map((r) => r.cancelled), [true, false], JSON.stringify(runs));
    assert.equal(runs[1]!.tests.map((t) => path.relative(p.root, t)), ['test/a.test.js', 'test/c.test.js']);
    assert.is(client.coverage.slice(mark).filter((n) => !n.stale).length, 1, 'exactly one result');
    const c = done.files.find((f) => f.uri === client.uri('src/c.js'))!;
    const a = done.files.find((f) => f.uri === client.uri('src/a.js'))!;
    assert.equal(c.uncoveredLines, [3], 'figures are for the newer text of c.js');
    assert.equal(a.uncoveredLines, [3], 'and a.js, whose run was cancelled, is measured in the second run');
  } finally {
    await client.stop();
    p.remove();
  }
});

test('a test file that hangs or exits is reported on that file and does not block the others', async () => {
  const p = tempProject(`//- /package.json
{ "name": "hazards", "testgap": { "coverageTimeoutMs": 3000 } }
//- /src/m.js
exports.m = (x) => x + 1;
//- /test/ok.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
test('m', () => assert.is(require('../src/m').m(1), 2)); test.run();
//- /test/hang.test.js
const { test } = require('uvu');
test('forever', () => { while (true) {} }); test.run();
//- /test/exit.test.js
const { test } = require('uvu');
test('quits', () => { process.exit(0); }); test.run();
//- /test/write.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
test('writes into the project', () => { require('fs').writeFileSync(__dirname + '/../src/evil.js', 'x'); }); test.run();
`);
  linkTestTools(p.root);
  const client = await TestClient.start({ root: p.root, transport: 'in-process', capabilities: PUSH_CLIENT });
  try {
    for (const rel of ['test/hang.test.js', 'test/exit.test.js', 'test/write.test.js']) await client.open(rel, p.read(rel), 'javascript');
    await client.open('src/m.js', p.read('src/m.js'), 'javascript');
    await client.save('src/m.js');
    const n = await finalNotification(client);
    const status = Object.fromEntries(n.tests.map((t) => [path.basename(t.uri), t.status]));
    assert.equal(status, { 'exit.test.js': 'failed', 'hang.test.js': 'timeout', 'ok.test.js': 'passed', 'write.test.js': 'failed' });
    const m = n.files.find((f) => f.uri === client.uri('src/m.js'))!;
    assert.is(m.lines.pct, 100, 'the passing test still gives its coverage');
    assert.not.ok(fs.existsSync(path.join(p.root, 'src/evil.js')), 'the write was refused');
    const hang = await client.waitForDiagnostics('test/hang.test.js', (d) => d.some((x) => x.code === 'test-failed'));
    assert.match(String(hang.diagnostics[0]!.message), /did not finish within 3000 ms/);
    const exit = await client.waitForDiagnostics('test/exit.test.js', (d) => d.some((x) => x.code === 'test-failed'));
    assert.match(String(exit.diagnostics[0]!.message), /exited before its tests finished/);
    const write = await client.waitForDiagnostics('test/write.test.js', (d) => d.some((x) => x.code === 'test-failed'));
    assert.match(String(write.diagnostics[0]!.message), /1 test failed: "writes into the project": testgap sandbox: writeFileSync .*src\/evil\.js: writes outside the temporary folder are not allowed/);
  } finally {
    await client.stop();
    p.remove();
  }
});


test('outside changes: a deleted test stops counting, a hung test runs again once fixed, a file changed on disk is re-measured', async () => {
  const p = tempProject(`//- /package.json
{ "name": "outside", "testgap": { "coverageTimeoutMs": 2000 } }
//- /src/a.js
exports.a = (x) => x + 1;
//- /src/b.js
exports.b = (x) => {
  return x * 2;
};
//- /src/h.js
require('./loop');
exports.h = () => 'h';
//- /src/loop.js
while (true) {}
//- /test/a.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
test('a', () => assert.is(require('../src/a').a(1), 2)); test.run();
//- /test/b.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
test('b', () => assert.is(require('../src/b').b(2), 4)); test.run();
//- /test/h.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
test('h', () => assert.is(require('../src/h').h(), 'h')); test.run();
`);
  linkTestTools(p.root);
  const caps = { ...PUSH_CLIENT, workspace: { ...PUSH_CLIENT.workspace, didChangeWatchedFiles: { dynamicRegistration: true } } };
  const client = await TestClient.start({ root: p.root, transport: 'in-process', capabilities: caps });
  const status = (n: CoverageNotification) => Object.fromEntries(n.tests.map((t) => [path.basename(t.uri), t.status]));
  const file = (n: CoverageNotification, rel: string) => n.files.find((f) => f.uri === client.uri(rel));
  try {
    await client.waitFor('watcher registration', () => client.registrations.length > 0);
    await client.open('src/a.js', p.read('src/a.js'), 'javascript');
    await client.save('src/a.js');
    const first = await finalNotification(client);
    assert.equal(status(first), { 'a.test.js': 'passed', 'b.test.js': 'passed', 'h.test.js': 'timeout' });
    assert.is(file(first, 'src/b.js')!.lines.pct, 100);

    // The loop is fixed on disk (not in the editor): the hung test runs again, though nothing recorded what it loads.
    let mark = client.coverage.length;
    p.write('src/loop.js', 'exports.loop = false;\n');
    await client.watchedFileChanged('src/loop.js', 2);
    const fixed = await finalNotification(client, mark);
    assert.is(status(fixed)['h.test.js'], 'passed');

    // A test deleted outside the editor stops counting: src/b.js is no longer covered by anything.
    mark = client.coverage.length;
    fs.rmSync(path.join(p.root, 'test/b.test.js'));
    await client.watchedFileChanged('test/b.test.js', 3);
    const deleted = await finalNotification(client, mark);
    assert.equal(Object.keys(status(deleted)).sort(), ['a.test.js', 'h.test.js']);
    assert.is(file(deleted, 'src/b.js')!.lines.covered, 0, 'and the notification says so');

    // The open file rewritten on disk and reloaded by the editor, then saved: new figures for the new text.
    mark = client.coverage.length;
    p.write('src/a.js', 'exports.a = (x) => x + 1;\nexports.z = (x) => {\n  return x;\n};\n');
    await client.change('src/a.js', [{ text: p.read('src/a.js') }]);
    await client.save('src/a.js');
    const changed = await finalNotification(client, mark);
    assert.equal(file(changed, 'src/a.js')!.uncoveredLines, [3]);
  } finally {
    await client.stop();
    p.remove();
  }
});

test('a vitest project without vitest installed: the server says once that it cannot measure coverage, runs nothing on save, and the command names why', async () => {
  const p = tempProject(`//- /package.json
{ "name": "vt", "devDependencies": { "vitest": "^4.1.0" } }
//- /vitest.config.ts
export default { test: { include: ['src/**/*.test.ts'] } };
//- /src/a.ts
export function a(): number { return 1; }
export function b(): number { return 2; }
//- /src/a.test.ts
import { expect, it } from 'vitest';
import { a } from './a';
it('a', () => expect(a()).toBe(1));
`);
  const client = await TestClient.start({ root: p.root, transport: 'in-process', capabilities: FULL_CLIENT });
  try {
    const text = fs.readFileSync(path.join(p.root, 'src/a.ts'), 'utf8');
    await client.open('src/a.ts', text);
    const d = await client.waitForDiagnostics('src/a.ts', (x) => x.length > 0);
    assert.equal(d.diagnostics.map((x) => x.code), ['missing-test'], 'b is untested by the static index: no coverage replaces it');
    const notes = client.messages.filter((m) => /run with vitest \(vitest\.config\.ts\), which is not installed, so testgap measures no coverage here: install the project's dependencies/.test(m.message));
    assert.is(notes.length, 1, JSON.stringify(client.messages));
    await client.save('src/a.ts');
    const answer = (await client.connection.sendRequest('workspace/executeCommand', { command: 'testgap.runCoverage', arguments: [{ uri: client.uri('src/a.ts') }] })) as { projects: string[]; skipped?: { project: string; why: string }[] };
    assert.equal(answer.projects, []);
    assert.equal(answer.skipped?.map((k) => k.project), [client.uri('')]);
    assert.match(answer.skipped![0]!.why, /vitest/);
    assert.is(client.coverage.length, 0, 'no testgap/coverage figures were published');
  } finally {
    await client.stop();
    p.remove();
  }
});

test.run();
