// `testgap check` as a user and a CI job run it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CheckJson } from '../../server/src/cli/check';
import { SERVER_BIN } from '../helpers/lspClient';
import { tempProject } from '../helpers/tempProject';

const FIXTURE = `//- /package.json
{ "name": "shop" }
//- /src/pricing.ts
export function formatPrice(cents: number) { return String(cents); }
export const discount = (price: number, pct = 10) => price * (1 - pct / 100);
//- /src/util/strings.js
/** @param {string} s */
exports.shout = function (s) { return s.toUpperCase(); };
//- /test/pricing.test.ts
import { formatPrice } from '../src/pricing';
formatPrice(1);
`;

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [SERVER_BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('check prints file:line:col: severity: message [code] and exits 1', () => {
  const p = tempProject(FIXTURE);
  try {
    const r = run(['check'], p.root);
    assert.is(r.code, 1);
    assert.equal(r.stdout.trim().split('\n'), [
      'src/pricing.ts:2:14: info: No test exercises `discount` (tests for it belong in test/pricing.test.ts) [missing-test]',
      'src/util/strings.js:2:9: info: No test exercises `shout` (tests for it belong in test/util/strings.test.js) [missing-test]',
    ]);
    assert.match(r.stderr, /testgap: 2 untested units in 2 of 2 source files \(3 units, 1 test files\) in \d+\.\d s/);
  } finally {
    p.remove();
  }
});

test('check --json: the documented shape, with checker types', () => {
  const p = tempProject(FIXTURE);
  try {
    const r = run(['check', '--json', 'src/pricing.ts'], p.root);
    assert.is(r.code, 1);
    const out = JSON.parse(r.stdout) as CheckJson;
    assert.is(out.version, 1);
    assert.is(out.root, p.root);
    assert.equal({ ...out.summary, durationMs: 0 }, { sourceFiles: 2, testFiles: 1, units: 3, untested: 1, durationMs: 0 });
    assert.equal(out.files.map((f) => [f.path, f.expectedTestFile]), [['src/pricing.ts', 'test/pricing.test.ts']]);
    const [f] = out.files[0].findings;
    assert.equal(f.range, { start: { line: 1, character: 13 }, end: { line: 1, character: 21 } });
    assert.equal([f.line, f.column, f.code, f.severity], [2, 14, 'missing-test', 'information']);
    assert.equal(f.unit.params, [
      { name: 'price', shape: { kind: 'number' }, type: 'number', optional: false, rest: false },
      { name: 'pct', shape: { kind: 'number' }, type: 'number', optional: true, defaultText: '10', rest: false },
    ]);
    assert.is(f.unit.returnType, 'number');
    assert.equal(f.unit.returnShape, { kind: 'number' });
    assert.equal(f.unit.constants, { numbers: [1, 100], strings: [] });
    assert.is(f.unit.typeFrom, 'checker');
  } finally {
    p.remove();
  }
});

test('check exits 0 when every export has a test; --root works from elsewhere', () => {
  const p = tempProject(`//- /package.json
{}
//- /lib/a.js
module.exports = function a() {};
//- /test/a.test.js
const a = require('../lib/a'); a();
`);
  try {
    const r = run(['check', '--root', p.root], path.dirname(p.root));
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /0 untested units/);
  } finally {
    p.remove();
  }
});

test('usage errors exit 2 with a one-line message', () => {
  const p = tempProject(FIXTURE);
  try {
    const cases: [string[], RegExp][] = [
      [['check', '--frobnicate'], /^testgap: unknown option --frobnicate \(see testgap --help\)\n$/],
      [['check', 'nope.ts'], /^testgap: nope\.ts: no such file or directory/],
      [['check', '--root'], /^testgap: --root needs a value/],
      [['check', '/'], /outside the project root/],
      [['launch'], /^testgap: unknown command 'launch'/],
      [[], /^testgap: missing command/],
      [['lsp'], /^testgap: lsp needs exactly one of --stdio or --node-ipc/],
    ];
    for (const [args, message] of cases) {
      const r = run(args, p.root);
      assert.is(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
      assert.is(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}`);
    }
    const noPkg = run(['check'], '/');
    assert.is(noPkg.code, 2);
    assert.match(noPkg.stderr, /no package.json in \/ or above it; pass --root DIR/);
  } finally {
    p.remove();
  }
});

test('a named path with no source files in it is a usage error; symlinked paths are followed', () => {
  const p = tempProject(FIXTURE);
  try {
    const testOnly = run(['check', 'test'], p.root);
    assert.is(testOnly.code, 2);
    assert.match(testOnly.stderr, /^testgap: test: no source files to check there/);
    fs.mkdirSync(path.join(p.root, 'src/shared'));
    fs.symlinkSync(path.join(p.root, 'src/pricing.ts'), path.join(p.root, 'src/shared/linked.ts'));
    const linked = run(['check', 'src/shared'], p.root);
    assert.is(linked.code, 1, linked.stderr);
    assert.match(linked.stdout, /src\/shared\/linked\.ts:2:14: info: No test exercises `discount`/);
    const viaLink = path.join(path.dirname(p.root), `${path.basename(p.root)}-link`);
    fs.symlinkSync(p.root, viaLink);
    try {
      const r = run(['check', '--root', viaLink, 'src/pricing.ts'], p.root);
      assert.is(r.code, 1, r.stderr);
    } finally {
      fs.rmSync(viaLink);
    }
  } finally {
    p.remove();
  }
});

test('--help and --version', () => {
  const help = run(['--help'], process.cwd());
  assert.is(help.code, 0);
  assert.match(help.stdout, /check \[paths…\] \[--root DIR\] \[--json\]/);
  const version = run(['--version'], process.cwd());
  assert.is(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test.run();
