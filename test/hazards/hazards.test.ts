// Hazards × paths: modules that hang, exit, throw, run out of memory, flood their output, write outside, spawn, open
// sockets, leave timers and rejections, or pollute globals — through generation (the LSP code action resolve, and
// `testgap generate --json`) and coverage (a save in the LSP, and `testgap coverage --json`). For each: the run
// finishes with the hazard reported, the server answers a cheap request within 1 s during and right after it,
// nothing is written outside the temp folders and the test folder, no connection reaches the listening socket, and
// no child process survives (the run's processes are found by working folder and marker; see ../lifecycle/procs.ts).
//
// The CLI path runs on its own copy of the project, concurrently with the LSP path, to keep the suite near a minute.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import type { CodeAction, Diagnostic } from 'vscode-languageserver/node';
import type { CoverageJson } from '../../server/src/cli/coverage';
import type { GenerateJson } from '../../server/src/cli/generate';
import type { CoverageNotification } from '../../server/src/lsp/coverage';
import { FULL_CLIENT, SERVER_BIN, TestClient } from '../helpers/lspClient';
import { descendants, killUnder, processes, processesUnder, until } from '../lifecycle/procs';
import { changed, hazards, snapshot, writeProject } from './fixture';

const SETTINGS = { timeoutMs: 500, memoryMb: 64, coverageTimeoutMs: 2500, propertyRuns: { default: 20, fast: 10, thorough: 40 } };
/**
 * Hazards generated through the CLI as well (every one goes through the LSP): those whose report says more there
 * (which inputs were dropped and why) and the cheap ones. Spinning at import for the 10.5 s load allowance, flooding
 * output and polluting globals cost the most and add nothing the LSP path does not show.
 */
const CLI_GENERATE = ['hangCall', 'exitImport', 'exitCall', 'throwImport', 'oom', 'scribble', 'spawner', 'sockets'];
/** The bound on a cheap request's round trip while user code misbehaves in the server's children. */
const RESPONSIVE_MS = 1000;
/** The entry points of testgap's children. */
const RUN_CHILD = /out\/server\/src\/run\/(harness|coverageChild|testRunner)\.js/;

type GenUnit = GenerateJson['files'][number]['units'][number];
interface LspGen {
  edit?: string;
  notExecutable?: string;
  message?: string;
  error?: string;
}

/** What each path must report for each hazard (a failure message, or undefined when it holds). */
const EXPECT: Record<string, {
  cli: (u: GenUnit, problems: string) => string | undefined;
  lsp: (g: LspGen) => string | undefined;
  coverage: string[];
}> = {
  hangImport: { cli: () => 'not generated through the CLI', lsp: (g) => lspNx(g, /loading took longer than/), coverage: ['timeout'] },
  hangCall: { cli: (u) => dropped(u, /^timed out after 500 ms$/), lsp: written, coverage: ['timeout'] },
  exitImport: { cli: (u) => nx(u, /the module exited while loading \(code 3/), lsp: (g) => lspNx(g, /exited while loading \(code 3/), coverage: ['failed'] },
  exitCall: { cli: (u) => dropped(u, /^process exited \(code 3\)$/), lsp: written, coverage: ['failed'] },
  throwImport: { cli: (u) => nx(u, /needs a database connection/), lsp: (g) => lspNx(g, /needs a database connection/), coverage: ['failed'] },
  // Near the heap limit V8 collects garbage for a while before it aborts: some inputs hit the call's time limit first.
  oom: { cli: (u) => dropped(u, /^(process exited \(code null, SIG(ABRT|TRAP|KILL)\)|timed out after 500 ms)$/), lsp: written, coverage: ['crashed', 'failed', 'timeout'] },
  noisy: { cli: (u) => (u.cases >= 1 ? undefined : `no cases: ${JSON.stringify(u)}`), lsp: written, coverage: ['passed'] },
  scribble: { cli: (u) => nx(u, /^writes to \/tmp\/testgap-hazard-/), lsp: (g) => lspNx(g, /writes to \/tmp\/testgap-hazard-/), coverage: ['failed'] },
  spawner: { cli: (u) => nx(u, /starts a child process/), lsp: (g) => lspNx(g, /starts a child process/), coverage: ['failed'] },
  sockets: { cli: (u) => nx(u, /opens a network connection to 127\.0\.0\.1:\d+/), lsp: (g) => lspNx(g, /opens a network connection to 127\.0\.0\.1:\d+/), coverage: ['failed'] },
  timers: {
    cli: (u, problems) => (u.cases === 0 && /timers\.ts were not written: the test file did not (run|finish)/.test(problems) ? undefined : `expected a problem: ${problems} ${JSON.stringify(u)}`),
    lsp: (g) => (!g.edit && /no test for timers\.ts passed verification/.test(g.message ?? '') ? undefined : `expected a message and no edit: ${JSON.stringify(g).slice(0, 300)}`),
    coverage: ['timeout', 'failed'],
  },
  globals: { cli: (u) => (u.cases >= 1 ? undefined : `no cases: ${JSON.stringify(u)}`), lsp: written, coverage: ['passed'] },
};

function nx(u: GenUnit, re: RegExp): string | undefined {
  return u.cases === 0 && re.test(u.notExecutable ?? '') ? undefined : `expected not executable ${re}: ${JSON.stringify(u).slice(0, 400)}`;
}
function dropped(u: GenUnit, re: RegExp): string | undefined {
  return Object.keys(u.dropped).some((k) => re.test(k)) && u.cases >= 1 ? undefined : `expected cases and a dropped input ${re}: ${JSON.stringify(u.dropped)} cases ${u.cases}`;
}
function lspNx(g: LspGen, re: RegExp): string | undefined {
  return !g.edit && re.test(g.notExecutable ?? '') ? undefined : `expected a not-executable diagnostic ${re}: ${JSON.stringify(g).slice(0, 300)}`;
}
function written(g: LspGen): string | undefined {
  return g.edit && /\/\/ testgap: /.test(g.edit) ? undefined : `expected an edit with tests: ${JSON.stringify(g).slice(0, 300)}`;
}

/** The entries of a temp folder, each with its age and what it holds, for a failure message. */
function describeFolders(dir: string): string {
  return fs
    .readdirSync(dir)
    .map((name) => {
      const abs = path.join(dir, name);
      try {
        const st = fs.statSync(abs);
        const inside = st.isDirectory() ? fs.readdirSync(abs).slice(0, 8).join(', ') : `${st.size} bytes`;
        return `${name} (${Math.round((Date.now() - st.mtimeMs) / 1000)} s old: ${inside})`;
      } catch {
        return `${name} (gone while listed)`;
      }
    })
    .join('; ');
}

function summarise(outcome: string | undefined, fallback: string): string {
  return outcome ? `✘ ${outcome}` : fallback;
}

/** Runs `testgap <args>` with a private TMPDIR, without blocking this process (the LSP path runs meanwhile). */
function cli(args: string[], cwd: string, tmp: string): Promise<{ code: number | null; stdout: string; stderr: string; pid: number }> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(process.execPath, [SERVER_BIN, ...args], { cwd, env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr, pid: child.pid! }));
  });
}

test('hazards are contained: generation and coverage finish, report the hazard, stay responsive, leave nothing behind', async () => {
  const id = crypto.randomBytes(4).toString('hex');
  const marker = `testgap-hazard-${id}`;
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-hazards-')));
  let connections = 0;
  const listener = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const port = (listener.address() as net.AddressInfo).port;
  const list = hazards(id, port);
  const lspTmp = path.join(base, 'lsp-tmp');
  const cliTmp = path.join(base, 'cli-tmp');
  const lspRoot = path.join(base, 'lsp');
  const dirs = { lspGen: path.join(lspRoot, 'gen'), lspCov: path.join(lspRoot, 'cov'), cliGen: path.join(base, 'cli/gen'), cliCov: path.join(base, 'cli/cov') };
  for (const d of [lspTmp, cliTmp]) fs.mkdirSync(d);
  writeProject(dirs.lspGen, list, SETTINGS, false);
  writeProject(dirs.lspCov, list, SETTINGS, true);
  writeProject(dirs.cliGen, list, SETTINGS, false);
  writeProject(dirs.cliCov, list, SETTINGS, true);
  const before = Object.fromEntries(Object.entries(dirs).map(([k, d]) => [k, snapshot(d)]));
  const outside = () => fs.readdirSync('/tmp').filter((f) => f.startsWith(marker));
  const childrenAtStart = new Set(processes().filter((p) => RUN_CHILD.test(p.args)).map((p) => p.pid));
  const failures: string[] = [];
  const table = new Map<string, Record<string, string>>(list.map((h) => [h.name, {}]));
  const probes: { when: string; ms: number }[] = [];
  let client: TestClient | undefined;
  try {
    // The CLI path, in the background: generate every hazard module, then measure the hazard tests.
    const cliPath = (async () => {
      const gen = await cli(['generate', ...CLI_GENERATE.map((name) => `src/${name}.ts`), '--json'], dirs.cliGen, cliTmp);
      let out: GenerateJson | undefined;
      try {
        out = JSON.parse(gen.stdout) as GenerateJson;
      } catch {
        failures.push(`generate --json printed no JSON (code ${gen.code}): ${gen.stderr.slice(-2000)}`);
      }
      for (const h of list.filter((x) => CLI_GENERATE.includes(x.name))) {
        const file = out?.files.find((f) => f.sourceFile.endsWith(`src/${h.name}.ts`));
        const unit = file?.units[0];
        const problems = JSON.stringify(file?.problems ?? []);
        const verdict = unit ? EXPECT[h.name]!.cli(unit, problems) : `no report for ${h.name}`;
        if (verdict) failures.push(`generate (CLI) ${h.name}: ${verdict}`);
        table.get(h.name)!['generate CLI'] = summarise(verdict, unit?.notExecutable ? `not-executable: ${unit.notExecutable.slice(0, 60)}` : `${unit?.cases} cases; dropped ${JSON.stringify(unit?.dropped)}${unit?.cases === 0 ? `; ${problems.slice(0, 120)}` : ''}`);
      }
      const cov = await cli(['coverage', '--json'], dirs.cliCov, cliTmp);
      if (cov.code !== 1) failures.push(`coverage (CLI) exits 1 when tests fail; got ${cov.code}: ${cov.stderr.slice(-500)}`);
      let report: CoverageJson | undefined;
      try {
        report = JSON.parse(cov.stdout) as CoverageJson;
      } catch {
        failures.push(`coverage --json printed no JSON (code ${cov.code}): ${cov.stderr.slice(-2000)}`);
      }
      for (const h of list) {
        const t = report?.tests.find((x) => x.path === `test/${h.name}.test.js`);
        const ok = !!t && EXPECT[h.name]!.coverage.includes(t.status);
        if (!ok) failures.push(`coverage (CLI) ${h.name}: expected ${EXPECT[h.name]!.coverage.join('|')}, got ${JSON.stringify(t)}`);
        table.get(h.name)!['coverage CLI'] = ok ? `${t!.status}${t!.message ? `: ${t!.message.split('\n')[0]!.slice(0, 70)}` : ''}` : `✘ ${JSON.stringify(t)}`;
      }
      // The CLI is gone; so must be everything it started, and its temp folders.
      const left = processesUnder(path.join(base, 'cli'), marker).concat(processesUnder(cliTmp));
      if (left.length) failures.push(`CLI (pid ${gen.pid}, then ${cov.pid}) left processes:\n${left.map((p) => `  pid ${p.pid} (parent ${p.ppid}, ${p.state}) in ${p.cwd}: ${p.args}`).join('\n')}`);
      if (fs.readdirSync(cliTmp).length) failures.push(`CLI (pid ${gen.pid}, then ${cov.pid}) left temp folders in ${cliTmp}: ${describeFolders(cliTmp)}`);
    })();

    // The LSP path.
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = lspTmp; // inherited by the server spawned now
    const starting = TestClient.start({ root: lspRoot, transport: 'stdio', capabilities: FULL_CLIENT });
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    client = await starting;
    const c = client;
    const server = (c as unknown as { child: ChildProcess }).child;
    const probe = async (when: string) => {
      const t0 = performance.now();
      await c.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: c.uri('gen/src/other.ts') },
        range: { start: { line: 0, character: 16 }, end: { line: 0, character: 21 } },
        context: { diagnostics: [] },
      });
      probes.push({ when, ms: performance.now() - t0 });
    };
    await c.open('gen/src/other.ts', fs.readFileSync(path.join(dirs.lspGen, 'src/other.ts'), 'utf8'));
    await c.waitForDiagnostics('gen/src/other.ts', (d) => d.length > 0);
    await probe('warm-up');
    probes.length = 0;

    const generate = async (h: (typeof list)[number]) => {
      const rel = `gen/src/${h.name}.ts`;
      await c.open(rel, h.source);
      await c.waitForDiagnostics(rel, (d) => d.some((x) => x.code === 'missing-test'));
      const actions = (await c.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: c.uri(rel) },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], only: ['source'] },
      })) as CodeAction[];
      const started = performance.now();
      const messages = c.messages.length;
      const progress = c.progress.length;
      const resolving = c.connection.sendRequest('codeAction/resolve', actions[0]).then(
        (a) => ({ action: a as CodeAction }),
        (e: Error) => ({ error: e.message }),
      );
      await c.waitFor(`generation of ${h.name} to start`, () => c.progress.slice(progress).some((p) => (p as { value?: { kind?: string } }).value?.kind === 'begin'), 30_000);
      await probe(`during generation of ${h.name}`);
      const r = await resolving;
      const took = performance.now() - started;
      // Read when the answer arrives, as an editor would: the server publishes the generation's diagnostics before it
      // answers (issue 14: read after the probe's round trip, this passed only when the server's timer won the race).
      const atAnswer = c.latest(rel);
      await probe(`after generation of ${h.name}`);
      const g: LspGen = {};
      if ('error' in r) g.error = r.error;
      else {
        const edit = r.action.edit;
        const texts = [...(edit?.documentChanges ?? []).flatMap((d) => ('edits' in d ? d.edits.map((e) => ('newText' in e ? e.newText : '')) : [])), ...Object.values(edit?.changes ?? {}).flatMap((es) => es.map((e) => e.newText))];
        if (texts.length) g.edit = texts.join('\n');
      }
      const nxDiag = (atAnswer?.diagnostics ?? []).find((d: Diagnostic) => d.code === 'not-executable');
      if (nxDiag) g.notExecutable = String(nxDiag.message);
      const msg = c.messages.slice(messages).map((m) => m.message).join(' | ');
      if (msg) g.message = msg;
      const verdict = EXPECT[h.name]!.lsp(g);
      // What the server had published for the file by then, and its own state, so a failure explains itself.
      const published = (c.diagnostics.get(c.uri(rel)) ?? []).map((p) => `v${p.version}: ${p.diagnostics.map((d) => d.code).join(',') || 'none'}`).join(' → ');
      if (verdict) failures.push(`generate (LSP) ${h.name}: ${verdict}\n  published for ${rel}, in order: ${published}; latest after the probe: ${JSON.stringify(c.latest(rel)?.diagnostics.map((d) => d.code))}\n  ${c.state().replace(/\n/g, '\n  ')}`);
      table.get(h.name)!['generate LSP'] = summarise(verdict, g.notExecutable ? `not-executable: ${g.notExecutable.replace(/^.*?could not be run safely, so no tests were generated: /, '').slice(0, 60)}` : g.edit ? `edit with ${(g.edit.match(/^test\(/gm) ?? []).length || 'some'} tests` : `no edit: ${g.message?.slice(0, 90)}`) + ` (${Math.round(took)} ms)`;
    };
    // The module that spins at import takes the whole load allowance (10.5 s): it runs alongside the others.
    const slow = list.filter((h) => h.name === 'hangImport');
    await Promise.all([...slow.map(generate), (async () => {
      for (const h of list.filter((x) => !slow.includes(x))) await generate(h);
    })()]);
    // No sandbox or verification child outlives its generation.
    const gens = descendants(server.pid!).filter((p) => /harness\.js|testRunner\.js/.test(p.args));
    if (gens.length) failures.push(`after the generations: server pid ${server.pid} still has children:\n${gens.map((p) => `  pid ${p.pid} (${p.state}) in ${p.cwd}: ${p.args}`).join('\n')}`);

    // Coverage on save of the project whose tests import every hazard.
    await c.open('cov/src/other.ts', fs.readFileSync(path.join(dirs.lspCov, 'src/other.ts'), 'utf8'));
    const mark = c.coverage.length;
    await c.save('cov/src/other.ts');
    await c.waitFor('the coverage run to start', () => c.coverage.slice(mark).some((n) => n.stale), 30_000);
    await probe('during the coverage run');
    const n = await c.waitFor<CoverageNotification>('the coverage run to end', () => c.coverage.slice(mark).find((x) => !x.stale), 120_000);
    await probe('after the coverage run');
    for (const h of list) {
      const t = n.tests.find((x) => x.uri === c.uri(`cov/test/${h.name}.test.js`));
      const ok = !!t && EXPECT[h.name]!.coverage.includes(t.status);
      if (!ok) failures.push(`coverage (LSP) ${h.name}: expected ${EXPECT[h.name]!.coverage.join('|')}, got ${JSON.stringify(t)}`);
      table.get(h.name)!['coverage LSP'] = ok ? t!.status : `✘ ${JSON.stringify(t)}`;
    }
    if (!n.tests.some((t) => t.status !== 'passed')) failures.push('coverage (LSP): expected failing tests');
    const kids = descendants(server.pid!);
    const stray = kids.filter((p) => !/coverageChild\.js/.test(p.args));
    if (stray.length || kids.length > 1) failures.push(`after the coverage run, server pid ${server.pid} has more than one warm coverage child:\n${kids.map((p) => `  pid ${p.pid} (${p.state}) in ${p.cwd}: ${p.args}`).join('\n')}`);

    await cliPath;
    const code = await c.stop();
    client = undefined;
    if (code !== 0) failures.push(`server exit code after shutdown + exit: ${code}`);

    // Nothing survives, nothing is left, nothing was written or reached outside.
    const orphans = await until('every process of the run to end', () => {
      const left = processesUnder(base, marker);
      return left.length === 0 ? [] : undefined;
    }, 5000).catch(() => processesUnder(base, marker));
    const anywhere = processes().filter((p) => p.args.includes(marker));
    // testgap children anywhere whose parent is gone (adopted by init), started since this test began: these are
    // reported, not asserted, since other runs on the machine may own them.
    const adopted = processes().filter((p) => RUN_CHILD.test(p.args) && !childrenAtStart.has(p.pid) && (p.ppid === 1 || !fs.existsSync(`/proc/${p.ppid}`)));
    for (const p of [...orphans, ...anywhere]) failures.push(`orphan process ${p.pid} (parent ${p.ppid}, ${p.state}) in ${p.cwd}: ${p.args}`);
    if (fs.readdirSync(lspTmp).length) failures.push(`server (pid ${server.pid}) left temp folders in ${lspTmp}: ${describeFolders(lspTmp)}`);
    if (outside().length) failures.push(`written outside: ${outside().map((f) => `/tmp/${f}`)}`);
    if (connections) failures.push(`${connections} connections reached the listening socket`);
    for (const [k, d] of Object.entries(dirs)) {
      const diff = changed(before[k]!, snapshot(d)).map((f) => path.relative(d, f)).filter((f) => !/^(test|coverage)\//.test(f));
      if (diff.length) failures.push(`${k}: written outside the test folder: ${diff}`);
    }
    for (const p of probes.filter((x) => x.ms > RESPONSIVE_MS)) failures.push(`the server took ${Math.round(p.ms)} ms to answer a code action ${p.when}`);

    const contained = list.filter((h) => !failures.some((f) => f.includes(` ${h.name}:`))).length;
    const ms = probes.map((p) => p.ms).sort((a, b) => a - b);
    console.log(`\nhazards contained ${contained}/${list.length} (server pid ${server.pid}, base ${base}); orphan processes ${orphans.length + anywhere.length} (testgap children adopted by init, anyone's: ${adopted.length}); temp folders left ${fs.readdirSync(lspTmp).length + fs.readdirSync(cliTmp).length}`);
    console.log(`code action round trip during/after runs: ${probes.length} probes, median ${ms[ms.length >> 1]!.toFixed(1)} ms, max ${ms[ms.length - 1]!.toFixed(1)} ms`);
    if (process.env.TESTGAP_HAZARD_TABLE) {
      for (const h of list) console.log([h.what, ...['generate LSP', 'generate CLI', 'coverage LSP', 'coverage CLI'].map((k) => table.get(h.name)![k] ?? '—')].join(' | '));
      for (const p of probes) console.log(`${p.when}: ${p.ms.toFixed(1)} ms`);
    }
    assert.ok(failures.length === 0, `${failures.length} failures:\n${failures.join('\n')}`);
  } finally {
    client?.dispose();
    listener.close();
    killUnder(base, marker);
    for (const p of processes().filter((x) => x.args.includes(marker))) process.kill(p.pid, 'SIGKILL');
    for (const f of outside()) fs.rmSync(path.join('/tmp', f), { force: true });
    fs.rmSync(base, { recursive: true, force: true });
  }
});

test.run();
