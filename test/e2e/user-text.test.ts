// Never lose user text, end to end: the CLI only appends/merges into an existing test file (whatever it holds) and
// writes atomically; symlinked and read-only test files are handled on purpose; an edit the server computed is
// pinned to the versions it was computed for, and a resolve for an outdated document is refused.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CodeAction, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { writeFileAtomic, WriteRefused } from '../../server/src/io/writeFile';
import { onlyInserted } from '../helpers/applyEdit';
import { FULL_CLIENT, SERVER_BIN, TestClient } from '../helpers/lspClient';
import { linkTestTools, tempProject } from '../helpers/tempProject';

const seed = Number(process.env.FC_SEED ?? 20260611);

function subsequence(a: Buffer, b: Buffer): boolean {
  let i = 0;
  for (let j = 0; j < b.length && i < a.length; j++) if (a[i] === b[j]) i++;
  return i === a.length;
}

function tempDir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-write-')));
}

// ---- writeFileAtomic ---------------------------------------------------------------------------------------------

test('writeFileAtomic: the new text goes to a temp file in the same folder, renamed over the target complete', () => {
  const dir = tempDir();
  const file = path.join(dir, 'a.test.ts');
  fs.writeFileSync(file, 'old text\n');
  const renames: { from: string; to: string; targetThen: string; tmpThen: string }[] = [];
  const writes: string[] = [];
  const { renameSync, writeFileSync } = fs;
  fs.renameSync = ((from: fs.PathLike, to: fs.PathLike) => {
    renames.push({ from: String(from), to: String(to), targetThen: fs.readFileSync(to, 'utf8'), tmpThen: fs.readFileSync(from, 'utf8') });
    renameSync(from, to);
  }) as typeof fs.renameSync;
  fs.writeFileSync = ((f: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    writes.push(typeof f === 'number' ? `fd` : String(f));
    return (writeFileSync as (...a: unknown[]) => void)(f, ...rest);
  }) as typeof fs.writeFileSync;
  try {
    writeFileAtomic(file, 'old text\nnew text\n');
  } finally {
    fs.renameSync = renameSync;
    fs.writeFileSync = writeFileSync;
  }
  assert.is(renames.length, 1);
  assert.is(path.dirname(renames[0].from), dir, 'same folder: rename is atomic only within a file system');
  assert.is(renames[0].to, file);
  assert.is(renames[0].targetThen, 'old text\n', 'the target was untouched until the rename');
  assert.is(renames[0].tmpThen, 'old text\nnew text\n', 'the temp file was complete before the rename');
  assert.not.ok(writes.includes(file), 'the target itself is never opened for writing');
  assert.is(fs.readFileSync(file, 'utf8'), 'old text\nnew text\n');
  assert.equal(fs.readdirSync(dir), ['a.test.ts'], 'no temp file left behind');
  fs.rmSync(dir, { recursive: true });
});

test('writeFileAtomic: a reader in another process never sees a partial file', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'big.test.ts');
  const done = path.join(dir, 'done');
  const a = 'a'.repeat(1 << 20);
  const b = 'b'.repeat(1 << 20) + 'b';
  fs.writeFileSync(file, a);
  // The reader reads until `done` exists and reports what it saw; it says "ready" once it has read once.
  const reader = spawn(
    process.execPath,
    ['-e', `const fs = require('fs'); let reads = 0, partial = 0;
      for (;;) { const t = fs.readFileSync(${JSON.stringify(file)}, 'utf8'); reads++;
        if (!(t === 'a'.repeat(${a.length}) || t === 'b'.repeat(${b.length}))) partial++;
        if (reads === 1) process.stdout.write('ready\\n');
        if (fs.existsSync(${JSON.stringify(done)})) break; }
      process.stdout.write(JSON.stringify({ reads, partial }) + '\\n');`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  await new Promise<void>((resolve) => reader.stdout!.on('data', (d) => ((out += d), out.includes('ready') && resolve())));
  for (let i = 0; i < 60; i++) writeFileAtomic(file, i % 2 ? a : b);
  fs.writeFileSync(done, '');
  await new Promise((resolve) => reader.on('exit', resolve));
  const result = JSON.parse(out.split('\n').filter(Boolean).pop()!) as { reads: number; partial: number };
  assert.ok(result.reads >= 2, out);
  assert.is(result.partial, 0, 'partial reads seen');
  fs.rmSync(dir, { recursive: true });
});

test('writeFileAtomic: a symlinked test file stays a link; its target is replaced atomically and keeps its mode', () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'shared'));
  fs.mkdirSync(path.join(dir, 'test'));
  const target = path.join(dir, 'shared', 'a.test.ts');
  const link = path.join(dir, 'test', 'a.test.ts');
  fs.writeFileSync(target, 'old\n');
  fs.chmodSync(target, 0o640);
  fs.symlinkSync('../shared/a.test.ts', link);
  writeFileAtomic(link, 'old\nnew\n');
  assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link was replaced by a regular file');
  assert.is(fs.readFileSync(target, 'utf8'), 'old\nnew\n');
  assert.is(fs.statSync(target).mode & 0o777, 0o640);
  assert.equal(fs.readdirSync(path.join(dir, 'shared')), ['a.test.ts'], 'no temp file left beside the target');
  fs.rmSync(dir, { recursive: true });
});

test('writeFileAtomic: a read-only file is refused with a clear error, not replaced', () => {
  const dir = tempDir();
  const file = path.join(dir, 'a.test.ts');
  fs.writeFileSync(file, 'keep me\n');
  fs.chmodSync(file, 0o444);
  assert.throws(() => writeFileAtomic(file, 'keep me\nmore\n'), (e: unknown) => e instanceof WriteRefused && /read-only; not written/.test((e as Error).message));
  assert.is(fs.readFileSync(file, 'utf8'), 'keep me\n');
  assert.is(fs.statSync(file).mode & 0o777, 0o444);
  assert.equal(fs.readdirSync(dir), ['a.test.ts']);
  fs.rmSync(dir, { recursive: true });
});

// ---- the CLI -----------------------------------------------------------------------------------------------------

const SOURCE = `export function formatPrice(cents: number): string {
  return '$' + (cents / 100).toFixed(2);
}

export function applyDiscount(cents: number, percent: number): number {
  if (percent < 0 || percent > 100) throw new RangeError('percent must be within 0..100');
  return Math.round(cents * (1 - percent / 100));
}
`;

function cliProject(testText: string | undefined) {
  const p = tempProject(`//- /package.json
{ "name": "shop", "private": true }
//- /src/pricing.ts
${SOURCE}`);
  linkTestTools(p.root);
  if (testText !== undefined) p.write('test/pricing.test.ts', testText);
  return p;
}

function generate(root: string) {
  const r = spawnSync(process.execPath, [SERVER_BIN, 'generate', 'src/pricing.ts'], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** Existing test files users have: a BOM, CRLF, comments in any script, surrogate pairs, no final newline. */
const existingTestFile = fc
  .tuple(
    fc.boolean(),
    fc.subarray(
      [
        "import { test } from 'uvu';",
        "import * as assert from 'uvu/assert';",
        "import { formatPrice } from '../src/pricing';",
        '// prices — ünïcødé, 😀, 𝒳, \u00a0non-breaking',
        "test('formats', () => {\n  assert.is(formatPrice(100), '$1.00');\n});",
        '/* a block\n   comment */',
        "const emoji = '😀'; // surrogate pairs",
        'test.run();',
      ],
      { minLength: 1 },
    ),
    fc.constantFrom('\n', '\r\n'),
    fc.constantFrom('', '\n', '\r\n', '\n\n'),
  )
  .map(([bom, lines, eol, end]) => (bom ? '\uFEFF' : '') + lines.join('\n').replace(/\n/g, eol) + end);

test('testgap generate keeps every byte of an existing test file (fixed-seed samples)', () => {
  const samples = fc.sample(existingTestFile, { seed, numRuns: Number(process.env.USER_TEXT_CLI_SAMPLES ?? 3) });
  for (const existing of samples) {
    const p = cliProject(existing);
    try {
      const r = generate(p.root);
      const after = fs.readFileSync(path.join(p.root, 'test/pricing.test.ts'));
      assert.ok(subsequence(Buffer.from(existing), after), `bytes lost\nexisting: ${JSON.stringify(existing)}\nafter: ${JSON.stringify(after.toString())}\n${r.out}`);
      assert.match(after.toString(), /\/\/ testgap: src\/pricing\.ts#/, r.out);
      // Again: nothing more.
      const again = generate(p.root);
      assert.is(fs.readFileSync(path.join(p.root, 'test/pricing.test.ts')).toString(), after.toString(), again.out);
    } finally {
      p.remove();
    }
  }
});

test('testgap generate writes through a symlinked test file and refuses a read-only one', () => {
  const p = cliProject(undefined);
  try {
    const shared = p.write('shared/pricing.test.ts', "import { test } from 'uvu';\ntest.run();\n");
    fs.mkdirSync(path.join(p.root, 'test'));
    fs.symlinkSync('../shared/pricing.test.ts', path.join(p.root, 'test/pricing.test.ts'));
    const r = generate(p.root);
    assert.ok(fs.lstatSync(path.join(p.root, 'test/pricing.test.ts')).isSymbolicLink(), r.out);
    // The file's own import takes the names it lacks (`suite`); nothing of it is removed.
    assert.ok(onlyInserted("import { test } from 'uvu';\ntest.run();\n", fs.readFileSync(shared, 'utf8')), r.out);
    assert.match(fs.readFileSync(shared, 'utf8'), /^import \{ test, suite \} from 'uvu';\n/, r.out);
    assert.match(fs.readFileSync(shared, 'utf8'), /\/\/ testgap: src\/pricing\.ts#formatPrice/, r.out);
  } finally {
    p.remove();
  }
  const q = cliProject("import { test } from 'uvu';\ntest.run();\n");
  try {
    const file = path.join(q.root, 'test/pricing.test.ts');
    fs.chmodSync(file, 0o444);
    const r = generate(q.root);
    assert.is(r.code, 1, 'refused, reported on one line, exit 1 (not an internal error): ' + r.out);
    assert.match(r.out, /^testgap: .*pricing\.test\.ts is read-only; not written/m);
    assert.not.match(r.out, /internal error|    at /);
    assert.is(fs.readFileSync(file, 'utf8'), "import { test } from 'uvu';\ntest.run();\n");
    assert.is(fs.statSync(file).mode & 0o777, 0o444);
  } finally {
    q.remove();
  }
});

// ---- the server: versions --------------------------------------------------------------------------------------

async function lspSetup() {
  const p = cliProject("import { test } from 'uvu';\ntest.run();\n");
  const client = await TestClient.start({ root: p.root, transport: 'in-process', capabilities: FULL_CLIENT });
  await client.open('src/pricing.ts', SOURCE);
  await client.waitForDiagnostics('src/pricing.ts', (d) => d.length === 2);
  const actions = async () => {
    const diagnostics = client.latest('src/pricing.ts')!.diagnostics;
    return client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('src/pricing.ts') },
      range: diagnostics[0].range,
      context: { diagnostics: [diagnostics[0]] },
    });
  };
  return { p, client, actions };
}

test('lsp: an action offered for version N is refused for version N+1 with ContentModified (-32801)', async () => {
  const { p, client, actions } = await lspSetup();
  try {
    const [action] = await actions();
    assert.is((action.data as { version: number }).version, 1);
    await client.change('src/pricing.ts', [{ text: SOURCE + '\n' }]);
    const error = await client.connection.sendRequest('codeAction/resolve', action).then(
      () => undefined,
      (e: { code: number; message: string }) => e,
    );
    assert.is(error?.code, -32801, JSON.stringify(error));
    assert.match(error!.message, /version 1, now 2/);
    assert.is(p.read('test/pricing.test.ts'), "import { test } from 'uvu';\ntest.run();\n", 'nothing written');
  } finally {
    await client.stop();
    p.remove();
  }
});

test('lsp: the edit is pinned to the version of the open test file it was computed from, even if it changes meanwhile', async () => {
  const { p, client, actions } = await lspSetup();
  try {
    const testText = "import { test } from 'uvu';\ntest.run();\n";
    await client.open('test/pricing.test.ts', testText);
    const v2 = await client.change('test/pricing.test.ts', [{ text: testText + '// edited\n' }]);
    const [action] = await actions();
    // Change the test file while generation runs (once its progress has begun, the text has been read).
    const progressBefore = client.progress.length;
    const resolving = client.connection.sendRequest<CodeAction>('codeAction/resolve', action);
    await client.waitFor('generation progress', () => client.progress.slice(progressBefore).some((x) => (x as { value?: { kind?: string } }).value?.kind === 'begin'));
    const v3 = await client.change('test/pricing.test.ts', [{ text: testText + '// edited again\n' }]);
    const resolved = await resolving;
    const edit = resolved.edit as WorkspaceEdit;
    const testEdit = edit.documentChanges!.find((c) => !('kind' in c) && c.textDocument.uri === client.uri('test/pricing.test.ts')) as TextDocumentEdit;
    assert.ok(testEdit, JSON.stringify(edit));
    assert.is(testEdit.textDocument.version, v2, `pinned to version ${v2}, the text it was computed on (the document is at ${v3} now: a client must refuse it)`);
    for (const e of testEdit.edits) assert.equal(e.range.start, e.range.end, 'insertions only');
  } finally {
    await client.stop();
    p.remove();
  }
});

test.run();
