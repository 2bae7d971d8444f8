// Whatever values, error messages and names the sandbox observed, the emitted file parses (as TypeScript, and as
// JavaScript in both module styles), and every literal evaluates back to the value it describes.
import nodeAssert from 'node:assert';
import fc from 'fast-check';
import ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { emitNewFile, type UnitSection } from '../../server/src/core/emit';
import type { Unit } from '../../server/src/core/model';
import type { Case } from '../../server/src/core/select';
import { literal, show, type Described } from '../../server/src/core/values';

const seed = Number(process.env.FC_SEED ?? 20261124);
const numRuns = Number(process.env.FC_RUNS ?? 200);

const text = fc.string({ unit: 'binary', maxLength: 30 });
const described: fc.Arbitrary<Described> = fc.letrec<{ d: Described }>((tie) => ({
  d: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<Described>({ t: 'undefined' }),
    fc.constant<Described>({ t: 'null' }),
    fc.boolean().map<Described>((v) => ({ t: 'boolean', v })),
    fc.oneof(fc.double(), fc.constantFrom<'NaN' | 'Infinity' | '-Infinity' | '-0'>('NaN', 'Infinity', '-Infinity', '-0')).map<Described>((v) => ({ t: 'number', v: typeof v === 'number' && Object.is(v, -0) ? '-0' : typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity') : v })),
    text.map<Described>((v) => ({ t: 'string', v })),
    fc.bigInt().map<Described>((v) => ({ t: 'bigint', v: v.toString() })),
    fc.date({ noInvalidDate: true }).map<Described>((d) => ({ t: 'date', v: d.toISOString() })),
    fc.array(tie('d'), { maxLength: 3 }).map<Described>((items) => ({ t: 'array', items })),
    // Keys and set members are unique in anything the sandbox can observe; `__proto__` as an own key included.
    fc.uniqueArray(fc.tuple(fc.oneof(text, fc.constant('__proto__')), tie('d')), { maxLength: 3, selector: ([k]) => k }).map<Described>((entries) => ({ t: 'object', entries })),
    fc.uniqueArray(fc.tuple(tie('d'), tie('d')), { maxLength: 2, selector: ([k]) => JSON.stringify(k) }).map<Described>((entries) => ({ t: 'map', entries })),
    fc.uniqueArray(tie('d'), { maxLength: 2, selector: (d) => JSON.stringify(d) }).map<Described>((items) => ({ t: 'set', items })),
  ),
})).d;

const unitName = fc.oneof(fc.constantFrom('formatPrice', 'default export', 'module.exports', 'Cart.add', 'x$_1', '…', '9lives', 'new Cart'), fc.stringMatching(/^[A-Za-z_$][\w$]{0,8}$/));
const caseArb: fc.Arbitrary<Case> = fc.oneof(
  fc.tuple(fc.array(described, { maxLength: 3 }), described, text, fc.boolean()).map(([args, value, call, async]) => ({
    kind: 'returns' as const,
    args: `[${args.map((a) => literal(a) ?? 'undefined').join(', ')}]`,
    expected: literal(value) ?? 'undefined',
    async,
    origin: 'typical' as const,
    callText: call,
    resultText: call,
  })),
  fc.tuple(fc.array(described, { maxLength: 2 }), text, text, fc.boolean()).map(([args, cls, message, async]) => ({
    kind: 'throws' as const,
    args: `[${args.map((a) => literal(a) ?? 'undefined').join(', ')}]`,
    errorClass: cls,
    message,
    async,
    origin: 'invalid' as const,
    callText: cls,
  })),
);

function unit(name: string): Unit {
  return { id: `src/a.ts#${name}`, file: '/p/src/a.ts', kind: 'function', name, exportNames: [name], nameSpan: { start: 0, end: 1 }, params: [], async: false, generator: false, typeFrom: 'checker' };
}

function parseErrors(code: string, fileName: string): string[] {
  const sf = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, fileName.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  return ((sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

test('emitted test files always parse, in TS and in both JS module styles', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(unitName, fc.array(caseArb, { maxLength: 4 })), { minLength: 1, maxLength: 3 }), fc.constantFrom('ts', 'esm', 'cjs'), (units, style) => {
      const sections: UnitSection[] = units.map(([name, cases]) => ({ unit: unit(name), binding: 'subject', cases, properties: [] }));
      for (const mode of ['final', 'verify'] as const) {
        const code = emitNewFile({
          style: { ts: style === 'ts', esm: style !== 'cjs' },
          sourceLabel: 'src/a.ts',
          sections,
          imports: [{ specifier: '../src/a', kind: 'named', exportName: 'subject', local: 'subject' }],
          mode,
        });
        assert.equal(parseErrors(code, style === 'ts' ? 'a.test.ts' : 'a.test.js'), [], code);
      }
    }),
    { seed, numRuns },
  );
});

/** Sets and Map keys store -0 as 0 (SameValueZero): what a real Set could have been observed as. */
function asStored(d: Described, inKey = false): Described {
  switch (d.t) {
    case 'number':
      return inKey && d.v === '-0' ? { t: 'number', v: 0 } : d;
    case 'array':
      return { t: 'array', items: d.items.map((x) => asStored(x)) };
    case 'object':
      return { t: 'object', entries: d.entries.map(([k, v]) => [k, asStored(v)]) };
    case 'set':
      return { t: 'set', items: d.items.map((x) => asStored(x, true)) };
    case 'map':
      return { t: 'map', entries: d.entries.map(([k, v]) => [asStored(k, true), asStored(v)]) };
    default:
      return d;
  }
}

test('literals evaluate to the value they describe', () => {
  fc.assert(
    fc.property(described.map((d) => asStored(d)), (d) => {
      const src = literal(d);
      if (src === undefined) return;
      const value = new Function(`return (${src});`)();
      // Compare through the same description the sandbox makes.
      const { describe } = require('../../server/src/run/describe') as typeof import('../../server/src/run/describe');
      assert.equal(describe(value), d);
    }),
    { seed, numRuns },
  );
});

test('a sparse array survives the trip through JSON: its holes are undefined, and the literal deep-equals it', () => {
  const { describe } = require('../../server/src/run/describe') as typeof import('../../server/src/run/describe');
  const sparse = new Array(3);
  sparse[1] = 'b';
  const d = JSON.parse(JSON.stringify(describe(sparse)));
  assert.equal(d, { t: 'array', items: [{ t: 'undefined' }, { t: 'string', v: 'b' }, { t: 'undefined' }] });
  const src = literal(d);
  assert.is(src, "[undefined, 'b', undefined]");
  assert.equal(new Function(`return (${src});`)(), sparse);
});

test("an object without a prototype (EventEmitter's _events) is written as one: uvu compares constructors", () => {
  const { describe } = require('../../server/src/run/describe') as typeof import('../../server/src/run/describe');
  const bare = Object.assign(Object.create(null), { load: 1 });
  const src = literal(JSON.parse(JSON.stringify(describe({ _events: bare }))));
  assert.is(src, '{ _events: Object.assign(Object.create(null), { load: 1 }) }');
  assert.equal(new Function(`return (${src});`)(), { _events: bare });
  assert.not.equal(new Function(`return (${src});`)(), { _events: { load: 1 } });
});

test("an array's own properties besides its indices are kept (a RegExp match), so strict deep equality holds", () => {
  const { describe } = require('../../server/src/run/describe') as typeof import('../../server/src/run/describe');
  const match = 'ab12'.match(/\d+/);
  const src = literal(JSON.parse(JSON.stringify(describe(match))));
  assert.is(src, "Object.assign(['12'], { index: 2, input: 'ab12', groups: undefined })");
  nodeAssert.deepStrictEqual(new Function(`return (${src});`)(), match);
  // Without them node:assert (and jest, vitest) would tell the two apart.
  nodeAssert.notDeepStrictEqual(['12'], match);
  assert.is(show(JSON.parse(JSON.stringify(describe(Object.assign(['a'], { count: 1 }))))), "['a'] with { count: 1 }");
});

test.run();
