// What happened when the sandbox called a unit with one candidate (shared by run/ and core/).
import type { Described } from './values';

export interface ErrorInfo {
  name: string;
  message: string;
  className: string;
  /** `error.code`, e.g. ERR_ACCESS_DENIED when the sandbox refused something. */
  code?: string;
  /** For ERR_ACCESS_DENIED: what was refused (Node's `permission` and `resource`). */
  permission?: string;
  resource?: string;
}

/** Prefix of a bad-input message for a call that failed after it returned, or a callback API that never called back. */
export const ASYNC_FAILURE = 'asynchronous: ';

/** Prefix of a bad-input message when the instance for a member call could not be constructed. */
export const CONSTRUCTION_FAILED = 'constructing the instance: ';

/** What the unit tried that the sandbox refused, in words, or undefined for an ordinary error. */
export function sandboxRefusal(e: ErrorInfo): string | undefined {
  if (e.code !== 'ERR_ACCESS_DENIED') return undefined;
  switch (e.permission) {
    case 'FileSystemWrite':
      return `writes to ${e.resource ?? 'a file outside its temp folder'}`;
    case 'FileSystemRead':
      return `reads ${e.resource ?? 'a file it may not read'}`;
    case 'ChildProcess':
      return 'starts a child process';
    case 'WorkerThreads':
      return 'starts a worker thread';
    case 'Network':
      return `opens a network connection to ${e.resource ?? 'a remote host'}`;
    case 'Addon':
      return 'loads a native addon';
    default:
      return `needs access the sandbox refuses (${e.message})`;
  }
}

/** Globals of browsers (and of DOM environments such as jsdom) that Node does not define. */
const BROWSER_GLOBALS = new Set([
  'window', 'document', 'localStorage', 'sessionStorage', 'location', 'history', 'screen', 'alert', 'confirm', 'prompt',
  'HTMLElement', 'Element', 'Node', 'customElements', 'indexedDB', 'requestAnimationFrame', 'cancelAnimationFrame',
  'getComputedStyle', 'matchMedia', 'XMLHttpRequest', 'IntersectionObserver', 'ResizeObserver', 'MutationObserver',
  'DOMParser', 'Image', 'FileReader', 'HTMLCanvasElement', 'CSS', 'innerWidth', 'innerHeight',
]);

/**
 * A global the code uses that is not defined where it ran (`ReferenceError: localStorage is not defined`), in words:
 * the test environment lacks it (a browser global, a polyfill a setup file did not load), so the error says nothing
 * about the code and is never an expected value.
 */
export function missingGlobal(e: ErrorInfo): string | undefined {
  if ((e.className || e.name) !== 'ReferenceError') return undefined;
  const name = /^([A-Za-z_$][\w$]*) is not defined$/.exec(e.message)?.[1];
  if (!name) return undefined;
  return BROWSER_GLOBALS.has(name)
    ? `uses \`${name}\`, a browser global that a node test environment does not define`
    : `uses the global \`${name}\`, which is not defined where it ran (a polyfill or setup file not loaded, or a bug)`;
}

/** Why an error makes a call not executable here: the sandbox refused something, or the environment lacks a global. */
export function notExecutableReason(e: ErrorInfo): string | undefined {
  return sandboxRefusal(e) ?? missingGlobal(e);
}

export type Outcome =
  | { kind: 'return' | 'resolve'; value: Described }
  | { kind: 'throw' | 'reject'; error: ErrorInfo }
  | { kind: 'bad-input'; error: ErrorInfo }
  | { kind: 'timeout'; ms: number }
  | { kind: 'exit'; code: number | null; signal: string | null };

export interface Observed {
  outcome: Outcome;
  /** Ids of the instrumented blocks the call ran. */
  hits: number[];
  /** False when a second call with the same input gave a different outcome. */
  stable: boolean;
  /** Unstable because the outcome follows NODE_ENV, the time zone or the locale (the same world gave it again). */
  environment?: boolean;
  /** The outcome mentions the sandbox's own folder: true of that run only, never an expectation. */
  local?: boolean;
}
