// `testgap generate --target`: coverage-guided search for inputs. Branches behind specific values (a prefix plus a
// length, a linear equation, a remainder inside nested conditions) are out of the first plan's reach; the search
// finds them, the written tests pass, and blocks no input can reach are reported with their line and why.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GenerateJson } from '../../server/src/cli/generate';
import { SERVER_BIN } from '../helpers/lspClient';
import { linkTestTools, runUvu, tempProject } from '../helpers/tempProject';

function generate(root: string, args: string[]) {
  const r = spawnSync(process.execPath, [SERVER_BIN, 'generate', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TAGS = `//- /package.json
{ "name": "tags" }
//- /src/tags.ts
/** Reads a tag: 'v2:' tags carry a payload of more than three characters. */
export function parseTag(s: string): string {
  if (s.startsWith('v2:') && s.length > 6) {
    return 'payload ' + s.slice(3);
  }
  return 'plain';
}

export function half(n: number): string {
  if (n * 2 === 86) return 'found';
  return 'other';
}

export function classify(n: number, label: string): string {
  if (n > 10) {
    if (label.endsWith('!')) {
      if (n % 7 === 3) return 'loud and odd';
      return 'loud';
    }
    return 'big';
  }
  return 'small';
}
`;

test('the search reaches the branches the plan missed; the target is met and the written tests pass', () => {
  const p = tempProject(TAGS);
  linkTestTools(p.root);
  try {
    const r = generate(p.root, ['src/tags.ts', '--json']);
    assert.is(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as GenerateJson;
    const file = out.files[0];
    const c = file.blockCoverage;
    assert.is(c.target, 85, 'the coverageTargets.unit default');
    assert.ok(c.percentBefore < c.percentAfter, `before ${c.percentBefore} < after ${c.percentAfter}`);
    assert.ok(c.percentAfter >= 85, `target reached: ${c.percentAfter}`);
    assert.is(c.coveredAfter, c.blocks, 'every block of this file is reachable and reached');
    assert.ok(c.rounds >= 1 && c.rounds <= 15, `rounds: ${c.rounds}`);
    assert.equal(c.uncovered, []);
    for (const u of file.units) {
      const b = u.blockCoverage!;
      assert.ok(b.coveredBefore < b.blocks, `${u.name}: the plan alone misses a block`);
      assert.is(b.coveredAfter, b.blocks, `${u.name}: the search reaches every block`);
      assert.ok(b.rounds >= 1 && b.rounds <= 5, `${u.name}: ${b.rounds} rounds`);
    }
    const written = p.read('test/tags.test.ts');
    assert.match(written, /\['v2:x+'\], 'payload x+'\]/, 'a prefix and a length from one condition');
    assert.match(written, /\[43\], 'found'\]/, 'n * 2 === 86 solved');
    assert.match(written, /'loud and odd'\]/, 'three nested conditions at once');
    assert.match(written, /'loud'\]/);
    assert.match(written, /'plain'\]/, 'the planned cases stay');
    const run = runUvu(p.root);
    assert.is(run.status, 0, run.output);
  } finally {
    p.remove();
  }
});

test('--target 0 runs no search; the human report shows before → after and the blocks left', () => {
  const p = tempProject(TAGS);
  try {
    const r = generate(p.root, ['src/tags.ts', '--target', '0']);
    assert.is(r.code, 0, r.stderr);
    const m = /block coverage: ([\d.]+) % → ([\d.]+) % \((\d+) of (\d+) blocks; target 0 %; 0 search rounds\)/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.is(m![1], m![2], 'no search: nothing changes');
    assert.match(r.stdout, /src\/tags\.ts:3: block of parseTag not covered: not-found/);
    assert.match(r.stdout, /src\/tags\.ts:10: block of half not covered: not-found/);
    assert.not.match(p.read('test/tags.test.ts'), /'found'\]/);
  } finally {
    p.remove();
  }
});

test('blocks left uncovered say why: unreachable, needs-io, non-deterministic', () => {
  const p = tempProject(`//- /package.json
{ "name": "odd" }
//- /src/odd.ts
export function mode(n: number): string {
  if (process.env.TESTGAP_NEVER_SET === 'yes') return 'env';
  if (false) {
    return 'never';
  }
  return n > 0 ? 'positive' : 'other';
}

export function dead(n: number): number {
  return n + 1;
  if (n) {
    n--;
  }
}

export function stamp(n: number): string {
  if (n * 3 === 3000) return String(Math.random());
  return 'calm';
}
`);
  linkTestTools(p.root);
  try {
    const r = generate(p.root, ['src/odd.ts', '--json']);
    assert.is(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as GenerateJson;
    const c = out.files[0].blockCoverage;
    assert.equal(
      c.uncovered.map((u) => `${u.unitId.split('#')[1]}:${u.line}:${u.reason}`),
      ['mode:2:needs-io', 'mode:3:unreachable', 'dead:11:unreachable', 'stamp:17:non-deterministic'],
    );
    const dead = out.files[0].units.find((u) => u.name === 'dead')!;
    assert.is(dead.blockCoverage!.rounds, 0, 'no search for dead code');
    assert.not.match(p.read('test/odd.test.ts'), /stamp\(1000\)/, 'an input whose result differs between calls is never a case');
    const run = runUvu(p.root);
    assert.is(run.status, 0, run.output);
  } finally {
    p.remove();
  }
});

test('usage: --target must be a percentage', () => {
  const p = tempProject(TAGS);
  try {
    for (const bad of ['150', '-1', 'lots']) {
      const r = generate(p.root, ['src/tags.ts', '--target', bad]);
      assert.is(r.code, 2, bad);
      assert.match(r.stderr, new RegExp(`--target ${bad}: not a percentage from 0 to 100`));
    }
    assert.not.ok(fs.existsSync(path.join(p.root, 'test/tags.test.ts')));
  } finally {
    p.remove();
  }
});

test('a block no idea reaches stops the search after two fruitless rounds, though ideas are left', () => {
  // Many parameters make many ideas (well over one round's worth); the checksum is reached by none of them.
  const p = tempProject(`//- /package.json
{ "name": "sum" }
//- /src/sum.ts
export function check(a: number, b: number, c: string, d: string, e: number[]): string {
  const sum = (a * 7919 + b * 104729 + c.length * 31 + d.length * 17 + e.length) % 1000003;
  if (sum === 424242) return 'lucky';
  return 'plain';
}
`);
  linkTestTools(p.root);
  try {
    const r = generate(p.root, ['src/sum.ts', '--json']);
    assert.is(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as GenerateJson;
    const unit = out.files[0].units.find((u) => u.name === 'check')!;
    assert.is(unit.blockCoverage!.rounds, 2, JSON.stringify(unit.blockCoverage));
    assert.ok(unit.blockCoverage!.searched > 40, 'more than one round of ideas ran, and more were left');
  } finally {
    p.remove();
  }
});

test.run();
