// The server in this process, driven by a scripted client over in-memory streams: pull diagnostics, settings from
// every source, capability negotiation.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ClientCapabilities, DocumentDiagnosticReport } from 'vscode-languageserver/node';
import { PUSH_CLIENT, TestClient } from '../helpers/lspClient';
import { tempProject, type TempProject } from '../helpers/tempProject';

const SOURCE = `export function a() {}\nexport function b() {}\n`;
const FIXTURE = (pkg = '{}') => `//- /package.json
${pkg}
//- /src/m.ts
${SOURCE}//- /test/m.test.ts
import { a } from '../src/m'; a();
`;

async function withClient(
  fixture: string,
  options: Partial<Parameters<typeof TestClient.start>[0]>,
  body: (client: TestClient, p: TempProject) => Promise<void>,
): Promise<void> {
  const p = tempProject(fixture);
  const client = await TestClient.start({ root: p.root, transport: 'in-process', ...options });
  try {
    await body(client, p);
  } finally {
    await client.stop();
    p.remove();
  }
}

const PULL_CLIENT: ClientCapabilities = {
  textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } },
  workspace: { configuration: true, diagnostics: { refreshSupport: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
};

test('pull client: diagnostics are pulled, never pushed; a test change asks for a re-pull', async () => {
  await withClient(FIXTURE(), { capabilities: PULL_CLIENT }, async (client, p) => {
    assert.equal(client.initializeResult.capabilities.diagnosticProvider, { identifier: 'testgap', interFileDependencies: true, workspaceDiagnostics: false });
    await client.open('src/m.ts', SOURCE);
    const pull = (previousResultId?: string) =>
      client.connection.sendRequest<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri: client.uri('src/m.ts') }, previousResultId });
    const first = await pull();
    assert.is(first.kind, 'full');
    assert.equal(first.kind === 'full' && first.items.map((d) => d.data), [{ unitId: 'src/m.ts#b' }]);
    const again = await pull(first.resultId);
    assert.equal(again, { kind: 'unchanged', resultId: first.resultId });

    p.write('test/b.test.ts', `import { b } from '../src/m'; b();`);
    await client.watchedFileChanged('test/b.test.ts', 1);
    await client.waitFor('diagnostic refresh request', () => client.refreshRequests > 0);
    const after = await pull(first.resultId);
    assert.equal(after.kind === 'full' && after.items, []);
    assert.is(client.diagnostics.size, 0, 'nothing pushed to a pull client');
  });
});

test('a client that can pull but not refresh gets push diagnostics instead', async () => {
  const caps: ClientCapabilities = { ...PULL_CLIENT, workspace: { configuration: true } };
  await withClient(FIXTURE(), { capabilities: caps }, async (client) => {
    assert.is(client.initializeResult.capabilities.diagnosticProvider, undefined);
    await client.open('src/m.ts', SOURCE);
    const d = await client.waitForDiagnostics('src/m.ts');
    assert.is(d.diagnostics.length, 1);
  });
});

test('minimal client: no relatedInformation or data it did not ask for', async () => {
  await withClient(FIXTURE(), { capabilities: {} }, async (client) => {
    await client.open('src/m.ts', SOURCE);
    const [d] = (await client.waitForDiagnostics('src/m.ts')).diagnostics;
    assert.is(d.relatedInformation, undefined);
    assert.is(d.data, undefined);
    assert.is(d.code, 'missing-test');
  });
});

test('settings: workspace/configuration is asked per project root and re-asked on didChangeConfiguration', async () => {
  let settings: unknown = { diagnosticSeverity: 'warning' };
  await withClient(FIXTURE(), { settings: () => settings }, async (client) => {
    await client.open('src/m.ts', SOURCE);
    await client.waitForDiagnostics('src/m.ts', (d) => d[0]?.severity === 2, 'Warning from workspace/configuration');
    settings = { diagnosticSeverity: 'hint' };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics('src/m.ts', (d) => d[0]?.severity === 4, 'Hint after didChangeConfiguration');
  });
});

test('settings: clients without workspace/configuration push them in didChangeConfiguration', async () => {
  const caps: ClientCapabilities = { textDocument: PUSH_CLIENT.textDocument };
  await withClient(FIXTURE(), { capabilities: caps }, async (client) => {
    await client.open('src/m.ts', SOURCE);
    await client.waitForDiagnostics('src/m.ts', (d) => d[0]?.severity === 3);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { testgap: { diagnosticSeverity: 'error' } } });
    await client.waitForDiagnostics('src/m.ts', (d) => d[0]?.severity === 1, 'Error from pushed settings');
  });
});

test('settings: package.json "testgap" applies, initializationOptions override it', async () => {
  const pkg = '{ "testgap": { "testDir": "spec", "diagnosticSeverity": "warning" } }';
  await withClient(FIXTURE(pkg), { initializationOptions: { diagnosticSeverity: 'hint' } }, async (client) => {
    await client.open('src/m.ts', SOURCE);
    const [d] = (await client.waitForDiagnostics('src/m.ts')).diagnostics;
    assert.is(d.severity, 4);
    assert.is(d.relatedInformation![0].location.uri, client.uri('spec/m.test.ts'));
  });
});

test('closing a document clears its diagnostics; non-file URIs are ignored', async () => {
  await withClient(FIXTURE(), {}, async (client) => {
    await client.open('src/m.ts', SOURCE);
    await client.waitForDiagnostics('src/m.ts', (d) => d.length === 1);
    await client.close('src/m.ts');
    await client.waitFor('cleared diagnostics', () => client.latest('src/m.ts')?.diagnostics.length === 0);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'untitled:Untitled-1', languageId: 'typescript', version: 1, text: SOURCE } });
    await client.open('src/m.ts', SOURCE);
    await client.waitForDiagnostics('src/m.ts', (d) => d.length === 1);
    assert.not.ok(client.diagnostics.has('untitled:Untitled-1'));
  });
});

test('a test file edited in the editor (unsaved) already counts', async () => {
  await withClient(FIXTURE(), {}, async (client) => {
    await client.open('src/m.ts', SOURCE);
    await client.waitForDiagnostics('src/m.ts', (d) => d.length === 1);
    await client.open('test/m.test.ts', `import { a } from '../src/m'; a();`);
    await client.change('test/m.test.ts', [{ text: `import { a, b } from '../src/m'; a(); b();` }]);
    await client.waitForDiagnostics('src/m.ts', (d) => d.length === 0, 'no diagnostics once the open test calls b');
  });
});

// Regressions from the review of the first version.

test('monorepo: each open file is published by the project of its own package only', async () => {
  const fixture = `//- /package.json
{ "name": "root" }
//- /scripts/release.ts
export function release() {}
//- /packages/a/package.json
{ "name": "a" }
//- /packages/a/src/a.ts
export function f() {}
//- /packages/a/test/a.ts
import { f } from '../src/a'; f();
`;
  await withClient(fixture, {}, async (client) => {
    await client.open('packages/a/src/a.ts', 'export function f() {}\n');
    await client.waitForDiagnostics('packages/a/src/a.ts', (d) => d.length === 0);
    await client.open('scripts/release.ts', 'export function release() {}\n');
    await client.waitForDiagnostics('scripts/release.ts', (d) => d.length === 1);
    const published = client.diagnostics.get(client.uri('packages/a/src/a.ts'))!;
    assert.ok(published.every((p) => p.diagnostics.length === 0), 'the root project never republished packages/a/src/a.ts');
  });
});

test('a deleted test folder (one event for the folder) takes its tests with it', async () => {
  await withClient(FIXTURE(), {}, async (client, p) => {
    p.write('test/unit/b.test.ts', `import { b } from '../../src/m'; b();`);
    await client.watchedFileChanged('test/unit/b.test.ts', 1);
    await client.open('src/m.ts', SOURCE);
    await client.waitForDiagnostics('src/m.ts', (d) => d.length === 0);
    fs.rmSync(path.join(p.root, 'test/unit'), { recursive: true });
    await client.watchedFileChanged('test/unit', 3);
    await client.waitForDiagnostics('src/m.ts', (d) => d.length === 1, 'b untested again');
  });
});

test('the project root stays inside the workspace folder; files in node_modules get no project', async () => {
  const p = tempProject(`//- /package.json
{ "name": "home" }
//- /proj/src/a.ts
export function a() {}
//- /proj/node_modules/dep/index.js
exports.helper = function () {};
`);
  const client = await TestClient.start({ root: path.join(p.root, 'proj'), transport: 'in-process' });
  try {
    await client.open('src/a.ts', 'export function a() {}\n');
    const [d] = (await client.waitForDiagnostics('src/a.ts')).diagnostics;
    assert.match(String(d.message), /belong in test\/a\.test\.ts/, 'rooted at the workspace folder, not at the package.json above it');
    await client.open('node_modules/dep/index.js', 'exports.helper = function () {};\n', 'javascript');
    await client.open('src/a.ts', 'export function a() {}\n');
    await client.waitForDiagnostics('src/a.ts');
    assert.not.ok(client.diagnostics.has(client.uri('node_modules/dep/index.js')));
    assert.ok(client.logs.some((l) => l.message.startsWith(`project ${path.join(p.root, 'proj')}:`)));
  } finally {
    await client.stop();
    p.remove();
  }
});

test('a skipped file is logged once, not on every edit', async () => {
  await withClient(FIXTURE('{ "testgap": { "maxFileSizeKb": 1 } }'), {}, async (client) => {
    const big = 'export function big() {}\n' + '//\n'.repeat(600);
    await client.open('src/big.ts', big);
    await client.waitForDiagnostics('src/big.ts');
    for (let i = 0; i < 3; i++) await client.change('src/big.ts', [{ text: big + `// ${i}\n` }]);
    await client.waitForDiagnostics('src/big.ts');
    assert.is(client.logs.filter((l) => l.message.includes('skipped src/big.ts')).length, 1);
  });
});

test('removing a workspace folder closes its projects once none of their documents is open', async () => {
  await withClient(FIXTURE(), {}, async (client, p) => {
    await client.open('src/m.ts', SOURCE);
    await client.waitForDiagnostics('src/m.ts', (d) => d.length === 1);
    const folder = { uri: client.uri(''), name: 'root' };
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder] } });
    await client.close('src/m.ts');
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [folder], removed: [folder] } });
    await client.waitFor('close log', () => client.logs.find((l) => l.message === `project ${p.root}: closed (its workspace folder was removed)`));
    // Opening a file again makes a fresh project.
    await client.open('src/m.ts', SOURCE);
    await client.waitForDiagnostics('src/m.ts', (d) => d.length === 1);
    assert.is(client.logs.filter((l) => l.message.startsWith(`project ${p.root}: 1 source files`)).length, 2);
  });
});

test('hostile settings from workspace/configuration do not stop the server', async () => {
  await withClient(FIXTURE(), { settings: () => JSON.parse('{"hasOwnProperty": true, "__proto__": {"x": 1}}') }, async (client) => {
    await client.open('src/m.ts', SOURCE);
    await client.waitForDiagnostics('src/m.ts', (d) => d.length === 1);
    await client.waitFor('warning', () => client.logs.find((l) => l.message.includes('unknown setting testgap.hasOwnProperty')));
  });
});

test.run();
