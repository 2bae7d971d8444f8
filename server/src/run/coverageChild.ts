// Entry of a coverage child: runs one test file of the user's project under V8 precise coverage, confined by guard.ts.
// uvu test files run themselves when loaded (`test.run()`), and uvu sets the exit code, so loading the file is running
// it. Coverage is taken in this process through the inspector, on exit, and only the project's scripts are written
// (with the source maps of what the loader transpiled): NODE_V8_COVERAGE would write every script Node loaded, which
// costs more than the test itself on small test files.
import fs from 'node:fs';
import inspector from 'node:inspector';
import Module from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Preload } from '../core/runner';
import type { MochaRun } from './measure';
import { packageType } from './esmHooks';
import { installGuard } from './guard';
import { installLoader } from './loader';

interface CoverageChildArgs {
  root: string;
  testFile: string;
  tmpDir: string;
  /** Where to write `{ result, 'source-map-cache' }`, the shape of a NODE_V8_COVERAGE file. */
  out: string;
  manifest?: string;
  /** Setting `sandbox`: more folders to write, and whether the network is allowed. */
  allowWrite?: string[];
  allowNetwork?: boolean;
  /** What the project's test script loads (absolute paths): its loaders replace testgap's; its setup files run too. */
  preload?: Preload;
  /**
   * A runner whose test files do not run themselves (mocha: `describe` and `it` are its globals): the project's own
   * copy (its main file) runs the file, with its options.
   */
  runner?: MochaRun;
}

// If the parent dies without killing this process (SIGKILL, a crash), a test that spins would go on forever: nothing
// on this thread runs while it does. A watchdog thread, started before any user code (the guard refuses workers to
// user code), kills the process once its parent is gone.
const watchdog = new Worker(
  `const { workerData } = require('node:worker_threads');
   setInterval(() => { if (process.ppid !== workerData.ppid) process.kill(workerData.pid, 'SIGKILL'); }, 250);`,
  { eval: true, workerData: { ppid: process.ppid, pid: process.pid } },
);
watchdog.unref(); // it must not keep a finished test running

const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });

/** `import()` as Node runs it (TypeScript's CommonJS output would turn it into `require`). */
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

/** Whether Node loads `file` as an ES module: `.mjs`/`.mts`, or `.js`/`.ts` under a `"type": "module"` package. */
function isEsModule(file: string): boolean {
  if (/\.m[jt]s$/.test(file)) return true;
  if (/\.c[jt]s$/.test(file)) return false;
  return packageType(path.dirname(path.resolve(file))) === 'module';
}

function run(args: CoverageChildArgs): void {
  const compiled = new Map<string, string>();
  const testFile = path.resolve(args.testFile);
  const preload = args.preload ?? { import: [], require: [], hooks: [], setup: [] };
  // The project's loaders replace testgap's only when one of them compiles the code (tsx, ts-node, …) or hooks the
  // module loader; others (`-r esm`, `-r dotenv/config`, `-r reflect-metadata`) are loaded beside testgap's.
  const own = ![...preload.import, ...preload.require].some(isCompiler) && preload.hooks.length === 0;
  const root = pathToFileURL(`${args.root}${path.sep}`);
  // An ES module test file (top-level `await test(…)`) is imported; without the project's loader, through hooks that
  // compile its TypeScript to ES modules. Hooks and loaders are packages the project installed; they go in before the
  // guard, which refuses the threads they start (module hooks run on one). The project's own files load after it.
  const esm = isEsModule(testFile);
  const esmOut = esm && own ? path.join(args.tmpDir, 'esm-compiled') : undefined;
  if (esmOut) {
    fs.mkdirSync(esmOut, { recursive: true });
    Module.register(pathToFileURL(path.join(__dirname, 'esmHooks.js')).href, { data: { root: args.root, outDir: esmOut } });
  }
  // Loaders and hooks find their configuration from the working folder (ts-node's tsconfig.json), as under `npm test`.
  process.chdir(args.root);
  for (const hooks of preload.hooks) Module.register(pathToFileURL(hooks).href, root);
  // The project's loaders compile what they load with source maps Node keeps: coverage maps back through those.
  if (!own) process.setSourceMapsEnabled(true);
  const inOrder = (files: string[]) => files.reduce<Promise<unknown>>((p, f) => p.then(() => importModule(pathToFileURL(f).href)), Promise.resolve());
  Promise.resolve()
    .then(() => {
      for (const r of preload.require) require(r);
      return inOrder(preload.import);
    })
    .then(() => {
      if (!own) warmUp(args.tmpDir);
      installGuard([args.tmpDir, ...(args.allowWrite ?? [])], { allowNetwork: args.allowNetwork });
      if (own) installLoader(args.root, undefined, [args.testFile], 'keep', args.manifest, (file, code) => compiled.set(file, code));
      const inProject = (file: string) => file.startsWith(args.root + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`);
      process.on('exit', () => {
        if (esmOut) readEsmCompiled(esmOut, compiled);
        writeCoverage(args, compiled, inProject);
      });
      // Setup files load the way the test file does (through testgap's loader when the project names none); mocha's
      // own are loaded by mocha (their root hooks go to it).
      if (args.runner) return undefined;
      if (esm) return inOrder(preload.setup);
      for (const f of preload.setup) require(f);
      return undefined;
    })
    .then(() => (args.runner ? runWithMocha(args.runner, testFile, preload.setup, esm) : esm ? importModule(pathToFileURL(testFile).href) : require(testFile)))
    .catch((error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    });
}

interface MochaInstance {
  addFile(file: string): void;
  loadFilesAsync(): Promise<void>;
  rootHooks(hooks: Record<string, unknown>): void;
  globalSetup(fns: unknown[]): void;
  globalTeardown(fns: unknown[]): void;
  run(done: (failures: number) => void): unknown;
}

type Hooks = Record<string, unknown>;

/**
 * Runs one test file with the project's mocha, as `mocha <file>` would: its `file` entries first, the root hooks and
 * global fixtures its required setup files export, its ui and timeout; with `exit`, the process ends when the tests
 * do (what is left running — a server, an interval — is mocha's to cut short, and coverage is written on the way out).
 */
async function runWithMocha(runner: MochaRun, testFile: string, setup: string[], esm: boolean): Promise<void> {
  // mocha ≤ 11 exports the class itself; mocha 12 is an ES module that exports it by name (and as default).
  type MochaClass = new (options: Record<string, unknown>) => MochaInstance;
  const loaded = require(runner.main) as MochaClass | { Mocha?: MochaClass; default?: MochaClass };
  const Mocha = typeof loaded === 'function' ? loaded : (loaded.Mocha ?? loaded.default)!;
  const mocha = new Mocha({ ui: runner.ui ?? 'bdd', color: false, reporter: 'spec', ...(runner.timeout !== undefined ? { timeout: runner.timeout } : {}) });
  const rootHooks: Record<string, unknown[]> = {};
  const globalSetup: unknown[] = [];
  const globalTeardown: unknown[] = [];
  for (const file of setup) {
    const mod = (esm ? await importModule(pathToFileURL(file).href) : require(file)) as Hooks & { default?: Hooks };
    const exports: Hooks = mod.mochaHooks || mod.mochaGlobalSetup || mod.mochaGlobalTeardown ? mod : (mod.default ?? mod);
    const hooks = typeof exports.mochaHooks === 'function' ? await (exports.mochaHooks as () => unknown)() : exports.mochaHooks;
    for (const [name, fn] of Object.entries((hooks as Hooks | undefined) ?? {})) (rootHooks[name] ??= []).push(...(Array.isArray(fn) ? fn : [fn]));
    if (exports.mochaGlobalSetup) globalSetup.push(exports.mochaGlobalSetup);
    if (exports.mochaGlobalTeardown) globalTeardown.push(exports.mochaGlobalTeardown);
  }
  if (Object.keys(rootHooks).length > 0) mocha.rootHooks(rootHooks);
  if (globalSetup.length > 0) mocha.globalSetup(globalSetup);
  if (globalTeardown.length > 0) mocha.globalTeardown(globalTeardown);
  for (const f of runner.files ?? []) mocha.addFile(f);
  mocha.addFile(testFile);
  await mocha.loadFilesAsync();
  await new Promise<void>((resolve) =>
    mocha.run((failures) => {
      process.exitCode = failures > 0 ? 1 : 0;
      if (runner.exit) process.exit();
      resolve();
    }),
  );
}

/**
 * Has the project's loader compile one TypeScript file before the guard is in: loaders start their compiler on first
 * use (tsx's esbuild answers its sync API from a worker thread), which the guard would refuse to the tests.
 */
function warmUp(dir: string): void {
  const file = path.join(dir, 'testgap-warm-up.ts');
  try {
    fs.writeFileSync(file, 'export const warm: number = 1;\n');
    require(file);
  } catch {
    // a loader that compiles no TypeScript: nothing to start
  }
}

/** A loader package that compiles TypeScript (or ES syntax) on load, by its resolved path. */
function isCompiler(file: string): boolean {
  return /[\\/]node_modules[\\/](tsx|ts-node|@swc-node[\\/]register|@swc[\\/]register|@babel[\\/]register|esbuild-register|sucrase|@esbuild-kit[\\/][\w-]+)[\\/]/.test(file);
}

/** What the ESM hooks transpiled (esmHooks.ts writes it from the loader thread), for the source maps of the coverage. */
function readEsmCompiled(dir: string, compiled: Map<string, string>): void {
  let index = '';
  try {
    index = fs.readFileSync(path.join(dir, 'index.jsonl'), 'utf8');
  } catch {
    return; // nothing was transpiled
  }
  for (const line of index.split('\n').filter(Boolean)) {
    const [file, copy] = JSON.parse(line) as [string, string];
    compiled.set(file, fs.readFileSync(copy, 'utf8'));
  }
}

function writeCoverage(args: CoverageChildArgs, compiled: Map<string, string>, inProject: (file: string) => boolean): void {
  // The inspector answers a same-thread session synchronously, so this runs to the end even inside 'exit'.
  session.post('Profiler.takePreciseCoverage', (error, taken) => {
    if (error || !taken) return;
    const result = [];
    const sourceMaps: Record<string, unknown> = {};
    for (const script of taken.result) {
      const file = script.url.startsWith('file://') ? fileURLToPath(script.url) : script.url;
      if (!path.isAbsolute(file) || !inProject(file)) continue;
      const url = pathToFileURL(file).href;
      result.push({ ...script, url });
      const code = compiled.get(file);
      const m = code && /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
      if (m) sourceMaps[url] = { data: JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')), lineLengths: code!.split('\n').map((l) => l.length) };
      else if (!code) {
        // Compiled by the project's loader: Node kept its source map, as for NODE_V8_COVERAGE (what c8 reads).
        const map = Module.findSourceMap(file) as (ReturnType<typeof Module.findSourceMap> & { lineLengths?: number[] }) | undefined;
        if (map?.lineLengths) sourceMaps[url] = { data: map.payload, lineLengths: map.lineLengths };
      }
    }
    // Written inside the scratch folder, which the guard allows; the parent reads it after the exit.
    fs.writeFileSync(args.out, JSON.stringify({ result, 'source-map-cache': sourceMaps }));
  });
}

if (process.argv[2]) {
  run(JSON.parse(process.argv[2]) as CoverageChildArgs);
} else {
  // A warm child: booted ahead of time, it waits for its one test file. The channel stays open (unreferenced, so it
  // does not keep the test running): when the server goes away, so does this child, waiting or running.
  process.once('message', (args: CoverageChildArgs) => {
    (process.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
    run(args);
  });
  process.on('disconnect', () => process.exit(1));
}
