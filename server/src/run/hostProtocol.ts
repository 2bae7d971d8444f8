// The messages between the server and a runner host (vitestHost.ts, jestHost.ts): a kept child process that drives
// the project's own test runner and answers with one run per test file, coverage in Istanbul's shape.
import fs from 'node:fs';
import path from 'node:path';
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
  /**
   * What a generated file being verified reported: the lines its verify helper appended to $TESTGAP_FAILURES during
   * this run (core/emit.ts), one JSON `[test name, refusal]` each.
   */
  verifyFailures?: string[];
}

export type HostReply =
  | { type: 'ready'; version: string }
  | { type: 'failed'; message: string }
  | { type: 'ran'; id: number; run: HostRun }
  | { type: 'done'; id: number };

/**
 * In a host: where a generated test file being verified appends its failures (core/emit.ts's verify helper reads
 * $TESTGAP_FAILURES, which the runner's tests inherit), emptied before each run and read after it.
 */
export function verifyFailures(tmpDir: string): { reset(): void; read(): string[] } {
  const file = path.join(tmpDir, 'failures.jsonl');
  process.env.TESTGAP_FAILURES = file;
  return {
    reset: () => fs.writeFileSync(file, ''),
    read: () => {
      try {
        return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}
