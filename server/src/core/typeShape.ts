// Checker types → TypeShape (plain data). Used when planning inputs and deriving fast-check arbitraries.
import ts from 'typescript';
import type { TypeShape } from './model';

const MAX_DEPTH = 4;

export function shapeOfType(checker: ts.TypeChecker, type: ts.Type, depth = 0): TypeShape {
  if (depth > MAX_DEPTH) return { kind: 'unknown' };
  // A type parameter takes what its constraint allows (`T extends object` → an object; a bare `T` → anything): the
  // test's table is typed by what the constructor infers, the constraint.
  if (type.flags & ts.TypeFlags.TypeParameter) {
    const constraint = checker.getBaseConstraintOfType(type);
    return constraint && constraint !== type && !(constraint.flags & ts.TypeFlags.Unknown) ? shapeOfType(checker, constraint, depth + 1) : { kind: 'unknown' };
  }
  const f = type.flags;
  if (f & ts.TypeFlags.Any) return { kind: 'any' };
  if (f & ts.TypeFlags.Unknown) return { kind: 'unknown' };
  if (f & ts.TypeFlags.Never) return { kind: 'never' };
  if (f & ts.TypeFlags.Void) return { kind: 'void' };
  if (f & ts.TypeFlags.Undefined) return { kind: 'undefined' };
  if (f & ts.TypeFlags.Null) return { kind: 'null' };
  if (f & ts.TypeFlags.Boolean) return { kind: 'boolean' };
  if (f & ts.TypeFlags.BooleanLiteral) return { kind: 'literal', value: checker.typeToString(type) === 'true' };
  if (type.isNumberLiteral()) return { kind: 'literal', value: type.value };
  if (type.isStringLiteral()) return { kind: 'literal', value: type.value };
  if (f & ts.TypeFlags.NumberLike) return { kind: 'number' };
  if (f & ts.TypeFlags.StringLike) return { kind: 'string' };
  if (f & ts.TypeFlags.BigIntLike) return { kind: 'bigint' };
  if (f & ts.TypeFlags.ESSymbolLike) return { kind: 'symbol' };
  if (type.isUnion()) {
    const members = type.types.map((t) => shapeOfType(checker, t, depth + 1));
    // `boolean | undefined` arrives as `true | false | undefined`.
    const t = members.findIndex((m) => m.kind === 'literal' && m.value === true);
    const fl = members.findIndex((m) => m.kind === 'literal' && m.value === false);
    if (t >= 0 && fl >= 0) {
      const rest = members.filter((_, i) => i !== t && i !== fl);
      return rest.length === 0 ? { kind: 'boolean' } : { kind: 'union', members: [{ kind: 'boolean' }, ...rest] };
    }
    return { kind: 'union', members };
  }
  if (checker.isTupleType(type)) {
    return { kind: 'tuple', elements: checker.getTypeArguments(type as ts.TypeReference).map((t) => shapeOfType(checker, t, depth + 1)) };
  }
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    return { kind: 'array', element: element ? shapeOfType(checker, element, depth + 1) : { kind: 'unknown' } };
  }
  const symbol = type.getSymbol();
  const name = symbol?.getName();
  const args = (type as ts.TypeReference).target ? checker.getTypeArguments(type as ts.TypeReference) : [];
  const arg = (i: number): TypeShape => (args[i] ? shapeOfType(checker, args[i], depth + 1) : { kind: 'unknown' });
  // JSDoc's `{Object}` / `{Function}`: any object, any function — not the members of the global interfaces.
  if (name === 'Object' && !(type.flags & ts.TypeFlags.Union)) return { kind: 'object', properties: [] };
  // `object`: any non-primitive.
  if (f & ts.TypeFlags.NonPrimitive) return { kind: 'object', properties: [] };
  if (name === 'Function') return { kind: 'function' };
  if (name === 'Date') return { kind: 'date' };
  if (name === 'RegExp') return { kind: 'regexp' };
  if (name === 'Map' || name === 'ReadonlyMap') return { kind: 'map', key: arg(0), value: arg(1) };
  if (name === 'Set' || name === 'ReadonlySet') return { kind: 'set', element: arg(0) };
  if (name === 'Promise') return { kind: 'promise', value: arg(0) };
  if (type.getConstructSignatures().length > 0) return { kind: 'constructor' };
  if (type.getCallSignatures().length > 0) return { kind: 'function' };
  if (symbol && symbol.flags & ts.SymbolFlags.Class) return { kind: 'instance', className: symbol.getName() };
  if (f & ts.TypeFlags.Object) {
    const properties = checker.getPropertiesOfType(type).filter((p) => !p.getName().startsWith('__@')).map((p) => ({
      name: p.getName(),
      optional: (p.flags & ts.SymbolFlags.Optional) !== 0,
      shape: shapeOfType(checker, checker.getTypeOfSymbol(p), depth + 1),
    }));
    return { kind: 'object', properties };
  }
  return { kind: 'unknown' };
}
