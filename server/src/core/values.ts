// Values observed in the sandbox, as plain data that survives JSON (so -0, NaN, undefined, Map, cycles are kept),
// and their JavaScript source for generated tests.

export type Described =
  | { t: 'undefined' }
  | { t: 'null' }
  | { t: 'boolean'; v: boolean }
  | { t: 'number'; v: number | 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { t: 'string'; v: string }
  | { t: 'bigint'; v: string }
  | { t: 'symbol'; v: string }
  | { t: 'function'; name: string }
  /** `extra`: the array's own properties that are not indices (a RegExp match's `index`, `input` and `groups`). */
  | { t: 'array'; items: Described[]; extra?: [string, Described][] }
  | { t: 'object'; entries: [string, Described][]; nullProto?: true }
  | { t: 'date'; v: string | null }
  | { t: 'regexp'; source: string; flags: string }
  | { t: 'map'; entries: [Described, Described][] }
  | { t: 'set'; items: Described[] }
  | { t: 'typed'; ctor: string; items: number[] }
  | { t: 'error'; name: string; message: string }
  | { t: 'instance'; className: string; entries: [string, Described][] }
  | { t: 'cycle' }
  | { t: 'truncated' };

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** `'a\'b'` style single-quoted JS string. */
export function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/[\u0000-\u001f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}

function key(k: string): string {
  // `{ '__proto__': x }` sets the prototype even when quoted; only a computed key makes an own property.
  if (k === '__proto__') return `['__proto__']`;
  return IDENT.test(k) ? k : quote(k);
}

/**
 * JS source that evaluates to a value deep-equal (uvu's `assert.equal`) to the observed one, or undefined when there
 * is none: functions, symbols, class instances, cycles and truncated values are asserted another way.
 */
export function literal(d: Described): string | undefined {
  // Plain data that came through JSON: never trust its shape enough to throw on it.
  if (!d) return undefined;
  switch (d.t) {
    case 'undefined':
      return 'undefined';
    case 'null':
      return 'null';
    case 'boolean':
      return String(d.v);
    case 'number':
      return typeof d.v === 'number' ? String(d.v) : d.v;
    case 'string':
      return quote(d.v);
    case 'bigint':
      return `${d.v}n`;
    case 'date':
      return d.v === null ? 'new Date(NaN)' : `new Date(${quote(d.v)})`;
    case 'regexp':
      return `/${d.source}/${d.flags}`;
    case 'array': {
      const items = d.items.map(literal);
      if (items.some((x) => x === undefined)) return undefined;
      if (!d.extra?.length) return `[${items.join(', ')}]`;
      // Strict deep equality (node:assert, jest, vitest) compares an array's other own properties too.
      const extra = objectLiteral(d.extra);
      return extra === undefined ? undefined : `Object.assign([${items.join(', ')}], ${extra})`;
    }
    case 'object': {
      const text = objectLiteral(d.entries);
      if (text === undefined) return undefined;
      return d.nullProto ? `Object.assign(Object.create(null), ${text})` : text;
    }
    case 'map': {
      const entries = d.entries.map(([k, v]) => [literal(k), literal(v)]);
      if (entries.some(([k, v]) => k === undefined || v === undefined)) return undefined;
      return entries.length === 0 ? 'new Map()' : `new Map([${entries.map(([k, v]) => `[${k}, ${v}]`).join(', ')}])`;
    }
    case 'set': {
      const items = d.items.map(literal);
      if (items.some((x) => x === undefined)) return undefined;
      return items.length === 0 ? 'new Set()' : `new Set([${items.join(', ')}])`;
    }
    case 'typed':
      return `new ${d.ctor}([${d.items.join(', ')}])`;
    default:
      return undefined;
  }
}

function objectLiteral(described: [string, Described][]): string | undefined {
  const entries = described.map(([k, v]) => [k, literal(v)] as const);
  if (entries.some(([, v]) => v === undefined)) return undefined;
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${key(k)}: ${v}`).join(', ')} }`;
}

/** A short readable rendering for test names: `'$19.99'`, `[1, 2]`, `Cart {…}`. */
export function show(d: Described, max = 40): string {
  // An array with other properties reads as the array and what it carries: `['a'] with { count: 1 }`.
  const carried = d?.t === 'array' && d.extra?.length ? literal({ t: 'object', entries: d.extra }) : undefined;
  const plain = carried !== undefined && d.t === 'array' ? literal({ t: 'array', items: d.items }) : undefined;
  const text = (plain !== undefined ? `${plain} with ${carried}` : undefined) ?? literal(d) ?? (d.t === 'instance' ? `${d.className} {…}` : d.t === 'function' ? `[Function ${d.name || 'anonymous'}]` : d.t === 'error' ? `${d.name}: ${d.message}` : d.t);
  if (text.length <= max) return text;
  // Too long for a title: what it is, in words (the whole value is in the test's table).
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  switch (d.t) {
    case 'string':
      return `a ${d.v.length}-character string`;
    case 'array':
      return `an array of ${count(d.items.length, 'item')}`;
    case 'object':
      return `an object with ${count(d.entries.length, 'key')}`;
    case 'map':
      return `a Map of ${count(d.entries.length, 'entry').replace('entrys', 'entries')}`;
    case 'set':
      return `a Set of ${count(d.items.length, 'item')}`;
    default:
      return text.slice(0, max - 1) + '…';
  }
}

export function sameDescribed(a: Described, b: Described): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
