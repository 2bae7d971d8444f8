// Pieces the latency and scale benchmarks share: the real server over stdio, its memory, bounded waits, and the
// p50/p99 arithmetic of a series measured against its floor.
import fs from 'node:fs';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { FULL_CLIENT, TestClient } from '../test/helpers/lspClient';
import { ms, percentile } from './stats';

/**
 * `testgap lsp --stdio` in a child process, as an editor starts it, with a client that resolves code actions
 * lazily (like Neovim 0.10+ or VS Code). `debounceMs: 0`, so a latency is the server's work, not its configured
 * delay (150 ms by default, added on top in an editor).
 */
export async function startStdioServer(root: string, settings: Record<string, unknown> = {}): Promise<TestClient> {
  // On a timeout the benchmark exits, which closes the server's stdin, which ends the server.
  const client = await withTimeout(
    'the server to answer initialize',
    TestClient.start({ root, transport: 'stdio', capabilities: FULL_CLIENT, initializationOptions: { debounceMs: 0, ...settings } }),
    60_000,
  );
  if (client.serverPid === undefined) throw new Error('the server process did not start');
  // A server that dies mid-run fails the benchmark at once, rather than when the current wait times out.
  client.connection.onClose(() => {
    if (leaving.has(client)) return;
    process.stderr.write(`bench failed: the server exited unexpectedly\nserver stderr: ${client.stderr}\n`);
    process.exit(1);
  });
  return client;
}

/** Clients whose server is being stopped on purpose. */
const leaving = new WeakSet<TestClient>();

/** shutdown + exit, bounded; fails unless the server exits 0. */
export async function stopServer(client: TestClient): Promise<void> {
  leaving.add(client);
  const code = await withTimeout('the server to shut down', client.stop(), 30_000);
  if (code !== 0) throw new Error(`the server exited ${code} after shutdown + exit; stderr: ${client.stderr}`);
}

/** After a failure: ends the server whatever its state. */
export function killServer(client: TestClient): void {
  leaving.add(client);
  client.dispose();
}

/** Resident memory of a process now and at its peak, in MB, from /proc (Linux). */
export function processMemory(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** A request or wait that fails after `timeoutMs` instead of hanging the benchmark. */
export function withTimeout<T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The diagnostics published for `version` of an open document (TestClient.waitForDiagnostics has a fixed 20 s limit,
 * too short for the first answer of a large project on a busy machine).
 */
export function publishedFor(client: TestClient, rel: string, version: number, timeoutMs: number): Promise<PublishDiagnosticsParams> {
  return client.waitFor(`diagnostics for version ${version} of ${rel}`, () => {
    const latest = client.latest(rel);
    return latest?.version === version ? latest : undefined;
  }, timeoutMs);
}

/** Server samples and floor samples of one series, each floor sample taken right after its server sample. */
export interface Series {
  server: number[];
  floor: number[];
}

export const emptySeries = (): Series => ({ server: [], floor: [] });

/** `n | server p50 | server p99 | floor p50 | floor p99 | p50 ratio | p99 ratio` cells of a markdown row. */
export function seriesCells(s: Series): string {
  const p = (xs: number[], q: number) => percentile(xs, q);
  return [
    String(s.server.length),
    ms(p(s.server, 50)),
    ms(p(s.server, 99)),
    ms(p(s.floor, 50)),
    ms(p(s.floor, 99)),
    `**${(p(s.server, 50) / p(s.floor, 50)).toFixed(2)}**`,
    (p(s.server, 99) / p(s.floor, 99)).toFixed(2),
  ].join(' | ');
}

/** Progress goes to stderr; stdout carries only the results. */
export const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** A diagnostic's message as text (LSP 3.18 allows markup; testgap sends strings). */
export const messageText = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);
