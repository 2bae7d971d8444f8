// Runs generated test text in the sandbox and says which tests failed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sandboxRefusal, type ErrorInfo } from '../core/outcome';
import { makeTempDir, removeTempDir, sandboxArgs, sandboxEnv, trackChild, type Limits } from './sandbox';

const RUNNER = path.join(__dirname, 'testRunner.js');
/** Where `uvu` and `fast-check` come from when the project has not installed them (yet). */
const OWN_NODE_MODULES = path.resolve(__dirname, '../../../../node_modules');

export interface VerifyRun {
  failed: Set<string>;
  /** Failed tests whose error was the sandbox refusing something, in the words of a `not-executable` report. */
  refused: Map<string, string>;
  /** The file did not load or the run died: nothing in it can be trusted. */
  broken?: string;
}

/** Runs `text` (a test file with the verify helper) once. `ext`: `.ts`, `.js`, … of the file. */
export async function runTestText(text: string, ext: string, projectRoot: string, limits: Limits, signal?: AbortSignal): Promise<VerifyRun> {
  const tmpDir = makeTempDir('testgap-verify-');
  try {
    const file = path.join(tmpDir, `generated.test${ext}`);
    const failures = path.join(tmpDir, 'failures.txt');
    fs.writeFileSync(file, text);
    fs.writeFileSync(failures, '');
    // For debugging the generator: keep a copy of what was verified.
    if (process.env.TESTGAP_KEEP_VERIFY) fs.writeFileSync(process.env.TESTGAP_KEEP_VERIFY, text);
    const nodePath = [path.join(projectRoot, 'node_modules'), OWN_NODE_MODULES].join(path.delimiter);
    const { code, signal: sig, stderr, timedOut } = await new Promise<{ code: number | null; signal: string | null; stderr: string; timedOut: boolean }>((resolve) => {
      const child = spawn(process.execPath, [...sandboxArgs(tmpDir, limits), RUNNER, file, projectRoot], {
        cwd: tmpDir,
        // os.tmpdir() (temp-folder fixtures) must point where the sandbox may write.
        env: sandboxEnv({ NODE_PATH: nodePath, TESTGAP_FAILURES: failures, TMPDIR: tmpDir }, limits),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      trackChild(child);
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
      let timedOut = false;
      // A whole file gets generous time: many cases, each bounded by the per-call limit when it was planned.
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, Math.max(15_000, limits.timeoutMs * 3));
      const onAbort = () => child.kill('SIGKILL');
      signal?.addEventListener('abort', onAbort);
      child.on('exit', (c, s) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve({ code: c, signal: s, stderr, timedOut });
      });
    });
    const failed = new Set<string>();
    const refused = new Map<string, string>();
    for (const line of fs.readFileSync(failures, 'utf8').split('\n').filter(Boolean)) {
      const [name, refusal] = JSON.parse(line) as [string, (Partial<ErrorInfo> & { code: string }) | null];
      failed.add(name);
      const words = refusal && sandboxRefusal({ name: 'Error', className: 'Error', message: '', ...refusal });
      if (words) refused.set(name, words);
    }
    if (timedOut) return { failed, refused, broken: 'the test file did not finish in time' };
    if (code !== 0 && failed.size === 0) return { failed, refused, broken: `the test file did not run (exit ${code ?? sig}): ${whyItDidNotRun(stderr)}` };
    return { failed, refused };
  } finally {
    removeTempDir(tmpDir);
  }
}

/**
 * What stopped a test file, from its stderr: the error line (`Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'x'
 * imported from …` names the module) and the first frame outside Node; else the last lines that say anything.
 */
export function whyItDidNotRun(stderr: string): string {
  const lines = stderr.split('\n');
  // The error is the line just before the first stack frame (an earlier `Error: …` may be something the code logged);
  // an error without frames (ERR_MODULE_NOT_FOUND's own) is the last error line.
  const firstFrame = lines.findIndex((l) => /^\s+at /.test(l));
  const isError = (l: string) => /^([\w$]*Error|Error \[\w+\])\b.*:/.test(l.trim());
  const before = firstFrame >= 0 ? lines.slice(0, firstFrame) : lines;
  const error = [...before].reverse().find(isError)?.trim();
  const frame = lines.find((l) => /^\s+at /.test(l) && !/\(node:|^\s+at node:/.test(l))?.trim();
  // A syntax error has no frame of the user's: Node prints `file:line` first.
  const where = frame ?? lines.find((l) => /^(file:\/\/)?\/\S+:\d+$/.test(l.trim()))?.trim();
  if (error) return [error, where].filter(Boolean).join(' | ');
  const meaningful = lines.filter((l) => l.trim() && !/^\s+at |^Node\.js v|ExperimentalWarning|--trace-warnings|^\s*\^+\s*$/.test(l));
  return meaningful.slice(-2).join(' | ');
}
