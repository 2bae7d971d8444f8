// Messages between the server and its sandbox children (plain JSON over Node IPC). The child loads this module:
// nothing here may import TypeScript (0.4 s per child).

/** The global function instrumented code calls with a block's id (run/instrument.ts). */
export const HIT_FUNCTION = '__testgap_hit';

export interface Job {
  projectRoot: string;
  /** Absolute path of the module that defines the unit. */
  modulePath: string;
  /** How the module exports the unit (or its class): a name, `default`, or `export=`. */
  exportName: string;
  member?: { name: string; kind: 'method' | 'static-method' | 'getter' | 'constructor' | 'class' };
  /** JS source of the constructor arguments array, for instance members. */
  ctorArgs?: string;
  /**
   * The export is an abstract class: the instance is built from a minimal subclass whose members return these values
   * (JS source, evaluated afresh on every read), as the generated test's own subclass does.
   */
  stub?: { name: string; kind: 'method' | 'getter' | 'property'; value: string }[];
  /** Calls made on the instance after it is built, before each call of the member (a prepared fixture). */
  setup?: { method: string; args: string }[];
  /** JS source of each candidate's arguments array. */
  candidates: string[];
  startAt: number;
  instrument: boolean;
  /**
   * The module as the server instrumented it (a file holding the code, and its block count), so the child need not
   * load TypeScript to do it again; without it the child instruments the module itself.
   */
  instrumented?: { code: string; blocks: number };
  /** A TranspileCache manifest (run/transpileCache.ts): the project's other files, transpiled by the server. */
  transpiled?: string;
  /** `tempDir`: every call starts in a freshly made working folder holding the fixture file (core/plan.ts). */
  fixture?: 'tempDir';
  /** Relative paths (a `/` makes the folder first) and contents. */
  fixtureFiles?: readonly { name: string; text: string }[];
  /** Node-style callback API: the harness appends a callback to each call and waits up to this long for it. */
  callbackWaitMs?: number;
  /**
   * Instead of calling a unit: load these relative specifiers (as `modulePath` names them) too and report which of
   * the module's exported values are those modules' values (core/reexports.ts).
   */
  probeReexports?: string[];
  /**
   * The world the project's runner gives its tests: NODE_ENV (`test` under vitest and jest, unset under node:test,
   * mocha and uvu: null), and its setup files (absolute paths), loaded before the module; one that throws (it needs
   * the runner's globals) is left at the point it threw.
   */
  environment?: { nodeEnv: string | null; preload: string[]; dom?: DomEnvironment };
}

/**
 * A browser-like test environment (vitest's `environment: 'jsdom'`, jest's `testEnvironment: 'jsdom'`): the package
 * that builds the window (`module`, an absolute path as the project resolves it), whose globals tests see.
 */
export interface DomEnvironment {
  kind: 'jsdom' | 'happy-dom';
  module: string;
}

export type { ErrorInfo, Outcome } from '../core/outcome';
import type { ErrorInfo, Outcome } from '../core/outcome';
import type { ReexportCheck } from '../core/reexports';

export type ChildMessage =
  | { type: 'loaded'; blocks: number }
  | { type: 'load-error'; error: ErrorInfo }
  | { type: 'start'; index: number }
  | { type: 'outcome'; index: number; outcome: Outcome; hits: number[]; stable: boolean; environment?: boolean; local?: boolean; globals?: boolean }
  | { type: 'reexports'; checks: ReexportCheck[] }
  | { type: 'done' };
