// What happened when the sandbox called a unit with one candidate (shared by run/ and core/).
import type { Described } from './values';

export interface ErrorInfo {
  name: string;
  message: string;
  className: string;
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
}
