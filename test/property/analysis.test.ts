// Properties of the analysis on arbitrary input. Seeds are fixed so CI is deterministic; set FC_SEED / FC_RUNS to
// explore further by hand.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyseFile, parseFile, reparseFile } from '../../server/src/core/analyse';
import { LineIndex } from '../../server/src/core/text';

const seed = Number(process.env.FC_SEED ?? 20261124);
const numRuns = Number(process.env.FC_RUNS ?? 300);

/** Source-like text: fragments of real syntax mixed with line breaks, surrogate pairs and noise. */
const fragment = fc.oneof(
  fc.constantFrom(
    'export function f(a: number, b?: string) { return a; }\n',
    'export const g = (x) => x;\r\n',
    'export default class { m() {} get p() { return 1; } static s() {} }\r',
    'module.exports = { a, b: c, d() {} };\n',
    'exports.x = function () {};\n',
    'export * from "./x";\n',
    'export { a as b } from "./y";\n',
    'import { h } from "./h"; export { h };\n',
    '/** @param {number} n @example f(1) */\n',
    'class C { constructor(public q = 1) {} }\n',
    'export = f;\n',
    '\uD83D\uDE00', // 😀, a surrogate pair
    '\u2028',
    '\r\n',
    '\r',
    '{',
    '}',
    '(',
    '`${',
    '"unterminated',
    'export function 😀名前() {}\n',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const sourceText = fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join(''));
const pathArb = fc.constantFrom('src/a.ts', 'src/a.tsx', 'lib/a.js', 'lib/a.cjs', 'lib/a.mjs', 'src/a.mts', 'src/a.jsx');

function isHighSurrogate(c: number) {
  return c >= 0xd800 && c <= 0xdbff;
}

test('analysis never throws and reports no problems on arbitrary text; ranges lie inside the document on UTF-16 boundaries', () => {
  fc.assert(
    fc.property(sourceText, pathArb, fc.boolean(), (text, path, isTest) => {
      const facts = analyseFile(parseFile(`/p/${path}`, text), { relPath: path, isTest });
      assert.equal(facts.problems, []);
      const index = new LineIndex(text);
      for (const u of facts.units) {
        const { start, end } = u.nameSpan;
        assert.ok(0 <= start && start <= end && end <= text.length, `span ${start}-${end} in ${text.length}`);
        // Never inside a surrogate pair, never between \r and \n.
        assert.not.ok(start > 0 && isHighSurrogate(text.charCodeAt(start - 1)), 'starts inside a surrogate pair');
        assert.not.ok(start > 0 && text[start - 1] === '\r' && text[start] === '\n', 'starts inside \\r\\n');
        const pos = index.positionAt(start);
        assert.ok(pos.line < index.lineCount);
        assert.is(index.offsetAt(pos), start, 'position maps back to the same offset');
      }
    }),
    { seed, numRuns },
  );
});

test('incremental reparsing after any sequence of edits finds exactly what a full parse finds', () => {
  const edit = fc.record({ at: fc.nat(), remove: fc.nat(12), insert: fc.oneof(fragment, fc.constantFrom('', 'x', '\n', '}', 'export ', '(a) => a;')) });
  fc.assert(
    fc.property(sourceText, pathArb, fc.array(edit, { minLength: 1, maxLength: 6 }), (text, path, edits) => {
      let sf = parseFile(`/p/${path}`, text);
      let current = text;
      for (const e of edits) {
        const at = current.length === 0 ? 0 : e.at % (current.length + 1);
        current = current.slice(0, at) + e.insert + current.slice(at + e.remove);
        sf = reparseFile(sf, current);
        const incremental = analyseFile(sf, { relPath: path, isTest: false });
        const full = analyseFile(parseFile(`/p/${path}`, current), { relPath: path, isTest: false });
        assert.equal(incremental.units, full.units);
        assert.equal([...incremental.exports.named], [...full.exports.named]);
        const fullTest = analyseFile(parseFile(`/p/${path}`, current), { relPath: path, isTest: true }).test!;
        const incTest = analyseFile(sf, { relPath: path, isTest: true }).test!;
        assert.equal(incTest.references, fullTest.references);
      }
    }),
    { seed, numRuns },
  );
});

test('LineIndex agrees with vscode-languageserver-textdocument on every offset and position', () => {
  const text = fc.array(fc.constantFrom('a', '\n', '\r', '\r\n', '\uD83D\uDE00', '\u2028', 'é', ' '), { maxLength: 40 }).map((x) => x.join(''));
  fc.assert(
    fc.property(text, fc.nat(50), fc.nat(8), fc.nat(8), (t, offset, line, character) => {
      const doc = TextDocument.create('file:///x.ts', 'typescript', 1, t);
      const index = new LineIndex(t);
      assert.equal(index.positionAt(offset), doc.positionAt(offset));
      assert.is(index.offsetAt({ line, character }), doc.offsetAt({ line, character }));
    }),
    { seed, numRuns: numRuns * 2 },
  );
});

test.run();
