// Latency of what a user waits for, on generated projects of 10, 100 and 1,000 TypeScript modules (each with three
// exported functions; a uvu test file for every third module imports two of them, so every project has tested and
// untested units). The server is `testgap lsp --stdio` in its own process, spawned as an editor spawns it: the
// numbers include JSON-RPC framing over pipes and a separate event loop, and its memory can be read from /proc.
// `debounceMs` is 0, so a latency is the server's work (an editor adds the 150 ms default debounce on top).
//
// Three series per project size, each sample followed at once by its floor (so machine drift moves both):
//  a. diagnostics after an edit — didChange (one incremental edit inside a function body) → publishDiagnostics
//     for that version. Floor: ts.createSourceFile of the same new text.
//  b. code action + resolve — textDocument/codeAction on a `missing-test` diagnostic, then codeAction/resolve (the
//     generation pipeline in the sandbox) until the edit is back. Floor: one run of the test file that edit
//     creates, as a user runs it: `node --import tsx test/mK.test.ts` (uvu test files run themselves).
//  c. coverage on save — didSave of a tested source file → the `testgap/coverage` notification with its figures.
//     Floor: the same `node --import tsx <affected test file>` run. tsx is how this project runs its tests
//     (`uvu -r tsx`), so that run is what re-checking the change by hand costs; it does not measure coverage,
//     while the server's run does, from a child it booted ahead of the save and a transpile cache (see README).
//
//   node out/bench/latency.js            (BENCH_SIZES=10,100 to choose sizes; --smoke: size 10, few samples)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { CodeAction, Diagnostic, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import type { TestClient } from '../test/helpers/lspClient';
import { writeFiles } from './generate';
import { emptySeries, killServer, messageText, processMemory, progress, publishedFor, seriesCells, startStdioServer, stopServer, withTimeout, type Series } from './lspBench';
import { machine } from './stats';

const REPO = path.resolve(__dirname, '../..');
const WORK = path.join(REPO, 'bench/tmp/latency');
const SMOKE = process.argv.includes('--smoke');
const SIZES = (process.env.BENCH_SIZES ?? (SMOKE ? '10' : '10,100,1000')).split(',').map(Number);
/** Samples per series after warm-up. With n ≤ 100, p99 is the slowest sample. */
const SAMPLES = SMOKE ? { edit: 8, generate: 2, save: 3 } : { edit: 40, generate: 12, save: 15 };
const WARMUP = SMOKE ? { edit: 2, generate: 1, save: 1 } : { edit: 5, generate: 1, save: 2 };
/** Every wait is bounded: a lost message or a dead server fails the run instead of hanging it. */
const TIMEOUT = { diagnostics: 30_000, generate: 120_000, firstCoverage: 600_000, save: 60_000 };

const testedModule = (k: number) => k % 3 === 0;

/**
 * Module k: three exported functions with branches, so generation has something to find. `variant` moves the cap's
 * threshold: a real change of a body that keeps the module's test passing.
 */
function moduleSource(k: number, variant = 0): string {
  return `/** Sum of a and b, capped at 1000. */
export function total${k}(a: number, b: number): number {
  const sum = a + b;
  if (sum > ${1000 + variant}) return 1000;
  return sum + ${k};
}

/** "no apples", "one apple", "3 apples". */
export function label${k}(name: string, count = ${k % 5}): string {
  if (count === 0) return \`no \${name}s\`;
  return count === 1 ? \`one \${name}\` : \`\${count} \${name}s\`;
}

export function isEven${k}(n: number): boolean {
  if (!Number.isInteger(n)) throw new RangeError('not an integer');
  return (n + ${k}) % 2 === 0;
}
`;
}

function testSource(k: number): string {
  return `import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { total${k}, label${k} } from '../src/m${k}';

test('total', () => {
  assert.is(total${k}(1, 2), ${3 + k});
  assert.is(total${k}(999, 999), 1000);
});
test('label', () => assert.is(label${k}('apple', 0), 'no apples'));
test.run();
`;
}

function generateProject(root: string, modules: number): void {
  fs.rmSync(root, { recursive: true, force: true });
  // uvu, fast-check and tsx are declared so generated edits do not also touch package.json; they resolve from this
  // repository's node_modules (bench/tmp is inside it).
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: `latency-${modules}`, private: true, devDependencies: { uvu: '*', 'fast-check': '*', tsx: '*' } }) + '\n',
  };
  for (let k = 0; k < modules; k++) {
    files[`src/m${k}.ts`] = moduleSource(k);
    if (testedModule(k)) files[`test/m${k}.test.ts`] = testSource(k);
  }
  writeFiles(root, files);
}

const parseFloor = (text: string) => {
  const started = performance.now();
  ts.createSourceFile('/floor/m.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  return performance.now() - started;
};

/** One run of a test file the way a user runs it; fails the benchmark if the test does. */
function runTestFloor(root: string, testRel: string): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', testRel], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const elapsed = performance.now() - started;
  if (r.status !== 0) throw new Error(`node --import tsx ${testRel} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return elapsed;
}

/** a. Incremental edits inside one function body of an open module; each waits for the diagnostics of its version. */
async function editSeries(client: TestClient, modules: number): Promise<Series> {
  const rel = `src/m${Math.floor(modules / 2)}.ts`;
  const k = Math.floor(modules / 2);
  const lines = moduleSource(k).split('\n');
  await client.open(rel, lines.join('\n'));
  await publishedFor(client, rel, 1, TIMEOUT.diagnostics);
  const line = lines.findIndex((l) => l.includes('if (sum > 1000)'));
  const series = emptySeries();
  let current = '1000';
  for (let i = 0; i < WARMUP.edit + SAMPLES.edit; i++) {
    const next = String(1001 + i);
    const from = lines[line].lastIndexOf(current);
    lines[line] = lines[line].slice(0, from) + next + lines[line].slice(from + current.length);
    const started = performance.now();
    const version = await client.change(rel, [{ range: { start: { line, character: from }, end: { line, character: from + current.length } }, text: next }]);
    await publishedFor(client, rel, version, TIMEOUT.diagnostics);
    const elapsed = performance.now() - started;
    const floor = parseFloor(lines.join('\n'));
    current = next;
    if (i >= WARMUP.edit) {
      series.server.push(elapsed);
      series.floor.push(floor);
    }
  }
  await client.close(rel);
  return series;
}

/** The text of the new test file a resolved generation edit creates. */
function createdTestText(edit: WorkspaceEdit | undefined, testUri: string): string | undefined {
  const changes = (edit?.documentChanges ?? []).filter((c): c is TextDocumentEdit => 'textDocument' in c && c.textDocument.uri === testUri);
  const edits = changes.flatMap((c) => c.edits);
  return edits.length > 0 ? edits.map((e) => ('newText' in e ? e.newText : '')).join('') : undefined;
}

/**
 * b. Generation for one untested function per sample, each in a module without a test file (so the edit creates
 * the whole test file, which the floor then runs). A sample is the codeAction request plus the resolve.
 */
async function generateSeries(client: TestClient, root: string, modules: number): Promise<Series> {
  const untested = Array.from({ length: modules }, (_, k) => k).filter((k) => !testedModule(k));
  const names = ['total', 'label', 'isEven'];
  const series = emptySeries();
  for (let s = 0; s < WARMUP.generate + SAMPLES.generate; s++) {
    const k = untested[s % untested.length];
    const unit = `${names[Math.floor(s / untested.length) % names.length]}${k}`;
    const rel = `src/m${k}.ts`;
    const testRel = `test/m${k}.test.ts`;
    await client.open(rel, moduleSource(k));
    const published = await publishedFor(client, rel, 1, TIMEOUT.diagnostics);
    const diagnostic = published.diagnostics.find((d: Diagnostic) => d.code === 'missing-test' && messageText(d).includes(`\`${unit}\``));
    if (!diagnostic) throw new Error(`no missing-test diagnostic for ${unit} in ${rel}: ${published.diagnostics.map(messageText).join('; ')}`);

    const started = performance.now();
    const actions = await withTimeout(
      `code actions for ${unit}`,
      client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri: client.uri(rel) },
        range: diagnostic.range,
        context: { diagnostics: [diagnostic], only: ['quickfix'] },
      }),
      TIMEOUT.diagnostics,
    );
    const action = actions.find((a) => a.isPreferred);
    if (!action) throw new Error(`no preferred code action for ${unit}: ${actions.map((a) => a.title).join('; ')}`);
    const resolved = await withTimeout(`codeAction/resolve for ${unit}`, client.connection.sendRequest<CodeAction>('codeAction/resolve', action), TIMEOUT.generate);
    const elapsed = performance.now() - started;

    const text = createdTestText(resolved.edit, client.uri(testRel));
    if (!text) throw new Error(`resolving ${action.title} gave no test file: ${JSON.stringify(resolved.edit)} ${client.messages.map((m) => m.message).join('; ')}`);
    // The client never applies the edit; the file exists only for the floor's run, so the project on disk (which
    // the coverage series then measures) stays as generated.
    const testFile = path.join(root, testRel);
    fs.writeFileSync(testFile, text);
    let floor: number;
    try {
      floor = runTestFloor(root, testRel);
    } finally {
      fs.rmSync(testFile);
    }
    await client.close(rel);
    progress(`  generate ${unit}: ${elapsed.toFixed(0)} ms (floor ${floor.toFixed(0)} ms)`);
    if (s >= WARMUP.generate) {
      series.server.push(elapsed);
      series.floor.push(floor);
    }
  }
  return series;
}

/** c. Saves of tested modules (the body changed and written to disk first, as an editor does). */
async function saveSeries(client: TestClient, root: string, modules: number): Promise<{ series: Series; firstRunMs: number; testFiles: number }> {
  const tested = Array.from({ length: modules }, (_, k) => k).filter(testedModule);
  const series = emptySeries();
  const waitForFigures = (mark: number, rel: string, timeoutMs: number) =>
    client.waitFor(`coverage after saving ${rel}`, () => client.coverage.slice(mark).find((n) => !n.stale && n.files.some((f) => f.uri === client.uri(rel))), timeoutMs);

  // The first save runs every test file (the server does not know yet which tests load which sources); it is
  // reported apart, not as a sample.
  let firstRunMs = 0;
  for (let s = -1; s < WARMUP.save + SAMPLES.save; s++) {
    const k = tested[(s + 1) % tested.length];
    const rel = `src/m${k}.ts`;
    const text = moduleSource(k, s + 2);
    await client.open(rel, text);
    fs.writeFileSync(path.join(root, rel), text);
    const mark = client.coverage.length;
    const started = performance.now();
    await client.save(rel);
    const notification = await waitForFigures(mark, rel, s < 0 ? TIMEOUT.firstCoverage : TIMEOUT.save);
    const elapsed = performance.now() - started;
    const figures = notification.files.find((f) => f.uri === client.uri(rel))!;
    if (figures.lines.covered === 0) throw new Error(`save of ${rel}: its test ran but covered no line`);
    const failed = notification.tests.filter((t) => t.status !== 'passed');
    if (failed.length > 0) throw new Error(`save of ${rel}: ${failed.map((t) => `${t.uri} ${t.status} ${t.message ?? ''}`).join('; ')}`);
    const floor = runTestFloor(root, `test/m${k}.test.ts`);
    await client.close(rel);
    if (s < 0) {
      firstRunMs = elapsed;
      progress(`  first save (runs all ${tested.length} test files): ${elapsed.toFixed(0)} ms`);
    } else if (s >= WARMUP.save) {
      series.server.push(elapsed);
      series.floor.push(floor);
    }
  }
  return { series, firstRunMs, testFiles: tested.length };
}

interface SizeResult {
  modules: number;
  edit: Series;
  generate: Series;
  save: Series;
  firstRunMs: number;
  testFiles: number;
  memory: { rssMb: number; peakMb: number };
}

async function measureSize(modules: number): Promise<SizeResult> {
  const root = path.join(WORK, `p${modules}`);
  generateProject(root, modules);
  progress(`${modules} modules: server starting`);
  const client = await startStdioServer(root);
  try {
    progress(`${modules} modules: a. diagnostics after an edit`);
    const edit = await editSeries(client, modules);
    // Generation before any save: once coverage is measured, `uncovered` replaces `missing-test`.
    progress(`${modules} modules: b. code action + resolve`);
    const generate = await generateSeries(client, root, modules);
    progress(`${modules} modules: c. coverage on save`);
    const { series: save, firstRunMs, testFiles } = await saveSeries(client, root, modules);
    const memory = processMemory(client.serverPid!);
    await stopServer(client);
    return { modules, edit, generate, save, firstRunMs, testFiles, memory };
  } catch (error) {
    killServer(client);
    throw error;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const results: SizeResult[] = [];
  for (const size of SIZES) results.push(await measureSize(size));

  const out: string[] = [];
  out.push(`latency — ${new Date().toISOString().slice(0, 10)}, ${machine()}${SMOKE ? ' (smoke)' : ''}`);
  out.push('server: `testgap lsp --stdio` (own process), debounceMs 0; p99 of n ≤ 100 samples is the slowest one');
  out.push('');
  out.push('| project | series | n | server p50 | server p99 | floor p50 | floor p99 | p50 ratio | p99 ratio |');
  out.push('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const project = `${r.modules} modules + ${r.testFiles} tests`;
    out.push(`| ${project} | a. didChange → diagnostics (floor: ts.createSourceFile) | ${seriesCells(r.edit)} |`);
    out.push(`| ${project} | b. codeAction + resolve → edit (floor: node --import tsx <new test>) | ${seriesCells(r.generate)} |`);
    out.push(`| ${project} | c. didSave → testgap/coverage (floor: node --import tsx <affected test>) | ${seriesCells(r.save)} |`);
  }
  out.push('');
  out.push('| project | server RSS at the end | server peak RSS (VmHWM) | first save (all test files under coverage) |');
  out.push('|---|---|---|---|');
  for (const r of results) out.push(`| ${r.modules} modules + ${r.testFiles} tests | ${r.memory.rssMb.toFixed(0)} MB | ${r.memory.peakMb.toFixed(0)} MB | ${(r.firstRunMs / 1000).toFixed(1)} s |`);
  console.log(out.join('\n'));
  progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
