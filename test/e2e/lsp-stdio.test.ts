// The real server over stdio, as an editor runs it.
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PUSH_CLIENT, TestClient } from '../helpers/lspClient';
import { tempProject } from '../helpers/tempProject';

const PRICING = `/** Formats cents. */
export function formatPrice(cents: number): string {
  return '$' + (cents / 100).toFixed(2);
}

export const discount = (price: number, pct = 10) => price * (1 - pct / 100);

export class Cart {
  add(price: number) { return this; }
}
`;

const FIXTURE = `//- /package.json
{ "name": "shop", "private": true }
//- /src/pricing.ts
${PRICING}//- /test/pricing.test.ts
import { test } from 'uvu';
import { formatPrice } from '../src/pricing';
test('formats', () => { formatPrice(100); });
test.run();
`;

test('initialize → open → exactly the expected diagnostics; a saved new test file removes one', async () => {
  const p = tempProject(FIXTURE);
  const client = await TestClient.start({ root: p.root, transport: 'stdio' });
  try {
    assert.equal(client.initializeResult.capabilities.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
    assert.is(client.initializeResult.capabilities.diagnosticProvider, undefined, 'push client: no pull provider');
    await client.waitFor('file watcher registration', () => client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles'));

    await client.open('src/pricing.ts', PRICING);
    const first = await client.waitForDiagnostics('src/pricing.ts');
    assert.is(first.version, 1);
    const testUri = client.uri('test/pricing.test.ts');
    assert.equal(first.diagnostics, [
      {
        range: { start: { line: 5, character: 13 }, end: { line: 5, character: 21 } },
        severity: 3,
        source: 'testgap',
        code: 'missing-test',
        message: 'No test exercises `discount` (tests for it belong in test/pricing.test.ts)',
        relatedInformation: [{ location: { uri: testUri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, message: 'tests for `discount` belong here' }],
        data: { unitId: 'src/pricing.ts#discount' },
      },
      {
        range: { start: { line: 7, character: 13 }, end: { line: 7, character: 17 } },
        severity: 3,
        source: 'testgap',
        code: 'missing-test',
        message: 'No test uses class `Cart` (tests for it belong in test/pricing.test.ts)',
        relatedInformation: [{ location: { uri: testUri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, message: 'tests for `Cart` belong here' }],
        data: { unitId: 'src/pricing.ts#Cart' },
      },
    ]);

    // The user creates a test file in the editor and saves it: didOpen, the file on disk, didSave, the watcher event.
    const newTest = `import { discount } from '../src/pricing';\ndiscount(100);\n`;
    await client.open('test/discount.test.ts', newTest);
    p.write('test/discount.test.ts', newTest);
    await client.save('test/discount.test.ts');
    await client.watchedFileChanged('test/discount.test.ts', 1);
    const after = await client.waitForDiagnostics('src/pricing.ts', (d) => d.length === 1, 'one diagnostic left');
    assert.equal(after.diagnostics.map((d) => d.message), ['No test uses class `Cart` (tests for it belong in test/pricing.test.ts)']);
    assert.equal(client.latest('test/discount.test.ts')?.diagnostics ?? [], [], 'test files get no diagnostics');
    assert.is(await client.stop(), 0);
  } finally {
    client.dispose();
    p.remove();
  }
});

test('edits are analysed for the version they were made in (incremental sync)', async () => {
  const p = tempProject(FIXTURE);
  const client = await TestClient.start({ root: p.root, transport: 'stdio' });
  try {
    await client.open('src/pricing.ts', PRICING);
    await client.waitForDiagnostics('src/pricing.ts', (d) => d.length === 2);
    // Rename `discount` to `rebate` and add a line above it, in two incremental edits of one didChange.
    const version = await client.change('src/pricing.ts', [
      { range: { start: { line: 5, character: 13 }, end: { line: 5, character: 21 } }, text: 'rebate' },
      { range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, text: '// 😀 note\r\n' },
    ]);
    const d = await client.waitForDiagnostics('src/pricing.ts', (ds) => ds.some((x) => String(x.message).includes('rebate')));
    assert.is(d.version, version);
    assert.equal(d.diagnostics[0].range, { start: { line: 6, character: 13 }, end: { line: 6, character: 19 } });
    assert.is(await client.stop(), 0);
  } finally {
    client.dispose();
    p.remove();
  }
});

test('without watcher registration the server watches the disk itself', async () => {
  const p = tempProject(FIXTURE);
  const caps = { ...PUSH_CLIENT, workspace: { ...PUSH_CLIENT.workspace, didChangeWatchedFiles: { dynamicRegistration: false } } };
  const client = await TestClient.start({ root: p.root, transport: 'stdio', capabilities: caps });
  try {
    await client.open('src/pricing.ts', PRICING);
    await client.waitForDiagnostics('src/pricing.ts', (d) => d.length === 2);
    assert.equal(client.registrations, []);
    // Written by another program (a terminal, git): no LSP message about it reaches the server.
    p.write('test/more/cart.test.ts', `import { Cart } from '../../src/pricing';\nnew Cart().add(1);\n`);
    const after = await client.waitForDiagnostics('src/pricing.ts', (d) => d.length === 1, 'Cart diagnostic gone');
    assert.match(String(after.diagnostics[0].message), /discount/);
    fs.rmSync(`${p.root}/test/more`, { recursive: true });
    await client.waitForDiagnostics('src/pricing.ts', (d) => d.length === 2, 'Cart diagnostic back after the test is deleted');
    assert.is(await client.stop(), 0);
  } finally {
    client.dispose();
    p.remove();
  }
});

test('bad input: a 5 MB file and a binary file are skipped with a logged reason; the server keeps answering', async () => {
  const p = tempProject(FIXTURE);
  const client = await TestClient.start({ root: p.root, transport: 'stdio' });
  try {
    const huge = 'export function f() {}\n' + '// filler line of a generated file\n'.repeat(150_000);
    assert.ok(huge.length > 5_000_000);
    await client.open('src/huge.ts', huge);
    await client.waitFor('skip log', () => client.logs.find((l) => /skipped src\/huge\.ts: 5\.\d MB is over maxFileSizeKb \(1024\)/.test(l.message)));
    assert.equal((await client.waitForDiagnostics('src/huge.ts')).diagnostics, []);
    await client.open('src/blob.js', 'PK\u0003\u0004\u0000\u0000binary', 'javascript');
    await client.waitFor('binary log', () => client.logs.find((l) => /skipped src\/blob\.js: binary content/.test(l.message)));
    await client.open('src/pricing.ts', PRICING);
    assert.is((await client.waitForDiagnostics('src/pricing.ts')).diagnostics.length, 2);
    assert.is(await client.stop(), 0);
  } finally {
    client.dispose();
    p.remove();
  }
});

test('bad settings: an unknown value falls back to the default with a logged warning', async () => {
  const p = tempProject(FIXTURE);
  const client = await TestClient.start({
    root: p.root,
    transport: 'stdio',
    initializationOptions: { testgap: { diagnosticSeverity: 'loud', noSuchSetting: 1 } },
  });
  try {
    await client.open('src/pricing.ts', PRICING);
    const d = await client.waitForDiagnostics('src/pricing.ts');
    assert.ok(d.diagnostics.every((x) => x.severity === 3), 'Information, the default');
    const warnings = client.logs.filter((l) => l.type === 2).map((l) => l.message);
    assert.ok(warnings.includes('settings: initializationOptions: testgap.diagnosticSeverity = "loud" is not valid; using the default "information"'), warnings.join('\n'));
    assert.ok(warnings.includes('settings: initializationOptions: unknown setting testgap.noSuchSetting ignored'));
    assert.is(await client.stop(), 0);
  } finally {
    client.dispose();
    p.remove();
  }
});

test('an editor that dies (stdin closed, no exit) takes the server with it', async () => {
  const p = tempProject(FIXTURE);
  const client = await TestClient.start({ root: p.root, transport: 'stdio' });
  try {
    await client.open('src/pricing.ts', PRICING);
    await client.waitForDiagnostics('src/pricing.ts');
    const child = (client as unknown as { child: import('node:child_process').ChildProcess }).child;
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin!.end();
    assert.is(await exited, 1, 'exit without shutdown is code 1 (LSP spec)');
  } finally {
    client.dispose();
    p.remove();
  }
});

test.run();
