// The server's end, over stdio with the real process, while user code is running in its children: a coverage run
// of a test file that never finishes and a generation whose every call hangs. However the server goes — shutdown +
// exit, the editor dying (stdin closed without shutdown), SIGTERM — every child is killed, no temp folder of the run
// stays, and the server process ends: code 0 after shutdown + exit, 1 when stdin closes, 143 (128 + SIGTERM) on SIGTERM.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { FULL_CLIENT, SERVER_BIN, TestClient } from '../helpers/lspClient';
import { descendants, killUnder, processesUnder, until } from './procs';

const REPO = path.resolve(__dirname, '../../..');

interface Run {
  base: string;
  tmp: string;
  root: string;
  client: TestClient;
  server: ChildProcess;
}

/** `<base>/tmp` (the server's private TMPDIR) and `<base>/proj` (a project with src/, test/ and testgap's tools). */
function projectFolders(name: string, timeoutMs: number): { base: string; tmp: string; root: string } {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-lifecycle-')));
  const tmp = path.join(base, 'tmp');
  const root = path.join(base, 'proj');
  fs.mkdirSync(tmp);
  fs.mkdirSync(path.join(root, 'src'), { recursive: true });
  fs.mkdirSync(path.join(root, 'test'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name, testgap: { timeoutMs } }));
  return { base, tmp, root };
}

/** A project with a unit whose calls spin and a test file that never ends, and a private TMPDIR, under one folder. */
function makeProject(): Pick<Run, 'base' | 'tmp' | 'root'> {
  const { base, tmp, root } = projectFolders('lifecycle', 20000);
  // Every call spins: a generation of it stays in flight, its sandbox child busy (deaf to its IPC channel closing).
  fs.writeFileSync(path.join(root, 'src/slow.js'), 'exports.slow = function slow(n) {\n  for (;;) {}\n};\n');
  // A test file that says it is running (in its TMPDIR, the one place it may write) and then never ends.
  fs.writeFileSync(
    path.join(root, 'test/slow.test.js'),
    "require('fs').writeFileSync(require('path').join(require('os').tmpdir(), 'running'), '');\nrequire('../src/slow');\nfor (;;) {}\n",
  );
  return { base, tmp, root };
}

/** The project, and the real server started on it with that TMPDIR. */
async function start(): Promise<Run> {
  const { base, tmp, root } = makeProject();
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp; // the spawned server inherits it (spawn copies the environment at once)
  const pending = TestClient.start({ root, transport: 'stdio', capabilities: FULL_CLIENT });
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
  const client = await pending;
  const server = (client as unknown as { child: ChildProcess }).child;
  return { base, tmp, root, client, server };
}

/** Starts a coverage run and a generation, and waits until user code of both is running in children. */
async function busy(r: Run): Promise<void> {
  const { client } = r;
  const text = fs.readFileSync(path.join(r.root, 'src/slow.js'), 'utf8');
  await client.open('src/slow.js', text, 'javascript');
  await client.waitForDiagnostics('src/slow.js', (d) => d.length > 0);
  const actions = (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: client.uri('src/slow.js') },
    range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } },
    context: { diagnostics: [], only: ['source'] },
  })) as { data?: unknown }[];
  assert.ok(actions.length >= 1 && actions[0]!.data, JSON.stringify(actions));
  // Not awaited: the answer never comes, the server goes first.
  client.connection.sendRequest('codeAction/resolve', actions[0]).catch(() => undefined);
  await client.save('src/slow.js');
  await until('a sandbox child running the unit', () => descendants(r.server.pid!).some((p) => p.args.includes('harness.js')));
  await until('the coverage child running the test file', () => fs.readdirSync(r.tmp).some((d) => fs.existsSync(path.join(r.tmp, d, 'tmp', 'running'))));
}

function exited(server: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve({ code: server.exitCode, signal: server.signalCode });
  return new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
}

async function assertNothingLeft(r: Pick<Run, 'base' | 'tmp'>): Promise<void> {
  // SIGKILLed children vanish at once; the deadline only bounds a failure.
  const left = await until('every process of the run to end', () => {
    const now = processesUnder(r.base);
    return now.length === 0 ? [] : undefined;
  }, 5000).catch(() => processesUnder(r.base));
  assert.equal(left.map((p) => `${p.pid} ${p.args}`), [], 'no process of the run survives the server');
  assert.equal(fs.readdirSync(r.tmp), [], 'no temp folder of the run is left in its TMPDIR');
}

async function scenario(name: string, end: (r: Run) => Promise<void>, expected: { code: number | null; signal: NodeJS.Signals | null }) {
  test(name, async () => {
    const r = await start();
    try {
      await busy(r);
      const before = descendants(r.server.pid!);
      assert.ok(before.some((p) => p.args.includes('coverageChild.js')), before.map((p) => p.args).join('\n'));
      const done = exited(r.server);
      await end(r);
      const result = await done;
      await assertNothingLeft(r);
      assert.equal(result, expected);
    } finally {
      r.client.dispose();
      killUnder(r.base);
      fs.rmSync(r.base, { recursive: true, force: true });
    }
  });
}

scenario('shutdown + exit during a coverage run and a generation: children killed, temp folders removed, code 0', async (r) => {
  await r.client.connection.sendRequest('shutdown');
  await r.client.connection.sendNotification('exit');
}, { code: 0, signal: null });

scenario('the editor dies (stdin closed without shutdown): children killed, temp folders removed, code 1', async (r) => {
  r.server.stdin!.end();
}, { code: 1, signal: null });

scenario('SIGTERM: children killed, temp folders removed, code 143', async (r) => {
  r.server.kill('SIGTERM');
}, { code: 143, signal: null });

test('SIGTERM to `testgap coverage` and `testgap generate` mid-run: children killed, temp folders removed, code 143', async () => {
  const r = makeProject();
  const cli: ChildProcess[] = [];
  try {
    const run = (args: string[]) => {
      const child = spawn(process.execPath, [SERVER_BIN, ...args], { cwd: r.root, env: { ...process.env, TMPDIR: r.tmp }, stdio: 'ignore' });
      cli.push(child);
      return child;
    };
    const coverage = run(['coverage']);
    await until('the coverage child running the test file', () => fs.readdirSync(r.tmp).some((d) => fs.existsSync(path.join(r.tmp, d, 'tmp', 'running'))));
    const generate = run(['generate', 'src/slow.js']);
    await until('a sandbox child running the unit', () => descendants(generate.pid!).some((p) => p.args.includes('harness.js')));
    const ends = [exited(coverage), exited(generate)];
    coverage.kill('SIGTERM');
    generate.kill('SIGTERM');
    const results = await Promise.all(ends);
    await assertNothingLeft(r);
    assert.equal(results, [{ code: 143, signal: null }, { code: 143, signal: null }]);
  } finally {
    for (const c of cli) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    killUnder(r.base);
    fs.rmSync(r.base, { recursive: true, force: true });
  }
});

test('SIGKILL (no clean-up possible): waiting children end with their channel, a spinning test with its watchdog thread, and the next server removes the temp folders', async () => {
  const { base, tmp, root } = projectFolders('killed', 600000);
  // Every call waits on a timer: the sandbox child is idle, not spinning, while the generation is in flight.
  fs.writeFileSync(path.join(root, 'src/wait.ts'), 'export function wait(n: number): Promise<number> {\n  return new Promise((r) => setTimeout(() => r(n), 600000));\n}\n');
  fs.writeFileSync(path.join(root, 'src/ok.js'), 'exports.ok = (x) => x + 1;\n');
  fs.writeFileSync(path.join(root, 'test/ok.test.js'), "const { test } = require('uvu');\ntest('ok', () => require('../src/ok').ok(1));\ntest.run();\n");
  // And a test that spins, busy when the server dies: only a thread of its own can end it.
  fs.writeFileSync(path.join(root, 'test/spin.test.js'), "require('fs').writeFileSync(require('path').join(require('os').tmpdir(), 'running'), '');\nfor (;;) {}\n");
  const clients: TestClient[] = [];
  const startServer = async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    const pending = TestClient.start({ root, transport: 'stdio', capabilities: FULL_CLIENT });
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    const c = await pending;
    clients.push(c);
    return { client: c, server: (c as unknown as { child: ChildProcess }).child };
  };
  try {
    const { client, server } = await startServer();
    // A coverage run in flight (one test spinning) and the transpile cache; a generation with a waiting sandbox child.
    await client.open('src/ok.js', fs.readFileSync(path.join(root, 'src/ok.js'), 'utf8'), 'javascript');
    await client.save('src/ok.js');
    await until('the coverage child running the spinning test', () => fs.readdirSync(tmp).some((d) => fs.existsSync(path.join(tmp, d, 'tmp', 'running'))));
    await client.open('src/wait.ts', fs.readFileSync(path.join(root, 'src/wait.ts'), 'utf8'));
    await client.waitForDiagnostics('src/wait.ts', (d) => d.length > 0);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: client.uri('src/wait.ts') },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source'] },
    })) as unknown[];
    client.connection.sendRequest('codeAction/resolve', actions[0]).catch(() => undefined);
    await until('a sandbox child waiting in a call, and a coverage child', () => {
      const kids = descendants(server.pid!);
      return kids.some((p) => p.args.includes('harness.js')) && kids.some((p) => p.args.includes('coverageChild.js'));
    });
    const dead = server.pid!;
    const ended = exited(server);
    server.kill('SIGKILL');
    assert.equal(await ended, { code: null, signal: 'SIGKILL' });
    const mine = (names: string[]) => names.filter((n) => n.includes(`-${dead}-`));
    assert.ok(mine(fs.readdirSync(tmp)).length > 0, 'SIGKILL leaves its temp folders: ' + fs.readdirSync(tmp));
    // Its children notice their channel closing.
    const left = await until('the children of the killed server to end', () => (processesUnder(base).length === 0 ? [] : undefined), 5000).catch(() => processesUnder(base));
    assert.equal(left.map((p) => `${p.pid} ${p.args}`), []);
    // The next server sweeps what the dead one left, and nothing of its own.
    const next = await startServer();
    assert.equal(mine(fs.readdirSync(tmp)), []);
    assert.is(await next.client.stop(), 0);
    assert.equal(fs.readdirSync(tmp), []);
  } finally {
    for (const c of clients) c.dispose();
    killUnder(base);
    fs.rmSync(base, { recursive: true, force: true });
  }
});

test.run();
