// Model-based protocol fuzzing of the language server, in this process (issue 6, part 3).
//
// fast-check generates command sequences an editor could send — open, edits (CRLF, surrogate pairs, emoji, positions
// out of range, deletions across lines), save, close, code actions, codeAction/resolve (fresh, stale, cancelled),
// $/cancelRequest, didChangeConfiguration with random and invalid settings, didChangeWatchedFiles — against a tiny
// project, then shutdown. After every sequence (and at `settle` commands inside it) these must hold:
// - nothing crashed: no unhandled rejection or uncaught exception in this process (the server shares it) and no
//   Error-level log from the server;
// - every request got a result or a JSON-RPC error;
// - diagnostics were published only for documents the client opened (never for untitled: or node_modules), a closed
//   document's last diagnostics are empty, and once the last change has settled every open document's last
//   diagnostics carry the latest version the client sent;
// - every range the server returned (diagnostics, related information in the same file, code action edits) is valid
//   for the text of the version it is for: inside the document, and never between the halves of a surrogate pair.
//
// Seeds are fixed so CI is deterministic; FUZZ_SEED / FUZZ_RUNS explore further by hand, e.g.
//   FUZZ_RUNS=300 FUZZ_SEED=7 node_modules/.bin/uvu out/test/fuzz 'lsp-model\.test\.js$'
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import type { ClientCapabilities, CodeAction, Diagnostic, PublishDiagnosticsParams, Range, TextDocumentContentChangeEvent, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FULL_CLIENT, TestClient } from '../helpers/lspClient';
import { linkTestTools, tempProject, type TempProject } from '../helpers/tempProject';

const seed = Number(process.env.FUZZ_SEED ?? 42);
const numRuns = Number(process.env.FUZZ_RUNS ?? 60);
const REQUEST_LIMIT_MS = 60_000;

const SRC_A = `/** Adds. @example add(1, 2) // 3 */\nexport function add(a: number, b: number): number {\n  return a + b;\n}\nexport const twice = (s: string) => s + s;\r\nexport class Box { get v() { return 1; } }\n`;
const TEST_A = `import { test } from 'uvu';\nimport { add } from '../src/a';\ntest('add', () => { add(1, 2); });\n// Counterexamples the fuzzer found, kept as fixed sequences.

const noCoverage: Setup = { coverage: false, configuration: false, generations: 0 };
const SRC = DOCS[0];

test('regression: coverage ranges stay inside a file that does not parse (istanbul columns past the line end)', async () => {
  // Seed 7, run 250: package.json broken (so coverage on save is back on), a file ending in an open string saved.
  await runSequence(noCoverage, [new OpenCmd(SRC, 'export function f(x: number) { return x * 2; }\n"'), new WatchedCmd('pkg-broken', []), new SaveCmd(SRC), new SettleCmd()]);
});

test.run();\n`;
const pkg = (coverage: boolean, severity = 'information') =>
  JSON.stringify({ name: 'fz', private: true, testgap: { coverageOnSave: coverage, debounceMs: 0, diagnosticSeverity: severity } });

// -------------------------------------------------------------------------------------------------------------------
// Ranges.

/** Line starts as LSP counts lines: only \n, \r\n and \r end one (U+2028 does not). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    if (c === 13 || c === 10) starts.push(i + 1);
  }
  return starts;
}

/** Why `range` is not a valid range of `text`, or undefined when it is. */
function invalidRange(text: string, range: Range): string | undefined {
  const starts = lineStarts(text);
  const offset = (p: { line: number; character: number }, which: string): number | string => {
    if (!Number.isInteger(p?.line) || !Number.isInteger(p?.character) || p.line < 0 || p.character < 0) return `${which} is not a position: ${JSON.stringify(p)}`;
    if (p.line >= starts.length) return `${which} line ${p.line} past the last line ${starts.length - 1}`;
    const lineEnd = p.line + 1 < starts.length ? starts[p.line + 1] : text.length;
    let contentEnd = lineEnd;
    if (p.line + 1 < starts.length) contentEnd -= text.charCodeAt(lineEnd - 2) === 13 && text.charCodeAt(lineEnd - 1) === 10 ? 2 : 1;
    const o = starts[p.line] + p.character;
    if (o > contentEnd) return `${which} character ${p.character} past the end of line ${p.line} (length ${contentEnd - starts[p.line]})`;
    const hi = text.charCodeAt(o - 1);
    const lo = text.charCodeAt(o);
    if (hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) return `${which} ${JSON.stringify(p)} splits a surrogate pair`;
    return o;
  };
  const s = offset(range?.start, 'start');
  if (typeof s === 'string') return s;
  const e = offset(range?.end, 'end');
  if (typeof e === 'string') return e;
  return s > e ? `start after end: ${JSON.stringify(range)}` : undefined;
}

// -------------------------------------------------------------------------------------------------------------------
// The system under test and what the client knows about it.

interface Doc {
  /** Path relative to the project root, or a whole URI for documents outside any project. */
  rel: string;
  /** Whether the server owes this document diagnostics. */
  analysed: boolean;
  languageId: string;
}

const DOCS: Doc[] = [
  { rel: 'src/a.ts', analysed: true, languageId: 'typescript' },
  { rel: 'src/b.ts', analysed: true, languageId: 'typescript' },
  { rel: 'test/a.test.ts', analysed: true, languageId: 'typescript' },
  { rel: 'node_modules/dep/x.js', analysed: false, languageId: 'javascript' },
  { rel: 'untitled:Untitled-1', analysed: false, languageId: 'typescript' },
];

interface Model {
  open: Set<string>;
  offered: number;
  /** Fresh (uncancelled) resolves allowed in this sequence: each runs generation, which takes seconds. */
  generations: number;
}

interface Real {
  client: TestClient;
  p: TempProject;
  coverage: boolean;
  /** Text of each version the client sent, by `uri@version` (versions never repeat for a URI, across reopens too). */
  texts: Map<string, string>;
  docs: Map<string, TextDocument>;
  lastVersion: Map<string, number>;
  /** Publishes already checked, per URI. */
  checked: Map<string, number>;
  offered: { action: CodeAction; uri: string; version: number }[];
  /** Requests in flight that the sequence did not wait for. */
  pending: Promise<void>[];
  failures: string[];
  requests: number;
  /** What workspace/configuration answers. */
  settings: unknown;
}

function uriOf(r: Real, doc: Doc): string {
  return doc.rel.includes(':') ? doc.rel : r.client.uri(doc.rel);
}

function docOf(r: Real, uri: string): Doc | undefined {
  return DOCS.find((d) => uriOf(r, d) === uri);
}

/** Sends a request and records a failure unless a result or a JSON-RPC error comes back. */
async function request<T>(r: Real, method: string, params: unknown, token?: CancellationTokenSource): Promise<{ result?: T; error?: ResponseError<unknown> }> {
  r.requests++;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), REQUEST_LIMIT_MS)));
  try {
    const answer = await Promise.race([(token ? r.client.connection.sendRequest<T>(method, params, token.token) : r.client.connection.sendRequest<T>(method, params)).then((result) => ({ result })), limit]);
    if (answer === 'timeout') {
      r.failures.push(`${method}: no response within ${REQUEST_LIMIT_MS} ms`);
      return {};
    }
    return answer;
  } catch (error) {
    if (error instanceof ResponseError) return { error };
    r.failures.push(`${method}: rejected with something that is not a JSON-RPC error: ${(error as Error)?.stack ?? error}`);
    return {};
  } finally {
    clearTimeout(timer);
  }
}

function checkEdit(r: Real, edit: WorkspaceEdit | undefined, disk: Map<string, string | undefined>, where: string): void {
  if (!edit) return;
  const check = (uri: string, version: number | null, edits: { range: Range }[]) => {
    const text = version !== null ? r.texts.get(`${uri}@${version}`) : (disk.get(uri) ?? '');
    if (text === undefined) return void r.failures.push(`${where}: edit for ${uri} version ${version}, which the client never sent`);
    for (const e of edits) {
      const why = invalidRange(text, e.range);
      if (why) r.failures.push(`${where}: edit range in ${uri}: ${why}`);
    }
  };
  for (const c of edit.documentChanges ?? []) if ('edits' in c) check(c.textDocument.uri, (c as TextDocumentEdit).textDocument.version, c.edits);
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) check(uri, null, edits);
}

/** Checks every publish since the last call: only for opened documents, versions the client sent, valid ranges. */
function checkPublishes(r: Real): void {
  for (const [uri, all] of r.client.diagnostics) {
    const doc = docOf(r, uri);
    for (const p of all.slice(r.checked.get(uri) ?? 0)) checkPublish(r, doc, p);
    r.checked.set(uri, all.length);
  }
}

function checkPublish(r: Real, doc: Doc | undefined, p: PublishDiagnosticsParams): void {
  if (!doc || !doc.analysed) return void r.failures.push(`diagnostics published for ${p.uri}, which gets none`);
  if (p.version === undefined || p.version === null) {
    // The clearing publish of a closed document carries no version.
    if (p.diagnostics.length > 0) r.failures.push(`diagnostics without a version for ${p.uri}: ${JSON.stringify(p.diagnostics)}`);
    return;
  }
  const text = r.texts.get(`${p.uri}@${p.version}`);
  if (text === undefined) return void r.failures.push(`diagnostics for ${p.uri} version ${p.version}, which the client never sent`);
  const ranges = (d: Diagnostic) => [d.range, ...(d.relatedInformation ?? []).filter((i) => i.location.uri === p.uri).map((i) => i.location.range)];
  for (const d of p.diagnostics) {
    for (const range of ranges(d)) {
      const why = invalidRange(text, range);
      if (why) r.failures.push(`${d.code} diagnostic${range === d.range ? '' : ' (related information)'} on ${doc.rel} v${p.version} ${JSON.stringify(text)}: ${why}`);
    }
  }
}

/** Waits until every request is answered, coverage runs are over, and each open document's last publish is current. */
async function settle(r: Real, model: Model): Promise<void> {
  await Promise.all(r.pending.splice(0));
  // A round trip: the server handles messages in order, so once this answer is back every notification sent before
  // it (a close, a watched file) has been handled.
  await request(r, 'textDocument/codeLens', { textDocument: { uri: 'untitled:barrier' } });
  const root = r.p.root;
  const analysedOpen = () => [...model.open].map((rel) => DOCS.find((d) => d.rel === rel)!).filter((d) => d.analysed);
  try {
    await r.client.waitFor(
      'open documents published at their latest version, no coverage run in flight',
      () => {
        if (r.client.session!.coverage.isRunning(root)) return false;
        return analysedOpen().every((d) => {
          const uri = uriOf(r, d);
          const all = r.client.diagnostics.get(uri);
          return all?.[all.length - 1]?.version === r.docs.get(uri)!.version;
        });
      },
      REQUEST_LIMIT_MS,
    );
  } catch (error) {
    const last = analysedOpen().map((d) => `${d.rel}: sent v${r.docs.get(uriOf(r, d))!.version}, last published ${JSON.stringify(r.client.latest(d.rel)?.version)}`);
    r.failures.push(`${(error as Error).message.split('\n')[0]} (${last.join('; ')})`);
  }
  checkPublishes(r);
  for (const d of DOCS) {
    if (!d.analysed || model.open.has(d.rel)) continue;
    const last = r.client.latest(d.rel);
    if (last && last.diagnostics.length > 0) {
      const history = r.client.diagnostics.get(uriOf(r, d))!.map((x) => `v${x.version}:${x.diagnostics.length}`);
      r.failures.push(`${d.rel} is closed but its last diagnostics are ${JSON.stringify(last.diagnostics.map((x) => x.code))} (publishes: ${history.join(' ')})`);
    }
  }
}

// -------------------------------------------------------------------------------------------------------------------
// Generators.

const textPiece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('export function f(x: number) { return x * 2; }\n', 'export const g = () => 1;\r\n', 'export class K { m() {} static s() {} }\n', 'module.exports = { h() {} };\n', 'import { add } from "../src/a"; add(1, 2);\n', 'export default function () {}\r') },
  { weight: 3, arbitrary: fc.constantFrom('\r\n', '\r', '\n', '😀', '\uD83D', '\uDE00', '名前', 'e\u0301', '\u2028', '}', '{', '`${', '"', '/*', 'export ', 'function ', '\uFEFF', '\t') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);
const text = fc.array(textPiece, { maxLength: 6 }).map((p) => p.join(''));
const coord = fc.oneof({ weight: 8, arbitrary: fc.nat(12) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1000, 2 ** 31 - 1) });
const position = fc.record({ line: coord, character: coord });
const range = fc.record({ start: position, end: position });
const contentChange: fc.Arbitrary<TextDocumentContentChangeEvent> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ range, text }) },
  // Deletions across lines.
  { weight: 3, arbitrary: fc.record({ range: fc.record({ start: fc.record({ line: fc.nat(4), character: fc.nat(30) }), end: fc.record({ line: fc.nat(8), character: fc.nat(30) }) }), text: fc.constant('') }) },
  { weight: 1, arbitrary: text.map((t) => ({ text: t })) },
);
const docArb = fc.constantFrom(...DOCS);
const settingsValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      diagnosticSeverity: fc.constantFrom('error', 'warning', 'information', 'hint', 'loud', 3),
      debounceMs: fc.constantFrom(0, 5, -1, 'soon', 1.5, null),
      maxFileSizeKb: fc.constantFrom(1, 1024, 0, -5, '1'),
      testDir: fc.constantFrom('spec', null, 7, ''),
      testFilePattern: fc.constantFrom(['**/test/**'], 'test/**', [3], {}),
      exclude: fc.constantFrom(['**/node_modules/**'], 42, [null]),
      coverageTargets: fc.constantFrom({ unit: 90 }, { unit: 101 }, { integration: 'x' }, null, []),
      propertyRuns: fc.constantFrom({ default: 5 }, { fast: 0 }, 'many'),
      execute: fc.constantFrom('yes', 1, null),
      coverageOnSave: fc.constantFrom('no', 0),
      llm: fc.constantFrom({ model: 3 }, null, { endpoint: 'http://localhost:1' }),
      nonsense: fc.anything({ maxDepth: 2 }),
    },
    { requiredKeys: [] },
  ),
  fc.constantFrom(null, 0, 'testgap', [], [1, 2], true),
  fc.constant(JSON.parse('{"__proto__": {"debounceMs": 0}, "constructor": {"prototype": {}}, "hasOwnProperty": 1}')),
  fc.anything({ maxDepth: 2 }),
);

// -------------------------------------------------------------------------------------------------------------------
// Commands.

type Cmd = fc.AsyncCommand<Model, Real>;

function nextVersion(r: Real, uri: string): number {
  const v = (r.lastVersion.get(uri) ?? 0) + 1;
  r.lastVersion.set(uri, v);
  return v;
}

class OpenCmd implements Cmd {
  constructor(readonly doc: Doc, readonly text: string) {}
  check = (m: Readonly<Model>) => !m.open.has(this.doc.rel);
  async run(m: Model, r: Real): Promise<void> {
    const uri = uriOf(r, this.doc);
    const version = nextVersion(r, uri);
    const text = this.doc.rel === 'src/a.ts' && this.text === '' ? SRC_A : this.text;
    r.docs.set(uri, TextDocument.create(uri, this.doc.languageId, version, text));
    r.texts.set(`${uri}@${version}`, text);
    m.open.add(this.doc.rel);
    await r.client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: this.doc.languageId, version, text } });
  }
  toString = () => `open(${this.doc.rel}, ${JSON.stringify(this.text)})`;
}

class ChangeCmd implements Cmd {
  constructor(readonly doc: Doc, readonly changes: TextDocumentContentChangeEvent[]) {}
  check = (m: Readonly<Model>) => m.open.has(this.doc.rel);
  async run(_m: Model, r: Real): Promise<void> {
    const uri = uriOf(r, this.doc);
    const version = nextVersion(r, uri);
    const doc = r.docs.get(uri)!;
    TextDocument.update(doc, this.changes, version);
    r.texts.set(`${uri}@${version}`, doc.getText());
    await r.client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: this.changes });
  }
  toString = () => `change(${this.doc.rel}, ${JSON.stringify(this.changes)})`;
}

class SaveCmd implements Cmd {
  constructor(readonly doc: Doc) {}
  check = (m: Readonly<Model>) => m.open.has(this.doc.rel);
  async run(_m: Model, r: Real): Promise<void> {
    const uri = uriOf(r, this.doc);
    // An editor writes the file, then tells the server. Only files of the project are written (node_modules is a
    // link to this repository's).
    if (this.doc.analysed) r.p.write(this.doc.rel, r.docs.get(uri)!.getText());
    await r.client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
  }
  toString = () => `save(${this.doc.rel})`;
}

class CloseCmd implements Cmd {
  constructor(readonly doc: Doc) {}
  check = (m: Readonly<Model>) => m.open.has(this.doc.rel);
  async run(m: Model, r: Real): Promise<void> {
    m.open.delete(this.doc.rel);
    r.docs.delete(uriOf(r, this.doc));
    await r.client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(r, this.doc) } });
  }
  toString = () => `close(${this.doc.rel})`;
}

class CodeActionCmd implements Cmd {
  constructor(
    readonly doc: Doc,
    readonly range: Range,
    readonly only: string[] | undefined,
    readonly fromPublished: boolean,
    readonly wait: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const uri = uriOf(r, this.doc);
    const version = r.docs.get(uri)?.version;
    const published = this.fromPublished ? (r.client.diagnostics.get(uri)?.at(-1)?.diagnostics ?? []) : [];
    const junk: Diagnostic = { range: this.range, message: 'x', source: 'testgap', code: 'missing-test', data: { unitId: 'src/a.ts#add' } };
    const params = { textDocument: { uri }, range: this.range, context: { diagnostics: [...published, junk], ...(this.only ? { only: this.only } : {}) } };
    const done = request<(CodeAction | unknown)[]>(r, 'textDocument/codeAction', params).then(({ result, error }) => {
      if (error) return void r.failures.push(`codeAction on ${this.doc.rel} v${version}: error ${error.code} ${error.message}`);
      if (!Array.isArray(result)) return void r.failures.push(`codeAction: not an array: ${JSON.stringify(result)}`);
      for (const a of result as CodeAction[]) {
        const data = a.data as { uri?: string; version?: number } | undefined;
        if (!data || data.uri !== uri || data.version !== version) r.failures.push(`code action ${a.title} carries ${JSON.stringify(data)}, not ${uri}@${version}`);
        else r.offered.push({ action: a, uri, version: data.version! });
      }
      m.offered = r.offered.length;
    });
    if (this.wait) await done;
    else r.pending.push(done);
  }
  toString = () => `codeAction(${this.doc.rel}, ${JSON.stringify(this.range)}, only=${JSON.stringify(this.only)}, published=${this.fromPublished}, wait=${this.wait})`;
}

class ResolveCmd implements Cmd {
  constructor(
    readonly pick: number,
    readonly cancel: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.offered > 0;
  async run(m: Model, r: Real): Promise<void> {
    const offer = r.offered[this.pick % r.offered.length];
    const current = r.docs.get(offer.uri)?.version;
    const stale = current !== offer.version;
    // A fresh resolve runs generation (seconds): allowed a few times per sequence, cancelled otherwise.
    const cancel = this.cancel || (!stale && m.generations-- <= 0);
    const disk = new Map<string, string | undefined>();
    for (const rel of ['test/a.test.ts', 'test/b.test.ts', 'package.json']) disk.set(r.client.uri(rel), fs.existsSync(path.join(r.p.root, rel)) ? r.p.read(rel) : undefined);
    const source = new CancellationTokenSource();
    const done = request<CodeAction>(r, 'codeAction/resolve', offer.action, source).then(({ result, error }) => {
      const what = `resolve "${offer.action.title}" v${offer.version} (now ${current}${cancel ? ', cancelled' : ''})`;
      if (stale) {
        if (error?.code !== -32801) r.failures.push(`${what}: expected ContentModified, got ${error ? `${error.code} ${error.message}` : 'a result'}`);
        return;
      }
      if (error && !(cancel && error.code === -32800)) r.failures.push(`${what}: error ${error.code} ${error.message}`);
      if (error) stats.resolveErrors++;
      if (result) stats.generated++;
      if (result) checkEdit(r, result.edit, disk, what);
    });
    if (cancel) source.cancel();
    r.pending.push(done.finally(() => source.dispose()));
  }
  toString = () => `resolve(#${this.pick}, cancel=${this.cancel})`;
}

class CancelRawCmd implements Cmd {
  constructor(readonly id: unknown) {}
  check = () => true;
  async run(_m: Model, r: Real): Promise<void> {
    await r.client.connection.sendNotification('$/cancelRequest', { id: this.id });
  }
  toString = () => `$/cancelRequest(${JSON.stringify(this.id)})`;
}

class ConfigCmd implements Cmd {
  constructor(
    readonly answer: unknown,
    readonly pushed: unknown,
  ) {}
  check = () => true;
  async run(_m: Model, r: Real): Promise<void> {
    r.settings = this.answer;
    await r.client.connection.sendNotification('workspace/didChangeConfiguration', { settings: this.pushed });
  }
  toString = () => `configuration(answer=${JSON.stringify(this.answer)}, pushed=${JSON.stringify(this.pushed)})`;
}

type DiskChange = 'test-writes' | 'test-deletes' | 'pkg-broken' | 'pkg-warning' | 'none';

class WatchedCmd implements Cmd {
  constructor(
    readonly disk: DiskChange,
    readonly changes: { target: string; type: number }[],
  ) {}
  check = () => true;
  async run(_m: Model, r: Real): Promise<void> {
    const file = path.join(r.p.root, 'test/b.test.ts');
    if (this.disk === 'test-writes') r.p.write('test/b.test.ts', `import { twice } from '../src/a'; twice('x');\n`);
    if (this.disk === 'test-deletes') fs.rmSync(file, { force: true });
    if (this.disk === 'pkg-broken') r.p.write('package.json', '{ "testgap": ');
    if (this.disk === 'pkg-warning') r.p.write('package.json', pkg(r.coverage, 'warning'));
    const changes = this.changes.map((c) => ({ uri: c.target.includes(':') ? c.target : r.client.uri(c.target), type: c.type }));
    await r.client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });
  }
  toString = () => `watched(${this.disk}, ${JSON.stringify(this.changes)})`;
}

class SettleCmd implements Cmd {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    await settle(r, m);
  }
  toString = () => 'settle';
}

const open = fc.tuple(docArb, fc.oneof(fc.constant(''), text)).map(([d, t]) => new OpenCmd(d, t));
const commands = [
  open,
  open,
  fc.tuple(docArb, fc.array(contentChange, { minLength: 1, maxLength: 3 })).map(([d, c]) => new ChangeCmd(d, c)),
  fc.tuple(docArb, fc.array(contentChange, { minLength: 1, maxLength: 3 })).map(([d, c]) => new ChangeCmd(d, c)),
  docArb.map((d) => new SaveCmd(d)),
  docArb.map((d) => new CloseCmd(d)),
  fc
    .tuple(docArb, fc.oneof(range, fc.constant({ start: { line: 0, character: 0 }, end: { line: 99, character: 0 } })), fc.option(fc.subarray(['quickfix', 'source', 'source.addTest.testgap', 'refactor', '']), { nil: undefined }), fc.boolean(), fc.boolean())
    .map(([d, rg, only, pub, wait]) => new CodeActionCmd(d, rg, only, pub, wait)),
  fc.tuple(fc.nat(), fc.boolean()).map(([i, c]) => new ResolveCmd(i, c)),
  fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.constant(null), fc.constant({ id: 1 })).map((id) => new CancelRawCmd(id)),
  fc.tuple(settingsValue, fc.oneof(settingsValue, settingsValue.map((s) => ({ testgap: s })))).map(([a, p]) => new ConfigCmd(a, p)),
  fc
    .tuple(
      fc.constantFrom<DiskChange>('test-writes', 'test-deletes', 'pkg-broken', 'pkg-warning', 'none', 'none'),
      fc.array(
        fc.record({
          target: fc.constantFrom('test/b.test.ts', 'src/a.ts', 'src/b.ts', 'test', 'package.json', 'tsconfig.json', 'nope/x.ts', 'untitled:x', 'file:///', 'file://host/share/x.ts', 'file:///%E0%A4%A.ts', ''),
          type: fc.constantFrom(1, 2, 3, 0, 7),
        }),
        { maxLength: 3 },
      ),
    )
    .map(([d, c]) => new WatchedCmd(d, c)),
  fc.constant(new SettleCmd()),
];

// -------------------------------------------------------------------------------------------------------------------
// Running a sequence.

interface Setup {
  coverage: boolean;
  configuration: boolean;
  generations: number;
}

const stats = { commands: 0, requests: 0, publishes: 0, coverageRuns: 0, generated: 0, resolveErrors: 0 };

async function runSequence(setup: Setup, cmds: Iterable<Cmd>): Promise<void> {
  const p = tempProject(`//- /package.json\n${pkg(setup.coverage)}\n//- /src/a.ts\n${SRC_A}//- /test/a.test.ts\n${TEST_A}`);
  if (setup.coverage) linkTestTools(p.root);
  const crashes: string[] = [];
  const onRejection = (reason: unknown) => crashes.push(`unhandled rejection: ${(reason as Error)?.stack ?? reason}`);
  const onException = (error: Error) => crashes.push(`uncaught exception: ${error?.stack ?? error}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  const capabilities: ClientCapabilities = setup.configuration ? FULL_CLIENT : { ...FULL_CLIENT, workspace: { ...FULL_CLIENT.workspace, configuration: false } };
  let client: TestClient | undefined;
  try {
    const r: Real = {
      client: undefined as unknown as TestClient,
      p,
      coverage: setup.coverage,
      texts: new Map(),
      docs: new Map(),
      lastVersion: new Map(),
      checked: new Map(),
      offered: [],
      pending: [],
      failures: [],
      requests: 0,
      settings: null,
    };
    client = r.client = await TestClient.start({ root: p.root, transport: 'in-process', capabilities, settings: () => r.settings });
    const model: Model = { open: new Set(), offered: 0, generations: setup.generations };
    await fc.asyncModelRun(() => ({ model, real: r }), cmds);
    await settle(r, model);
    stats.commands += [...cmds].length;
    const { error } = await request(r, 'shutdown', null);
    if (error) r.failures.push(`shutdown: ${error.message}`);
    stats.requests += r.requests;
    stats.coverageRuns += client.session!.coverage.settled.length;
    stats.publishes += [...client.diagnostics.values()].reduce((n, all) => n + all.length, 0);
    const errors = client.logs.filter((l) => l.type === 1).map((l) => `server error log: ${l.message}`);
    const all = [...crashes, ...errors, ...r.failures];
    assert.ok(all.length === 0, all.join('\n'));
  } finally {
    client?.dispose();
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    p.remove();
  }
}

const setupArb = fc.record({
  // Coverage on save in about one sequence of eight: each run starts Node for the tiny uvu test.
  coverage: fc.oneof({ weight: 7, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  configuration: fc.boolean(),
  generations: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
});

test(`LSP model: ${numRuns} random command sequences (seed ${seed}) keep the protocol's promises`, async () => {
  let sequences = 0;
  const started = performance.now();
  try {
    await fc.assert(
      fc.asyncProperty(setupArb, fc.commands(commands, { maxCommands: 40, size: 'large' }), async (setup, cmds) => {
        sequences++;
        await runSequence(setup, cmds);
      }),
      { seed, numRuns },
    );
  } catch (error) {
    // fast-check keeps the failing property's own error as `cause`; uvu prints only the message.
    throw new Error(`${(error as Error).message}\n\nCause: ${((error as Error).cause as Error)?.message ?? 'unknown'}`);
  }
  console.log(`  lsp-model: ${sequences} sequences (seed ${seed}, ${numRuns} runs; ${stats.commands} commands, ${stats.requests} requests, ${stats.publishes} publishes, ${stats.coverageRuns} coverage runs, ${stats.generated} resolved edits, ${stats.resolveErrors} resolve errors) in ${Math.round(performance.now() - started)} ms`);
});

// Counterexamples the fuzzer found, kept as fixed sequences.

const noCoverage: Setup = { coverage: false, configuration: false, generations: 0 };
const SRC = DOCS[0];

test('regression: a closed document stays cleared when a watched file changes after a code action', async () => {
  await runSequence(noCoverage, [new OpenCmd(SRC, ''), new CodeActionCmd(SRC, { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } }, undefined, false, true), new CloseCmd(SRC), new WatchedCmd('test-writes', [])]);
});

test.run();
