// How each runner's dialect states what a test checks: deep and strict equality, truth, and a thrown error's class
// and message, as the dialect's own assertion API writes them (uvu/assert, node:assert, expect), in the syntax the
// project's TypeScript and tools read.
import type { EmitStyle } from './emit';

/** Whether the file may use syntax of TypeScript `major`.`minor` (always, where the project's version is current). */
export function tsAtLeast(style: EmitStyle, major: number, minor: number): boolean {
  return !style.typescript || style.typescript[0] > major || (style.typescript[0] === major && style.typescript[1] >= minor);
}

/** Assertions as the dialect writes them: each returns one statement (no trailing semicolon). */
export interface Assertions {
  /** Deep, strict equality (uvu's `equal`, node's `deepStrictEqual`, `toStrictEqual`); `message` an expression. */
  equal(actual: string, expected: string, message?: string): string;
  /** `===`. */
  is(actual: string, expected: string): string;
  /** The expression is true; `message` is a JS string literal. */
  ok(expression: string, message: string): string;
  /**
   * `fn` (a function expression) throws an Error whose class is named `errorClass` with the message `message` (both
   * JS expressions); statements after the first start with `indent`.
   */
  throws(fn: string, errorClass: string, message: string, indent: string): string;
  /** An expression: `error` (a variable of type unknown) is an error whose class is named `errorClass`, with `message`. */
  errorMatches(error: string, errorClass: string, message: string): string;
}

/** How the dialect of `style` asserts, with `assertName` the local name of its assert module (uvu, node:assert). */
export function assertions(style: EmitStyle, assertName: string): Assertions {
  // `a?.b`, or `a && a.b` for TypeScript before 3.7 (and the tools of its time).
  const optional = (on: string, path: string) => (tsAtLeast(style, 3, 7) ? `${on}?.${path}` : `${on} && ${on}.${path}`);
  // uvu, node:test and mocha run a test in Node's own realm: `instanceof Error` holds for what any code throws.
  const errorMatches = (e: string, cls: string, msg: string) => `${e} instanceof Error && ${e}.constructor.name === ${cls} && ${e}.message === ${msg}`;
  const sameRealmErrors: Pick<Assertions, 'throws' | 'errorMatches'> = {
    throws: (fn, cls, msg) => `${assertName}.throws(${fn}, (error${style.ts ? ': unknown' : ''}) => ${errorMatches('error', cls, msg)})`,
    errorMatches,
  };
  switch (style.dialect ?? 'uvu') {
    case 'vitest':
    case 'jest':
      return {
        equal: (a, e) => `expect(${a}).toStrictEqual(${e})`,
        is: (a, e) => `expect(${a}).toBe(${e})`,
        ok: (x) => `expect(${x}).toBe(true)`,
        // expect(fn).toThrow() checks a class or a part of the message, not both exactly. No `instanceof Error`: jest
        // runs a test file in a context of its own, where what Node's built-ins throw (`new URL('x')`, `atob`,
        // `Buffer.alloc(-1)`) is not an instance of the file's Error (jest issue #2549); the class's name and the
        // message say as much, in either realm.
        throws: (fn, cls, msg, indent) =>
          [`const error = thrownBy(${fn})${style.ts ? ' as Error | undefined' : ''}`, `expect([${optional('error', 'constructor.name')}, ${optional('error', 'message')}]).toStrictEqual([${cls}, ${msg}])`].join(`;\n${indent}`),
        errorMatches: (e, cls, msg) => `${optional(style.ts ? `(${e} as Error | undefined)` : e, 'constructor.name')} === ${cls} && ${style.ts ? `(${e} as Error)` : e}.message === ${msg}`,
      };
    case 'node:test':
    case 'mocha':
      return {
        equal: (a, e, m) => `${assertName}.deepStrictEqual(${a}, ${e}${m ? `, ${m}` : ''})`,
        is: (a, e) => `${assertName}.strictEqual(${a}, ${e})`,
        ok: (x, m) => `${assertName}.ok(${x}, ${m})`,
        ...sameRealmErrors,
      };
    default:
      return {
        equal: (a, e, m) => `${assertName}.equal(${a}, ${e}${m ? `, ${m}` : ''})`,
        is: (a, e) => `${assertName}.is(${a}, ${e})`,
        ok: (x, m) => `${assertName}.ok(${x}, ${m})`,
        ...sameRealmErrors,
      };
  }
}
