// `testgap generate` on modules that misbehave: what cannot run is reported, everything else still gets tests that
// pass, and nothing is written outside the test folder.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GenerateJson } from '../../server/src/cli/generate';
import { onlyInserted } from '../helpers/applyEdit';
import { SERVER_BIN } from '../helpers/lspClient';
import { linkTestTools, runUvu, tempProject } from '../helpers/tempProject';

const REPO = path.resolve(__dirname, '../../..');


function generate(root: string, args: string[]) {
  const r = spawnSync(process.execPath, [SERVER_BIN, 'generate', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('hangs, exits and writes outside are contained per input; the rest of the file gets passing tests', () => {
  for (const f of fs.readdirSync('/tmp').filter((x) => x.startsWith('testgap-hazard-'))) fs.rmSync(path.join('/tmp', f));
  const p = tempProject(`//- /package.json
{ "name": "hazards", "testgap": { "timeoutMs": 1000 } }
//- /src/hazards.ts
export function spin(n: number): number {
  if (n === 42) { while (true) {} }
  return n + 1;
}
export function quit(code: number): number {
  if (code === 0) process.exit(3);
  return code * 2;
}
export function scribble(name: string): string {
  require('fs').writeFileSync('/tmp/testgap-hazard-' + name, 'x');
  return name;
}
export function fine(s: string): string { return s.trim(); }
`);
  linkTestTools(p.root);
  try {
    const r = generate(p.root, ['src/hazards.ts', '--json']);
    assert.is(r.code, 1, 'a unit the sandbox had to stop is reported: ' + r.stderr);
    const out = JSON.parse(r.stdout) as GenerateJson;
    const units = Object.fromEntries(out.files[0].units.map((u) => [u.name, u]));
    assert.ok(units.spin.dropped['timed out after 1000 ms'] >= 1, JSON.stringify(units.spin));
    assert.ok(units.spin.cases >= 1, 'the inputs that did not hang are kept');
    assert.ok(units.quit.dropped['process exited (code 3)'] >= 1, JSON.stringify(units.quit));
    assert.ok(units.quit.cases >= 1);
    assert.ok(units.fine.cases >= 1);
    assert.equal(fs.readdirSync('/tmp').filter((f) => f.startsWith('testgap-hazard-')), [], 'nothing written outside');
    assert.is(units.scribble.cases, 0, 'what only the sandbox made happen is never a test');
    assert.match(units.scribble.notExecutable!, /^writes to \/tmp\/testgap-hazard-/);
    const run = runUvu(p.root);
    assert.is(run.status, 0, run.output);
  } finally {
    p.remove();
  }
});

test('a module that throws on import is reported as not executable; exit 1', () => {
  const p = tempProject(`//- /package.json
{ "name": "broken" }
//- /src/broken.ts
throw new Error('needs a database connection');
export function f(x: number) { return x; }
`);
  try {
    const r = generate(p.root, ['src/broken.ts']);
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /f: not executable: Error: needs a database connection/);
    assert.match(r.stdout, /nothing written to test\/broken\.test\.ts/);
    assert.not.ok(fs.existsSync(path.join(p.root, 'test/broken.test.ts')));
  } finally {
    p.remove();
  }
});

test('suspected bug: an @example whose stated result the code does not return', () => {
  const p = tempProject(`//- /package.json
{ "name": "docs" }
//- /src/money.ts
/**
 * @example cents(0.29) // 29
 */
export function cents(dollars: number): number {
  return Math.floor(dollars * 100);
}
`);
  try {
    const r = generate(p.root, ['src/money.ts']);
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /cents: suspected bug: for \[0\.29\] the documentation says 29, the code returned 28/);
    const written = fs.readFileSync(path.join(p.root, 'test/money.test.ts'), 'utf8');
    assert.not.match(written, /cents\(0\.29\)/, 'the disputed case is not written as a test');
  } finally {
    p.remove();
  }
});

test('members are called on an instance the class accepted; one that cannot be built is reported, the rest written', () => {
  const p = tempProject(`//- /package.json
{ "name": "versions" }
//- /src/version.ts
export class Version {
  constructor(readonly text: string) {
    if (!/^\\d+\\.\\d+$/.test(text)) throw new TypeError(\`not a version: \${text}\`);
  }
  get major(): number {
    return Number(this.text.split('.')[0]);
  }
}
export class Session {
  constructor(readonly key: string) {
    if (key.length !== 32) throw new RangeError('key must be 32 characters');
  }
  get short(): string {
    return this.key.slice(0, 4);
  }
}
export function bump(n: number): number {
  return n + 1;
}
`);
  linkTestTools(p.root);
  try {
    const r = generate(p.root, ['src/version.ts']);
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /Session\.short: not executable: could not construct the instance with \['a'\]: RangeError: key must be 32 characters/);
    const written = fs.readFileSync(path.join(p.root, 'test/version.test.ts'), 'utf8');
    assert.match(written, /\/\/ testgap: src\/version\.ts#bump/);
    assert.match(written, /new Version\(\\'a\\'\) throws TypeError/, 'the constructor itself is tested');
    assert.match(written, /\/\/ testgap: src\/version\.ts#Version\.prototype\.major/, 'the getter got an instance the class accepted');
    assert.not.match(written, /Session\.short/, 'no case built on an instance that cannot exist');
    const run = runUvu(p.root);
    assert.is(run.status, 0, run.output);
  } finally {
    p.remove();
  }
});

test('usage: generate needs source files; test files and folders are refused with exit 2', () => {
  const p = tempProject(`//- /package.json
{}
//- /src/a.ts
export function a() {}
//- /test/a.test.ts
import { a } from '../src/a'; a();
`);
  try {
    assert.is(generate(p.root, []).code, 2);
    const t = generate(p.root, ['test/a.test.ts']);
    assert.is(t.code, 2);
    assert.match(t.stderr, /test\/a\.test\.ts: not a source file to write tests for/);
    assert.match(generate(p.root, ['src']).stderr, /src: a folder; name the source files/);
  } finally {
    p.remove();
  }
});

test("a vitest project: tests in vitest's dialect, appended to its file, verified by vitest, and vitest passes them", () => {
  const p = tempProject(`//- /package.json
{ "name": "vt", "type": "module", "scripts": { "test": "vitest run" }, "devDependencies": { "vitest": "^4.1.0" } }
//- /src/a.ts
export function a(x: number): number { return x + 1; }
export function b(x: number): number {
  if (x < 0) throw new RangeError('negative');
  return x * 2;
}
//- /test/a.test.ts
import { expect, it } from 'vitest';
import { a } from '../src/a';
it('a', () => expect(a(1)).toBe(2));
`);
  linkTestTools(p.root);
  try {
    const before = p.read('test/a.test.ts');
    const r = generate(p.root, ['src/a.ts']);
    assert.is(r.code, 0, r.stderr);
    const after = p.read('test/a.test.ts');
    assert.ok(onlyInserted(before, after), 'the file keeps every character it had');
    // The file has `import { expect, it } from 'vitest'`: only what it lacks is added, to that import (a second
    // `expect` would not parse, a second import of vitest is what no-duplicate-imports rejects).
    assert.match(after, /^import \{ expect, it, describe \} from 'vitest';$/m);
    assert.is(after.match(/^import .* from 'vitest';$/gm)?.length, 1);
    assert.match(after, /describe\('b', \(\) => \{/);
    assert.match(after, /const error = thrownBy\(\(\) => b\(\.\.\.args\)\) as Error \| undefined;/);
    assert.not.match(after, /uvu/);
    assert.equal(fs.readdirSync(path.join(p.root, 'test')), ['a.test.ts'], 'no verification file left behind');
    const run = spawnSync(process.execPath, [path.join(REPO, 'node_modules/vitest/vitest.mjs'), 'run'], { cwd: p.root, encoding: 'utf8' });
    assert.is(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout.replace(/\x1b\[[0-9;]*m/g, ''), /Tests\s+[2-9]\d* passed/, 'the file\'s own test and the generated ones');
  } finally {
    p.remove();
  }
});

test.run();
