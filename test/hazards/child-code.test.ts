// What a sandbox child runs: the module as the server instrumented it (sent in the job), and the project's plain
// CommonJS files as Node itself would load them: sloppy-mode scripts stay sloppy, and no TypeScript is loaded to
// transpile them (0.4 s per child, and a unit runs in many children).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { transpileForSandbox } from '../../server/src/run/instrument';
import { runCandidates } from '../../server/src/run/sandbox';

const limits = { timeoutMs: 10_000, memoryMb: 256 };

function project(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-hazards-code-')));
  fs.writeFileSync(path.join(root, 'package.json'), '{}');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, name), text);
  return root;
}

const returned = (r: { outcome: { kind: string } } | undefined) => (r?.outcome.kind === 'return' ? (r.outcome as unknown as { value: unknown }).value : r?.outcome);

test('CommonJS scripts run sloppy, as under Node, both the instrumented module and the files it loads', async () => {
  const root = project({
    'dep.js': "module.exports = function mode() { return this === undefined ? 'strict' : 'sloppy'; };\n",
    'main.js': "const dep = require('./dep');\nexports.f = function () { return dep() + ' ' + (function () { return this === undefined ? 'strict' : 'sloppy'; })(); };\n",
  });
  try {
    const run = await runCandidates({ projectRoot: root, modulePath: path.join(root, 'main.js'), exportName: 'f', candidates: ['[]'], instrument: true }, limits);
    assert.equal(returned(run.results[0]), { t: 'string', v: 'sloppy sloppy' });
    // `.cjs` too: TypeScript's own module detection counts it a module, which is strict.
    fs.copyFileSync(path.join(root, 'main.js'), path.join(root, 'main.cjs'));
    const cjs = await runCandidates({ projectRoot: root, modulePath: path.join(root, 'main.cjs'), exportName: 'f', candidates: ['[]'], instrument: true }, limits);
    assert.equal(returned(cjs.results[0]), { t: 'string', v: 'sloppy sloppy' });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("a function's own 'use strict' still holds once instrumented (q's UMD wrapper): its counter goes after the directive", async () => {
  const root = project({
    'umd.js': "module.exports = (function () {\n  'use strict';\n  return function mode() { return this === undefined ? 'strict' : 'sloppy'; };\n})();\n",
  });
  try {
    const run = await runCandidates({ projectRoot: root, modulePath: path.join(root, 'umd.js'), exportName: 'export=', candidates: ['[]'], instrument: true }, limits);
    assert.equal(returned(run.results[0]), { t: 'string', v: 'strict' });
    assert.ok(run.results[0].hits.length >= 2, 'both functions counted');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('the child runs the code the server instrumented, and then loads no TypeScript for a plain JavaScript project', async () => {
  // The module reports whether TypeScript is loaded in its process.
  const source = "require('./dep');\nexports.f = () => Object.keys(require.cache).some((k) => k.includes('/node_modules/typescript/'));\n";
  const root = project({ 'dep.js': 'module.exports = 1;\n', 'main.js': source });
  try {
    const modulePath = path.join(root, 'main.js');
    const job = { projectRoot: root, modulePath, exportName: 'f', candidates: ['[]'], instrument: true };
    const own = await runCandidates(job, limits);
    assert.equal(returned(own.results[0]), { t: 'boolean', v: true }, 'instrumenting in the child loads TypeScript');
    const t = transpileForSandbox(modulePath, source, true);
    const code = path.join(root, 'instrumented.js');
    fs.writeFileSync(code, t.code);
    const sent = await runCandidates({ ...job, instrumented: { code, blocks: t.blocks } }, limits);
    assert.equal(returned(sent.results[0]), { t: 'boolean', v: false });
    assert.equal(sent.results[0].hits, own.results[0].hits, 'the same blocks counted');
    // What runs is what was sent, not the file on disk.
    fs.writeFileSync(code, "exports.f = () => 'sent';\n");
    const other = await runCandidates({ ...job, instrumented: { code, blocks: 0 } }, limits);
    assert.equal(returned(other.results[0]), { t: 'string', v: 'sent' });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a result that depends on how fast the call ran, on NODE_ENV or on the time zone is not stable (quick-lru\'s maxAge: 1), one that does not is', async () => {
  const root = project({
    'ttl.js': `class Cache {
  constructor() { this.m = new Map(); }
  set(k, v, maxAge) { this.m.set(k, [v, Date.now() + maxAge]); return this; }
  get(k) { const e = this.m.get(k); return e && Date.now() <= e[1] ? e[0] : undefined; }
}
exports.fresh = (maxAge) => new Cache().set('a', 1, maxAge).get('a');
exports.stamp = () => new Date(0).toISOString() + typeof performance.now();
exports.mode = () => (process.env.NODE_ENV === 'production' ? 'minified' : 'readable');
exports.hour = () => new Date(0).getHours();
`,
  });
  try {
    const run = await runCandidates({ projectRoot: root, modulePath: path.join(root, 'ttl.js'), exportName: 'fresh', candidates: ['[1]', '[3600000]'], instrument: false }, limits);
    assert.equal(returned(run.results[0]), { t: 'number', v: 1 }, 'fresh on this machine, this time');
    assert.is(run.results[0]!.stable, false, 'maxAge 1: a slower call would find it expired');
    assert.is(run.results[1]!.stable, true, 'an hour: no machine is that slow');
    const clock = await runCandidates({ projectRoot: root, modulePath: path.join(root, 'ttl.js'), exportName: 'stamp', candidates: ['[]'], instrument: false }, limits);
    assert.is(clock.results[0]!.stable, true, 'a date built from a given time does not move');
    // What follows NODE_ENV or the time zone is a fact about the environment the call ran in, not about the code.
    for (const exportName of ['mode', 'hour']) {
      const env = await runCandidates({ projectRoot: root, modulePath: path.join(root, 'ttl.js'), exportName, candidates: ['[]'], instrument: false }, limits);
      assert.is(env.results[0]!.stable, false, exportName);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test.run();
