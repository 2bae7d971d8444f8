// The server in this process, driven by a scripted client over in-memory streams: pull diagnostics, settings from
// every source, capability negotiation.
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

test.run();
