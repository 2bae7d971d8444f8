// Which test runner a package uses, and which files it takes for tests, read from the package's own files: the
// `runner` setting, then the runner's config file, the `test` script, the installed dev dependencies, and the imports of
// existing tests. A runner's own configuration decides what a test file is (vitest `include`/`exclude`, jest
// `testMatch`/`testRegex`/`testPathIgnorePatterns`/`roots`, mocha `spec`, the files a `node --test` or `uvu` script
// names), so that testgap never calls a config file, a setup file or an ignored fixture a test.
//
// Config files are read statically (TypeScript's parser, literals only): evaluating them would run user code in the
// server. What is not a literal is reported, and the runner's default takes its place.
import path from 'node:path';
import picomatch from 'picomatch';
import type { FileHost } from './project';
import { CONFIG_DEFAULTS_EXCLUDE, isStrings, parseJson, readConfigObject, simpleYaml, strings, UNKNOWN } from './runnerConfig';
import { argsAfter, isPath, optionValues, positionals, preloadOf, runnerOfScript, type Preload } from './runnerScript';

export { readConfigObject, UNKNOWN } from './runnerConfig';
export { preloadOf, runnerOfScript, shellCommands, type Preload } from './runnerScript';

export const RUNNERS = ['vitest', 'jest', 'node:test', 'mocha', 'uvu'] as const;
export type RunnerId = (typeof RUNNERS)[number];
export type RunnerSetting = 'auto' | RunnerId;

export interface RunnerDetection {
  runner: RunnerId;
  /** Which signal decided: the setting, a config file, a package.json script, an installed dependency, the imports of existing tests, or nothing (the default). */
  source: 'setting' | 'config' | 'script' | 'dependency' | 'imports' | 'default';
  /** The signal in words: `vitest.config.ts`, `scripts.test: "jest --ci"`, `devDependencies.mocha`. */
  evidence: string;
  /** The runner's config file or field, relative to the package root (`package.json#jest`). */
  configFile?: string;
  /** The installed version (node_modules/<runner>/package.json), when installed. */
  version?: string;
  /**
   * Test files as the runner finds them: globs relative to the package root, and regular expressions matched against
   * `/` + the path from the root (as jest matches absolute paths). A file is a test when an include matches and no
   * exclude does.
   * Undefined when nothing names them (the `testFilePattern` setting applies).
   */
  tests?: { include: string[]; regex: string[]; exclude: string[]; excludeRegex: string[]; within?: string[] };
  /** Files the runner loads before tests (setup files): neither tests nor sources. */
  setupFiles: string[];
  /**
   * The environment the runner gives tests, as its config names it (vitest `test.environment`, jest
   * `testEnvironment`): `jsdom`, `happy-dom`, a package's name; undefined for the runner's default (Node).
   */
  testEnvironment?: string;
  /**
   * Which files are sources, as the runner's coverage config says (vitest `test.coverage.include`/`exclude`, jest
   * `collectCoverageFrom` and `coveragePathIgnorePatterns`): globs relative to the package root and regular
   * expressions against `/` + that path. Undefined when the config names none: every file that is not a test is.
   */
  sources?: { include: string[]; exclude: string[]; excludeRegex: string[] };
  /**
   * Modules the test script loads into Node before the tests, as written there: `--import tsx`, `--loader ts-node/esm`
   * (`import`), `-r ts-node/register` (`require`); a script run by `tsx` imports `tsx`. Tests are run with them.
   */
  preload?: Preload;
  /** Options of the runner that change how a test file runs (mocha's `ui` and `timeout`, from its config or script). */
  options?: MochaOptions;
  /** What stops testgap from driving this runner here (a version that needs a newer Node), in words for the user. */
  warnings: string[];
  /** What testgap could not read in the runner's configuration, and what it used instead (for the log). */
  unread: string[];
}

// Defaults of each runner, for the versions testgap drives (vitest 3–4, jest 29–30, mocha 10–12, Node 20's node:test).
const VITEST_INCLUDE = ['**/*.{test,spec}.?(c|m)[jt]s?(x)'];
const VITEST_EXCLUDE = ['**/node_modules/**', '**/.git/**'];
const VITEST_TYPECHECK_INCLUDE = ['**/*.{test,spec}-d.?(c|m)[jt]s?(x)'];
const JEST_TEST_MATCH = ['**/__tests__/**/*.?([mc])[jt]s?(x)', '**/?(*.)+(spec|test).?([mc])[jt]s?(x)'];
const JEST_IGNORE = ['/node_modules/'];
const JEST_EXTENSIONS = ['js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'json', 'node'];
const NODE_TEST_FILES = ['**/*.test.?(c|m)js', '**/*-test.?(c|m)js', '**/*_test.?(c|m)js', '**/test-*.?(c|m)js', '**/test.?(c|m)js', '**/test/**/*.?(c|m)js'];
/** mocha's default spec: the folder `test` (its files with mocha's extensions; all levels with `recursive`). */
const MOCHA_SPEC = ['test'];
/** uvu's own pattern for the files of a folder it is given (uvu/parse). */
const UVU_DIR_PATTERN = '(((?:[^\\/]*(?:\\/|$))*)[\\\\\\/])?\\w+\\.([mc]js|[jt]sx?)$';

const CONFIG = {
  vitest: /^vitest\.(config|workspace|projects)\.[cm]?[jt]s$/,
  vite: /^vite\.config\.[cm]?[jt]s$/,
  jest: /^jest\.config\.([cm]?[jt]s|json)$/,
  mocha: /^\.mocharc\.(js|cjs|json|jsonc|ya?ml)$/,
};

/** Root files that decide the runner: a change to one of them means detecting again. */
export function isRunnerConfigFile(name: string): boolean {
  return name === 'package.json' || Object.values(CONFIG).some((re) => re.test(name));
}

interface PackageJson {
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
  jest?: unknown;
  mocha?: unknown;
}

/** What changes how mocha runs a file, from `.mocharc` or the script. */
export interface MochaOptions {
  ui?: string;
  /** As mocha takes it: milliseconds, or a string such as `5s`; 0 for no timeout. */
  timeout?: number | string;
  /** `exit: true` / `--exit`: end the process when the tests are done, whatever is still running. */
  exit?: boolean;
  /** `file` / `--file`: files loaded before the spec, in mocha's context (its globals defined). */
  files?: string[];
}

export interface DetectOptions {
  setting: RunnerSetting;
  /** `process.versions.node` of the Node that runs the project's tests. */
  nodeVersion: string;
  /** Modules imported by existing test files (the last tie-break); omitted before the project is scanned. */
  testImports?: string[];
}

/** Detects the runner of the package at `root` (reads only the root's own files and the nearest node_modules/<runner>/package.json). */
export function detectRunner(host: FileHost, root: string, options: DetectOptions): RunnerDetection {
  const read = (rel: string) => host.readFile(path.join(root, rel));
  const warnings: string[] = [];
  let pkg: PackageJson = {};
  try {
    const parsed = JSON.parse(read('package.json') ?? '{}') as unknown;
    if (parsed && typeof parsed === 'object') pkg = parsed as PackageJson;
  } catch {
    // a broken package.json is reported where settings are read
  }
  const rootFiles = host.readDirectory(root).files.sort();
  // As Node resolves a package: the nearest node_modules folder, from the package up (a workspace hoists to its root).
  const installed = (name: string): string | undefined => {
    for (let dir = root; ; dir = path.dirname(dir)) {
      const text = host.readFile(path.join(dir, 'node_modules', name, 'package.json'));
      if (text !== undefined) {
        try {
          const v = (JSON.parse(text) as { version?: unknown } | null)?.version;
          return typeof v === 'string' ? v : undefined;
        } catch {
          return undefined;
        }
      }
      if (path.dirname(dir) === dir) return undefined;
    }
  };
  const scripts = testScripts(pkg);
  const declared = (name: string) => [pkg.devDependencies, pkg.dependencies].some((deps) => !!deps && typeof deps === 'object' && Object.hasOwn(deps, name));

  const decide = (): Omit<RunnerDetection, 'tests' | 'setupFiles' | 'warnings' | 'unread' | 'version'> => {
    if (options.setting !== 'auto') return { runner: options.setting, source: 'setting', evidence: `setting testgap.runner = "${options.setting}"` };
    const vitestConfig = rootFiles.find((f) => CONFIG.vitest.test(f));
    const jestConfig = rootFiles.find((f) => CONFIG.jest.test(f)) ?? (pkg.jest !== undefined ? 'package.json#jest' : undefined);
    const viteConfig = rootFiles.find((f) => CONFIG.vite.test(f));
    const mochaConfig = rootFiles.find((f) => CONFIG.mocha.test(f)) ?? (pkg.mocha !== undefined ? 'package.json#mocha' : undefined);
    const fromScript = scripts.map((s) => ({ ...s, runner: runnerOfScript(s.command) })).find((s) => s.runner);
    // Two configs (a jest → vitest migration half done): the test script says which one runs.
    const configs: { runner: RunnerId; file: string }[] = [];
    if (vitestConfig) configs.push({ runner: 'vitest', file: vitestConfig });
    if (jestConfig) configs.push({ runner: 'jest', file: jestConfig });
    if (viteConfig && (installed('vitest') || declared('vitest'))) configs.push({ runner: 'vitest', file: viteConfig });
    if (mochaConfig) configs.push({ runner: 'mocha', file: mochaConfig });
    // `jest --config test/jest.json`, `vitest --config vitest.unit.ts`: the config the script runs with.
    const named = fromScript && (fromScript.runner === 'jest' || fromScript.runner === 'vitest') ? optionValues(argsAfter(fromScript.command, fromScript.runner), ['--config', '-c'])[0] : undefined;
    if (named && !named.trim().startsWith('{') && read(cleanPath(named)) !== undefined) {
      return { runner: fromScript!.runner!, source: 'config', evidence: `${cleanPath(named)} (--config in scripts.${fromScript!.name})`, configFile: cleanPath(named) };
    }
    const config = configs.find((c) => c.runner === fromScript?.runner) ?? configs[0];
    if (config) return { runner: config.runner, source: 'config', evidence: config.file, configFile: config.file };
    if (fromScript) return { runner: fromScript.runner!, source: 'script', evidence: `scripts.${fromScript.name}: ${JSON.stringify(fromScript.command)}` };
    // Declared, not merely installed: a runner in node_modules may be some other tool's dependency.
    for (const [name, runner] of [['vitest', 'vitest'], ['jest', 'jest'], ['mocha', 'mocha'], ['uvu', 'uvu']] as const) {
      if (declared(name)) return { runner, source: 'dependency', evidence: `${pkg.devDependencies && Object.hasOwn(pkg.devDependencies, name) ? 'devDependencies' : 'dependencies'}.${name}` };
    }
    const imported = runnerOfImports(options.testImports ?? []);
    if (imported) return { runner: imported.runner, source: 'imports', evidence: `existing tests import ${imported.module}` };
    const typescript = rootFiles.includes('tsconfig.json') || declared('typescript');
    return typescript
      ? { runner: 'uvu', source: 'default', evidence: 'no test runner configured in a TypeScript package: uvu (with tsx), as testgap writes it' }
      : { runner: 'node:test', source: 'default', evidence: 'no test runner configured: node:test, built into Node' };
  };
  const decided = decide();
  const version = decided.runner === 'node:test' ? options.nodeVersion : installed(decided.runner);
  const detection: RunnerDetection = { ...decided, ...(version ? { version } : {}), setupFiles: [], warnings, unread: [] };
  const script = scripts.find((s) => runnerOfScript(s.command) === decided.runner)?.command;
  const preload = script ? preloadOf(script, decided.runner) : undefined;
  if (preload && Object.values(preload).some((l) => l.length > 0)) detection.preload = preload;
  // Hooks and setup files of the project's own are neither its tests nor its sources.
  if (preload) detection.setupFiles.push(...[...preload.hooks, ...preload.setup].filter(isPath).map(cleanPath));
  // Guessed from imports or by default, the runner is not installed: its defaults say nothing about this package.
  const guessed = decided.source === 'imports' || decided.source === 'default';
  switch (guessed ? undefined : decided.runner) {
    case 'vitest':
      vitestFiles(detection, read, script);
      break;
    case 'jest':
      jestFiles(detection, read, pkg);
      break;
    case 'mocha':
      mochaFiles(detection, read, pkg, script);
      break;
    case 'node:test':
      if (script) nodeTestFiles(detection, script);
      break;
    case 'uvu':
      if (script) uvuFiles(detection, script);
      break;
  }
  if (decided.runner === 'vitest' && version && major(version) >= 5 && !nodeAtLeast(options.nodeVersion, 22, 12)) {
    warnings.push(`vitest ${version} needs Node ≥ 22.12 and this is Node ${options.nodeVersion}: testgap cannot run this package's tests here. vitest 4 runs on Node 20 (npm i -D vitest@^4).`);
  }
  if (decided.runner === 'mocha' && version && major(version) >= 12 && !nodeAtLeast(options.nodeVersion, 20, 19)) {
    warnings.push(`mocha ${version} needs Node ≥ 20.19 and this is Node ${options.nodeVersion}.`);
  }
  return detection;
}

function runnerOfImports(modules: string[]): { runner: RunnerId; module: string } | undefined {
  const counts = new Map<string, number>();
  for (const m of modules) counts.set(m, (counts.get(m) ?? 0) + 1);
  const byRunner: [string, RunnerId][] = [['vitest', 'vitest'], ['@jest/globals', 'jest'], ['node:test', 'node:test'], ['uvu', 'uvu'], ['mocha', 'mocha']];
  const ranked = byRunner.filter(([m]) => counts.has(m)).sort((a, b) => counts.get(b[0])! - counts.get(a[0])!);
  return ranked[0] && { runner: ranked[0][1], module: ranked[0][0] };
}

function major(version: string): number {
  return Number(/^(\d+)/.exec(version)?.[1] ?? 0);
}

function nodeAtLeast(version: string, maj: number, min: number): boolean {
  const [a = 0, b = 0] = version.replace(/^v/, '').split('.').map(Number);
  return a > maj || (a === maj && b >= min);
}

/** The package's test scripts (`test` first, then `test:*`), with one level of `npm run x` followed. */
function testScripts(pkg: PackageJson): { name: string; command: string }[] {
  const scripts = pkg.scripts && typeof pkg.scripts === 'object' ? pkg.scripts : {};
  const names = Object.keys(scripts).filter((n) => n === 'test' || /^test[:-]/.test(n)).sort((a, b) => (a === 'test' ? -1 : b === 'test' ? 1 : a.localeCompare(b)));
  const out: { name: string; command: string }[] = [];
  for (const name of names) {
    const command = scripts[name];
    if (typeof command !== 'string') continue;
    out.push({ name, command });
    for (const m of command.matchAll(/\b(?:npm run|yarn|pnpm(?: run)?)\s+([\w:.-]+)/g)) {
      const target = scripts[m[1]];
      if (typeof target === 'string' && m[1] !== name) out.push({ name: m[1], command: target });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Each runner's test files.

function vitestFiles(d: RunnerDetection, read: (rel: string) => string | undefined, script: string | undefined): void {
  let include = VITEST_INCLUDE;
  let exclude = VITEST_EXCLUDE;
  // Type tests (`*.test-d.ts`) are test files when vitest checks types (`--typecheck`, or `typecheck.enabled`).
  let typecheckInclude = /(^|\s)--typecheck\b/.test(script ?? '') ? VITEST_TYPECHECK_INCLUDE : [];
  const configFile = d.configFile && !d.configFile.includes('#') ? d.configFile : undefined;
  const configText = configFile && read(configFile);
  if (configFile && configText !== undefined) {
    const config = readConfigObject(configText, configFile, (o) => o.test !== undefined);
    const test = config.value && typeof config.value === 'object' ? (config.value as Record<string, unknown>).test : undefined;
    if (config.problem) d.unread.push(`${configFile}: ${config.problem}; testgap uses vitest's default test files`);
    if (test && typeof test === 'object') {
      const t = test as Record<string, unknown>;
      const got = (key: string, fallback: string[]): string[] => {
        const v = t[key];
        if (v === undefined) return fallback;
        if (v === UNKNOWN || !isStrings(v)) {
          d.unread.push(`${configFile}: test.${key} is not a list of literal strings; testgap uses vitest's default`);
          return fallback;
        }
        return v.map((x) => (x === CONFIG_DEFAULTS_EXCLUDE ? VITEST_EXCLUDE : [x])).flat();
      };
      include = got('include', VITEST_INCLUDE);
      exclude = got('exclude', VITEST_EXCLUDE);
      const typecheck = t.typecheck && typeof t.typecheck === 'object' ? (t.typecheck as Record<string, unknown>) : undefined;
      if (typecheck?.enabled === true) typecheckInclude = isStrings(typecheck.include) ? typecheck.include : VITEST_TYPECHECK_INCLUDE;
      d.setupFiles = strings(t.setupFiles).map(stripDot);
      if (typeof t.environment === 'string' && t.environment !== 'node') d.testEnvironment = t.environment;
      const coverage = t.coverage && typeof t.coverage === 'object' ? (t.coverage as Record<string, unknown>) : undefined;
      if (coverage && (coverage.include !== undefined || coverage.exclude !== undefined)) {
        const listed = (key: string) => {
          const v = coverage[key];
          if (v === undefined) return [];
          if (v === UNKNOWN || !isStrings(v)) {
            d.unread.push(`${configFile}: test.coverage.${key} is not a list of literal strings; testgap does not narrow the sources by it`);
            return [];
          }
          // A pattern that ends in `/` (`src/**/`) takes the files below it, as vitest's glob does.
          return v.map((x) => (x === CONFIG_DEFAULTS_EXCLUDE ? VITEST_EXCLUDE : [x])).flat().map(stripDot).map((g) => (g.endsWith('/') ? `${g}**` : g));
        };
        const include = listed('include');
        const exclude = listed('exclude');
        if (include.length > 0 || exclude.length > 0) d.sources = { include, exclude, excludeRegex: [] };
      }
      if (t.projects !== undefined || t.workspace !== undefined) d.unread.push(`${configFile}: vitest projects are not read yet; testgap uses the root config's test files`);
    }
  }
  // `vitest run src/` or `vitest run foo`: filters on the path, within include.
  const filters = positionals(argsAfter(script ?? '', 'vitest'), new Set(['--config', '-c', '--project', '--root', '-r', '--dir', '--environment', '--reporter', '--outputFile'])).filter((a) => a !== 'run' && a !== 'watch' && a !== 'related' && a !== 'bench');
  if (filters.length > 0) d.unread.push(`the test script filters vitest's files by ${filters.join(', ')}; testgap takes every file vitest's include matches`);
  d.tests = { include: [...include, ...typecheckInclude].map(stripDot), regex: [], exclude: exclude.map(stripDot), excludeRegex: [] };
}

function jestFiles(d: RunnerDetection, read: (rel: string) => string | undefined, pkg: PackageJson): void {
  let config: unknown;
  if (d.configFile === 'package.json#jest') config = pkg.jest;
  else if (d.configFile) {
    const text = read(d.configFile);
    if (text !== undefined) {
      const got = d.configFile.endsWith('.json') ? parseJson(text) : readConfigObject(text, d.configFile, () => true);
      if (got.problem) d.unread.push(`${d.configFile}: ${got.problem}; testgap uses jest's default test files`);
      config = got.value;
    }
  }
  const c = (config && typeof config === 'object' ? config : {}) as Record<string, unknown>;
  const list = (key: string, fallback: string[]): string[] => {
    const v = c[key];
    if (v === undefined) return fallback;
    if (typeof v === 'string') return [v];
    if (v === UNKNOWN || !isStrings(v)) {
      d.unread.push(`${d.configFile}: ${key} is not a list of literal strings; testgap uses jest's default`);
      return fallback;
    }
    return v as string[];
  };
  if (typeof c.preset === 'string' && c.testMatch === undefined && c.testRegex === undefined) {
    // ts-jest's presets keep jest's testMatch; others (react-native, …) may not, and are not read.
    if (!/^ts-jest(\/|$)/.test(c.preset)) d.unread.push(`${d.configFile}: preset ${c.preset} is not read; testgap uses jest's default test files`);
  }
  // `rootDir` (relative to the config's folder, which here is the package root) is what `<rootDir>` stands for.
  const configDir = d.configFile && !d.configFile.includes('#') ? path.posix.dirname(d.configFile) : '.';
  const base = cleanPath(path.posix.normalize(path.posix.join(configDir, typeof c.rootDir === 'string' ? c.rootDir : '.')));
  const join = (rel: string) => (base === '' ? rel : rel === '' ? base : `${base}/${rel}`);
  const rootDir = (p: string) => (p.startsWith('<rootDir>') ? join(cleanPath(p.replace(/^<rootDir>\/?/, ''))) : cleanPath(p));
  const regex = list('testRegex', []);
  const include = regex.length > 0 ? [] : list('testMatch', JEST_TEST_MATCH).map(rootDir);
  const roots = list('roots', ['<rootDir>']).map(rootDir).filter((r) => r !== '');
  if (roots.length === 0 && base !== '') roots.push(base);
  const extensions = list('moduleFileExtensions', JEST_EXTENSIONS);
  const ignore = list('testPathIgnorePatterns', JEST_IGNORE).map((p) => p.replace(/<rootDir>\/?/g, `^/${base === '' ? '' : `${escapeRegex(base)}/`}`));
  // roots narrow where tests are found; an extension outside moduleFileExtensions is never a test.
  d.tests = {
    include,
    regex,
    ...(roots.length > 0 ? { within: roots } : {}),
    exclude: [],
    excludeRegex: [`^(?!.*\\.(?:${extensions.map(escapeRegex).join('|')})$)`, ...ignore],
  };
  d.setupFiles = [...list('setupFiles', []), ...list('setupFilesAfterEnv', [])].map(rootDir);
  if (typeof c.testEnvironment === 'string' && !/^(jest-environment-)?node$/.test(c.testEnvironment)) d.testEnvironment = c.testEnvironment;
  // collectCoverageFrom's globs are relative to rootDir; a `!` negates one. coveragePathIgnorePatterns are regexes
  // against the absolute path (its default, /node_modules/, the project never holds).
  const collect = list('collectCoverageFrom', []);
  const ignored = list('coveragePathIgnorePatterns', []).map((p) => p.replace(/<rootDir>\/?/g, `^/${base === '' ? '' : `${escapeRegex(base)}/`}`));
  if (collect.length > 0 || ignored.length > 0) {
    const fromRoot = (g: string) => (base === '' ? stripDot(g) : `${base}/${stripDot(g)}`);
    d.sources = {
      include: collect.filter((g) => !g.startsWith('!')).map(fromRoot),
      exclude: collect.filter((g) => g.startsWith('!')).map((g) => fromRoot(g.slice(1))),
      excludeRegex: ignored,
    };
  }
}

function mochaFiles(d: RunnerDetection, read: (rel: string) => string | undefined, pkg: PackageJson, script: string | undefined): void {
  let config: Record<string, unknown> = {};
  if (d.configFile === 'package.json#mocha' && pkg.mocha && typeof pkg.mocha === 'object') config = pkg.mocha as Record<string, unknown>;
  else if (d.configFile) {
    const text = read(d.configFile) ?? '';
    const got = /\.jsonc?$/.test(d.configFile)
      ? parseJson(text)
      : /\.ya?ml$/.test(d.configFile)
        ? { value: simpleYaml(text) }
        : readConfigObject(text, d.configFile, () => true);
    if (got.problem) d.unread.push(`${d.configFile}: ${got.problem}; testgap uses mocha's default test files`);
    if (got.value && typeof got.value === 'object') config = got.value as Record<string, unknown>;
  }
  const args = argsAfter(script ?? '', 'mocha');
  const fromScript = positionals(args, new Set(['--require', '-r', '--config', '--reporter', '-R', '--timeout', '-t', '--ui', '-u', '--extension', '--ignore', '--exclude', '--file', '--grep', '-g', '--spec', '--slow', '-s', '--package', '--node-option', '-n', '--loader']));
  const spec = [...fromScript, ...optionValues(args, ['--spec']), ...(fromScript.length === 0 ? strings(config.spec) : [])];
  const extensions = [...new Set(['js', 'cjs', 'mjs', ...strings(config.extension), ...optionValues(args, ['--extension'])].map((e) => e.replace(/^\./, '')))];
  const recursive = config.recursive === true || args.includes('--recursive');
  const ui = optionValues(args, ['--ui', '-u'])[0] ?? (typeof config.ui === 'string' ? config.ui : undefined);
  // mocha reads `5s` and `2000` alike; `false` and --no-timeout turn it off.
  const rawTimeout: unknown = optionValues(args, ['--timeout', '-t'])[0] ?? config.timeout;
  const timeout = args.includes('--no-timeout') || rawTimeout === false ? 0 : typeof rawTimeout === 'number' || typeof rawTimeout === 'string' ? rawTimeout : undefined;
  const exit = args.includes('--exit') || (config.exit === true && !args.includes('--no-exit'));
  const files = [...strings(config.file), ...optionValues(args, ['--file'])].map(cleanPath);
  const options: MochaOptions = { ...(ui ? { ui } : {}), ...(timeout !== undefined ? { timeout } : {}), ...(exit ? { exit } : {}), ...(files.length > 0 ? { files } : {}) };
  if (Object.keys(options).length > 0) d.options = options;
  const globs = (spec.length > 0 ? spec : MOCHA_SPEC).map((s) => {
    const p = cleanPath(s);
    // A folder: the files directly in it (all levels with --recursive), with mocha's extensions.
    return /[*?{}[\]]|\.[cm]?[jt]sx?$/.test(p) ? p : `${p}/${recursive ? '**/' : ''}*.{${extensions.join(',')}}`;
  });
  d.tests = { include: globs, regex: [], exclude: ['**/node_modules/**', ...strings(config.ignore).map(stripDot), ...optionValues(args, ['--ignore', '--exclude']).map(stripDot)], excludeRegex: [] };
  d.setupFiles = [...strings(config.require), ...strings(config.file), ...optionValues(args, ['--require', '-r', '--file'])].filter((f) => /^\.{0,2}\//.test(f)).map(stripDot);
  // `require: ['ts-node/register']` in a .mocharc: a loader, like `-r` in the script.
  const modules = strings(config.require).filter((r) => !/^\.{0,2}\//.test(r));
  const hooks = strings(config.loader).concat(strings(config['node-option']).flatMap((o) => /^(?:loader|experimental-loader)=(.+)$/.exec(o)?.[1] ?? []));
  // Required setup files may export root hooks (`mochaHooks`); `file` entries are loaded by mocha itself (options).
  const setup = strings(config.require).filter(isPath);
  if (modules.length > 0 || hooks.length > 0 || setup.length > 0) {
    const p: Preload = d.preload ?? { import: [], require: [], hooks: [], setup: [] };
    d.preload = { ...p, require: [...p.require, ...modules], hooks: [...p.hooks, ...hooks], setup: [...p.setup, ...setup] };
  }
}

function nodeTestFiles(d: RunnerDetection, script: string): void {
  const args = argsAfter(script, 'node:test');
  const files = positionals(args, new Set(['--import', '--require', '-r', '--loader', '--test-reporter', '--test-reporter-destination', '--test-name-pattern', '--test-concurrency', '--experimental-loader']));
  const ts = /\btsx\b|ts-node/.test(script);
  const patterns = NODE_TEST_FILES.map((g) => (ts ? g.replace(/\?\(c\|m\)js$/, '?(c|m)[jt]s') : g));
  // A folder holds the files of Node's default patterns below it (as Node 20 searches a folder it is given).
  // Node's rule holds for the path from the project root: below a folder named `test`, every script is a test.
  const everything = `**/*.?(c|m)${ts ? '[jt]' : 'j'}s`;
  const inFolder = (f: string) => (f === '' ? patterns : f.split('/').includes('test') ? [`${f}/${everything}`] : patterns.map((g) => `${f}/${g}`));
  const include = files.length > 0 ? files.map(cleanPath).flatMap((f) => (/[*?{}[\]]|\.[cm]?[jt]sx?$/.test(f) ? [f] : inFolder(f))) : patterns;
  d.tests = { include, regex: [], exclude: ['**/node_modules/**'], excludeRegex: [] };
}

function uvuFiles(d: RunnerDetection, script: string): void {
  const args = argsAfter(script, 'uvu');
  const [dir, pattern] = positionals(args, new Set(['-r', '--require', '-i', '--ignore', '-C', '--cwd']));
  if (dir === undefined) return; // uvu's own search (test/, tests/, *.test.*) is testgap's default too
  const base = cleanPath(dir);
  // uvu tests its pattern against the path below the folder; here regular expressions see `/` + the path from the root.
  const prefix = base === '' || base === '.' ? '^/' : `^/${escapeRegex(base)}/`;
  const own = pattern ?? UVU_DIR_PATTERN;
  d.tests = {
    include: [],
    regex: [own.startsWith('^') ? prefix + own.slice(1) : `${prefix}.*?(?:${own})`],
    exclude: ['**/node_modules/**', '**/.git/**'],
    excludeRegex: optionValues(args, ['-i', '--ignore']),
  };
}

/** Whether a path (relative to the package root, `/` separators) is one of the runner's test files. */
/** Whether a file (relative to the package root) is a source by the runner's coverage config. */
export function sourceFileMatcher(sources: NonNullable<RunnerDetection['sources']>): (rel: string) => boolean {
  const include = sources.include.length > 0 ? picomatch(sources.include, { dot: true }) : () => true;
  const exclude = sources.exclude.length > 0 ? picomatch(sources.exclude, { dot: true }) : () => false;
  const excludeRe = sources.excludeRegex.flatMap((r) => {
    try {
      return [new RegExp(r)];
    } catch {
      return [];
    }
  });
  return (rel) => include(rel) && !exclude(rel) && !excludeRe.some((r) => r.test(`/${rel}`));
}

export function testFileMatcher(tests: NonNullable<RunnerDetection['tests']>): (rel: string) => boolean {
  const regexes = (list: string[]) =>
    list.flatMap((r) => {
      try {
        return [new RegExp(r)];
      } catch {
        return []; // the runner rejects it too
      }
    });
  const include = tests.include.length > 0 ? picomatch(tests.include) : () => false;
  const exclude = tests.exclude.length > 0 ? picomatch(tests.exclude, { dot: true }) : () => false;
  const includeRe = regexes(tests.regex);
  const excludeRe = regexes(tests.excludeRegex);
  const within = tests.within?.map((w) => `${w}/`);
  return (rel) => {
    const rooted = `/${rel}`;
    if (within && !within.some((w) => rel.startsWith(w))) return false;
    if (exclude(rel) || excludeRe.some((r) => r.test(rooted))) return false;
    return include(rel) || includeRe.some((r) => r.test(rooted));
  };
}

function stripDot(p: string): string {
  return p.replace(/^\.\//, '');
}

/** A path as the project-relative globs here write it: no `./`, no trailing `/`, `.` for the root as ''. */
function cleanPath(p: string): string {
  const out = stripDot(p).replace(/\/+$/, '');
  return out === '.' ? '' : out;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One line for logs: `vitest 4.1.12 (from vitest.config.ts)`. */
export function describeRunner(d: RunnerDetection): string {
  const name = d.runner === 'node:test' ? `node:test (Node ${d.version})` : `${d.runner}${d.version ? ` ${d.version}` : ' (not installed)'}`;
  return `${name}, from ${d.evidence}`;
}

/** The test files a detection names, in words: its globs and regular expressions, then what it leaves out. */
export function describeTests(d: RunnerDetection): string {
  const t = d.tests;
  if (!t) return 'of testFilePattern';
  const not = [...t.exclude, ...t.excludeRegex.map((r) => `/${r}/`)];
  return `${[...t.include, ...t.regex.map((r) => `/${r}/`)].join(', ')}${t.within ? ` (under ${t.within.join(', ')})` : ''}${not.length > 0 ? `; not: ${not.join(', ')}` : ''}`;
}

/** The test-runner modules a test file imports or requires (for detection by imports). */
export function runnerImports(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*)['"](vitest|@jest\/globals|node:test|uvu|mocha)['"]/g)].map((m) => m[1]);
}

