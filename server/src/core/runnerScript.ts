// The test scripts of package.json read as a shell would: which runner a command starts, the arguments it gives it,
// and what it loads into Node before the tests (loaders, module hooks, setup files). Part of runner detection
// (runner.ts); plain text in, plain data out.
import type { RunnerId } from './runner';

/**
 * A script split into commands (`&&`, `||`, `;`, `|`) and each command into words as a shell would: quotes removed,
 * also inside a word (`NODE_OPTIONS="--import tsx"` is one word, `NODE_OPTIONS=--import tsx`).
 */
export function shellCommands(script: string): string[][] {
  const commands: string[][] = [[]];
  let word: string | undefined;
  let quote: string | undefined;
  const end = () => {
    if (word !== undefined) commands[commands.length - 1].push(word);
    word = undefined;
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else word = (word ?? '') + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) end();
    else if (c === ';' || c === '|' || (c === '&' && script[i + 1] === '&')) {
      end();
      if (script[i + 1] === c) i++;
      commands.push([]);
    } else word = (word ?? '') + c;
  }
  end();
  return commands.filter((c) => c.length > 0);
}

/** The program a word names (`node_modules/.bin/vitest` → `vitest`). */
export function program(word: string): string {
  return word.replace(/^.*\/(?=[^/]+$)/, '');
}

/** The runner one command starts, with the index of the word that names it. */
export function runnerOfCommand(words: string[]): { runner: RunnerId; at: number } | undefined {
  const bins = words.map(program);
  const find = (names: string[]) => bins.findIndex((b) => names.includes(b));
  if (find(['vitest']) >= 0) return { runner: 'vitest', at: find(['vitest']) };
  if (find(['jest']) >= 0) return { runner: 'jest', at: find(['jest']) };
  if (find(['react-scripts']) >= 0 && bins.includes('test')) return { runner: 'jest', at: find(['react-scripts']) };
  if (find(['mocha', '_mocha']) >= 0) return { runner: 'mocha', at: find(['mocha', '_mocha']) };
  if (find(['uvu']) >= 0) return { runner: 'uvu', at: find(['uvu']) };
  const node = find(['node', 'tsx', 'ts-node']);
  if (node >= 0 && bins.includes('--test')) return { runner: 'node:test', at: node };
  return undefined;
}

/** The runner a script command starts, if it names one. */
export function runnerOfScript(command: string): RunnerId | undefined {
  for (const words of shellCommands(command)) {
    const found = runnerOfCommand(words);
    if (found) return found.runner;
  }
  return undefined;
}

/** The command of a script that starts `runner`: the words before its program (wrappers, variables) and after it. */
export function commandOf(script: string, runner: RunnerId): { before: string[]; program: string; args: string[] } | undefined {
  for (const words of shellCommands(script)) {
    const found = runnerOfCommand(words);
    if (found?.runner === runner) return { before: words.slice(0, found.at), program: program(words[found.at]), args: words.slice(found.at + 1) };
  }
  return undefined;
}


/** The arguments the script gives the runner's program. */
export function argsAfter(script: string, runner: RunnerId): string[] {
  return commandOf(script, runner)?.args ?? [];
}

export const isPath = (spec: string) => /^(\.{1,2}\/|\/)/.test(spec);

/**
 * What a test script loads into Node before its tests. Packages (`--import tsx`, `-r ts-node/register`, a script run by
 * `tsx`) are loaders; `--loader`/`--experimental-loader` are module hooks (registered, not imported); paths in the
 * project (`--import ./test/setup.mjs`, mocha's `-r ./test/hooks.js`) are setup files, run with the tests.
 */
export function preloadOf(script: string, runner: RunnerId): Preload {
  const out: Preload = { import: [], require: [], hooks: [], setup: [] };
  const command = commandOf(script, runner);
  if (!command) return out;
  // NODE_OPTIONS before the command; Node's own options between `node` and `--test`; the runner's own `-r`.
  const nodeOptions = command.before.filter((w) => w.startsWith('NODE_OPTIONS=')).flatMap((w) => w.slice('NODE_OPTIONS='.length).split(/\s+/).filter(Boolean));
  const own = command.program === 'node' ? command.args.slice(0, Math.max(0, command.args.indexOf('--test'))) : command.args;
  const args = [...nodeOptions, ...own];
  for (const spec of optionValues(args, ['--import'])) (isPath(spec) ? out.setup : out.import).push(spec);
  for (const spec of optionValues(args, ['-r', '--require'])) (isPath(spec) ? out.setup : out.require).push(spec);
  out.hooks.push(...optionValues(args, ['--loader', '--experimental-loader']));
  if (command.program === 'tsx' && !out.import.includes('tsx')) out.import.unshift('tsx');
  return out;
}

export interface Preload {
  /** Packages imported before the tests (`--import tsx`). */
  import: string[];
  /** Packages required before the tests (`-r ts-node/register`). */
  require: string[];
  /** Module hooks (`--loader ts-node/esm`): registered with `module.register`. */
  hooks: string[];
  /** Files of the project loaded before each test file (`--import ./test/setup.mjs`), inside the sandbox. */
  setup: string[];
}

/** Positional arguments, given which options take a value. */
export function positionals(args: string[], withValue: Set<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('-')) {
      if (withValue.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

export function optionValues(args: string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2);
    if (!names.includes(flag)) continue;
    if (inline !== undefined) out.push(inline);
    else if (i + 1 < args.length) out.push(args[++i]);
  }
  return out;
}
