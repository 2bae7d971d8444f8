// Runs generated test text and says which tests failed: uvu, node:test and mocha files in the sandbox, vitest and
// jest files in the project's own runner (a runner host).
import fs from 'node:fs';
import path from 'node:path';
import { sandboxRefusal, type ErrorInfo } from '../core/outcome';
import { runInHost, type HostOptions } from './runnerHost';
import { makeTempDir, removeTempDir, runTrackedChild, sandboxArgs, sandboxEnv, type Limits } from './sandbox';

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

/** Runs `text` (a test file with the verify helper) once. `ext`: `.ts`, `.js`, … of the file; `mocha`: the project's mocha. */
export async function runTestText(text: string, ext: string, projectRoot: string, limits: Limits, signal?: AbortSignal, mocha?: string): Promise<VerifyRun> {
  const tmpDir = makeTempDir('testgap-verify-');
  try {
    const file = path.join(tmpDir, `generated.test${ext}`);
    const failures = path.join(tmpDir, 'failures.txt');
    fs.writeFileSync(file, text);
    fs.writeFileSync(failures, '');
    // For debugging the generator: keep a copy of what was verified.
    if (process.env.TESTGAP_KEEP_VERIFY) fs.writeFileSync(process.env.TESTGAP_KEEP_VERIFY, text);
    const nodePath = [path.join(projectRoot, 'node_modules'), OWN_NODE_MODULES].join(path.delimiter);
    const { code, signal: sig, stderr, timedOut } = await runTrackedChild([...sandboxArgs(tmpDir, limits), RUNNER, file, projectRoot], {
      cwd: tmpDir,
      // os.tmpdir() (temp-folder fixtures) must point where the sandbox may write.
      // uvu, node:test and mocha leave NODE_ENV as the shell has it: unset, as in the candidate runs.
      env: withoutNodeEnv(sandboxEnv({ NODE_PATH: nodePath, TESTGAP_FAILURES: failures, TMPDIR: tmpDir, ...(mocha ? { TESTGAP_MOCHA: mocha } : {}) }, limits)),
      // A whole file gets generous time: many cases, each bounded by the per-call limit when it was planned.
      timeoutMs: Math.max(15_000, limits.timeoutMs * 3),
      stderrTail: 4000,
      signal,
    });
    const { failed, refused } = parseFailures(fs.readFileSync(failures, 'utf8').split('\n').filter(Boolean));
    if (timedOut) return { failed, refused, broken: 'the test file did not finish in time' };
    if (code !== 0 && failed.size === 0) return { failed, refused, broken: `the test file did not run (exit ${code ?? sig}): ${whyItDidNotRun(stderr)}` };
    return { failed, refused };
  } finally {
    removeTempDir(tmpDir);
  }
}

/** The verify helper's lines (`[test name, refusal]`): which tests failed, and which of them the sandbox stopped. */
function parseFailures(lines: string[]): Pick<VerifyRun, 'failed' | 'refused'> {
  const failed = new Set<string>();
  const refused = new Map<string, string>();
  for (const line of lines) {
    const [name, refusal] = JSON.parse(line) as [string, (Partial<ErrorInfo> & { code: string }) | null];
    failed.add(name);
    const words = refusal && sandboxRefusal({ name: 'Error', className: 'Error', message: '', ...refusal });
    if (words) refused.set(name, words);
  }
  return { failed, refused };
}

/**
 * Runs `text` once in the project's own runner (vitest, jest: `host`), as a file beside `testFile`, where the
 * runner's config takes it and its imports resolve as the final file's will: `src/a.test.ts` is verified as
 * `src/a.testgap-<pid>-<n>.test.ts`, removed afterwards. `changed`: the runner must read the file again each time.
 */
export async function runTestTextInRunner(text: string, testFile: string, host: Omit<HostOptions, 'limits'>, limits: Limits, signal?: AbortSignal): Promise<VerifyRun> {
  const m = /^(.*?)((?:\.(?:test|spec))?\.[cm]?[jt]sx?)$/.exec(testFile)!;
  const file = `${m[1]}.testgap-${process.pid}-${++verifyCount}${m[2]}`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  if (process.env.TESTGAP_KEEP_VERIFY) fs.writeFileSync(process.env.TESTGAP_KEEP_VERIFY, text);
  try {
    // A file that runs through the whole test run: its timeout is the file's, not one call's.
    const result = await runInHost({ ...host, limits: { ...limits, timeoutMs: Math.max(15_000, limits.timeoutMs * 3) } }, [file], [file], { keep: true, signal });
    const run = result.runs[0];
    if (!run) return { failed: new Set(), refused: new Map(), broken: result.error ?? 'the runner did not run the file' };
    const { failed, refused } = parseFailures(run.verifyFailures ?? []);
    if (run.status === 'timeout') return { failed, refused, broken: 'the test file did not finish in time' };
    if (run.status !== 'passed' && failed.size === 0) return { failed, refused, broken: `the test file did not run in ${host.kind}: ${run.message ?? run.status}` };
    return { failed, refused };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

let verifyCount = 0;

function withoutNodeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  delete env.NODE_ENV;
  return env;
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
