// protocol.md is the contract with editors and scripts. This test reads it and compares it with what the code does:
// capabilities, registrations, diagnostic codes, settings and their defaults, CLI options and the CLI's JSON shape.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMAND_OPTIONS } from '../../server/src/cli/main';
import { DIAGNOSTIC_CODES } from '../../server/src/core/model';
import { detectRunner } from '../../server/src/core/runner';
import { DEFAULT_SETTINGS } from '../../server/src/core/settings';
import { nodeFileHost } from '../../server/src/io/nodeHost';
import { readClientCaps, serverCapabilities } from '../../server/src/lsp/capabilities';
import { block, code, flatten, table } from '../helpers/protocolDoc';
import { PUSH_CLIENT, SERVER_BIN, TestClient } from '../helpers/lspClient';
import { linkTestTools, tempProject } from '../helpers/tempProject';


test('capabilities for push and pull clients are the documented ones', () => {
  const push = block('capabilities-push');
  assert.equal(serverCapabilities(readClientCaps(PUSH_CLIENT)), push);
  const pullCaps = readClientCaps({ textDocument: { diagnostic: {} }, workspace: { diagnostics: { refreshSupport: true } } });
  assert.equal(serverCapabilities(pullCaps), { ...(push as object), ...(block('capabilities-pull-extra') as object) });
});

test('the dynamic registrations are the documented ones', async () => {
  const p = tempProject('//- /package.json\n{}\n');
  const caps = { ...PUSH_CLIENT, workspace: { ...PUSH_CLIENT.workspace, didChangeConfiguration: { dynamicRegistration: true } } };
  const client = await TestClient.start({ root: p.root, transport: 'in-process', capabilities: caps });
  try {
    await client.waitFor('two registrations', () => client.registrations.length === 2);
    const documented = table('Capabilities', 'method').map((r) => code(r[0])).sort();
    assert.equal(client.registrations.map((r) => r.method).sort(), documented);
    const watchers = (client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles')!.registerOptions as { watchers: { globPattern: string }[] }).watchers;
    const row = table('Capabilities', 'method').find((r) => code(r[0]) === 'workspace/didChangeWatchedFiles')!;
    for (const w of watchers) assert.ok(row[2].includes('`' + w.globPattern + '`'), `glob ${w.globPattern} documented`);
  } finally {
    await client.stop();
    p.remove();
  }
});

test('diagnostic codes are the documented ones', () => {
  assert.equal(table('Diagnostics', 'code').map((r) => code(r[0])), [...DIAGNOSTIC_CODES]);
});


test('settings and their defaults are the documented ones', () => {
  assert.equal(block('settings-defaults'), DEFAULT_SETTINGS);
  const defaults = flatten(DEFAULT_SETTINGS as unknown as Record<string, unknown>);
  const rows = table('Settings', 'setting');
  assert.equal(rows.map((r) => code(r[0])).sort(), Object.keys(defaults).sort());
  for (const [name, , def] of rows) {
    const value = defaults[code(name)];
    if (Array.isArray(value)) assert.is(def, 'see below', `${name}: lists are given in the JSON block`);
    else assert.is(def, '`' + JSON.stringify(value) + '`', `default of ${name}`);
  }
});

test('CLI options are the documented ones', () => {
  const rows = table('CLI', 'command');
  // The value column names what a valued option takes (DIR, PERCENT…); only whether it takes one is checked.
  const documented = rows.map(([cmd, opt, value]) => `${code(cmd)} ${code(opt)}${value ? ' VALUE' : ''}`).sort();
  const actual = Object.entries(COMMAND_OPTIONS)
    .flatMap(([cmd, o]) => [...o.valued.map((v) => `${cmd} --${v} VALUE`), ...o.flags.map((f) => `${cmd} --${f}`)])
    .sort();
  assert.equal(documented, actual);
});

/** Every key the real output has is documented, and every documented key but the optional ones is there. */
function sameShape(actual: unknown, documented: unknown, at: string, optional: Set<string>): void {
  if (Array.isArray(documented)) {
    assert.ok(Array.isArray(actual), `${at} is an array`);
    if ((actual as unknown[]).length > 0 && documented.length > 0) sameShape((actual as unknown[])[0], documented[0], `${at}[]`, optional);
    return;
  }
  if (documented && typeof documented === 'object') {
    assert.ok(actual && typeof actual === 'object', `${at} is an object`);
    const a = actual as Record<string, unknown>;
    const d = documented as Record<string, unknown>;
    for (const k of Object.keys(a)) assert.ok(k in d || optional.has(k), `${at}.${k} is in protocol.md`);
    for (const k of Object.keys(d)) {
      if (!(k in a)) {
        assert.ok(optional.has(k), `${at}.${k} documented but missing`);
        continue;
      }
      // Type shapes are a union described in prose; only their presence and kind are checked here.
      if (k === 'shape' || k === 'returnShape') assert.is(typeof (a[k] as { kind?: unknown }).kind, 'string', `${at}.${k}.kind`);
      else sameShape(a[k], d[k], `${at}.${k}`, optional);
    }
    return;
  }
  assert.is(typeof actual, typeof documented, `${at} type`);
}

test('a runner detection has the documented shape, every field present', () => {
  const p = tempProject(`//- /package.json
{ "devDependencies": { "vitest": "^4" } }
//- /vitest.config.ts
export default { test: { include: ['src/**/*.test.ts'], setupFiles: ['./test/setup.ts'] } };
//- /node_modules/vitest/package.json
{ "version": "4.1.12" }
`);
  try {
    const d = detectRunner(nodeFileHost, p.root, { setting: 'auto', nodeVersion: '20.20.2' });
    sameShape(d, block('runner-detection'), 'runner', new Set());
    assert.equal(JSON.parse(JSON.stringify(d)), block('runner-detection'), 'the example is what testgap says for that package');
  } finally {
    p.remove();
  }
});

test('check --json output has the documented shape', () => {
  const p = tempProject(`//- /package.json
{}
//- /src/pricing.ts
/** Applies a discount. */
export const discount = (price: number, pct = 10) => price * (1 - pct / 100);
export class Cart { add(x: number) { return this; } }
//- /test/cart.test.ts
import { Cart } from '../src/pricing'; new Cart();
`);
  try {
    const r = spawnSync(process.execPath, [SERVER_BIN, 'check', '--json'], { cwd: p.root, encoding: 'utf8' });
    const out = JSON.parse(r.stdout);
    assert.is(out.files[0].findings.length, 2, 'a function and a member finding');
    const optional = new Set(['jsDoc', 'returnType', 'returnShape', 'shape', 'constants', 'regexps', 'paramProperties', 'fileSystem', 'defaultText', 'parent', 'memberName', 'type', 'file', 'summary', 'returns', 'text', 'problems', 'configFile', 'tests', 'base']);
    for (const finding of out.files[0].findings) {
      sameShape({ ...out, files: [{ ...out.files[0], findings: [finding] }] }, block('check-output'), 'output', optional);
    }
  } finally {
    p.remove();
  }
});

const COVERED_PROJECT = `//- /package.json
{}
//- /src/m.js
exports.sign = (x) => {
  if (x > 0) return 1;
  return -1;
};
exports.never = () => 0;
//- /test/m.test.js
const { test } = require('uvu'); const assert = require('uvu/assert');
test('sign', () => assert.is(require('../src/m').sign(2), 1)); test.run();
`;

test('coverage --json and check --coverage --json have the documented shape', () => {
  const p = tempProject(COVERED_PROJECT);
  linkTestTools(p.root);
  try {
    const r = spawnSync(process.execPath, [SERVER_BIN, 'coverage', '--json'], { cwd: p.root, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.files[0].uncoveredBranches.length > 0 && out.tests.length === 1, 'every array has an element to compare');
    sameShape(out, block('coverage-output'), 'coverage', new Set(['message']));
    assert.ok(fs.existsSync(path.join(p.root, 'coverage/lcov.info')) && fs.existsSync(path.join(p.root, 'coverage/coverage-summary.json')));
    const c = spawnSync(process.execPath, [SERVER_BIN, 'check', '--coverage', '--json'], { cwd: p.root, encoding: 'utf8' });
    assert.is(c.status, 1, 'below target (and `never` untested): ' + c.stderr);
    const check = JSON.parse(c.stdout);
    const { written: _w, ...documented } = block('coverage-output') as Record<string, unknown>;
    sameShape(check.coverage, documented, 'check.coverage', new Set(['message']));
  } finally {
    p.remove();
  }
});

test('the testgap/coverage notification has the documented shape', async () => {
  const p = tempProject(COVERED_PROJECT);
  linkTestTools(p.root);
  const client = await TestClient.start({ root: p.root, transport: 'in-process', capabilities: PUSH_CLIENT });
  try {
    await client.open('src/m.js', p.read('src/m.js'));
    await client.save('src/m.js');
    const n = await client.waitFor('coverage', () => client.coverage.find((x) => !x.stale), 60_000);
    sameShape(n, block('coverage-notification'), 'testgap/coverage', new Set(['message']));
    sameShape(client.coverage[0], { ...(block('coverage-notification') as object), total: null, files: [], tests: [] }, 'stale', new Set());
  } finally {
    await client.stop();
    p.remove();
  }
});

test.run();
