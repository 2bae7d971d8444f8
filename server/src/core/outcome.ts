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
  /** The outcome mentions the sandbox's own folder: true of that run only, never an expectation. */
  local?: boolean;
}
