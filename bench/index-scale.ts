// Initial index of a generated project: time and memory to go from nothing to the first answer, two ways:
//  - core: a fresh Node process builds a Project, reads and analyses every file, resolves every test reference;
//  - server: `testgap lsp --stdio` is started, a file is opened, until its first publishDiagnostics (process start,
//    module loading and the index all included), with the server's RSS read from /proc afterwards.
// Each is the median of 3 runs in fresh processes.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Project } from '../server/src/core/project';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
import { nodeFileHost } from '../server/src/io/nodeHost';
import { URI } from '../server/src/lsp/uri';
import { SERVER_BIN } from '../test/helpers/lspClient';
import { generateProject } from './generate';
import { machine, percentile } from './stats';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const SOURCE_FILES = Number(process.env.BENCH_SOURCE_FILES ?? 400);
const TEST_FILES = Number(process.env.BENCH_TEST_FILES ?? 100);
const RUNS = 3;

function child(root: string): void {
  const started = performance.now();
  const project = new Project(root, nodeFileHost, { ...DEFAULT_SETTINGS });
  project.scan();
  const exercised = project.exercisedUnits();
  const stats = project.stats();
  let untested = 0;
  for (const f of project.knownFiles()) untested += project.findings(f).value.length;
  const elapsed = performance.now() - started;
  process.stdout.write(JSON.stringify({ ms: elapsed, rssMb: process.memoryUsage().rss / 2 ** 20, ...stats, exercised: exercised.size, untested }));
}

async function serverRun(root: string, file: string): Promise<{ ms: number; rssMb: number; diagnostics: number }> {
  const started = performance.now();
  const proc = spawn(process.execPath, [SERVER_BIN, 'lsp', '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const diagnostics = new Promise<number>((resolve) =>
    conn.onNotification('textDocument/publishDiagnostics', (p: { diagnostics: unknown[] }) => resolve(p.diagnostics.length)),
  );
  conn.listen();
  await conn.sendRequest('initialize', { processId: null, rootUri: URI.fromPath(root), capabilities: {} });
  await conn.sendNotification('initialized', {});
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI.fromPath(file), languageId: 'typescript', version: 1, text: fs.readFileSync(file, 'utf8') } });
  const count = await diagnostics;
  const elapsed = performance.now() - started;
  const status = fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8');
  const rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  return { ms: elapsed, rssMb, diagnostics: count };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-bench-index-'));
  generateProject(root, SOURCE_FILES, TEST_FILES);
  const core: { ms: number; rssMb: number; sourceFiles: number; testFiles: number; units: number; untested: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [__filename, '--child', root], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    core.push(JSON.parse(r.stdout));
  }
  const server = [];
  for (let i = 0; i < RUNS; i++) server.push(await serverRun(root, path.join(root, 'src/m0/file0.ts')));
  fs.rmSync(root, { recursive: true, force: true });
  const med = <T>(xs: T[], f: (x: T) => number) => percentile(xs.map(f), 50);
  const c = core[0];
  console.log(`index: ${c.sourceFiles} source files + ${c.testFiles} test files = ${c.sourceFiles + c.testFiles} files, ${c.units} units, ${c.untested} untested`);
  console.log(`machine: ${machine()}`);
  console.log('| what | time (median of 3) | RSS (median of 3) |');
  console.log('|---|---|---|');
  console.log(`| core: scan + analyse every file + resolve every test reference | ${(med(core, (x) => x.ms) / 1000).toFixed(2)} s | ${med(core, (x) => x.rssMb).toFixed(0)} MB |`);
  console.log(`| server: spawn → initialize → didOpen → first publishDiagnostics | ${(med(server, (x) => x.ms) / 1000).toFixed(2)} s | ${med(server, (x) => x.rssMb).toFixed(0)} MB |`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
