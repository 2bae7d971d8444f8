// The whole loop an editor user goes through, against the real server over stdio: a missing-test diagnostic, its
// code action, lazy resolve, the edit applied and saved, the written tests passing under uvu, the diagnostic gone.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { CodeAction, WorkspaceEdit } from 'vscode-languageserver/node';
import { applyEditToDisk, onlyInserted } from '../helpers/applyEdit';
import { FULL_CLIENT, TestClient } from '../helpers/lspClient';
import { linkTestTools, runUvu, tempProject } from '../helpers/tempProject';

const SOURCE = `/** Applies a percentage discount, rounding to the nearest cent. */
export function applyDiscount(cents: number, percent: number): number {
  if (percent < 0 || percent > 100) throw new RangeError(\`percent must be within 0..100, got \${percent}\`);
  return Math.round(cents * (1 - percent / 100));
}

export function formatPrice(cents: number): string {
  return '$' + (cents / 100).toFixed(2);
}
`;

function project() {
  const p = tempProject(`//- /package.json
{ "name": "shop", "private": true }
//- /src/pricing.ts
${SOURCE}//- /test/pricing.test.ts
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPrice } from '../src/pricing';
test('formats', () => { assert.is(formatPrice(100), '$1.00'); });
test.run();
`);
  // The project has its test tools installed (ours, through a link).
  linkTestTools(p.root);
  return p;
}

/** A project, the server over stdio, src/pricing.ts open with its one missing-test, and the first action offered. */
async function actionForTheDiagnostic() {
  const p = project();
  const client = await TestClient.start({ root: p.root, transport: 'stdio', capabilities: FULL_CLIENT });
  await client.open('src/pricing.ts', SOURCE);
  const [diagnostic] = (await client.waitForDiagnostics('src/pricing.ts', (d) => d.length === 1)).diagnostics;
  const [action] = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: client.uri('src/pricing.ts') },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  });
  return { p, client, action };
}

test('diagnostic → code action → resolve → edit applied → tests pass under uvu → diagnostic gone', async () => {
  const p = project();
  const client = await TestClient.start({ root: p.root, transport: 'stdio', capabilities: FULL_CLIENT });
  try {
    const caps = client.initializeResult.capabilities;
    assert.equal(caps.codeActionProvider, { codeActionKinds: ['quickfix', 'source.addTest.testgap'], resolveProvider: true });
    assert.equal(caps.executeCommandProvider, { commands: ['testgap.generateTests', 'testgap.runCoverage'] });
    await client.open('src/pricing.ts', SOURCE);
    const [diagnostic] = (await client.waitForDiagnostics('src/pricing.ts', (d) => d.length === 1)).diagnostics;
    assert.is(diagnostic.code, 'missing-test');

    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('src/pricing.ts') },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], triggerKind: 1 },
    });
    assert.equal(actions.map((a) => [a.title, a.kind, !!a.isPreferred]), [
      ['Generate tests for `applyDiscount`', 'quickfix', true],
      ['Generate a parametrized table for `applyDiscount`', 'quickfix', false],
      ['Generate fast-check properties for `applyDiscount`', 'quickfix', false],
      ['Generate tests for all untested exports in this file', 'source.addTest.testgap', false],
    ]);
    assert.ok(actions.every((a) => a.edit === undefined && a.data !== undefined), 'edits are computed on resolve');

    const resolved = await client.connection.sendRequest<CodeAction>('codeAction/resolve', actions[0]);
    const edit = resolved.edit as WorkspaceEdit;
    assert.ok(client.progress.length >= 2, 'progress was reported');
    const changes = edit.documentChanges!;
    assert.is(changes.length, 1, 'the test file exists: one text edit, no CreateFile');
    const before = p.read('test/pricing.test.ts');
    applyEditToDisk(edit);
    const after = p.read('test/pricing.test.ts');
    assert.ok(onlyInserted(before.slice(0, before.indexOf('\ntest(')), after.slice(0, after.indexOf('\ntest('))), 'the existing imports are kept (names may join them)');
    assert.ok(after.includes(before.slice(before.indexOf('\ntest('))), 'the existing tests are kept byte for byte');
    assert.match(after, /\/\/ testgap: src\/pricing\.ts#applyDiscount/);
    assert.match(after, /\['applyDiscount\([^']*\) throws RangeError', \[[^\]]*\], 'RangeError', 'percent must be within 0\.\.100, got [^']*'\]/);

    const run = runUvu(p.root);
    assert.is(run.status, 0, run.output);
    assert.match(run.output, /Passed:\s+\d+/);
    assert.not.match(run.output, /FAIL/);

    // The editor saves the edited test file.
    await client.watchedFileChanged('test/pricing.test.ts', 2);
    await client.waitForDiagnostics('src/pricing.ts', (d) => d.length === 0, 'no missing-test left');
    assert.is(await client.stop(), 0);
  } finally {
    client.dispose();
    p.remove();
  }
});

test('a resolve for a version that is no longer current is refused with ContentModified', async () => {
  const { p, client, action } = await actionForTheDiagnostic();
  try {
    await client.change('src/pricing.ts', [{ text: SOURCE + '\n' }]);
    const error = await client.connection.sendRequest('codeAction/resolve', action).then(
      () => undefined,
      (e: { code: number; message: string }) => e,
    );
    assert.is(error?.code, -32801);
    assert.match(error!.message, /changed since this action was offered/);
    assert.is(await client.stop(), 0);
  } finally {
    client.dispose();
    p.remove();
  }
});

test('$/cancelRequest stops a running resolve: RequestCancelled, and no sandbox process is left', async () => {
  const { p, client, action } = await actionForTheDiagnostic();
  try {
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest('codeAction/resolve', action, source.token).then(
      () => undefined,
      (e: { code: number }) => e,
    );
    // Cancel once the server reports that generation has started.
    await client.waitFor('progress', () => client.progress.length > 0);
    source.cancel();
    const error = await pending;
    assert.is(error?.code, -32800, 'RequestCancelled');
    const serverPid = String((client as unknown as { child: { pid: number } }).child.pid);
    const children = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', serverPid], { encoding: 'utf8' }).stdout.trim();
    assert.not.match(children, /harness\.js|testRunner\.js/, 'the sandbox child was killed');
    assert.not.ok(fs.existsSync(path.join(p.root, 'test/pricing.test.ts')) && p.read('test/pricing.test.ts').includes('testgap:'), 'nothing written');
    assert.is(await client.stop(), 0);
  } finally {
    client.dispose();
    p.remove();
  }
});

test('a new test file is created with CreateFile when the client supports it', async () => {
  const p = project();
  fs.rmSync(path.join(p.root, 'test/pricing.test.ts'));
  const client = await TestClient.start({ root: p.root, transport: 'stdio', capabilities: FULL_CLIENT });
  try {
    await client.open('src/pricing.ts', SOURCE);
    await client.waitForDiagnostics('src/pricing.ts', (d) => d.length === 2);
    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('src/pricing.ts') },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source'] },
    });
    assert.equal(actions.map((a) => a.kind), ['source.addTest.testgap']);
    const resolved = await client.connection.sendRequest<CodeAction>('codeAction/resolve', actions[0]);
    const changes = resolved.edit!.documentChanges!;
    assert.equal(changes[0], { kind: 'create', uri: client.uri('test/pricing.test.ts'), options: { ignoreIfExists: true } });
    applyEditToDisk(resolved.edit!);
    const run = runUvu(p.root);
    assert.is(run.status, 0, run.output);
    await client.watchedFileChanged('test/pricing.test.ts', 1);
    await client.waitForDiagnostics('src/pricing.ts', (d) => d.length === 0, 'both units tested now');
    assert.is(await client.stop(), 0);
  } finally {
    client.dispose();
    p.remove();
  }
});

test.run();
