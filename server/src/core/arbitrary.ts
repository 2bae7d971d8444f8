// fast-check arbitraries (as source text) for TypeShapes. `variant` widens or narrows numbers: properties are tried
// with the widest first, and the narrowest that held is what gets written.
import type { TypeShape } from './model';
import { quote } from './values';

/** `bounded`: integers between the smallest and largest number literal of the function's body. */
export type ArbitraryVariant = 'wide' | 'integer' | 'natural' | 'bounded';

const IDENT = /^[A-Za-z_$][\w$]*$/;

export function arbitraryFor(shape: TypeShape | undefined, variant: ArbitraryVariant = 'wide', depth = 0, bounds?: [number, number]): string | undefined {
  if (!shape || depth > 3) return undefined;
  const sub = (s: TypeShape) => arbitraryFor(s, variant, depth + 1, bounds);
  switch (shape.kind) {
    case 'number':
      if (variant === 'bounded' && bounds) return `fc.integer({ min: ${bounds[0]}, max: ${bounds[1]} })`;
      return variant === 'wide' ? 'fc.double()' : variant === 'integer' ? 'fc.integer()' : 'fc.nat()';
    case 'string':
      return 'fc.string()';
    case 'boolean':
      return 'fc.boolean()';
    case 'bigint':
      return 'fc.bigInt()';
    case 'null':
      return 'fc.constant(null)';
    case 'undefined':
    case 'void':
      return 'fc.constant(undefined)';
    case 'literal':
      return `fc.constant(${typeof shape.value === 'string' ? quote(shape.value) : String(shape.value)})`;
    case 'date':
      return 'fc.date({ noInvalidDate: true })';
    case 'union': {
      if (shape.members.every((m) => m.kind === 'literal')) {
        return `fc.constantFrom(${shape.members.map((m) => (m.kind === 'literal' ? (typeof m.value === 'string' ? quote(m.value) : String(m.value)) : '')).join(', ')})`;
      }
      const parts = shape.members.map(sub);
      return parts.every((p) => p !== undefined) ? `fc.oneof(${parts.join(', ')})` : undefined;
    }
    case 'array': {
      const e = sub(shape.element);
      return e && `fc.array(${e}, { maxLength: 10 })`;
    }
    case 'tuple': {
      const parts = shape.elements.map(sub);
      return parts.every((p) => p !== undefined) ? `fc.tuple(${parts.join(', ')})` : undefined;
    }
    case 'set': {
      const e = sub(shape.element);
      return e && `fc.array(${e}, { maxLength: 10 }).map((xs) => new Set(xs))`;
    }
    case 'map': {
      const k = sub(shape.key);
      const v = sub(shape.value);
      return k && v && `fc.array(fc.tuple(${k}, ${v}), { maxLength: 10 }).map((es) => new Map(es))`;
    }
    case 'object': {
      const props = shape.properties.map((p) => [p, sub(p.shape)] as const);
      if (props.some(([, a]) => a === undefined)) return undefined;
      const body = props.map(([p, a]) => `${IDENT.test(p.name) ? p.name : quote(p.name)}: ${a}`).join(', ');
      const required = props.filter(([p]) => !p.optional).map(([p]) => quote(p.name));
      if (props.length === 0) return 'fc.constant({})';
      return required.length === props.length ? `fc.record({ ${body} })` : `fc.record({ ${body} }, { requiredKeys: [${required.join(', ')}] })`;
    }
    default:
      return undefined;
  }
}

/** Words for test names: "any number", "any integer", "any string". */
export function describeArbitrary(shape: TypeShape | undefined, variant: ArbitraryVariant): string {
  if (shape?.kind === 'number') return variant === 'wide' ? 'any number' : variant === 'integer' ? 'any integer' : variant === 'natural' ? 'any natural number' : 'integers in the range its code checks';
  if (shape?.kind === 'string') return 'any string';
  if (shape?.kind === 'boolean') return 'any boolean';
  if (shape?.kind === 'array') return 'any array';
  return 'any input';
}
