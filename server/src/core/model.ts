// The plain data the analysis core hands out. No TypeScript compiler objects and no LSP types cross this boundary:
// the lsp/ and cli/ layers convert from these.
import type { Span } from './text';

export type UnitKind = 'function' | 'class' | 'method' | 'static-method' | 'getter' | 'constructor';

/**
 * A type as plain data, from the checker: enough to plan inputs and derive fast-check arbitraries. Deep or recursive
 * types end in `unknown` past a fixed depth.
 */
export type TypeShape =
  | { kind: 'number' | 'string' | 'boolean' | 'bigint' | 'null' | 'undefined' | 'void' | 'any' | 'unknown' | 'never' | 'date' | 'regexp' | 'function' | 'symbol' }
  /** Something called with `new` (`new () => T`, `typeof Base`): a class, never `{}` or an arrow function. */
  | { kind: 'constructor' }
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'union'; members: TypeShape[] }
  | { kind: 'array'; element: TypeShape }
  | { kind: 'tuple'; elements: TypeShape[] }
  | { kind: 'object'; properties: { name: string; optional: boolean; shape: TypeShape }[] }
  | { kind: 'map'; key: TypeShape; value: TypeShape }
  | { kind: 'set'; element: TypeShape }
  | { kind: 'promise'; value: TypeShape }
  | { kind: 'instance'; className: string };

export interface Param {
  name: string;
  /** Structure of the parameter's type, when the checker was asked. */
  shape?: TypeShape;
  /** Type text: from the annotation or JSDoc (`typeFrom: 'syntax'`) or from the type checker (`'checker'`). */
  type?: string;
  optional: boolean;
  /** Source text of the default value, when there is one. */
  defaultText?: string;
  rest: boolean;
}

export interface JsDocInfo {
  summary?: string;
  params: { name: string; type?: string; text?: string }[];
  returns?: string;
  throws: string[];
  examples: string[];
}

export interface Unit {
  /** Stable id: `<path relative to the project root>#<qualified name>`, e.g. `src/cart.ts#Cart.prototype.add`. */
  id: string;
  /** Absolute path of the file that defines the unit. */
  file: string;
  kind: UnitKind;
  /** What users read: `formatPrice`, `Cart.add`, `new Cart`, `default export`, `module.exports`. */
  name: string;
  /**
   * Names the module exports the unit under. `default` for ESM default exports, `export=` for `module.exports = …` /
   * `export = …`. Class members have none: they are reached through their class (`parent`).
   */
  exportNames: string[];
  /** For class members: the id of the class unit. */
  parent?: string;
  /**
   * For classes: the class it extends, when that is a class of this module (`id`) or an import (`specifier` and the
   * name it is exported under). A tested subclass exercises what it inherits.
   */
  base?: { id: string } | { specifier: string; exportName: string };
  /** For classes: declared `abstract`. It is never constructed itself; its members run on a concrete subclass. */
  abstract?: boolean;
  /** For classes: declares type parameters (`class Box<T>`), so its type is written with arguments or inferred. */
  generic?: boolean;
  /**
   * For abstract classes: what a subclass must supply (methods, getters, properties), with the type each returns or
   * holds, so that a test can build a minimal concrete one.
   */
  abstractMembers?: { name: string; kind: 'method' | 'getter' | 'property'; shape?: TypeShape }[];
  /** For generic abstract classes: the type arguments a minimal subclass extends it with (constraint, default, or `unknown`). */
  typeArguments?: string[];
  /** For class members: the member's property name (what a test accesses). */
  memberName?: string;
  nameSpan: Span;
  /** The whole declaration (function, class or member): what coverage of the unit is measured over. */
  span?: Span;
  params: Param[];
  returnType?: string;
  returnShape?: TypeShape;
  async: boolean;
  generator: boolean;
  jsDoc?: JsDocInfo;
  /** Literals in the body (comparisons, switch cases, prefixes): inputs worth trying. Filled on the typed path. */
  constants?: {
    numbers: number[];
    strings: string[];
    /** Regular expression literals of the body (`source`, `flags`): inputs that match them reach their branches. */
    regexps?: { source: string; flags: string }[];
    /** Properties the body reads off each parameter (`options.long`): option objects worth trying. */
    paramProperties?: Record<string, string[]>;
    /** The body (or a helper it calls) uses file-system functions: tests get a temporary working folder. */
    fileSystem?: boolean;
    /** The module imports a file-system module (fs, fs-extra, graceful-fs…), though the body may reach it only indirectly. */
    moduleFileSystem?: boolean;
    /** The module imports an HTML parser (cheerio, jsdom…): parameters named for a document take HTML. */
    moduleHtml?: boolean;
  };
  typeFrom: 'syntax' | 'checker';
  /**
   * A type guard (`value is Token`): which parameter it narrows and to what. Its inputs include one of that type, so
   * that the guard is seen saying `true`, not only `false`.
   */
  guard?: { index: number; shape: TypeShape };
  /** A React (or Preact) hook: `use…` in a module that imports React. It runs only while a component renders. */
  reactHook?: boolean;
}

export interface Problem {
  severity: 'error' | 'warning' | 'info';
  message: string;
  file?: string;
}

/** What every core entry point returns instead of throwing. */
export interface Analysed<T> {
  value: T;
  problems: Problem[];
}

/** Where a module's export comes from, as written in that module. */
export type ExportTarget =
  | { kind: 'unit'; unitId: string }
  | { kind: 'reexport'; specifier: string; name: string };

/** The export surface of one module, syntactically. */
export interface ModuleExports {
  named: Map<string, ExportTarget>;
  /** `export * from '…'` (and `module.exports = require('…')`). */
  star: string[];
}

/** What one test file uses of other modules: `specifier` as written, `exportName` as the module names it. */
export interface TestReference {
  specifier: string;
  exportName: string;
  /** Properties the test reads off a named import (a namespace re-exported as `export * as util`). */
  members?: string[];
}

export interface TestFacts {
  references: TestReference[];
  /** Every property name the file accesses (`x.add`, `x['add']`): how class members count as exercised. */
  propertyNames: Set<string>;
}

export interface FileFacts {
  units: Unit[];
  exports: ModuleExports;
  /** Nothing in the module runs: interfaces, type aliases, `declare`s and type-only imports and exports (no coverage to measure). */
  typeOnly?: true;
  /** Present for test files only. */
  test?: TestFacts;
  problems: Problem[];
}

/** Every diagnostic code the server and the CLI can report (protocol.md lists each; a test keeps them in step). */
export const DIAGNOSTIC_CODES = ['missing-test', 'suspected-bug', 'not-executable', 'uncovered', 'low-coverage', 'test-failed'] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

export interface Finding {
  code: DiagnosticCode;
  unit: Unit;
  message: string;
  /** The test file where a test for this unit belongs (may not exist yet). */
  expectedTestFile: string;
}
