// Never lose user text. Whatever an existing test file or package.json holds (CRLF, a BOM, surrogate pairs, text
// without a final newline, syntax errors, sections testgap wrote before), the insertions testgap computes keep every
// original byte in order — applied by applyInsertions (the CLI) or as LSP TextEdits by a client (the editor), which
// must agree — and merging the same units again adds nothing.
//
// Fixed seed in CI; `FC_SEED=… FC_RUNS=…` for bigger runs by hand.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentEdit, TextEdit } from 'vscode-languageserver/node';
import { emitSections, type EmitInput, type Emitted, type UnitSection } from '../../server/src/core/emit';
import { applyInsertions, mergeIntoExisting, scanExistingTestFile, type Insertion } from '../../server/src/core/existingTestFile';
import type { Unit } from '../../server/src/core/model';
import type { PropertyCase } from '../../server/src/core/properties';
import type { Case } from '../../server/src/core/select';
import type { ClientCaps } from '../../server/src/lsp/capabilities';
import { devDependencyInsertions, toWorkspaceEdit } from '../../server/src/lsp/edits';

const seed = Number(process.env.FC_SEED ?? 20260611);
const numRuns = Number(process.env.FC_RUNS ?? 300);
/** Cases run by this file, reported at the end (the number quoted for CI). */
let casesRun = 0;

// ---- what "kept" means -------------------------------------------------------------------------------------------

/** Every element of `a`, in order, in `b`. */
function subsequence<T>(a: ArrayLike<T>, b: ArrayLike<T>): boolean {
  let i = 0;
  for (let j = 0; j < b.length && i < a.length; j++) if (a[i] === b[j]) i++;
  return i === a.length;
}

/** The original is kept byte for byte: as UTF-16 code units, and as UTF-8 bytes (a split surrogate pair would fail). */
function assertKept(original: string, result: string, context: string): void {
  assert.ok(subsequence(original, result), `code units lost\n${context}`);
  assert.ok(subsequence(Buffer.from(original, 'utf8'), Buffer.from(result, 'utf8')), `bytes lost\n${context}`);
  // Insertions only: what is added is exactly the difference in length.
  assert.ok(result.length >= original.length, context);
}

const caps = (documentChanges: boolean): ClientCaps => ({
  pullDiagnostics: false,
  relatedInformation: true,
  diagnosticData: true,
  configuration: true,
  configurationChangeRegistration: false,
  watchedFilesRegistration: false,
  workspaceFolders: true,
  workDoneProgress: false,
  codeActionLiterals: true,
  resolveEdit: true,
  documentChanges,
  createFiles: documentChanges,
  applyEdit: true,
  codeLensRefresh: false,
});

/** The LSP path: insertions → WorkspaceEdit → TextEdits applied the way a client applies them. Both edit shapes. */
function applyThroughLsp(existing: string, insertions: Insertion[], languageId: string): string {
  const uri = 'file:///p/test/a.test.ts';
  const results: string[] = [];
  for (const documentChanges of [true, false]) {
    const edit = toWorkspaceEdit([{ uri, existing, version: 7, insertions }], caps(documentChanges));
    let edits: TextEdit[];
    if (documentChanges) {
      const [change] = edit.documentChanges as TextDocumentEdit[];
      assert.equal(change.textDocument, { uri, version: 7 }, 'pinned to the version it was computed for');
      assert.is(edit.documentChanges!.length, 1, 'an existing file is never created again');
      edits = change.edits as TextEdit[];
    } else {
      edits = edit.changes![uri];
    }
    for (const e of edits) assert.equal(e.range.start, e.range.end, 'insertions only: no range replaces text');
    results.push(TextDocument.applyEdits(TextDocument.create(uri, languageId, 7, existing), edits));
  }
  assert.is(results[0], results[1]);
  return results[0];
}

// ---- existing test files -----------------------------------------------------------------------------------------

const FILE_TS = '/p/test/a.test.ts';
const FILE_JS = '/p/test/a.test.js';

/** Unit ids as the project makes them: `<path from the root>#<name>`, paths with spaces and non-ASCII letters included. */
const unitPath = fc.constantFrom('src/a.ts', 'src/my file.ts', 'src/ünï cødé/😀.ts', 'lib/a-b.c.mjs', 'src/ weird .ts');
const unitName = fc.oneof(
  fc.constantFrom('formatPrice', 'default', 'module.exports', 'Cart.prototype.add', 'Cart.create', 'Cart.constructor', 'x$_1', 'é', '$'),
  fc.stringMatching(/^[A-Za-z_$][\w$]{0,6}$/),
);
const unitArb = fc.tuple(unitPath, unitName).map(([p, n]) => ({ path: p, name: n, id: `${p}#${n}` }));

const junk = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('😀', '\uD83D', '\uDE00', '\u2028', '\u2029', '\u00a0', '\uFEFF', '\r', '\t', '\0', 'é', '𝒳'),
);

/** Statements and fragments a test file may hold, valid or not. */
function chunk(esm: boolean, units: { id: string }[]): fc.Arbitrary<string> {
  const imp = esm
    ? fc.constantFrom(
        "import { test } from 'uvu';",
        "import * as assert from 'uvu/assert';",
        "import { suite } from 'uvu';",
        "import { formatPrice } from '../src/a';",
        "import fc from 'fast-check';",
        "import type { Cart } from '../src/a';",
        "import '../setup';",
        "import {\n  test as it,\n  suite,\n} from 'uvu' // trailing comment",
        "import { suite } from './my-suite'; // a suite that is not uvu's",
        "import fs from 'node:fs'",
      )
    : fc.constantFrom(
        "const { test } = require('uvu');",
        "const assert = require('uvu/assert');",
        "const { suite: s } = require('uvu');",
        "const { formatPrice } = require('../src/a');",
        "const fc = require('fast-check')",
        "'use strict';",
      );
  return fc.oneof(
    { weight: 3, arbitrary: imp },
    fc.constantFrom(
      'test.run();',
      'test.run()',
      "test('formats', () => {\n  assert.is(formatPrice(100), '$1.00');\n});",
      '// a comment',
      '/* block\n   comment */',
      '/** @see https://example.com */',
      'const suite = 1;',
      'function assert() {}',
      'class fc {}',
      'let x: Array<Map<string, () => void>> = [];',
      'enum E { A = 1, B }',
      'const f = <T,>(t: T) => t;',
      '@decorator class D {}',
      "const re = /\\/\\/ testgap: not a marker/;",
      'const s = `template ${`nested`} \r\n line`;',
      "const t = '// testgap: src/a.ts#inString';",
      'label: for (;;) break label;',
      // Syntax errors.
      'function (',
      '{{{',
      "import { from 'uvu'",
      'const = ;',
      '`unterminated template',
      "'unterminated string",
      '/* unterminated comment',
      '}}) ;;',
      '<div>jsx?</div>',
    ),
    // A section testgap wrote before, for one of this run's units (maybe with CRLF or trailing spaces on the marker).
    ...(units.length > 0
      ? [fc.tuple(fc.constantFrom(...units), fc.constantFrom('', ' ', '\t', ' \r')).map(([u, pad]) => `// testgap: ${u.id}${pad}\nconst old = suite('x');\nold.run();`)]
      : []),
    junk.map((j) => `// ${j}`),
    junk,
  );
}

const eol = fc.constantFrom('\n', '\r\n', '\r', '\n\n', '\r\n\r\n', ' \n', '');

/** A whole existing test file: an optional BOM and shebang, chunks joined by any line ending, any ending. */
function existingFile(esm: boolean, units: { id: string }[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.boolean(),
      fc.constantFrom('', '#!/usr/bin/env node\n', '#!/usr/bin/env -S node --import tsx\r\n'),
      fc.array(fc.tuple(chunk(esm, units), eol), { maxLength: 12 }),
      fc.constantFrom('', '\n', '\r\n', '\n\n\n', ' ', '\t'),
      fc.constantFrom('lf', 'crlf', 'as-is'),
    )
    .map(([bom, shebang, parts, end, endings]) => {
      let text = shebang + parts.map(([c, e]) => c + e).join('') + end;
      if (endings === 'crlf') text = text.replace(/\r?\n/g, '\r\n');
      if (endings === 'lf') text = text.replace(/\r\n/g, '\n');
      return (bom ? '\uFEFF' : '') + text;
    });
}

function unit(u: { path: string; name: string; id: string }): Unit {
  const member = /^(\w+)\.(prototype\.)?(\w+)$/.exec(u.name);
  const kind = member ? (member[3] === 'constructor' ? 'constructor' : member[2] ? 'method' : 'static-method') : 'function';
  return {
    id: u.id,
    file: `/p/${u.path}`,
    kind,
    name: u.name,
    exportNames: [u.name],
    nameSpan: { start: 0, end: 1 },
    params: [],
    async: false,
    generator: false,
    typeFrom: 'checker',
    ...(member ? { memberName: member[3], parent: `${u.path}#${member[1]}` } : {}),
  } as Unit;
}

const caseArb: fc.Arbitrary<Case> = fc.oneof(
  fc.tuple(fc.integer(), junk, fc.boolean()).map(([n, s, async]) => ({
    kind: 'returns' as const,
    args: `[${n}]`,
    expected: JSON.stringify(s),
    async,
    origin: 'typical' as const,
    callText: `f(${n})`,
    resultText: s,
  })),
  fc.tuple(junk, junk).map(([cls, message]) => ({
    kind: 'throws' as const,
    args: '[]',
    errorClass: cls,
    message,
    async: false,
    origin: 'invalid' as const,
    callText: 'f()',
  })),
);

const sectionOpts = fc.record({
  cases: fc.array(caseArb, { maxLength: 3 }),
  properties: fc.array(fc.record({ family: fc.constant('f'), uses: fc.constant([] as Unit[]), name: junk, body: fc.constantFrom('fc.assert(fc.property(fc.integer(), (n) => n === n));', 'const s = `a\nb`;') }), { maxLength: 2 }),
  fixture: fc.constantFrom(undefined, 'tempDir' as const),
  restoreGlobals: fc.boolean(),
});

interface Scenario {
  style: { ts: boolean; esm: boolean };
  fileName: string;
  existing: string;
  units: { path: string; name: string; id: string }[];
  opts: { cases: Case[]; properties: PropertyCase[]; fixture: 'tempDir' | undefined; restoreGlobals: boolean }[];
}

const scenario: fc.Arbitrary<Scenario> = fc
  .tuple(fc.constantFrom({ ts: true, esm: true }, { ts: false, esm: true }, { ts: false, esm: false }), fc.uniqueArray(unitArb, { minLength: 1, maxLength: 4, selector: (u) => u.id }))
  .chain(([style, units]) =>
    fc.record({
      style: fc.constant(style),
      fileName: fc.constant(style.ts ? FILE_TS : FILE_JS),
      existing: existingFile(style.esm, units),
      units: fc.constant(units),
      opts: fc.array(sectionOpts, { minLength: units.length, maxLength: units.length }),
    }),
  );

/** What the generation pipeline does with an existing file: skip units that have a section, emit the rest, merge. */
function merge(s: Scenario, existing: string): { emitted?: Emitted; insertions: Insertion[]; skipped: Set<string> } {
  const scanned = scanExistingTestFile(existing, s.fileName);
  const sections: UnitSection[] = [];
  for (const [i, u] of s.units.entries()) {
    if (scanned.unitIds.has(u.id)) continue;
    const un = unit(u);
    const instance = un.kind === 'method';
    sections.push({ unit: un, binding: 'Subject', ...(instance ? { ctorArgs: '[1]' } : {}), ...s.opts[i], fixture: s.opts[i].fixture });
  }
  if (sections.length === 0) return { insertions: [], skipped: scanned.unitIds };
  const input: EmitInput = {
    style: s.style,
    sourceLabel: 'src/a.ts',
    sections,
    imports: [
      { specifier: '../src/a', kind: 'named', exportName: 'Subject', local: 'Subject' },
      { specifier: '../src/other', kind: 'default', exportName: 'default', local: 'other' },
    ],
    mode: 'final',
  };
  const emitted = emitSections(input, scanned.bindings);
  return { emitted, insertions: mergeIntoExisting(existing, s.fileName, emitted), skipped: scanned.unitIds };
}

const show = (s: Scenario, extra = '') => `existing: ${JSON.stringify(s.existing)}\nunits: ${s.units.map((u) => u.id).join(', ')}\nstyle: ${JSON.stringify(s.style)}${extra}`;

/** The checks for one scenario (also run on the fixed counterexamples below). */
function check(s: Scenario): void {
  casesRun++;
  const { insertions } = merge(s, s.existing);
  const viaCli = applyInsertions(s.existing, insertions);
  const viaLsp = applyThroughLsp(s.existing, insertions, s.style.ts ? 'typescript' : 'javascript');
  assert.is(viaLsp, viaCli, `the client and applyInsertions disagree\n${show(s)}`);
  assertKept(s.existing, viaCli, show(s, `\nresult: ${JSON.stringify(viaCli)}`));
  // A BOM stays the first character, a shebang the first line.
  if (s.existing.startsWith('\uFEFF')) assert.ok(viaCli.startsWith('\uFEFF'), `BOM moved\n${show(s)}`);
  const shebang = /^\uFEFF?#![^\r\n]*/.exec(s.existing)?.[0];
  if (shebang) assert.ok(viaCli.startsWith(shebang), `shebang moved\n${show(s)}`);

  // A file whose lines all end in CRLF gets CRLF lines.
  if (/\r\n/.test(s.existing) && !/\r(?!\n)|(?<!\r)\n/.test(s.existing)) assert.not.match(viaCli, /\r(?!\n)|(?<!\r)\n/, `mixed line endings\n${show(s)}`);

  // Every unit now has exactly one section (the ones there before were left alone), and a second merge adds nothing.
  const again = merge(s, viaCli);
  assert.equal(again.insertions, [], `the second merge inserted again\n${show(s, `\nafter the first: ${JSON.stringify(viaCli)}`)}`);
  for (const u of s.units) {
    const before = countMarkers(s.existing, u.id);
    assert.is(countMarkers(viaCli, u.id), Math.max(before, 1), `sections of ${u.id}\n${show(s)}`);
  }
}

function countMarkers(text: string, id: string): number {
  // Lines as JavaScript sees them (U+2028/U+2029 end lines too); a BOM, whitespace in JS, may precede the marker.
  const lines = text.split(/\r\n|\r|\n|\u2028|\u2029/).map((l) => l.replace(/^\uFEFF/, ''));
  return lines.filter((l) => /^\/\/ testgap: /.test(l) && l.slice('// testgap: '.length).trimEnd() === id).length;
}

test('merging generated sections into any existing test file keeps every byte, CLI and LSP agree, a rerun adds nothing', () => {
  fc.assert(fc.property(scenario, (s) => check(s)), { seed, numRuns });
});

// ---- package.json ------------------------------------------------------------------------------------------------

const DEPS = ['uvu', 'fast-check', 'tsx'];
const jsonValue = fc.jsonValue({ maxDepth: 2 });

interface PkgScenario {
  text: string;
  names: string[];
}

/** JSON text with arbitrary (valid) whitespace between tokens. */
function printJson(value: unknown, ws: string[], indent: string, depth = 0): string {
  const w = (i: number) => ws[(depth * 7 + i) % ws.length];
  if (Array.isArray(value)) return `[${w(0)}${value.map((v) => printJson(v, ws, indent, depth + 1)).join(`,${w(1)}`)}${w(2)}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return `{${w(3)}}`;
    const pad = indent === '' ? w(4) : `\n${indent.repeat(depth + 1)}`;
    const end = indent === '' ? w(5) : `\n${indent.repeat(depth)}`;
    return `{${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}${w(6)}:${w(1)}${printJson(v, ws, indent, depth + 1)}`).join(',')}${end}}`;
  }
  return JSON.stringify(value);
}

const pkgScenario: fc.Arbitrary<PkgScenario> = fc
  .record({
    fields: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('name', 'version', 'dependencies', 'scripts', '__proto__')), jsonValue, { maxKeys: 4 }),
    dev: fc.option(fc.dictionary(fc.oneof(fc.constantFrom(...DEPS, 'typescript', 'c8'), fc.string({ maxLength: 6 })), fc.string({ maxLength: 8 }), { maxKeys: 4 }), { nil: undefined }),
    devFirst: fc.boolean(),
    ws: fc.array(fc.constantFrom('', ' ', '  ', '\n', '\t', '\r\n', ' \n  '), { minLength: 1, maxLength: 8 }),
    indent: fc.constantFrom('', '  ', '    ', '\t'),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    trailing: fc.constantFrom('', '\n', '\r\n', '  \n\n'),
    names: fc.subarray(DEPS, { minLength: 1 }),
  })
  .map((r) => {
    const obj: Record<string, unknown> = {};
    if (r.dev && r.devFirst) obj.devDependencies = r.dev;
    for (const [k, v] of Object.entries(r.fields)) if (k !== 'devDependencies') Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
    if (r.dev && !r.devFirst) obj.devDependencies = r.dev;
    let text = printJson(obj, r.ws, r.indent) + r.trailing;
    if (r.crlf) text = text.replace(/\r?\n/g, '\r\n');
    return { text: (r.bom ? '\uFEFF' : '') + text, names: r.names };
  });

function checkPackageJson(p: PkgScenario): void {
  casesRun++;
  const ctx = `package.json: ${JSON.stringify(p.text)}\nnames: ${p.names.join(' ')}`;
  const insertions = devDependencyInsertions(p.text, p.names);
  assert.ok(insertions !== undefined, `a JSON object can always be extended\n${ctx}`);
  const viaCli = applyInsertions(p.text, insertions);
  assert.is(applyThroughLsp(p.text, insertions, 'json'), viaCli, ctx);
  assertKept(p.text, viaCli, `${ctx}\nresult: ${JSON.stringify(viaCli)}`);
  const before = JSON.parse(p.text.replace(/^\uFEFF/, ''));
  const after = JSON.parse(viaCli.replace(/^\uFEFF/, ''));
  for (const n of p.names) assert.ok(typeof (after.devDependencies?.[n] ?? after.dependencies?.[n]) === 'string', `${n} missing\n${ctx}\nresult: ${viaCli}`);
  const { devDependencies: _b, ...restBefore } = before;
  const { devDependencies: _a, ...restAfter } = after;
  assert.equal(restAfter, restBefore, ctx);
  // What was listed stays as it was; nothing listed twice (JSON.parse keeps the last of duplicate keys, npm warns).
  for (const [k, v] of Object.entries(before.devDependencies ?? {})) assert.is(after.devDependencies[k], v, `${k} changed\n${ctx}`);
  assert.equal(devDependencyInsertions(viaCli, p.names), [], `adding the same names again changes something\n${ctx}\nresult: ${viaCli}`);
}

test('devDependency insertions into any package.json keep every byte, agree with the client, and are idempotent', () => {
  fc.assert(fc.property(pkgScenario, (p) => checkPackageJson(p)), { seed, numRuns });
});

// ---- applyInsertions is how a client applies edits ---------------------------------------------------------------

test('applyInsertions orders insertions at the same offset as LSP clients do (array order)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.array(fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 5 })), { maxLength: 6 }), (text, raw) => {
      casesRun++;
      // Offsets at code-point boundaries and never between "\r" and "\n" (no LSP position lies there).
      const ok = [...Array(text.length + 1).keys()].filter((o) => !(text.charCodeAt(o - 1) === 13 && text.charCodeAt(o) === 10) && !(/[\uD800-\uDBFF]/.test(text[o - 1] ?? '') && /[\uDC00-\uDFFF]/.test(text[o] ?? '')));
      const insertions = raw.map(([o, t]) => ({ offset: ok[o % ok.length], text: t }));
      const viaCli = applyInsertions(text, insertions);
      assert.is(applyThroughLsp(text, insertions, 'plaintext'), viaCli);
      assertKept(text, viaCli, JSON.stringify({ text, insertions }));
    }),
    { seed, numRuns },
  );
});

// The shrunk counterexamples of bugs these properties found, kept as fixed cases.
const scenarioOf = (existing: string, ids: string[], style = { ts: true, esm: true }): Scenario => ({
  style,
  fileName: style.ts ? FILE_TS : FILE_JS,
  existing,
  units: ids.map((id) => ({ path: id.slice(0, id.indexOf('#')), name: id.slice(id.indexOf('#') + 1), id })),
  opts: ids.map(() => ({ cases: [], properties: [], fixture: undefined, restoreGlobals: false })),
});

test('regression: an empty existing file gets its imports before its sections, as a client would apply them', () => {
  assert.is(applyInsertions('', [{ offset: 0, text: 'a' }, { offset: 0, text: 'b' }]), 'ab');
  for (const style of [{ ts: true, esm: true }, { ts: false, esm: false }]) {
    check(scenarioOf('', ['src/a.ts#a'], style));
    const { insertions } = merge(scenarioOf('', ['src/a.ts#a'], style), '');
    assert.ok(applyInsertions('', insertions).indexOf('uvu') < applyInsertions('', insertions).indexOf('// testgap:'));
  }
});

test('regression: a unit whose path has a space is recognised on a rerun (no second section)', () => {
  check(scenarioOf("// testgap: src/my file.ts#a\nconst old = suite('x');\nold.run();\n", ['src/my file.ts#a']));
  assert.equal(merge(scenarioOf('// testgap: src/my file.ts#a  \r\n', ['src/my file.ts#a']), '// testgap: src/my file.ts#a  \r\n').insertions, []);
});

test('regression: a marker on the first line after a BOM is recognised; imports go after the BOM', () => {
  check(scenarioOf("\uFEFF// testgap: src/a.ts#a\nconst old = suite('x');\nold.run();\n", ['src/a.ts#a', 'src/a.ts#b'], { ts: false, esm: true }));
  check(scenarioOf('\uFEFF', ['src/a.ts#a']));
});

test('regression: imports go after a #! line, leading comments and the directive prologue', () => {
  check(scenarioOf('#!/usr/bin/env node\n', ['src/a.ts#a']));
  check(scenarioOf('#!/usr/bin/env node', ['src/a.ts#a']));
  const cjs = { ts: false, esm: false };
  for (const existing of ["// @ts-nocheck\n'use strict';\ntest.run();\n", "/* license */ 'use strict'"]) {
    const s = scenarioOf(existing, ['src/a.ts#a'], cjs);
    const out = applyInsertions(existing, merge(s, existing).insertions);
    assert.ok(out.startsWith(existing.slice(0, existing.indexOf("'use strict'") + "'use strict'".length)), out);
    check(s);
  }
});

test('regression: text after a directive on its line is not moved to a line of its own (it would become a marker)', () => {
  check(scenarioOf("'use strict';// testgap: src/ weird .ts#Cart.create\nconst old = suite('x');\nold.run();\n", ['src/ weird .ts#Cart.create', 'src/ weird .ts#T$e'], { ts: false, esm: false }));
});

test('regression: CRLF files get CRLF lines', () => {
  const existing = "import { test } from 'uvu';\r\ntest.run();\r\n";
  const out = applyInsertions(existing, merge(scenarioOf(existing, ['src/a.ts#a']), existing).insertions);
  assert.not.match(out, /(?<!\r)\n/);
  const pkg = '{\r\n  "name": "x"\r\n}\r\n';
  assert.not.match(applyInsertions(pkg, devDependencyInsertions(pkg, ['uvu'])!), /(?<!\r)\n/);
});

test('regression: devDependencies already listed are not added again', () => {
  checkPackageJson({ text: '{}', names: ['fast-check'] });
  assert.equal(devDependencyInsertions('{ "devDependencies": { "uvu": "1" }, "dependencies": { "tsx": "2" } }', ['uvu', 'tsx']), []);
});

test.after(() => {
  if (process.env.FC_REPORT) process.stdout.write(`\nuser-text: ${casesRun} cases (seed ${seed}, numRuns ${numRuns})\n`);
});

test.run();
