// Candidate fast-check properties for a function. None is written unless verification saw it hold: each family is
// offered in variants from the widest inputs to the narrowest, and the first variant that passed is kept.
import { arbitraryFor, describeArbitrary, type ArbitraryVariant } from './arbitrary';
import type { TypeShape, Unit } from './model';

export interface PropertyCase {
  /** Variants of one family compete; the first that passes verification is kept. */
  family: string;
  name: string;
  /** Statements of the test body. */
  body: string;
  /** Other units' bindings the body uses (round trips). */
  uses: Unit[];
}

// A Map, not an object literal: `constructor` is a shape's kind too, and every object has one.
const PRIMITIVE_TYPEOF = new Map<TypeShape['kind'], string>([['number', 'number'], ['string', 'string'], ['boolean', 'boolean'], ['bigint', 'bigint']]);
const VARIANTS: ArbitraryVariant[] = ['wide', 'integer', 'natural'];

export interface PropertyOptions {
  numRuns: number;
  seed: number;
  /** Local name the test file binds a unit to. */
  binding: (unit: Unit) => string;
  /** The dialect's deep-equality assertion (core/emit.ts assertions), and fast-check's local name. */
  equal: (actual: string, expected: string) => string;
  fc: string;
}

function paramNames(unit: Unit): string[] {
  return unit.params.map((p, i) => (/^[A-Za-z_$][\w$]*$/.test(p.name) ? p.name : `arg${i}`));
}

function variantsFor(shapes: TypeShape[], bounds: [number, number] | undefined): ArbitraryVariant[] {
  if (!shapes.some((s) => s.kind === 'number' || (s.kind === 'array' && s.element.kind === 'number'))) return ['wide'];
  return bounds ? [...VARIANTS, 'bounded'] : VARIANTS;
}

function boundsOf(unit: Unit): [number, number] | undefined {
  const ns = unit.constants?.numbers ?? [];
  if (ns.length < 2) return undefined;
  const lo = Math.min(...ns);
  const hi = Math.max(...ns);
  return lo < hi && Number.isSafeInteger(lo) && Number.isSafeInteger(hi) ? [lo, hi] : undefined;
}

const ROUND_TRIPS: [RegExp, RegExp][] = [
  [/^format(.*)$/, /^parse(.*)$/],
  [/^stringify(.*)$/, /^parse(.*)$/],
  [/^serialize(.*)$/, /^deserialize(.*)$/],
  [/^encode(.*)$/, /^decode(.*)$/],
  [/^compress(.*)$/, /^decompress(.*)$/],
  [/^to(.+)$/, /^from(.+)$/],
];

/** Properties worth trying for `unit` (a plain function); `siblings` are the other units of its module. */
export function propertiesFor(unit: Unit, siblings: Unit[], o: PropertyOptions): PropertyCase[] {
  if (unit.kind !== 'function' || unit.async || unit.generator) return [];
  const required = unit.params.filter((p) => !p.optional && !p.rest);
  if (required.length === 0 || required.some((p) => !p.shape)) return [];
  const shapes = required.map((p) => p.shape!);
  const names = paramNames(unit).slice(0, required.length);
  const f = o.binding(unit);
  const options = `{ numRuns: ${o.numRuns}, seed: ${o.seed} }`;
  const out: PropertyCase[] = [];
  const ret = unit.returnShape;
  const bounds = boundsOf(unit);
  for (const variant of variantsFor(shapes, bounds)) {
    const arbs = shapes.map((s) => arbitraryFor(s, variant, 0, bounds));
    if (arbs.some((a) => a === undefined)) return out;
    const over = required.length === 1 ? describeArbitrary(shapes[0], variant) : 'any arguments';
    const call = `${f}(${names.join(', ')})`;
    const property = (check: string) => `${o.fc}.assert(${o.fc}.property(${arbs.map((a) => a!.replace(/\bfc\./g, `${o.fc}.`)).join(', ')}, (${names.join(', ')}) => ${check}), ${options});`;
    const typeName = ret ? PRIMITIVE_TYPEOF.get(ret.kind) : undefined;
    if (typeName) {
      out.push({ family: 'type', name: `${unit.name}: returns a ${typeName} for ${over} (property)`, body: property(`typeof ${call} === '${typeName}'`), uses: [] });
    }
    if (required.length === 1 && ret && ret.kind === shapes[0].kind && ['string', 'number', 'array'].includes(ret.kind)) {
      out.push({
        family: 'idempotent',
        name: `${unit.name}: applying it twice changes nothing, for ${over} (property)`,
        body: property(`{\n      const once = ${call};\n      ${o.equal(`${f}(once)`, 'once')};\n    }`),
        uses: [],
      });
    }
    if (required.length === 2 && shapes[0].kind === shapes[1].kind && ['number', 'string'].includes(shapes[0].kind) && ret && PRIMITIVE_TYPEOF.get(ret.kind)) {
      out.push({
        family: 'commutative',
        name: `${unit.name}: the order of its two arguments does not matter, for ${over} (property)`,
        body: property(`{\n      ${o.equal(`${f}(${names[0]}, ${names[1]})`, `${f}(${names[1]}, ${names[0]})`)};\n    }`),
        uses: [],
      });
    }
    for (const [there, back] of ROUND_TRIPS) {
      if (required.length !== 1) continue;
      const single = (s: Unit) => s.kind === 'function' && !s.async && s.params.filter((p) => !p.optional && !p.rest).length === 1;
      // `unit` formats and a sibling parses back: parse(format(x)) is x, for x of the formatter's input type.
      const m = there.exec(unit.name);
      const inverse = m && siblings.find((s) => single(s) && back.exec(s.name)?.[1] === m[1]);
      if (inverse) {
        out.push({
          family: `roundtrip:${inverse.name}`,
          name: `${inverse.name}(${unit.name}(x)) gives x back, for ${over} (property)`,
          body: property(`{\n      ${o.equal(`${o.binding(inverse)}(${call})`, names[0]!)};\n    }`),
          uses: [inverse],
        });
      }
      // `unit` parses and a sibling formats: the same property, from the formatter's inputs.
      const b = back.exec(unit.name);
      const formatter = b && siblings.find((s) => single(s) && there.exec(s.name)?.[1] === b[1] && s.params[0]?.shape);
      if (formatter) {
        const fShape = formatter.params[0].shape!;
        const fBounds = boundsOf(formatter);
        for (const v of variantsFor([fShape], fBounds)) {
          const arb = arbitraryFor(fShape, v, 0, fBounds);
          if (!arb) continue;
          out.push({
            family: `roundtrip:${formatter.name}`,
            name: `${unit.name}(${formatter.name}(x)) gives x back, for ${describeArbitrary(fShape, v)} (property)`,
            body: `${o.fc}.assert(${o.fc}.property(${arb.replace(/\bfc\./g, `${o.fc}.`)}, (x) => {\n      ${o.equal(`${f}(${o.binding(formatter)}(x))`, 'x')};\n    }), ${options});`,
            uses: [formatter],
          });
        }
      }
    }
  }
  return out;
}
