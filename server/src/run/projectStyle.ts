// The project's formatter and linter applied to what generation inserts: a project with prettier gets the inserted
// text formatted with its prettier and its configuration (`prettier --check` stays green), one with an ESLint
// configuration gets ESLint's fixes for the inserted text and a report of the errors that remain. The text the file
// already holds is never touched. Both tools load the project's configuration, which is code: they run in a sandbox
// child (formatChild.ts), bounded in time and memory, and a tool that fails leaves the text as it was, with a warning.
import fs from 'node:fs';
import path from 'node:path';
import type { Problem } from '../core/model';
import type { Insertion } from '../core/existingTestFile';
import type { FormatResult } from './formatChild';
import { makeTempDir, removeTempDir, runTrackedChild, sandboxArgs, sandboxEnv, type Limits } from './sandbox';

const CHILD = path.join(__dirname, 'formatChild.js');
const PRETTIER_CONFIGS = ['.prettierrc', '.prettierrc.json', '.prettierrc.json5', '.prettierrc.yaml', '.prettierrc.yml', '.prettierrc.toml', '.prettierrc.js', '.prettierrc.cjs', '.prettierrc.mjs', '.prettierrc.ts', '.prettierrc.cts', '.prettierrc.mts', 'prettier.config.js', 'prettier.config.cjs', 'prettier.config.mjs', 'prettier.config.ts', 'prettier.config.cts', 'prettier.config.mts'];
const ESLINT_FLAT = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts', 'eslint.config.mts', 'eslint.config.cts'];
const ESLINT_LEGACY = ['.eslintrc', '.eslintrc.js', '.eslintrc.cjs', '.eslintrc.json', '.eslintrc.yaml', '.eslintrc.yml'];

/** Which of the two tools the project uses for `testFile`: installed where the file resolves, and configured or declared. */
export function projectTools(root: string, testFile: string): { prettier: boolean; eslint: boolean } {
  const installed = (name: string) => {
    try {
      require.resolve(`${name}/package.json`, { paths: [path.dirname(testFile), root] });
      return true;
    } catch {
      return false;
    }
  };
  const pkg = readPackage(root);
  const declared = (name: string) => Boolean((pkg.devDependencies as Record<string, string> | undefined)?.[name] ?? (pkg.dependencies as Record<string, string> | undefined)?.[name]);
  // Configuration files count from the test file's folder up to the project's root (a monorepo package's own, or the
  // root's).
  const dirs: string[] = [];
  for (let dir = path.dirname(testFile); dir.startsWith(root); dir = path.dirname(dir)) {
    dirs.push(dir);
    if (dir === root) break;
  }
  const has = (names: string[]) => dirs.some((d) => names.some((n) => fs.existsSync(path.join(d, n))));
  const prettier = installed('prettier') && (declared('prettier') || has(PRETTIER_CONFIGS) || pkg.prettier !== undefined);
  const eslint = installed('eslint') && (has(ESLINT_FLAT) || has(ESLINT_LEGACY) || pkg.eslintConfig !== undefined);
  return { prettier, eslint };
}

/**
 * The newest TypeScript syntax the project's prettier parses, where that is older than its TypeScript's: prettier
 * before 1.19 fails on optional chaining (TypeScript 3.7), before 2.1 on labeled tuple elements (4.0), before 2.3 on
 * `override` (4.3), so `prettier --check` would break on the generated file. Undefined when the project formats with no prettier, or a recent one.
 */
export function prettierSyntaxCeiling(root: string, testFile: string): [number, number] | undefined {
  if (!projectTools(root, testFile).prettier) return undefined;
  let version: string;
  try {
    const manifest = require.resolve('prettier/package.json', { paths: [path.dirname(testFile), root] });
    version = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: string }).version ?? '';
  } catch {
    return undefined;
  }
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major >= 3 || (major === 2 && minor >= 3)) return undefined;
  // 2.1 parses TypeScript 4.0's syntax, 2.0 3.8's, 1.19 3.7's (optional chaining), 1.18 and before 3.6's.
  return major === 2 ? (minor >= 1 ? [4, 2] : [3, 9]) : major === 1 && minor >= 19 ? [3, 9] : [3, 6];
}

function readPackage(root: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  } catch {
    return {};
  }
}

/**
 * `insertions` into `existing` (the text of `testFile`, '' for a new file) formatted and lint-fixed as the project's
 * tools want them; problems name what the tools could not fix or could not do.
 */
export async function inProjectStyle(root: string, testFile: string, existing: string, insertions: Insertion[], limits: Limits, signal?: AbortSignal): Promise<{ insertions: Insertion[]; problems: Problem[]; formattedWith: string[] }> {
  const tools = projectTools(root, testFile);
  if ((!tools.prettier && !tools.eslint) || insertions.length === 0 || signal?.aborted) return { insertions, problems: [], formattedWith: [] };
  const tmpDir = makeTempDir('testgap-format-');
  try {
    const jobFile = path.join(tmpDir, 'job.json');
    const resultFile = path.join(tmpDir, 'result.json');
    fs.writeFileSync(jobFile, JSON.stringify({ root, file: testFile, existing, pieces: insertions, ...tools }));
    // Type-aware lint rules build a TypeScript program of the project: more room than one call of user code gets.
    const sandbox = { ...limits, memoryMb: Math.max(limits.memoryMb, 2048) };
    const timeoutMs = Math.max(60_000, limits.timeoutMs * 10);
    const exit = await runTrackedChild([...sandboxArgs(tmpDir, sandbox), CHILD, jobFile, resultFile], { cwd: root, env: sandboxEnv({ TMPDIR: tmpDir }, limits), timeoutMs, stderrTail: 2000, signal });
    const relative = path.relative(root, testFile);
    const names = [tools.prettier && 'prettier', tools.eslint && 'ESLint'].filter(Boolean).join(' and ');
    let result: FormatResult;
    try {
      result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as FormatResult;
    } catch {
      const why = exit.timedOut ? `they did not finish in ${Math.round(timeoutMs / 1000)} s` : `the process stopped (exit ${exit.code}): ${exit.stderr.trim().split('\n').slice(-1)[0] ?? ''}`;
      return { insertions, problems: [{ severity: 'warning', file: testFile, message: `the tests for ${relative} were not formatted with the project's ${names}: ${why}` }], formattedWith: [] };
    }
    const problems: Problem[] = [
      ...result.failures.map((f): Problem => ({ severity: 'warning', file: testFile, message: `${relative}: ${f}` })),
      ...result.remaining.map((r): Problem => ({ severity: 'warning', file: testFile, message: `${relative}:${r.line}: ESLint ${r.rule}: ${r.message} (in the generated text, not fixable by eslint --fix)` })),
    ];
    return { insertions: insertions.map((ins, i) => ({ ...ins, text: result.pieces[i] ?? ins.text })), problems, formattedWith: result.formattedWith };
  } finally {
    removeTempDir(tmpDir);
  }
}
