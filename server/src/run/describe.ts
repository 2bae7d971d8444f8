// Runs inside the sandbox: turns any JS value into a Described (core/values.ts). Never throws, never calls user
// getters more than once per property, and bounds size and depth so a huge or hostile value cannot hang the report.
import type { Described } from '../core/values';

const MAX_ITEMS = 50;
const MAX_DEPTH = 6;
const MAX_STRING = 2000;

export function describe(value: unknown, depth = 0, seen: Set<object> = new Set()): Described {
  try {
    return describeUnsafe(value, depth, seen);
  } catch {
    return { t: 'truncated' };
  }
}

function describeUnsafe(v: unknown, depth: number, seen: Set<object>): Described {
  switch (typeof v) {
    case 'undefined':
      return { t: 'undefined' };
    case 'boolean':
      return { t: 'boolean', v };
    case 'number':
      if (Number.isNaN(v)) return { t: 'number', v: 'NaN' };
      if (v === Infinity) return { t: 'number', v: 'Infinity' };
      if (v === -Infinity) return { t: 'number', v: '-Infinity' };
      if (Object.is(v, -0)) return { t: 'number', v: '-0' };
      return { t: 'number', v };
    case 'string':
      return v.length > MAX_STRING ? { t: 'truncated' } : { t: 'string', v };
    case 'bigint':
      return { t: 'bigint', v: v.toString() };
    case 'symbol':
      return { t: 'symbol', v: v.toString() };
    case 'function':
      return { t: 'function', name: v.name };
  }
  if (v === null) return { t: 'null' };
  const o = v as object;
  if (seen.has(o)) return { t: 'cycle' };
  if (depth >= MAX_DEPTH) return { t: 'truncated' };
  seen.add(o);
  try {
    const sub = (x: unknown) => describe(x, depth + 1, seen);
    // Array.from, not map: a sparse array's holes would be skipped and come back from JSON as null (uvu's
    // assert.equal takes a hole and undefined as the same).
    if (Array.isArray(o)) {
      if (o.length > MAX_ITEMS) return { t: 'truncated' };
      // Own properties besides the indices (a RegExp match's `index`, `input`, `groups`): strict equality checks them.
      const extra = Object.keys(o).filter((k) => !/^(0|[1-9]\d*)$/.test(k) || Number(k) >= o.length);
      if (extra.length > MAX_ITEMS) return { t: 'truncated' };
      const items = Array.from(o, sub);
      return extra.length > 0 ? { t: 'array', items, extra: extra.map((k) => [k, sub((o as unknown as Record<string, unknown>)[k])]) } : { t: 'array', items };
    }
    if (o instanceof Date) return { t: 'date', v: Number.isNaN(o.getTime()) ? null : o.toISOString() };
    if (o instanceof RegExp) return { t: 'regexp', source: o.source, flags: o.flags };
    if (o instanceof Map) return o.size > MAX_ITEMS ? { t: 'truncated' } : { t: 'map', entries: [...o].map(([k, x]) => [sub(k), sub(x)]) };
    if (o instanceof Set) return o.size > MAX_ITEMS ? { t: 'truncated' } : { t: 'set', items: [...o].map(sub) };
    if (ArrayBuffer.isView(o) && !(o instanceof DataView)) {
      const arr = o as unknown as { length: number; constructor: { name: string } } & ArrayLike<number | bigint>;
      if (arr.length > MAX_ITEMS || typeof arr[0] === 'bigint') return { t: 'truncated' };
      return { t: 'typed', ctor: arr.constructor.name, items: Array.from(arr as ArrayLike<number>) };
    }
    if (o instanceof Error) return { t: 'error', name: o.name, message: String(o.message) };
    const proto = Object.getPrototypeOf(o);
    // An iterator (a Map's entries(), a generator): its own keys are none and its class reads as `Object`, so a
    // test of its class and keys would hold for any iterator at all. No literal form, then: no such test.
    const it = o as { next?: unknown; [Symbol.iterator]?: unknown };
    if (proto !== Object.prototype && typeof it.next === 'function' && typeof it[Symbol.iterator] === 'function') return { t: 'truncated' };
    const keys = Object.keys(o);
    if (keys.length > MAX_ITEMS) return { t: 'truncated' };
    const entries = keys.map((k) => [k, sub((o as Record<string, unknown>)[k])] as [string, Described]);
    if (proto === Object.prototype) return { t: 'object', entries };
    // uvu's deep equality compares constructors: `Object.create(null)` (EventEmitter's _events) is not `{}`.
    if (proto === null) return { t: 'object', entries, nullProto: true };
    return { t: 'instance', className: proto?.constructor?.name ?? 'Object', entries };
  } finally {
    seen.delete(o);
  }
}
