#!/usr/bin/env node
// The `testgap` command: a table from sub-command to what runs it.
import fs from 'node:fs';
import path from 'node:path';
import { findPackageRoot } from '../io/nodeHost';
import { startStdioOrIpcServer } from '../lsp/main';
import { exitOnSignals, sweepTempDirs } from '../run/sandbox';
import { runCheck } from './check';
import { runCoverage } from './coverage';
import { runGenerate } from './generate';

const USAGE = `usage: testgap <command> [options]

commands:
  check [paths…] [--root DIR] [--json]   report exported functions and classes no test exercises
  check --coverage                       also run the tests; exit 1 when a file is below its coverage target
  generate <files…> [--root DIR] [--json] write verified uvu tests for the untested units of those files
  coverage [--root DIR] [--json]         run the tests under V8 coverage; write coverage/lcov.info and
                                         coverage/coverage-summary.json
  lsp [--stdio | --node-ipc]             run the language server

options:
  --root DIR   project root (default: the nearest folder with a package.json)
  --json       machine-readable output (shape in protocol.md)
  --help       this text
  --version    the version`;

/** Options each command takes: `valued` ones need an argument. protocol.md documents exactly these. */
export const COMMAND_OPTIONS = {
  check: { valued: ['root'], flags: ['json', 'coverage'] },
  coverage: { valued: ['root'], flags: ['json'] },
  generate: { valued: ['root', 'target'], flags: ['json'] },
  lsp: { valued: [], flags: ['stdio', 'node-ipc'] },
} as const satisfies Record<string, { valued: readonly string[]; flags: readonly string[] }>;

class UsageError extends Error {}

interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(args: string[], valued: readonly string[], known: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
    if (valued.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else if (known.includes(name)) {
      flags.set(name, true);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positional, flags };
}

function version(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function projectPaths(command: 'check' | 'generate' | 'coverage', args: string[]) {
  const { positional, flags } = parseArgs(args, COMMAND_OPTIONS[command].valued, COMMAND_OPTIONS[command].flags);
  const cwd = process.cwd();
  const rootFlag = flags.get('root');
  const found = typeof rootFlag === 'string' ? path.resolve(cwd, rootFlag) : findPackageRoot(cwd);
  if (!found) throw new UsageError(`no package.json in ${cwd} or above it; pass --root DIR`);
  if (!fs.existsSync(found) || !fs.statSync(found).isDirectory()) throw new UsageError(`--root ${rootFlag}: not a directory`);
  // Canonical paths on both sides, so a symlinked checkout or /tmp → /private/tmp does not look "outside".
  const root = fs.realpathSync(found);
  const paths = positional.map((p) => {
    const given = path.resolve(cwd, p);
    if (!fs.existsSync(given)) throw new UsageError(`${p}: no such file or directory`);
    const abs = fs.realpathSync(given);
    const rel = path.relative(root, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new UsageError(`${p}: outside the project root ${root}`);
    return { given: p, abs };
  });
  return { root, paths, flags, cwd };
}

async function generate(args: string[]): Promise<number> {
  const { root, paths, flags, cwd } = projectPaths('generate', args);
  if (paths.length === 0) throw new UsageError('generate needs the source files to write tests for');
  const files: string[] = [];
  for (const p of paths) {
    if (fs.statSync(p.abs).isDirectory()) throw new UsageError(`${p.given}: a folder; name the source files`);
    files.push(p.abs);
  }
  return runGenerate({ root, files, json: flags.has('json'), target: flags.get('target') as string | undefined, cwd, out: (l) => process.stdout.write(l + '\n'), err: (t) => process.stderr.write(t), interactive: !!process.stderr.isTTY });
}

async function coverage(args: string[]): Promise<number> {
  const { root, paths, flags, cwd } = projectPaths('coverage', args);
  if (paths.length) throw new UsageError('coverage takes no paths: it runs every test file of the project');
  return runCoverage({ root, json: flags.has('json'), cwd, out: (l) => process.stdout.write(l + '\n'), err: (t) => process.stderr.write(t), interactive: !!process.stderr.isTTY });
}

function check(args: string[]): number | Promise<number> {
  const { root, paths, flags, cwd } = projectPaths('check', args);
  return runCheck({
    root,
    paths: paths.map((p) => p.abs),
    onEmptyPath: (abs) => {
      const p = paths.find((x) => x.abs === abs)!;
      throw new UsageError(`${p.given}: no source files to check there (test files and excluded files are not checked)`);
    },
    json: flags.has('json'),
    coverage: flags.has('coverage'),
    cwd,
    out: (line) => process.stdout.write(line + '\n'),
    err: (text) => process.stderr.write(text),
    interactive: !!process.stderr.isTTY,
  });
}

function lsp(args: string[]): void {
  const known: readonly string[] = COMMAND_OPTIONS.lsp.flags;
  // vscode-languageclient appends --clientProcessId=<pid>; the server learns the same from `initialize`.
  const transport = args.filter((a) => a.startsWith('--') && !a.startsWith('--clientProcessId'));
  if (transport.length !== 1 || !known.includes(transport[0].slice(2))) {
    throw new UsageError('lsp needs exactly one of --stdio or --node-ipc');
  }
  startStdioOrIpcServer();
}

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await check(rest);
      case 'coverage':
        return await coverage(rest);
      case 'generate':
        return await generate(rest);
      case 'lsp':
        lsp(rest);
        return undefined; // the server owns the process from here
      case '--version':
        process.stdout.write(version() + '\n');
        return 0;
      case '--help':
      case 'help':
        process.stdout.write(USAGE + '\n');
        return 0;
      case undefined:
        throw new UsageError('missing command');
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`testgap: ${error.message} (see testgap --help)\n`);
      return 2;
    }
    throw error;
  }
}

// Importing this file (the protocol drift test reads COMMAND_OPTIONS) must not run a command.
if (require.main === module) runMain();

function runMain(): void {
  // Every command may have user code running in children: a signal must end them and remove their temp folders too.
  exitOnSignals();
  // …and what a killed predecessor could not remove goes now.
  if (['lsp', 'generate', 'coverage', 'check'].includes(process.argv[2] ?? '')) sweepTempDirs();
  main(process.argv.slice(2)).then(
    (code) => {
      if (code === undefined) return;
      process.exitCode = code;
      // Started with an IPC channel (`lsp --node-ipc` from an editor), the open channel would keep the process alive.
      if (process.channel) process.exit(code);
    },
    (error) => {
      process.stderr.write(`testgap: internal error: ${error?.stack ?? error}\n`);
      process.exitCode = 70;
    },
  );
}
