// Coverage on save: the time from didSave of one source file to the `testgap/coverage` notification with its figures,
// on a generated project of 60 source files and 60 uvu test files, as a ratio to a full `c8 uvu -r tsx test` run of
// the same project (what a user would otherwise run). Both are measured in the same run, the server in this process
// behind a real JSON-RPC connection.
//
//   node out/bench/coverage-on-save.js          (BENCH_FILES, BENCH_SAVES to change the sizes)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PUSH_CLIENT, TestClient } from '../test/helpers/lspClient';
import { writeFiles } from './generate';
import { saveLoop } from './saves';
import { machine, ms, percentile } from './stats';

const FILES = Number(process.env.BENCH_FILES ?? 60);
const SAVES = Number(process.env.BENCH_SAVES ?? 20);
const REPO = path.resolve(__dirname, '../..');

function source(i: number, variant = 0): string {
  return `import { clamp } from './util';

export function score${i}(n: number, bonus = ${variant}): number {
  if (n < 0) throw new RangeError('negative');
  if (n > 100) return clamp(n, 0, 100) + bonus;
  return n * ${i + 1} + bonus;
}

export function label${i}(s: string): string {
  if (s.startsWith('v2:')) return s.slice(3).toUpperCase();
  return s.length > 10 ? s.slice(0, 10) + '…' : s;
}
`;
}

function testFile(i: number): string {
  return `import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { score${i}, label${i} } from '../src/mod${i}';

test('score', () => {
  assert.is(score${i}(1), ${i + 1});
  assert.is(score${i}(200), 100);
});
test('label', () => assert.is(label${i}('v2:ab'), 'AB'));
test.run();
`;
}

async function main(): Promise<void> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-bench-coverage-')));
  const files: Record<string, string> = {
    'package.json': '{ "name": "bench-coverage" }\n',
    'src/util.ts': 'export function clamp(n: number, lo: number, hi: number): number {\n  return Math.min(hi, Math.max(lo, n));\n}\n',
  };
  for (let i = 0; i < FILES; i++) {
    files[`src/mod${i}.ts`] = source(i);
    files[`test/mod${i}.test.ts`] = testFile(i);
  }
  writeFiles(root, files);
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));

  // The reference: the whole suite under c8, as a user runs it.
  const fullC8: number[] = [];
  for (let k = 0; k < 3; k++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, [path.join(REPO, 'node_modules/c8/bin/c8.js'), '--reporter=json-summary', '--reports-dir', path.join(root, '.c8'), path.join(REPO, 'node_modules/uvu/bin.js'), '-r', 'tsx', 'test'], { cwd: root, encoding: 'utf8' });
    fullC8.push(performance.now() - started);
    if (r.status !== 0) throw new Error(`c8 uvu failed: ${r.stderr}`);
  }

  const client = await TestClient.start({ root, transport: 'in-process', capabilities: PUSH_CLIENT });
  const waitResult = (mark: number, what: string) => client.waitFor(what, () => client.coverage.slice(mark).find((n) => !n.stale), 300_000);
  // The first save measures everything (the server has no map from tests to sources yet).
  const first = 'src/mod0.ts';
  await client.open(first, files[first]!);
  const started = performance.now();
  const mark = client.coverage.length;
  await client.save(first);
  const initial = await waitResult(mark, 'the first run');
  const firstRun = performance.now() - started;
  if (initial.tests.length !== FILES) throw new Error(`first run ran ${initial.tests.length} test files`);

  const { onSave, ranPerSave } = await saveLoop(client, { root, files: FILES, saves: SAVES, rel: (i) => `src/mod${i}.ts`, text: source });
  const rss = process.memoryUsage().rss;
  await client.stop();
  fs.rmSync(root, { recursive: true, force: true });

  const fullP50 = percentile(fullC8, 50);
  const p50 = percentile(onSave, 50);
  const lines = [
    `coverage on save — ${new Date().toISOString().slice(0, 10)}, ${machine()}`,
    `project: ${FILES} source files, ${FILES} test files (TypeScript, uvu)`,
    `full \`c8 uvu -r tsx test\`: median of 3 = ${ms(fullP50)} (${fullC8.map((x) => x.toFixed(0)).join(', ')} ms)`,
    `server's first run (all ${FILES} test files, 2 at a time): ${ms(firstRun)} (ratio ${(firstRun / fullP50).toFixed(2)})`,
    `on save, one source file changed, ${SAVES} saves: p50 ${ms(p50)}, p90 ${ms(percentile(onSave, 90))}, max ${ms(Math.max(...onSave))}; test files run per save: ${[...new Set(ranPerSave)].join(', ')}`,
    `ratio p50(on save) / full c8 run = ${(p50 / fullP50).toFixed(3)} (goal ≤ 0.2; absolute goal < 300 ms)`,
    `server process RSS after the run: ${(rss / 2 ** 20).toFixed(0)} MB`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
