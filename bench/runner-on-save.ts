// Coverage on save in a vitest and in a jest project: the time from didSave of one source file to the
// `testgap/coverage` notification with its figures, with the project's runner kept warm by the server, as a ratio to
// what a user would otherwise run for that one file: a cold `vitest run --coverage <test file>` or
// `jest --coverage <test file>`. Both are measured in the same run; the server runs in this
// process behind a real JSON-RPC connection.
//
//   node out/bench/runner-on-save.js            (BENCH_FILES, BENCH_SAVES to change the sizes; BENCH_RUNNERS=vitest)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PUSH_CLIENT, TestClient } from '../test/helpers/lspClient';
import { writeFiles } from './generate';
import { saveLoop } from './saves';
import { machine, ms, percentile } from './stats';

const FILES = Number(process.env.BENCH_FILES ?? 20);
const SAVES = Number(process.env.BENCH_SAVES ?? 20);
const RUNNERS = (process.env.BENCH_RUNNERS ?? 'vitest,jest').split(',') as Runner[];
const REPO = path.resolve(__dirname, '../..');

type Runner = 'vitest' | 'jest';

function source(runner: Runner, i: number, variant = 0): string {
  const body = `function score${i}(n, bonus = ${variant}) {
  if (n < 0) throw new RangeError('negative');
  if (n > 100) return clamp(n, 0, 100) + bonus;
  return n * ${i + 1} + bonus;
}

function label${i}(s) {
  if (s.startsWith('v2:')) return s.slice(3).toUpperCase();
  return s.length > 10 ? s.slice(0, 10) + '…' : s;
}
`;
  return runner === 'vitest'
    ? `import { clamp } from './util.js';\n\nexport ${body.replace(`\nfunction label`, `\nexport function label`)}`
    : `const { clamp } = require('./util');\n\n${body}\nmodule.exports = { score${i}, label${i} };\n`;
}

function testFile(runner: Runner, i: number): string {
  const imports = runner === 'vitest' ? `import { expect, test } from 'vitest';\nimport { score${i}, label${i} } from '../src/mod${i}.js';` : `const { score${i}, label${i} } = require('../src/mod${i}');`;
  return `${imports}

test('score', () => {
  expect(score${i}(1)).toBe(${i + 1});
  expect(score${i}(200)).toBe(100);
});
test('label', () => expect(label${i}('v2:ab')).toBe('AB'));
`;
}

function project(runner: Runner): Record<string, string> {
  const files: Record<string, string> =
    runner === 'vitest'
      ? {
          'package.json': '{ "name": "bench-vitest", "type": "module", "scripts": { "test": "vitest run" } }\n',
          'vitest.config.mjs': "export default { test: { include: ['test/**/*.test.js'], coverage: { provider: 'v8' } } };\n",
          'src/util.js': 'export function clamp(n, lo, hi) {\n  return Math.min(hi, Math.max(lo, n));\n}\n',
        }
      : {
          'package.json': '{ "name": "bench-jest", "scripts": { "test": "jest" } }\n',
          'jest.config.js': "module.exports = { testEnvironment: 'node' };\n",
          'src/util.js': 'exports.clamp = (n, lo, hi) => Math.min(hi, Math.max(lo, n));\n',
        };
  for (let i = 0; i < FILES; i++) {
    files[`src/mod${i}.js`] = source(runner, i);
    files[`test/mod${i}.test.js`] = testFile(runner, i);
  }
  return files;
}

/** The cold run a user would make for one test file, with coverage, from a shell. */
function coldRun(runner: Runner, root: string, testFile: string): number {
  const args =
    runner === 'vitest'
      ? [path.join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--coverage', '--coverage.reporter=json', testFile]
      : [path.join(REPO, 'node_modules/jest/bin/jest.js'), '--coverage', '--coverageReporters=json', testFile];
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const elapsed = performance.now() - started;
  if (r.status !== 0) throw new Error(`${runner} failed: ${r.stdout}\n${r.stderr}`);
  return elapsed;
}

async function bench(runner: Runner): Promise<string[]> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `testgap-bench-${runner}-`)));
  const files = project(runner);
  writeFiles(root, files);
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));

  // The reference: one test file under the runner's coverage, cold, as from a shell (median of 5, after one warm-up
  // that fills the runner's own caches).
  coldRun(runner, root, 'test/mod0.test.js');
  const cold: number[] = [];
  for (let k = 0; k < 5; k++) cold.push(coldRun(runner, root, `test/mod${(k * 3) % FILES}.test.js`));

  const client = await TestClient.start({ root, transport: 'in-process', capabilities: PUSH_CLIENT });
  const waitResult = (mark: number, what: string) => client.waitFor(what, () => client.coverage.slice(mark).find((n) => !n.stale), 300_000);
  const first = 'src/mod0.js';
  await client.open(first, files[first]!, 'javascript');
  const started = performance.now();
  const mark = client.coverage.length;
  await client.save(first);
  const initial = await waitResult(mark, 'the first run');
  const firstRun = performance.now() - started;
  if (initial.tests.length !== FILES || initial.tests.some((t) => t.status !== 'passed')) throw new Error(`first run: ${JSON.stringify(initial.tests)}`);

  const { onSave, ranPerSave } = await saveLoop(client, {
    root,
    files: FILES,
    saves: SAVES,
    rel: (i) => `src/mod${i}.js`,
    text: (i, s) => source(runner, i, s),
    languageId: 'javascript',
    onSave: (s, i, elapsed, n) => {
      if (process.env.BENCH_DEBUG) process.stderr.write(`save ${s}: ${elapsed.toFixed(0)} ms, in the runner ${n.tests.find((t) => t.uri.endsWith(`/mod${i}.test.js`))?.durationMs} ms\n`);
    },
  });
  await client.stop();
  fs.rmSync(root, { recursive: true, force: true });

  const coldP50 = percentile(cold, 50);
  const p50 = percentile(onSave, 50);
  return [
    `${runner}: ${FILES} source files, ${FILES} test files (JavaScript${runner === 'vitest' ? ', ES modules' : ', CommonJS'})`,
    `  cold run of one test file with coverage: median of 5 = ${ms(coldP50)} (${cold.map((x) => x.toFixed(0)).join(', ')} ms)`,
    `  server's first run (starts ${runner}, all ${FILES} test files, one at a time): ${ms(firstRun)}`,
    `  on save, one source file changed, ${SAVES} saves: p50 ${ms(p50)}, p90 ${ms(percentile(onSave, 90))}, max ${ms(Math.max(...onSave))}; test files run per save: ${[...new Set(ranPerSave)].join(', ')}`,
    `  ratio p50(on save, warm) / cold run = ${(p50 / coldP50).toFixed(3)} (goal ≤ 0.3)`,
  ];
}

async function main(): Promise<void> {
  const lines = [`coverage on save with the project's runner — ${new Date().toISOString().slice(0, 10)}, ${machine()}`];
  for (const runner of RUNNERS) lines.push(...(await bench(runner)));
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
