// The messages between the server and a runner host (vitestHost.ts, jestHost.ts): a kept child process that drives
// the project's own test runner and answers with one run per test file, coverage in Istanbul's shape.
import type { FileCoverageData, TestStatus } from '../core/coverage';

export interface HostStart {
  root: string;
  /** The runner's config file, when the project names one (`--config` in its test script). */
  config?: string;
  /** The runner's node API entry, resolved from the project (`vitest/node`, `@jest/core`). */
  entry: string;
  /** The host's own folder: coverage reports, caches; the only place besides `allowWrite` it writes to. */
  tmpDir: string;
  allowWrite: string[];
  allowNetwork: boolean;
  memoryMb: number;
}

export type HostRequest = { type: 'run'; id: number; files: string[]; changed: string[] } | { type: 'close' };

export interface HostRun {
  testFile: string;
  status: TestStatus;
  durationMs: number;
  tests?: { total: number; passed: number; skipped: number };
  message?: string;
  /** The runner's own coverage of each source file the run loaded (`coverage-final.json` entries). */
  coverage: Record<string, FileCoverageData>;
  /** Files the run loaded (absolute paths), the test file included. */
  loaded: string[];
}

export type HostReply =
  | { type: 'ready'; version: string }
  | { type: 'failed'; message: string }
  | { type: 'ran'; id: number; run: HostRun }
  | { type: 'done'; id: number };
