// Diagnostics latency after an edit of a 2,000-line file, as a ratio to the floor: parsing that text with
// ts.createSourceFile. The server runs in this process behind a real JSON-RPC connection (in-memory streams), with
// debounceMs 0 so the number is the work, not the configured delay. Both sides are measured in the same run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { TestClient } from '../test/helpers/lspClient';
import { generateSource, writeFiles } from './generate';
import { machine, ms, percentile } from './stats';

const EDITS = Number(process.env.BENCH_EDITS ?? 50);
const WARMUP = 5;

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-bench-latency-'));
  const { text, blocks } = generateSource(2000);
  const lines = text.split('\n');
  writeFiles(root, {
    'package.json': '{ "name": "bench" }\n',
    'src/big.ts': text,
    'test/big.test.ts': `import { fn0, fn1, fn2 } from '../src/big';\nfn0(1); fn1(2); fn2(3);\n`,
  });
  const client = await TestClient.start({ root, transport: 'in-process', initializationOptions: { debounceMs: 0 } });
  await client.open('src/big.ts', text);
  const first = await client.waitForDiagnostics('src/big.ts');

  // Typing inside a function body (the common case: the export surface is unchanged), then renaming exports (the
  // index must be rebuilt). After each edit the same new text is parsed with ts.createSourceFile: the floor sample is
  // taken moments after the server sample, so a machine that speeds up or slows down during the run moves both.
  const bodyLine = lines.findIndex((l) => l.includes('const v = a * 0;'));
  const renameLine = lines.findIndex((l) => l.startsWith('export function fn3('));
  const parse = (t: string) => {
    const started = performance.now();
    ts.createSourceFile('/x/big.ts', t, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    return performance.now() - started;
  };
  const series = async (label: string, edit: (i: number) => { line: number; from: number; to: number; text: string }) => {
    const server: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < WARMUP + EDITS; i++) {
      const e = edit(i);
      lines[e.line] = lines[e.line].slice(0, e.from) + e.text + lines[e.line].slice(e.to);
      const started = performance.now();
      const version = await client.change('src/big.ts', [{ range: { start: { line: e.line, character: e.from }, end: { line: e.line, character: e.to } }, text: e.text }]);
      await client.waitFor(`${label} ${i}`, () => client.latest('src/big.ts')?.version === version);
      const elapsed = performance.now() - started;
      const floorSample = parse(lines.join('\n'));
      if (i >= WARMUP) {
        server.push(elapsed);
        floor.push(floorSample);
      }
    }
    return { server, floor };
  };
  let bodyText = 'const v = a * 0;';
  const body = await series('body edit', (i) => {
    const col = lines[bodyLine].indexOf('const v');
    const next = `const v = a * ${i + 1};`;
    const e = { line: bodyLine, from: col, to: col + bodyText.length, text: next };
    bodyText = next;
    return e;
  });
  let name = 'fn3';
  const rename = await series('export rename', (i) => {
    const next = `renamed${i}`;
    const e = { line: renameLine, from: 16, to: 16 + name.length, text: next };
    name = next;
    return e;
  });
  await client.stop();
  fs.rmSync(root, { recursive: true, force: true });

  const row = (label: string, r: { server: number[]; floor: number[] }) =>
    `| ${label} | ${ms(percentile(r.server, 50))} | ${ms(percentile(r.server, 99))} | ${ms(percentile(r.floor, 50))} | ${ms(percentile(r.floor, 99))} | ` +
    `**${(percentile(r.server, 50) / percentile(r.floor, 50)).toFixed(2)}** | ${(percentile(r.server, 99) / percentile(r.floor, 99)).toFixed(2)} |`;
  console.log(`diagnostics latency: ${lines.length} lines, ${blocks} units, ${first.diagnostics.length} diagnostics, ${EDITS} edits per series`);
  console.log(`machine: ${machine()}`);
  console.log('| series | server p50 | server p99 | parse p50 | parse p99 | p50 ratio | p99 ratio |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(row('edit inside a function body', body));
  console.log(row('rename an export', rename));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
