// The benchmarks in `npm run bench` take long and need the registry; their smoke modes run here so the scripts
// cannot rot unnoticed. They check that each script runs end to end and reports figures that make sense, not speed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PackageResult } from '../../bench/corpus/run';
import { expand, median, table } from '../../bench/corpus/run';
import os from 'node:os';

const REPO = path.resolve(__dirname, '../../..');

function bench(script: string, args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'out/bench', script), ...args], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

test('corpus --smoke: the bundled package is generated for, every emitted test passes in every rerun, coverage is measured', () => {
  const r = bench('corpus/run.js', ['--smoke']);
  assert.is(r.code, 0, r.stdout + r.stderr);
  const row = r.stdout.split('\n').find((l) => l.startsWith('| testgap-corpus-smoke |'));
  assert.ok(row, r.stdout);
  assert.match(row!, /\(2\/2 runs green\)/);
  // Progress goes to stderr, one line per step, so a long full run shows where it is.
  assert.match(r.stderr, /corpus \[0\/1 done\] testgap-corpus-smoke: generating for 2 files/);
  const saved = JSON.parse(fs.readFileSync(path.join(REPO, 'bench/tmp/corpus/smoke/results.json'), 'utf8')) as { results: PackageResult[] };
  const [result] = saved.results;
  assert.is(result.error, undefined);
  assert.ok(result.units >= 4, `units: ${result.units}`);
  assert.is(result.passedEveryRun, result.tests);
  assert.ok(result.tests >= result.units, `tests: ${result.tests}`);
  // The fixture's branches are all reachable from its parameters; a generator that only called each function once
  // would stay near 50 %.
  assert.ok(result.statements >= 80 && result.branches >= 70, `statements ${result.statements}, branches ${result.branches}`);
});

test('corpus table: the summary row is the median of measured packages; a package that broke shows why and is left out', () => {
  const base: PackageResult = {
    name: 'a', version: '1.0.0', units: 2, cases: 3, properties: 1, reexports: 0, tests: 4, passedEveryRun: 4, greenRuns: 5, reruns: 5,
    statements: 90, branches: 80, functions: 100, lines: 90, suspectedBugs: [], notExecutable: 0, generateSeconds: 1, wallSeconds: 2,
  };
  const rows = table([
    base,
    { ...base, name: 'b', statements: 50, branches: 20 },
    { ...base, name: 'c', statements: 70, branches: 60, tests: 10, passedEveryRun: 9, greenRuns: 4 },
    { ...base, name: 'broken', error: 'npm pack broken@1.0.0 failed: 404' },
  ]);
  assert.match(rows.find((l) => l.startsWith('| broken'))!, /not measured\*\*: npm pack broken@1.0.0 failed: 404/);
  assert.match(rows.find((l) => l.startsWith('| c '))!, /9\/10 \(4\/5 runs green\)/);
  const summary = rows.find((l) => l.startsWith('| **median of 3**'))!;
  assert.match(summary, /\*\*70\.0 %\*\* \| \*\*60\.0 %\*\*/);
  assert.match(summary, /17\/18 \(94\.4 %\)/);
  assert.is(median([3, 1, 2]), 2);
  assert.is(median([4, 1, 2, 3]), 2.5);
});

test('corpus api patterns: `**/` matches any depth (js-sdsl keeps its classes three folders down), `*` one segment', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-expand-'));
  try {
    for (const f of ['dist/index.js', 'dist/a/b.js', 'dist/a/b/c/d.js', 'dist/a/b.d.ts', 'dist/node_modules/x.js', 'lib/e.js', 'lib/f/g.js']) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), '');
    }
    assert.equal(expand(root, ['dist/**/*.js']), ['dist/a/b.js', 'dist/a/b/c/d.js', 'dist/index.js']);
    assert.equal(expand(root, ['lib/*.js', 'dist/index.js']), ['lib/e.js', 'dist/index.js']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('latency --smoke: the three series report server and floor figures for the 10-module project, and the server RSS', () => {
  const r = bench('latency.js', ['--smoke']);
  assert.is(r.code, 0, r.stdout + r.stderr);
  for (const series of ['a. didChange → diagnostics', 'b. codeAction + resolve → edit', 'c. didSave → testgap/coverage']) {
    const row = r.stdout.split('\n').find((l) => l.startsWith('| 10 modules') && l.includes(series));
    assert.ok(row, `${series}: ${r.stdout}`);
    // n, then server p50/p99 and floor p50/p99 in ms, then the two ratios: all measured, none left blank.
    const cells = row!.split('|').map((c) => c.trim()).filter(Boolean);
    assert.ok(Number(cells[2]) >= 2, row);
    for (const c of cells.slice(3, 7)) assert.match(c, /^\d+(\.\d+)? ms$/, row);
    for (const c of cells.slice(7, 9)) assert.ok(Number(c.replace(/\*/g, '')) > 0, row);
  }
  assert.match(r.stdout, /\| 10 modules \+ 4 tests \| \d+ MB \| \d+ MB \|/);
});

test('scale --smoke: index and incremental edit figures at two sizes, and the ratio between them', () => {
  const r = bench('scale.js', ['--smoke']);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /\| 100 \(\d+ \+ \d+\) \| \d+ \/ \d+ \| [\d.]+ s \| \d+ MB \|/);
  assert.match(r.stdout, /\| 300 \| inside a function body \| 8 \|/);
  assert.match(r.stdout, /\| 300 \| rename an export tests import \| 8 \|/);
  assert.match(r.stdout, /incremental p50, 300 files ÷ 100 files \(flat = 1\): body edit \*\*[\d.]+\*\*/);
});

test.run();
