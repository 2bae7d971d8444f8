// The VS Code client example (client-examples/vscode). No VS Code runs here, so this checks what can be checked
// without one: the extension type-checks against vscode-languageclient and @types/vscode (root devDependencies);
// its contributes.configuration declares exactly protocol.md's settings, with their types and defaults; and the
// extension's own launch, settings and status-bar code (compiled from the example, which imports no `vscode` in
// those modules) starts the real server over stdio and over Node IPC, answers workspace/configuration so that the
// server applies it, and renders protocol.md's `testgap/coverage` notification.
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { block, code, flatten, table } from '../helpers/protocolDoc';
import { SERVER_BIN } from '../helpers/lspClient';
import { tempProject } from '../helpers/tempProject';

const REPO = path.resolve(__dirname, '../../..');
const EXAMPLE = path.join(REPO, 'client-examples/vscode');
const manifest = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8'));
const rootManifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));



/** The JSON schema a protocol.md type cell stands for. */
function schemaOf(type: string): Record<string, unknown> {
  const t = type.replace(/\\\|/g, '|');
  if (t.startsWith('string[] (or one string)')) return { type: ['array', 'string'], items: { type: 'string' } };
  if (t === 'string[]') return { type: 'array', items: { type: 'string' } };
  if (t === 'string | null') return { type: ['string', 'null'] };
  if (t === 'boolean') return { type: 'boolean' };
  if (t === 'number 0–100') return { type: 'number', minimum: 0, maximum: 100 };
  if (t === 'positive integer') return { type: 'integer', minimum: 1 };
  if (t === 'integer ≥ 0') return { type: 'integer', minimum: 0 };
  const literals = [...t.matchAll(/`"([^"]+)"`/g)].map((m) => m[1]);
  if (literals.length > 0 && t.replace(/`"[^"]+"`|\s|\|/g, '') === '') return { type: 'string', enum: literals };
  throw new Error(`protocol.md settings type not understood by this test: ${type}`);
}

const CLIENT_ONLY = ['testgap.serverPath', 'testgap.transport', 'testgap.trace.server'];

test('contributes.configuration declares every protocol.md setting with its type, default and description', () => {
  const properties = manifest.contributes.configuration.properties as Record<string, Record<string, unknown>>;
  const defaults = flatten(block('settings-defaults') as Record<string, unknown>);
  const rows = table('Settings', 'setting');
  const documented = rows.map((r) => 'testgap.' + code(r[0])).sort();
  assert.equal(Object.keys(properties).filter((k) => !CLIENT_ONLY.includes(k)).sort(), documented);
  assert.equal(documented, Object.keys(defaults).map((k) => 'testgap.' + k).sort(), 'the table and the JSON block agree');
  for (const [name, type, , meaning] of rows) {
    const key = code(name);
    const { type: t, items, enum: e, minimum, maximum, default: def, description, scope } = properties['testgap.' + key];
    assert.equal({ type: t, items, enum: e, minimum, maximum }, { items: undefined, enum: undefined, minimum: undefined, maximum: undefined, ...schemaOf(type) }, `schema of ${key}`);
    assert.equal(def, defaults[key], `default of ${key}`);
    assert.is(description, meaning[0].toUpperCase() + meaning.slice(1) + '.', `description of ${key} is protocol.md's`);
    assert.is(scope, 'resource', `${key} can differ per folder (the server asks per project root)`);
  }
  for (const key of CLIENT_ONLY) assert.ok(typeof properties[key]?.description === 'string', `${key} declared`);
});

test('package.json: activation, entry point, engines matching the types it compiles against', () => {
  assert.equal(manifest.activationEvents, ['onLanguage:typescript', 'onLanguage:javascript', 'onLanguage:typescriptreact', 'onLanguage:javascriptreact']);
  assert.is(manifest.main, './out/extension.js');
  // vsce refuses @types/vscode newer than engines.vscode; the root pins the same versions the type-check uses.
  assert.is(manifest.engines.vscode, '^' + rootManifest.devDependencies['@types/vscode']);
  assert.is(manifest.devDependencies['@types/vscode'], rootManifest.devDependencies['@types/vscode']);
  assert.is(manifest.dependencies['vscode-languageclient'], rootManifest.devDependencies['vscode-languageclient']);
});

// One compile serves every test below: it type-checks the whole example (exit 0 = no errors) and emits the
// vscode-free modules this test runs.
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-vscode-example-'));
let compiled: { status: number | null; output: string } | undefined;
function compile(): { status: number | null; output: string } {
  if (!compiled) {
    const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', path.join(EXAMPLE, 'tsconfig.json'), '--outDir', outDir, '--sourceMap', 'false'], { encoding: 'utf8' });
    compiled = { status: r.status, output: r.stdout + r.stderr };
  }
  return compiled;
}

interface Launch {
  SERVER_ARGS: Record<'stdio' | 'ipc', string[]>;
  resolveServerPath(setting: string | null | undefined, folders: string[], exists?: (p: string) => boolean): string;
  serverModule(executable: string): string;
  startServer(o: { executable: string; transport: 'stdio' | 'ipc'; cwd?: string; node?: string }): ChildProcess;
}
interface SettingsModule {
  CLIENT_ONLY_SETTINGS: string[];
  serverSettingKeys(manifest: unknown): string[];
  explicitSettings(keys: string[], inspect: (key: string) => Record<string, unknown> | undefined): Record<string, unknown>;
}
interface StatusModule {
  CoverageStatus: new () => { update(n: unknown): void; view(uri?: string): { text: string; tooltip: string } | undefined };
}
const load = <T>(name: string): T => {
  assert.is(compile().status, 0, compile().output);
  return require(path.join(outDir, name)) as T;
};

test('the example type-checks with the root typescript, vscode-languageclient and @types/vscode', () => {
  const r = compile();
  assert.is(r.status, 0, r.output);
  assert.ok(fs.existsSync(path.join(outDir, 'extension.js')));
});

test('settings: the server keys are protocol.md\'s; only explicitly set values are sent, nested, folder over workspace over user', () => {
  const s = load<SettingsModule>('settings.js');
  const keys = s.serverSettingKeys(manifest);
  assert.equal([...keys].sort(), table('Settings', 'setting').map((r) => code(r[0])).sort());
  assert.equal(s.CLIENT_ONLY_SETTINGS.map((k) => 'testgap.' + k), CLIENT_ONLY);
  const set: Record<string, Record<string, unknown>> = {
    'coverageTargets.unit': { globalValue: 90, workspaceValue: 80 },
    diagnosticSeverity: { globalValue: 'hint', workspaceFolderValue: 'warning', workspaceValue: 'error' },
    testDir: { workspaceValue: null },
    'llm.model': { globalValue: 'm' },
  };
  assert.equal(s.explicitSettings(keys, (k) => set[k] ?? {}), {
    testDir: null,
    coverageTargets: { unit: 80 },
    llm: { model: 'm' },
    diagnosticSeverity: 'warning',
  });
});

test('launch: serverPath default is the workspace folder\'s node_modules/.bin/testgap, else testgap on PATH', () => {
  const l = load<Launch>('launch.js');
  const bin = path.join('/w', 'node_modules', '.bin', process.platform === 'win32' ? 'testgap.cmd' : 'testgap');
  assert.is(l.resolveServerPath(null, ['/v', '/w'], (p) => p === bin), bin);
  assert.is(l.resolveServerPath(undefined, ['/v'], () => false), 'testgap');
  assert.is(l.resolveServerPath('/opt/testgap', ['/w']), '/opt/testgap');
  assert.is(l.resolveServerPath('tools/testgap', ['/w']), path.resolve('/w', 'tools/testgap'));
  assert.is(l.resolveServerPath('testgap-dev', ['/w']), 'testgap-dev');
  assert.equal(l.SERVER_ARGS, { stdio: ['lsp', '--stdio'], ipc: ['lsp', '--node-ipc'] });
});

/** A project with testgap installed the way npm links it: node_modules/.bin/testgap → the package's bin file. */
function installedProject() {
  const p = tempProject(`//- /package.json
{}
//- /src/pricing.ts
export function discount(price: number) { return price * 0.9; }
`);
  fs.mkdirSync(path.join(p.root, 'node_modules/.bin'), { recursive: true });
  fs.symlinkSync(REPO, path.join(p.root, 'node_modules/testgap'));
  const bin = rootManifest.bin.testgap as string;
  fs.symlinkSync(path.join('..', 'testgap', bin), path.join(p.root, 'node_modules/.bin/testgap'));
  // npm makes a linked bin file executable; a fresh tsc build does not.
  if ((fs.statSync(SERVER_BIN).mode & 0o111) === 0) fs.chmodSync(SERVER_BIN, 0o755);
  return p;
}

async function session(transport: 'stdio' | 'ipc') {
  const l = load<Launch>('launch.js');
  const s = load<SettingsModule>('settings.js');
  const p = installedProject();
  const executable = l.resolveServerPath(null, [p.root]);
  assert.is(executable, path.join(p.root, 'node_modules/.bin/testgap'));
  if (transport === 'ipc') assert.is(l.serverModule(executable), fs.realpathSync(SERVER_BIN));
  const child = l.startServer({ executable, transport, cwd: p.root, node: process.execPath });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  child.on('error', () => {}); // reported through `exited` and the failed request below
  /** `request` unless the server exits first, in which case the test fails with its stderr. */
  const unlessExited = <T>(request: Promise<T>): Promise<T> =>
    Promise.race([request, exited.then((c): never => { throw new Error(`server exited with code ${c} before answering: ${stderr}`); })]);
  const connection: MessageConnection =
    transport === 'ipc'
      ? createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
      : createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  // What the extension answers for section testgap: the user's explicit settings only (here a workspace value).
  const keys = s.serverSettingKeys(manifest);
  const answer = s.explicitSettings(keys, (k) => (k === 'diagnosticSeverity' ? { workspaceValue: 'warning' } : {}));
  const configurationRequests: unknown[] = [];
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => {
    configurationRequests.push(params);
    return params.items.map((i) => (i.section === 'testgap' ? answer : null));
  });
  const published = new Promise<{ diagnostics: { code: string; severity: number }[] }>((resolve) => {
    connection.onNotification('textDocument/publishDiagnostics', (d: { diagnostics: { code: string; severity: number }[] }) => {
      // The first publication may come before the configuration answer is applied (defaults: Information).
      if (d.diagnostics.some((x) => x.severity === 2)) resolve(d);
    });
  });
  connection.listen();
  return { p, child, connection, published, exited, unlessExited, configurationRequests, stderr: () => stderr };
}

for (const transport of ['stdio', 'ipc'] as const) {
  test(`launch over ${transport}: the extension's startServer runs the installed testgap, which applies the settings it answers`, async () => {
    const s = await session(transport);
    const timer = setTimeout(() => s.child.kill(), 30_000);
    try {
      const init = await s.unlessExited(s.connection.sendRequest<{ capabilities: unknown }>('initialize', {
        processId: process.pid,
        rootUri: 'file://' + s.p.root,
        workspaceFolders: [{ uri: 'file://' + s.p.root, name: 'p' }],
        capabilities: { workspace: { configuration: true, workspaceFolders: true }, textDocument: { publishDiagnostics: {} } },
        initializationOptions: { testgap: {} },
      }));
      assert.equal(init.capabilities, block('capabilities-push'));
      await s.connection.sendNotification('initialized', {});
      const uri = 'file://' + path.join(s.p.root, 'src/pricing.ts');
      await s.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'typescript', version: 1, text: s.p.read('src/pricing.ts') },
      });
      const d = await s.unlessExited(s.published);
      assert.equal(d.diagnostics.map((x) => [x.code, x.severity]), [['missing-test', 2]], 'diagnosticSeverity "warning" from workspace/configuration applied');
      assert.ok(s.configurationRequests.length > 0);
      await s.unlessExited(s.connection.sendRequest('shutdown'));
      await s.connection.sendNotification('exit');
      assert.is(await s.exited, 0, s.stderr());
    } finally {
      clearTimeout(timer);
      s.connection.dispose();
      if (s.child.exitCode === null) s.child.kill();
      s.p.remove();
    }
  });
}

test('status bar: total line % from testgap/coverage, "stale" while a run is pending, per project of the active document', () => {
  const { CoverageStatus } = load<StatusModule>('status.js');
  const status = new CoverageStatus();
  assert.is(status.view(), undefined, 'hidden before any notification');
  const done = block('coverage-notification') as { root: string; total: unknown; tests: { uri: string; status: string }[] };
  status.update({ root: done.root, stale: true, total: null, files: [], tests: [] });
  assert.is(status.view()!.text, '$(sync~spin) testgap: measuring');
  status.update(done);
  assert.is(status.view()!.text, '$(beaker) 59.34 % lines');
  assert.match(status.view()!.tooltip, 'branches: 60 % (6 of 10)');
  // A run starts: the server sends stale: true with the previous total and no files.
  status.update({ root: done.root, stale: true, total: done.total, files: [], tests: [] });
  assert.is(status.view()!.text, '$(sync~spin) 59.34 % lines (stale)');
  status.update({ ...done, tests: [{ uri: done.root + '/test/cart.test.ts', status: 'failed', message: '1 test failed' }] });
  assert.is(status.view()!.text, '$(beaker) 59.34 % lines · $(error) 1 failed');
  assert.match(status.view()!.tooltip, 'failed: test/cart.test.ts — 1 test failed');
  // A second project: the active document picks which figures show; otherwise the last one heard of.
  const other = 'file:///home/ada/shop-admin';
  const lines = { total: 10, covered: 5, pct: 50 };
  status.update({ root: other, stale: false, total: { lines, statements: lines, functions: lines, branches: lines }, files: [], tests: [] });
  assert.is(status.view(done.root + '/src/cart.ts')!.text, '$(beaker) 59.34 % lines · $(error) 1 failed');
  assert.is(status.view(other + '/src/a.ts')!.text, '$(beaker) 50 % lines');
  assert.is(status.view()!.text, '$(beaker) 50 % lines');
});

test.after(() => fs.rmSync(outDir, { recursive: true, force: true }));

test.run();
