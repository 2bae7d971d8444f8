// Scale: does the cost of one edit stay flat as the project grows? Generated monorepos of 100, 500, 1,000 and
// 5,000 files, all in one run: packages/pkg0…pkg9, each with src/ modules, an index re-exporting them, and uvu tests
// in test/ that import modules of their own package (directly and through the index) and one function of the next
// package (through a tsconfig `paths` alias, `@mono/pkgN`, to that package's index). One package.json at the root,
// so the whole monorepo is one testgap project (a package.json per package would make each package its own project).
//
// Per size:
//  - initial index, core: a fresh Node process builds a Project, scans, analyses every file and resolves every test
//    reference (as index-scale.ts does); median of 3 (1 in --smoke), its time and RSS. It also checks that every
//    unit the generator meant to be tested, across packages included, is found exercised.
//  - initial index, server: `testgap lsp --stdio` spawned → initialize → didOpen → first publishDiagnostics; the
//    server's RSS from /proc right after.
//  - incremental, on that server (debounceMs 0): (1) an edit inside a function body of the open file → its
//    diagnostics; (2) renaming an export the tests import → its diagnostics (the export surface changed, so test
//    references must be re-resolved; the renamed function must show up as untested). Floor of both: ts.createSourceFile
//    of the new text, the same at every size, so the table's ratio 5,000 ÷ 100 says whether the server's cost grows.
//
//   node out/bench/scale.js            (--smoke: 100 and 300 files, few samples)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { Project } from '../server/src/core/project';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
import { nodeFileHost } from '../server/src/io/nodeHost';
import type { TestClient } from '../test/helpers/lspClient';
import { writeFiles } from './generate';
import { emptySeries, killServer, messageText, processMemory, progress, publishedFor, seriesCells, startStdioServer, stopServer, type Series } from './lspBench';
import { machine, ms, percentile } from './stats';

const REPO = path.resolve(__dirname, '../..');
const WORK = path.join(REPO, 'bench/tmp/scale');
const SMOKE = process.argv.includes('--smoke');
const SIZES = SMOKE ? [100, 300] : [100, 500, 1000, 5000];
const PACKAGES = 10;
const CORE_RUNS = SMOKE ? 1 : 3;
const SAMPLES = SMOKE ? 8 : 30;
const WARMUP = SMOKE ? 2 : 5;
const TIMEOUT = { firstDiagnostics: 300_000, diagnostics: 30_000 };

/** Module k of package p: three exported functions, names unique across the monorepo. */
export function moduleSource(p: number, k: number): string {
  return `/** Sum of a and b, capped at 1000. */
export function total${p}_${k}(a: number, b: number): number {
  const sum = a + b;
  if (sum > 1000) return 1000;
  return sum + ${k};
}

export function label${p}_${k}(name: string, count = ${k % 5}): string {
  if (count === 0) return \`no \${name}s\`;
  return count === 1 ? \`one \${name}\` : \`\${count} \${name}s\`;
}

export function isEven${p}_${k}(n: number): boolean {
  if (!Number.isInteger(n)) throw new RangeError('not an integer');
  return (n + ${k}) % 2 === 0;
}
`;
}

interface Monorepo {
  files: number;
  sourceFiles: number;
  testFiles: number;
  /** Unit ids some test imports and calls: the index must find every one exercised. */
  tested: string[];
}

/**
 * `totalFiles` files (sources, indexes, tests) spread over the packages. A quarter of each package's files are
 * tests; test j of package p calls total from module 3j directly, label from module 3j+1 through the package's
 * index, and isEven from module 3j+2 of the next package through `@mono/pkg<next>`.
 */
export function generateMonorepo(root: string, totalFiles: number): Monorepo {
  fs.rmSync(root, { recursive: true, force: true });
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }) + '\n',
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'esnext', moduleResolution: 'bundler', paths: { '@mono/*': ['./packages/*/src/index.ts'] } } }, null, 2) + '\n',
  };
  const perPackage = Math.floor(totalFiles / PACKAGES);
  const tests = Math.max(1, Math.round(perPackage / 4));
  const sources = perPackage - tests - 1; // one index
  const tested: string[] = [];
  for (let p = 0; p < PACKAGES; p++) {
    const next = (p + 1) % PACKAGES;
    const dir = `packages/pkg${p}`;
    for (let k = 0; k < sources; k++) files[`${dir}/src/mod${k}.ts`] = moduleSource(p, k);
    files[`${dir}/src/index.ts`] = Array.from({ length: sources }, (_, k) => `export * from './mod${k}';`).join('\n') + '\n';
    for (let j = 0; j < tests; j++) {
      const [a, b, c] = [(3 * j) % sources, (3 * j + 1) % sources, (3 * j + 2) % sources];
      files[`${dir}/test/t${j}.test.ts`] = `import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { total${p}_${a} } from '../src/mod${a}';
import { label${p}_${b} } from '../src';
import { isEven${next}_${c} } from '@mono/pkg${next}';

test('t${j}', () => {
  assert.is(total${p}_${a}(1, 2), ${3 + a});
  assert.is(label${p}_${b}('apple', 0), 'no apples');
  assert.is(typeof isEven${next}_${c}(2), 'boolean');
});
test.run();
`;
      tested.push(`${dir}/src/mod${a}.ts#total${p}_${a}`, `${dir}/src/mod${b}.ts#label${p}_${b}`, `packages/pkg${next}/src/mod${c}.ts#isEven${next}_${c}`);
    }
  }
  writeFiles(root, files);
  const count = Object.keys(files).filter((f) => f.endsWith('.ts')).length;
  return { files: count, sourceFiles: count - PACKAGES * tests, testFiles: PACKAGES * tests, tested: [...new Set(tested)] };
}

/** In a fresh process (`--core <root> <tested.json>`): the core's whole index, timed, and what it found. */
function coreChild(root: string, testedFile: string): void {
  const started = performance.now();
  const project = new Project(root, nodeFileHost, { ...DEFAULT_SETTINGS });
  project.scan();
  const exercised = project.exercisedUnits();
  let untested = 0;
  for (const f of project.knownFiles()) untested += project.findings(f).value.length;
  const elapsed = performance.now() - started;
  const tested = JSON.parse(fs.readFileSync(testedFile, 'utf8')) as string[];
  const missed = tested.filter((id) => !exercised.has(id));
  process.stdout.write(JSON.stringify({ ms: elapsed, rssMb: process.memoryUsage().rss / 2 ** 20, exercised: exercised.size, untested, missed: missed.slice(0, 5), missedCount: missed.length }));
}

interface CoreRun {
  ms: number;
  rssMb: number;
  exercised: number;
  untested: number;
  missed: string[];
  missedCount: number;
}

function coreIndex(root: string, tested: string[]): CoreRun[] {
  const testedFile = path.join(root, '.tested.json');
  fs.writeFileSync(testedFile, JSON.stringify(tested));
  const runs: CoreRun[] = [];
  for (let i = 0; i < CORE_RUNS; i++) {
    const r = spawnSync(process.execPath, [__filename, '--core', root, testedFile], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`core index exited ${r.status}: ${r.stderr}`);
    const run = JSON.parse(r.stdout) as CoreRun;
    if (run.missedCount > 0) throw new Error(`the core index missed ${run.missedCount} tested units, e.g. ${run.missed.join(', ')}`);
    runs.push(run);
  }
  return runs;
}

const parseFloor = (text: string) => {
  const started = performance.now();
  ts.createSourceFile('/floor/m.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  return performance.now() - started;
};

/**
 * Edits one line of the open document WARMUP + SAMPLES times, each waiting for the diagnostics of its version;
 * `nextText(i, current)` gives the replacement of `current` on that line. `check` validates the last publication.
 */
async function editSeries(
  client: TestClient,
  rel: string,
  lines: string[],
  line: number,
  first: string,
  nextText: (i: number) => string,
  check: (messages: string[], current: string) => string | undefined,
): Promise<Series> {
  const series = emptySeries();
  let current = first;
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const next = nextText(i);
    const from = lines[line].indexOf(current);
    lines[line] = lines[line].slice(0, from) + next + lines[line].slice(from + current.length);
    const started = performance.now();
    const version = await client.change(rel, [{ range: { start: { line, character: from }, end: { line, character: from + current.length } }, text: next }]);
    const published = await publishedFor(client, rel, version, TIMEOUT.diagnostics);
    const elapsed = performance.now() - started;
    const floor = parseFloor(lines.join('\n'));
    current = next;
    const problem = check(published.diagnostics.map(messageText), current);
    if (problem) throw new Error(`edit ${i} of ${rel}: ${problem}`);
    if (i >= WARMUP) {
      series.server.push(elapsed);
      series.floor.push(floor);
    }
  }
  return series;
}

interface SizeResult {
  repo: Monorepo;
  core: CoreRun[];
  server: { firstMs: number; rssMb: number; diagnostics: number };
  body: Series;
  rename: Series;
  afterMb: number;
}

async function measureSize(totalFiles: number): Promise<SizeResult> {
  const root = path.join(WORK, `f${totalFiles}`);
  const repo = generateMonorepo(root, totalFiles);
  try {
    progress(`${repo.files} files: core index ×${CORE_RUNS}`);
    const core = coreIndex(root, repo.tested);

    progress(`${repo.files} files: server start`);
    // The open file: module 0 of package 0, whose `total0_0` test t0 imports.
    const rel = 'packages/pkg0/src/mod0.ts';
    const lines = moduleSource(0, 0).split('\n');
    const started = performance.now();
    const client = await startStdioServer(root);
    try {
      await client.open(rel, lines.join('\n'));
      const first = await publishedFor(client, rel, 1, TIMEOUT.firstDiagnostics);
      const firstMs = performance.now() - started;
      const { rssMb } = processMemory(client.serverPid!);
      // What the generator meant: the units of the open file no test calls, each with one diagnostic.
      const expected = ['total0_0', 'label0_0', 'isEven0_0'].filter((name) => !repo.tested.includes(`${rel}#${name}`));
      const published = first.diagnostics.map(messageText);
      const asMeant = !expected.includes('total0_0') && published.length === expected.length && expected.every((name) => published.some((m) => m.includes(`\`${name}\``)));
      if (!asMeant) throw new Error(`expected ${expected.join(', ')} untested in ${rel}, got: ${published.join('; ')}`);

      progress(`${repo.files} files: body edits`);
      const bodyLine = lines.findIndex((l) => l.includes('if (sum > 1000)'));
      const body = await editSeries(client, rel, lines, bodyLine, '1000', (i) => String(1001 + i), (messages) =>
        messages.length === expected.length ? undefined : `expected ${expected.length} diagnostics, got ${messages.join('; ')}`,
      );

      progress(`${repo.files} files: export renames`);
      const renameLine = lines.findIndex((l) => l.startsWith('export function total0_0('));
      const rename = await editSeries(client, rel, lines, renameLine, 'total0_0', (i) => `renamed0_0_${i}`, (messages, current) =>
        // The test still imports total0_0, which no longer exists: the renamed function is untested.
        messages.some((m) => m.includes(`\`${current}\``)) ? undefined : `expected ${current} untested, got ${messages.join('; ')}`,
      );
      const afterMb = processMemory(client.serverPid!).rssMb;
      await stopServer(client);
      return { repo, core, server: { firstMs, rssMb, diagnostics: first.diagnostics.length }, body, rename, afterMb };
    } catch (error) {
      killServer(client);
      throw error;
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--core') return coreChild(process.argv[3], process.argv[4]);
  const started = performance.now();
  const results: SizeResult[] = [];
  for (const size of SIZES) results.push(await measureSize(size));

  const med = (xs: CoreRun[], f: (x: CoreRun) => number) => percentile(xs.map(f), 50);
  const out: string[] = [];
  out.push(`scale — ${new Date().toISOString().slice(0, 10)}, ${machine()}${SMOKE ? ' (smoke)' : ''}`);
  out.push(`monorepo: ${PACKAGES} packages, one project; core index median of ${CORE_RUNS}; server over stdio, debounceMs 0; ${SAMPLES} edits per series after ${WARMUP} warm-up`);
  out.push('');
  out.push('| files (sources + tests) | units tested / untested | core index | core RSS | server: spawn → first diagnostics | server RSS then | server RSS after the edits |');
  out.push('|---|---|---|---|---|---|---|');
  for (const r of results) {
    const c = r.core[0];
    out.push(
      `| ${r.repo.files} (${r.repo.sourceFiles} + ${r.repo.testFiles}) | ${c.exercised} / ${c.untested} | ${(med(r.core, (x) => x.ms) / 1000).toFixed(2)} s | ${med(r.core, (x) => x.rssMb).toFixed(0)} MB ` +
        `| ${(r.server.firstMs / 1000).toFixed(2)} s | ${r.server.rssMb.toFixed(0)} MB | ${r.afterMb.toFixed(0)} MB |`,
    );
  }
  out.push('');
  out.push('| files | edit | n | server p50 | server p99 | parse p50 | parse p99 | p50 ratio | p99 ratio |');
  out.push('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    out.push(`| ${r.repo.files} | inside a function body | ${seriesCells(r.body)} |`);
    out.push(`| ${r.repo.files} | rename an export tests import | ${seriesCells(r.rename)} |`);
  }
  const small = results[0];
  const large = results[results.length - 1];
  const growth = (f: (r: SizeResult) => Series) => (percentile(f(large).server, 50) / percentile(f(small).server, 50)).toFixed(2);
  out.push('');
  out.push(
    `incremental p50, ${large.repo.files} files ÷ ${small.repo.files} files (flat = 1): body edit **${growth((r) => r.body)}** ` +
      `(${ms(percentile(small.body.server, 50))} → ${ms(percentile(large.body.server, 50))}), ` +
      `export rename **${growth((r) => r.rename)}** (${ms(percentile(small.rename.server, 50))} → ${ms(percentile(large.rename.server, 50))})`,
  );
  console.log(out.join('\n'));
  progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

// Importable (the profiling of a rename uses generateMonorepo) without running the benchmark.
if (require.main === module) main().catch((e) => {
  process.stderr.write(`bench failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
