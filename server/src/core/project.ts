// One project root (the folder of a package.json): its files, the per-file facts, the test index and, on demand, a
// TypeScript LanguageService for checker types.
//
// Invariants:
// - Every read goes through the FileHost the caller gives; core does no I/O of its own. Open documents are overlays.
// - Per-file facts are recomputed only for the file that changed (a version bump). The cross-file "which units are
//   exercised" answer is updated only for the test files a change can affect: a test whose references changed, and
//   the tests whose resolution went through a module whose export surface changed (see "The test index" below).
//   After any sequence of edits it equals what a fresh Project computes (test/property/index-incremental.test.ts).
// - Public methods never throw: they return values with problems.
import path from 'node:path';
import ts from 'typescript';
import { analyseFile, isAnalysablePath, parseFile, reparseFile } from './analyse';
import type { Analysed, FileFacts, Finding, ModuleExports, Problem, Unit } from './model';
import { describeTests, detectRunner, runnerImports, sourceFileMatcher, testFileMatcher, type RunnerDetection } from './runner';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import { detectTestLayout, expectedTestPath, makeMatcher, type TestLayout } from './testPaths';

export interface FileHost {
  readFile(path: string): string | undefined;
  fileExists(path: string): boolean;
  directoryExists(path: string): boolean;
  /** Names (not paths) of the files and sub-directories of `path`; empty when it cannot be read. */
  readDirectory(path: string): { files: string[]; directories: string[] };
  /** Size in bytes, or undefined when unknown. */
  fileSize(path: string): number | undefined;
}

interface FileEntry {
  version: number;
  overlay?: string;
  facts?: FileFacts;
  /** Serialized export surface of the facts, to tell whether an edit changed what other modules can import. */
  exportsKey?: string;
  /** Last parse of an open document, reused by the incremental parser on the next edit. */
  sourceFile?: ts.SourceFile;
  /** The exports `exportsKey` was computed from: what the file exported before an edit, to tell which names changed. */
  exports?: ModuleExports;
}

/** What one test file contributes to the index, and what its resolution read (to know when to redo it). */
interface TestEntry {
  ids: string[];
  /** Modules whose facts the resolution looked at (named exports, units). */
  files: Set<string>;
  /** `module\0name`: the `export *` candidates of a module for a name were looked up (found or not). */
  stars: Set<string>;
}

/** The `export *` providers of one module: per name, the star targets that could provide it, in order. */
interface StarEntry {
  byName: Map<string, string[]>;
  /** The module's star targets, resolved, in declaration order without repeats. */
  targets: string[];
  /** The module itself and every module its targets' star chains reach: what the entry was derived from. */
  deps: Set<string>;
}

export interface ProjectStats {
  sourceFiles: number;
  testFiles: number;
  units: number;
}

const toPosix = (p: string) => p.split(path.sep).join('/');

/** A unit an export resolved to, with the module that defines it (where its class members are). */
interface UnitAt {
  id: string;
  file: string;
}

export class Project {
  private readonly files = new Map<string, FileEntry>();
  private isTest: (rel: string) => boolean;
  private isExcluded: (rel: string) => boolean;
  /** The package's test runner, and with it which files are tests and which are its setup files (core/runner.ts). */
  private detection!: RunnerDetection;
  private isSetupFile: (rel: string) => boolean = () => false;
  private isRunnerSource: (rel: string) => boolean = () => true;
  private runnerTakes?: (rel: string) => boolean;
  /** The runner's configuration decides the test files (else testFilePattern does). */
  private runnerGlobs = false;
  /** testgap's default test globs, and mock and fixture folders: what the runner does not take of these is its helpers. */
  private readonly defaultTest = makeMatcher([...DEFAULT_SETTINGS.testFilePattern, '**/__mocks__/**', '**/__fixtures__/**']);
  private layout?: TestLayout;
  private readonly resolutions = new Map<string, string | undefined>();
  /**
   * Per module with `export *`: for each name, the star targets that could provide it, in declaration order; and
   * per module, every name reachable through its star chains. Without them each import through an index probed
   * every module the index re-exports, so re-resolving the tests after an export changed grew with (modules per
   * index) × (tests): 0.7 s per rename at 5,000 files (bench/scale.ts). An export surface change updates only the
   * entries derived from the changed module (`settle`), and in an index only the names that came or went.
   */
  private readonly starProviders = new Map<string, StarEntry>();
  /** Module → the modules whose starProviders entry was derived from it. */
  private readonly starDependents = new Map<string, Set<string>>();
  private readonly reachableNames = new Map<string, { names: Set<string>; visited: Set<string> }>();
  /** Module → the modules whose reachableNames entry visited it. */
  private readonly reachDependents = new Map<string, Set<string>>();
  /**
   * The index of tested units, kept per test file. `built` false: rebuild it all on the next read (the file set,
   * the configuration or the settings changed: any resolution may differ).
   */
  private index = { built: false, tests: new Map<string, TestEntry>(), counts: new Map<string, number>(), ids: new Set<string>() };
  /** Module → test files whose resolution read its facts; `module\0name` → tests that looked up its star candidates. */
  private readonly fileReaders = new Map<string, Set<string>>();
  private readonly starReaders = new Map<string, Set<string>>();
  /** Test files to resolve again on the next read of the index. */
  private readonly dirtyTests = new Set<string>();
  /** Files whose export surface (or test references) changed since the last settle, with the exports before. */
  private readonly changed = new Map<string, ModuleExports | undefined>();
  /** Set while one test file is resolved: what its resolution reads. */
  private recording?: TestEntry;
  private compilerOptions?: Analysed<ts.CompilerOptions>;
  private service?: ts.LanguageService;
  private readonly resolutionCache: ts.ModuleResolutionCache;

  constructor(
    readonly root: string,
    private readonly host: FileHost,
    private settings: Settings,
  ) {
    this.isExcluded = makeMatcher(settings.exclude, root);
    this.isTest = this.detectRunner();
    this.resolutionCache = ts.createModuleResolutionCache(root, (f) => f);
  }

  /**
   * Detects the runner and returns the test-file matcher: the `testFilePattern` setting when the user set it, else the
   * files the runner's configuration names, else testgap's default globs.
   */
  private detectRunner(testImports?: string[]): (rel: string) => boolean {
    this.detection = detectRunner(this.host, this.root, { setting: this.settings.runner, nodeVersion: process.versions.node, ...(testImports ? { testImports } : {}) });
    // What the runner's own config takes, kept even when testgap classifies files by testFilePattern: a new test
    // file must be one the runner runs.
    this.runnerTakes = this.detection.tests ? testFileMatcher(this.detection.tests) : undefined;
    const setup = new Set(this.detection.setupFiles);
    this.isSetupFile = (rel) => setup.has(rel);
    const sources = this.detection.sources ? sourceFileMatcher(this.detection.sources) : undefined;
    this.isRunnerSource = sources ?? (() => true);
    const userGlobs = JSON.stringify(this.settings.testFilePattern) !== JSON.stringify(DEFAULT_SETTINGS.testFilePattern);
    this.runnerGlobs = !userGlobs && !!this.detection.tests;
    if (!this.runnerGlobs) {
      // What decides the test files is testFilePattern: the detection says so by naming none.
      if (this.detection.tests) this.detection.unread.push('the testFilePattern setting decides which files are tests, not the runner\'s configuration');
      delete this.detection.tests;
      return makeMatcher(this.settings.testFilePattern, this.root);
    }
    return testFileMatcher(this.detection.tests!);
  }

  /** The package's test runner, how it was found, and which files it takes for tests. */
  runner(): RunnerDetection {
    return this.detection;
  }

  relative(file: string): string {
    return toPosix(path.relative(this.root, file));
  }

  /** True for analysable files under the root that no exclude glob removes. */
  contains(file: string): boolean {
    const rel = this.relative(file);
    if (rel.startsWith('..') || path.isAbsolute(rel) || !isAnalysablePath(file) || this.isExcluded(rel) || this.isBuildOutput(file)) return false;
    if (isToolingFile(rel) || this.isSetupFile(rel)) return false;
    // What the runner's coverage config leaves out (vitest coverage.include, jest collectCoverageFrom) is not a source;
    // tests stay whatever it says.
    if (!this.isRunnerSource(rel) && !this.isTest(rel)) return false;
    // Beside the runner's tests: their helpers, fixtures and mocks (test/helpers.ts, __mocks__/fs.ts) are not sources.
    return !(this.runnerGlobs && this.defaultTest(rel) && !this.isTest(rel));
  }

  /** Files under the tsconfig's outDir/declarationDir are compiler output, not sources to test. */
  private isBuildOutput(file: string): boolean {
    const o = this.options().value;
    return [o.outDir, o.declarationDir].some((dir) => dir !== undefined && path.resolve(dir) !== this.root && file.startsWith(path.resolve(dir) + path.sep));
  }

  isTestFile(file: string): boolean {
    return this.isTest(this.relative(file));
  }

  get currentSettings(): Settings {
    return this.settings;
  }

  /** Walks the root for analysable files. Cheap: reads directory listings only; files are parsed when first needed. */
  scan(): Analysed<ProjectStats> {
    this.walk();
    // The runner's files hold no test here (`tsc && node --test dist/test`: its tests are compiled output): the
    // default globs find the tests in the sources instead.
    const known = [...this.files.keys()];
    if (this.runnerGlobs && !known.some((f) => this.isTestFile(f))) {
      this.detection.unread.push(`the test files ${describeTests(this.detection)} are none of this project's sources (compiled output?); testgap takes testFilePattern instead`);
      this.runnerGlobs = false;
      delete this.detection.tests;
      this.isTest = makeMatcher(this.settings.testFilePattern, this.root);
      this.walk();
    }
    // No runner found from the package's files: the imports of its tests may name one (reported, not used for globs).
    if (this.detection.source === 'default') {
      const imports = [...this.files.keys()].filter((f) => this.isTestFile(f)).slice(0, 50).flatMap((f) => runnerImports(this.host.readFile(f) ?? ''));
      if (imports.length > 0) this.detectRunner(imports);
    }
    this.invalidateIndex();
    return { value: this.stats(false), problems: [] };
  }

  /** Adds every analysable file under the root (directory listings only). */
  private walk(): void {
    const stack = [this.root];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      const { files, directories } = this.host.readDirectory(dir);
      for (const d of directories) {
        const abs = path.join(dir, d);
        if (d.startsWith('.') || this.isExcluded(`${this.relative(abs)}/x`) || this.isBuildOutput(path.join(abs, 'x'))) continue;
        stack.push(abs);
      }
      for (const f of files) {
        const abs = path.join(dir, f);
        if (this.contains(abs) && !this.files.has(abs)) this.files.set(abs, { version: 0 });
      }
    }
  }

  /** Classifies every file again (test globs or the runner changed), keeping the text of open documents. */
  private rescan(): void {
    const overlays = [...this.files].filter(([, e]) => e.overlay !== undefined).map(([f, e]) => [f, e.overlay!] as const);
    this.files.clear();
    this.scan();
    for (const [file, text] of overlays) this.setOverlay(file, text);
  }

  /** Replaces the settings; re-classifies files when the globs changed. */
  updateSettings(settings: Settings): void {
    const globsChanged =
      JSON.stringify([settings.testFilePattern, settings.exclude, settings.testDir]) !==
      JSON.stringify([this.settings.testFilePattern, this.settings.exclude, this.settings.testDir]);
    const sizeChanged = settings.maxFileSizeKb !== this.settings.maxFileSizeKb;
    const previousRunner = this.settings.runner;
    this.settings = settings;
    if (globsChanged || settings.runner !== previousRunner) {
      this.isExcluded = makeMatcher(settings.exclude, this.root);
      this.isTest = this.detectRunner();
      this.rescan();
      this.fileSetChanged(); // resolutions and the test layout depend on which files there are
    } else if (sizeChanged) {
      for (const entry of this.files.values()) this.bump(entry);
      this.invalidateIndex();
    }
  }

  /** An open document's text replaces what is on disk until `closeDocument`. */
  setOverlay(file: string, text: string): void {
    if (!this.contains(file)) return;
    const entry = this.files.get(file) ?? { version: 0 };
    const isNew = !this.files.has(file);
    entry.overlay = text;
    this.bump(entry);
    this.files.set(file, entry);
    if (isNew) this.fileSetChanged();
  }

  closeDocument(file: string): void {
    const entry = this.files.get(file);
    if (!entry) return;
    entry.overlay = undefined;
    entry.sourceFile = undefined;
    if (!this.host.fileExists(file)) {
      this.files.delete(file);
      this.fileSetChanged();
    } else {
      this.bump(entry);
    }
  }

  /** A file changed on disk (from a watcher or the client's didChangeWatchedFiles). */
  fileChangedOnDisk(file: string, kind: 'created' | 'changed' | 'deleted'): void {
    if (kind === 'deleted' && !isAnalysablePath(file)) {
      // A deleted folder may be reported as just the folder: everything under it is gone.
      let removed = false;
      for (const [f, entry] of this.files) {
        if (f.startsWith(file + path.sep) && entry.overlay === undefined) removed = this.files.delete(f);
      }
      if (removed) this.fileSetChanged();
      return;
    }
    if (!this.contains(file)) return;
    const entry = this.files.get(file);
    if (kind === 'deleted') {
      if (entry && entry.overlay === undefined) {
        this.files.delete(file);
        this.fileSetChanged();
      }
      return;
    }
    if (!entry) {
      this.files.set(file, { version: 0 });
      this.fileSetChanged();
    } else if (entry.overlay === undefined) {
      this.bump(entry);
    }
  }

  /** Configuration files changed: compiler options and resolutions are read again. */
  configChanged(): void {
    this.compilerOptions = undefined;
    this.service?.dispose();
    this.service = undefined;
    // A runner's config or the test script may now name other test files: classify every file again.
    const before = JSON.stringify(this.detection);
    this.isTest = this.detectRunner();
    if (JSON.stringify(this.detection) !== before) this.rescan();
    this.fileSetChanged();
  }

  private bump(entry: FileEntry): void {
    entry.version++;
    entry.facts = undefined;
    // What was derived from the old exports stays until the file is analysed again: facts() then records whether its
    // surface changed, and settle() updates what depends on it before anything is resolved.
  }

  private fileSetChanged(): void {
    this.resolutions.clear();
    this.resolutionCache.clear();
    this.layout = undefined;
    this.invalidateIndex();
  }

  private invalidateIndex(): void {
    this.index = { built: false, tests: new Map(), counts: new Map(), ids: new Set() };
    this.fileReaders.clear();
    this.starReaders.clear();
    this.dirtyTests.clear();
    this.changed.clear();
    this.starProviders.clear();
    this.starDependents.clear();
    this.reachableNames.clear();
    this.reachDependents.clear();
  }

  knownFiles(): string[] {
    return [...this.files.keys()].sort();
  }

  version(file: string): number | undefined {
    return this.files.get(file)?.version;
  }

  private text(file: string, entry: FileEntry): Analysed<string | undefined> {
    const limit = this.settings.maxFileSizeKb * 1024;
    const size = entry.overlay !== undefined ? entry.overlay.length : this.host.fileSize(file);
    if (size !== undefined && size > limit) {
      return {
        value: undefined,
        problems: [{ severity: 'info', file, message: `skipped ${this.relative(file)}: ${(size / 1024 / 1024).toFixed(1)} MB is over maxFileSizeKb (${this.settings.maxFileSizeKb})` }],
      };
    }
    const text = entry.overlay ?? this.host.readFile(file);
    if (text === undefined) return { value: undefined, problems: [{ severity: 'warning', file, message: `cannot read ${this.relative(file)}` }] };
    // A NUL in the first 8 KB means a binary file with a source-like name; parsing it would only produce noise.
    if (text.slice(0, 8192).includes('\u0000')) {
      return { value: undefined, problems: [{ severity: 'info', file, message: `skipped ${this.relative(file)}: binary content` }] };
    }
    return { value: text, problems: [] };
  }

  /** The facts of one file, computed at most once per version. */
  facts(file: string): FileFacts {
    const entry = this.files.get(file);
    if (!entry) return { units: [], exports: { named: new Map(), star: [] }, problems: [] };
    if (entry.facts) return entry.facts;
    const isTest = this.isTestFile(file);
    const { value: text, problems } = this.text(file, entry);
    let facts: FileFacts;
    if (text === undefined) {
      facts = { units: [], exports: { named: new Map(), star: [] }, test: isTest ? { references: [], propertyNames: new Set() } : undefined, problems };
      entry.sourceFile = undefined;
    } else {
      // Open documents keep their tree for the next edit; files on disk do not (memory on big projects).
      const sf = entry.overlay !== undefined && entry.sourceFile ? reparseFile(entry.sourceFile, text) : parseFile(file, text);
      entry.sourceFile = entry.overlay !== undefined ? sf : undefined;
      facts = analyseFile(sf, { relPath: this.relative(file), isTest });
    }
    // Unit ids are part of the key: a member added to a class changes what the tests exercise without changing exports.
    // A class's base is part of what tests resolve through it (a tested subclass exercises its base).
    const exportsKey = isTest ? testKey(facts) : `${exportsKeyOf(facts.exports)}|${facts.units.map((u) => (u.base ? `${u.id}<${JSON.stringify(u.base)}` : u.id)).join(',')}`;
    if (exportsKey !== entry.exportsKey) {
      // Keep the surface from before the first unsettled change: settle() compares it with the current one.
      if (!this.changed.has(file)) this.changed.set(file, entry.exportsKey === undefined ? undefined : entry.exports);
      entry.exportsKey = exportsKey;
    }
    entry.exports = facts.exports;
    entry.facts = facts;
    return facts;
  }

  // -------------------------------------------------------------------------------------------------------------
  // The test index.

  private options(): Analysed<ts.CompilerOptions> {
    if (this.compilerOptions) return this.compilerOptions;
    const problems: Problem[] = [];
    const defaults: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: [],
      strict: true,
      esModuleInterop: true,
    };
    let options = defaults;
    const configPath = path.join(this.root, 'tsconfig.json');
    const configText = this.host.fileExists(configPath) ? this.host.readFile(configPath) : undefined;
    if (configText === undefined) {
      const jsconfig = path.join(this.root, 'jsconfig.json');
      if (this.host.fileExists(jsconfig)) options = this.parseConfig(jsconfig, this.host.readFile(jsconfig) ?? '{}', problems) ?? defaults;
    } else {
      options = this.parseConfig(configPath, configText, problems) ?? defaults;
    }
    // What the analyser needs whatever the project says: JS files in the program, no output, and no TS 6 deprecation
    // errors from old configs (moduleResolution node10, baseUrl) that would otherwise abort the program.
    options = { ...options, allowJs: true, noEmit: true, ignoreDeprecations: '6.0', skipLibCheck: true };
    this.compilerOptions = { value: options, problems };
    return this.compilerOptions;
  }

  private parseConfig(configPath: string, text: string, problems: Problem[]): ts.CompilerOptions | undefined {
    const json = ts.parseConfigFileTextToJson(configPath, text);
    if (json.error) {
      problems.push({ severity: 'warning', file: configPath, message: `cannot parse ${path.basename(configPath)}: ${ts.flattenDiagnosticMessageText(json.error.messageText, ' ')}; using defaults` });
      return undefined;
    }
    const parsed = ts.parseJsonConfigFileContent(
      json.config,
      {
        useCaseSensitiveFileNames: true,
        // File lists come from our own scan; only the options matter here.
        readDirectory: () => [],
        fileExists: (f) => this.host.fileExists(f),
        readFile: (f) => this.host.readFile(f),
      },
      path.dirname(configPath),
      undefined,
      configPath,
    );
    for (const d of parsed.errors) {
      if (d.code === 18003) continue; // "No inputs were found": expected, we gave it no directory listing.
      problems.push({ severity: 'warning', file: configPath, message: `${path.basename(configPath)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}` });
    }
    return parsed.options;
  }

  private readonly resolutionHost: ts.ModuleResolutionHost = {
    fileExists: (f) => this.files.get(f)?.overlay !== undefined || this.host.fileExists(f),
    readFile: (f) => this.files.get(f)?.overlay ?? this.host.readFile(f),
    directoryExists: (d) => this.host.directoryExists(d),
    getCurrentDirectory: () => this.root,
  };

  /** Resolves an import specifier written in `fromFile` to a project file, or undefined (packages, missing files). */
  resolveImport(fromFile: string, specifier: string): string | undefined {
    const key = `${path.dirname(fromFile)}\u0000${specifier}`;
    if (this.resolutions.has(key)) return this.resolutions.get(key);
    // Bundler resolution accepts every spelling tests use: extensionless, index files, `.js` for `.ts`, package
    // exports and tsconfig paths; a test that runs at all resolves its imports one of these ways.
    const options = { ...this.options().value, moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext };
    let resolved: string | undefined;
    try {
      const r = ts.resolveModuleName(specifier, fromFile, options, this.resolutionHost, this.resolutionCache).resolvedModule;
      let file = r && path.normalize(r.resolvedFileName);
      // A JS module with hand-written types resolves to its .d.ts; the code under test is the sibling JS file.
      const dts = file && /\.d\.([mc]?)ts$/.exec(file);
      if (file && dts) file = file.slice(0, -dts[0].length) + `.${dts[1]}js`;
      if (file && this.files.has(file)) resolved = file;
    } catch {
      resolved = undefined;
    }
    this.resolutions.set(key, resolved);
    return resolved;
  }

  /** What an export name stands for: a unit, or a whole module re-exported as a namespace (`export * as ns`). */
  private resolveExportOrNamespace(file: string, exportName: string, seen: Set<string>): UnitAt | { namespace: string } | undefined {
    const key = `${file}\u0000${exportName}\u0000ns`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    this.recording?.files.add(file);
    const target = this.facts(file).exports.named.get(exportName);
    if (target?.kind === 'reexport' && target.name === '*') {
      const ns = this.resolveImport(file, target.specifier);
      return ns ? { namespace: ns } : undefined;
    }
    if (target?.kind === 'reexport') {
      const next = this.resolveImport(file, target.specifier);
      return next ? this.resolveExportOrNamespace(next, target.name, seen) : undefined;
    }
    return this.resolveExport(file, exportName, new Set());
  }

  /** The unit an export name of a module stands for (and the module that defines it), following re-export chains. */
  private resolveExport(file: string, exportName: string, seen: Set<string>): UnitAt | undefined {
    const key = `${file}\u0000${exportName}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    this.recording?.files.add(file);
    const { exports } = this.facts(file);
    const target = exports.named.get(exportName) ?? (exportName === 'default' ? exports.named.get('export=') : undefined);
    if (target?.kind === 'unit') return { id: target.unitId, file };
    if (target?.kind === 'reexport') {
      if (target.name === '*') return undefined;
      const next = this.resolveImport(file, target.specifier);
      return next ? this.resolveExport(next, target.name, seen) : undefined;
    }
    if (exportName === 'default') return undefined; // `export *` never re-exports a default.
    // Only the star targets that could have the name are tried, in the same order as the `export *` lines: the
    // others could not resolve it, so the first hit is the one trying every target would find. The lookup is
    // recorded whether it finds candidates or not: a name that appears later behind the index must be seen.
    this.recording?.stars.add(`${file}\u0000${exportName}`);
    for (const next of this.starCandidates(file).byName.get(exportName) ?? []) {
      const hit = this.resolveExport(next, exportName, seen);
      if (hit) return hit;
    }
    return undefined;
  }

  /** For each name, the modules `file` re-exports with `export *` that declare or re-export it (in order). */
  private starCandidates(file: string): StarEntry {
    const cached = this.starProviders.get(file);
    if (cached) return cached;
    const targets = new Set<string>();
    for (const specifier of this.facts(file).exports.star) {
      const next = this.resolveImport(file, specifier);
      if (next) targets.add(next);
    }
    const byName = new Map<string, string[]>();
    const deps = new Set<string>([file]);
    for (const next of targets) {
      const reach = this.namesReachableFrom(next);
      for (const m of reach.visited) deps.add(m);
      for (const name of reach.names) {
        const providers = byName.get(name);
        if (!providers) byName.set(name, [next]);
        else providers.push(next);
      }
    }
    const entry: StarEntry = { byName, targets: [...targets], deps };
    this.starProviders.set(file, entry);
    for (const m of deps) addTo(this.starDependents, m, file);
    return entry;
  }

  /**
   * Every export name of `file` and of the modules its `export *` chains reach (cycles included): a superset of
   * what it exports, which is all starCandidates needs to skip a target safely. `visited`: the modules read.
   */
  private namesReachableFrom(file: string): { names: Set<string>; visited: Set<string> } {
    const cached = this.reachableNames.get(file);
    if (cached) return cached;
    const names = new Set<string>();
    const visited = new Set<string>();
    const pending = [file];
    while (pending.length > 0) {
      const module = pending.pop()!;
      if (visited.has(module)) continue;
      visited.add(module);
      const { exports } = this.facts(module);
      for (const name of exports.named.keys()) names.add(name);
      for (const specifier of exports.star) {
        const next = this.resolveImport(module, specifier);
        if (next) pending.push(next);
      }
    }
    const entry = { names, visited };
    this.reachableNames.set(file, entry);
    for (const m of visited) addTo(this.reachDependents, m, file);
    return entry;
  }

  private forgetStarProviders(file: string): void {
    const entry = this.starProviders.get(file);
    if (!entry) return;
    this.starProviders.delete(file);
    for (const m of entry.deps) this.starDependents.get(m)?.delete(file);
  }

  private forgetReachableNames(file: string): void {
    const entry = this.reachableNames.get(file);
    if (!entry) return;
    this.reachableNames.delete(file);
    for (const m of entry.visited) this.reachDependents.get(m)?.delete(file);
  }

  /**
   * Brings every file's facts up to date, then, for each file whose export surface (or test references) changed
   * since the last call, updates what was derived from it and marks the tests to resolve again:
   * - the tests whose resolution read the file's facts;
   * - the names reachable through star chains that visited the file (dropped, rebuilt when asked);
   * - the `export *` providers of each index whose chains reach the file: when the file's own `export *` lines are
   *   unchanged, only the names it gained or lost can have other providers, so only those are recomputed and only
   *   the tests that looked those names up go again; otherwise the index's providers go whole, with every test that
   *   read the index.
   * Nothing is resolved before this has run, so no cached answer outlives a change it depends on.
   */
  private settle(): void {
    for (const f of this.files.keys()) this.facts(f);
    if (this.changed.size === 0) return;
    const changed = [...this.changed];
    this.changed.clear();
    const redo = (tests: Set<string> | undefined) => {
      for (const t of tests ?? []) this.dirtyTests.add(t);
    };
    const byName: [string, string[]][] = [];
    for (const [file, before] of changed) {
      const after = this.files.get(file)?.exports;
      if (this.isTestFile(file)) this.dirtyTests.add(file);
      redo(this.fileReaders.get(file));
      for (const x of [...(this.reachDependents.get(file) ?? [])]) this.forgetReachableNames(x);
      const sameStars = before !== undefined && after !== undefined && sameList(before.star, after.star);
      for (const index of [...(this.starDependents.get(file) ?? [])]) {
        if (sameStars) {
          byName.push([index, namesGainedOrLost(before.named, after.named)]);
        } else {
          redo(this.fileReaders.get(index));
          this.forgetStarProviders(index);
        }
      }
    }
    for (const [index, names] of byName) {
      const entry = this.starProviders.get(index);
      if (!entry) continue; // gone whole for another change of the same batch
      for (const name of names) {
        const providers = entry.targets.filter((t) => this.namesReachableFrom(t).names.has(name));
        if (providers.length > 0) entry.byName.set(name, providers);
        else entry.byName.delete(name);
        redo(this.starReaders.get(`${index}\u0000${name}`));
      }
    }
  }

  /** The unit an import (`import { exportName } from specifier`, written in `fromFile`) stands for, if any. */
  unitIdForImport(fromFile: string, specifier: string, exportName: string): string | undefined {
    this.settle();
    const module = this.resolveImport(fromFile, specifier);
    return module ? this.resolveExport(module, exportName, new Set())?.id : undefined;
  }

  /**
   * Ids of every unit some test exercises. Built whole once (and after the file set, configuration or settings
   * changed); after an edit only the test files `settle` marked are resolved again. The same Set is returned
   * until its contents change.
   */
  exercisedUnits(): Set<string> {
    this.settle();
    if (!this.index.built) {
      this.index.built = true;
      for (const f of this.files.keys()) if (this.facts(f).test) this.dirtyTests.add(f);
    }
    if (this.dirtyTests.size === 0) return this.index.ids;
    let changed = false;
    for (const t of this.dirtyTests) {
      changed = this.forgetTest(t) || changed;
      if (this.files.has(t) && this.facts(t).test) changed = this.indexTest(t) || changed;
    }
    this.dirtyTests.clear();
    if (changed) this.index.ids = new Set(this.index.counts.keys());
    return this.index.ids;
  }

  /** The class unit an imported base class resolves to. */
  private resolveBase(fromFile: string, base: { specifier: string; exportName: string }): UnitAt | undefined {
    const module = this.resolveImport(fromFile, base.specifier);
    return module ? this.resolveExport(module, base.exportName, new Set()) : undefined;
  }

  /** Resolves one test file's references into the index; true when a unit became exercised. */
  private indexTest(testFile: string): boolean {
    const test = this.facts(testFile).test!;
    const entry: TestEntry = { ids: [], files: new Set(), stars: new Set() };
    const ids = new Set<string>();
    const exercise = (unit: UnitAt, depth = 0): void => {
      if (ids.has(unit.id) && depth > 0) return;
      ids.add(unit.id);
      const units = this.facts(unit.file).units;
      for (const member of units) {
        if (member.parent !== unit.id) continue;
        if (member.kind === 'constructor' || test.propertyNames.has(member.memberName!)) ids.add(member.id);
      }
      // A subclass runs its base's constructor, and what the test reads of it may be inherited: the base class and
      // those members are exercised too (a member the subclass overrides is matched by name all the same).
      const base = units.find((u) => u.id === unit.id)?.base;
      if (!base || depth > 16) return;
      const baseUnit = 'id' in base ? { id: base.id, file: unit.file } : this.resolveBase(unit.file, base);
      if (baseUnit) exercise(baseUnit, depth + 1);
    };
    this.recording = entry;
    try {
      for (const ref of test.references) {
        const module = this.resolveImport(testFile, ref.specifier);
        if (!module) continue;
        const hit = ref.members ? this.resolveExportOrNamespace(module, ref.exportName, new Set()) : undefined;
        if (hit && 'namespace' in hit) {
          for (const m of ref.members ?? []) {
            const unit = this.resolveExport(hit.namespace, m, new Set());
            if (unit) exercise(unit);
          }
          continue;
        }
        const unit = this.resolveExport(module, ref.exportName, new Set());
        if (unit) exercise(unit);
      }
    } finally {
      this.recording = undefined;
    }
    entry.ids = [...ids];
    this.index.tests.set(testFile, entry);
    for (const f of entry.files) addTo(this.fileReaders, f, testFile);
    for (const s of entry.stars) addTo(this.starReaders, s, testFile);
    let changed = false;
    for (const id of entry.ids) {
      const n = this.index.counts.get(id) ?? 0;
      this.index.counts.set(id, n + 1);
      if (n === 0) changed = true;
    }
    return changed;
  }

  /** Takes one test file's contribution out of the index; true when a unit stopped being exercised. */
  private forgetTest(testFile: string): boolean {
    const entry = this.index.tests.get(testFile);
    if (!entry) return false;
    this.index.tests.delete(testFile);
    for (const f of entry.files) this.fileReaders.get(f)?.delete(testFile);
    for (const s of entry.stars) this.starReaders.get(s)?.delete(testFile);
    let changed = false;
    for (const id of entry.ids) {
      const n = this.index.counts.get(id)!;
      if (n > 1) this.index.counts.set(id, n - 1);
      else {
        this.index.counts.delete(id);
        changed = true;
      }
    }
    return changed;
  }

  /** Test files that import `file` directly (the import graph as it is now, edits included). */
  testsImporting(file: string): string[] {
    const out: string[] = [];
    for (const testFile of this.files.keys()) {
      const test = this.isTestFile(testFile) ? this.facts(testFile).test : undefined;
      if (test?.references.some((r) => this.resolveImport(testFile, r.specifier) === file)) out.push(testFile);
    }
    return out.sort();
  }

  /**
   * Test files to run: every test file except the helpers other test files import (a helper run alone tests nothing,
   * and a shared fixture module may do work at import that only makes sense inside a test).
   */
  runnableTestFiles(): string[] {
    const tests = [...this.files.keys()].filter((f) => this.isTestFile(f));
    const imported = new Set<string>();
    for (const t of tests) {
      for (const r of this.facts(t).test?.references ?? []) {
        const target = this.resolveImport(t, r.specifier);
        if (target && target !== t && this.isTestFile(target)) imported.add(target);
      }
    }
    return tests.filter((t) => !imported.has(t)).sort();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Findings.

  testLayout(): TestLayout {
    if (!this.layout) {
      const tests = [...this.files.keys()].filter((f) => this.isTestFile(f)).map((f) => this.relative(f));
      this.layout = detectTestLayout(tests, this.settings.testDir);
    }
    return this.layout;
  }

  expectedTestFile(file: string): string {
    const layout = this.testLayout();
    const rel = this.relative(file);
    const preferred = expectedTestPath(rel, layout);
    // The runner must take the file, or the tests written there never run under `npm test` (mocha's default spec is
    // `test/*.js`, not its subfolders): the same layout without the source's folders, else beside the source.
    // Its own globs decide even before the project has a test file (when testgap falls back to testFilePattern).
    const takes = this.runnerTakes;
    if (!takes || takes(preferred)) return path.join(this.root, preferred);
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    const fallbacks = [expectedTestPath(base, layout), expectedTestPath(rel, { ...layout, kind: 'colocated' })];
    return path.join(this.root, fallbacks.find((f) => takes(f)) ?? preferred);
  }

  /** Exported units of `file` that no test exercises. A class no test uses is one finding, not one per member. */
  findings(file: string): Analysed<Finding[]> {
    const entry = this.files.get(file);
    if (!entry || this.isTestFile(file)) return { value: [], problems: [] };
    const facts = this.facts(file);
    const exercised = this.exercisedUnits();
    const expected = this.expectedTestFile(file);
    const rel = this.relative(expected);
    const findings: Finding[] = [];
    for (const unit of facts.units) {
      if (exercised.has(unit.id)) continue;
      if (unit.kind === 'constructor') continue; // covered by the class finding: constructing is using the class.
      if (unit.parent && !exercised.has(unit.parent)) continue;
      findings.push({ code: 'missing-test', unit, expectedTestFile: expected, message: missingTestMessage(unit, rel) });
    }
    return { value: findings, problems: facts.problems };
  }

  stats(parse = true): ProjectStats {
    let sourceFiles = 0;
    let testFiles = 0;
    let units = 0;
    for (const f of this.files.keys()) {
      if (this.isTestFile(f)) testFiles++;
      else {
        sourceFiles++;
        if (parse) units += this.facts(f).units.length;
      }
    }
    return { sourceFiles, testFiles, units };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Types from the checker (for generation and the CLI's JSON): one LanguageService per project, reused across edits.

  /** The units of `file` with parameter and return types from the type checker. */
  typedUnits(file: string): Analysed<Unit[]> {
    const entry = this.files.get(file);
    if (!entry || this.isTestFile(file)) return { value: [], problems: [] };
    try {
      const program = this.languageService().getProgram();
      const sf = program?.getSourceFile(file);
      if (!program || !sf) return { value: this.facts(file).units, problems: [{ severity: 'warning', file, message: `no program for ${this.relative(file)}; types are as written` }] };
      const facts = analyseFile(sf, { relPath: this.relative(file), isTest: false, checker: program.getTypeChecker() });
      return { value: facts.units, problems: [...this.options().problems, ...facts.problems] };
    } catch (error) {
      return { value: this.facts(file).units, problems: [{ severity: 'error', file, message: `type checker failed: ${(error as Error).message}` }] };
    }
  }

  private languageService(): ts.LanguageService {
    if (this.service) return this.service;
    const host: ts.LanguageServiceHost = {
      getScriptFileNames: () => [...this.files.keys()].filter((f) => !this.isTestFile(f)),
      getScriptVersion: (f) => String(this.files.get(f)?.version ?? 0),
      getScriptSnapshot: (f) => {
        const entry = this.files.get(f);
        const text = entry?.overlay ?? this.host.readFile(f);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => this.root,
      getCompilationSettings: () => this.options().value,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.resolutionHost.fileExists(f),
      readFile: (f) => this.resolutionHost.readFile(f),
      directoryExists: (d) => this.host.directoryExists(d),
      getDirectories: (d) => this.host.readDirectory(d).directories,
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
    return this.service;
  }

  dispose(): void {
    this.service?.dispose();
    this.service = undefined;
  }
}

function missingTestMessage(unit: Unit, expectedRel: string): string {
  switch (unit.kind) {
    case 'class':
      return `No test uses class \`${unit.name}\` (tests for it belong in ${expectedRel})`;
    case 'method':
    case 'static-method':
    case 'getter': {
      const cls = unit.name.slice(0, unit.name.length - unit.memberName!.length - 1);
      return `No test calls \`${unit.name}\`: tests use \`${cls}\` but never \`${unit.memberName}\``;
    }
    default:
      return `No test exercises \`${unit.name}\` (tests for it belong in ${expectedRel})`;
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Names one of the two maps has and the other has not. */
function namesGainedOrLost(before: Map<string, unknown>, after: Map<string, unknown>): string[] {
  const out: string[] = [];
  for (const name of before.keys()) if (!after.has(name)) out.push(name);
  for (const name of after.keys()) if (!before.has(name)) out.push(name);
  return out;
}

function exportsKeyOf(exports: ModuleExports): string {
  return JSON.stringify([[...exports.named.entries()].sort(), exports.star]);
}

function testKey(facts: FileFacts): string {
  const t = facts.test;
  if (!t) return '';
  return JSON.stringify([t.references.map((r) => `${r.specifier}\u0000${r.exportName}\u0000${r.members?.join(',') ?? ''}`).sort(), [...t.propertyNames].sort()]);
}

/**
 * Configuration of the tools around the code (bundlers, linters, formatters, runners) and dot-rc scripts: never
 * sources to test, never test files.
 */
const TOOLING_FILE = /(^|\/)((vite|vitest|jest|eslint|prettier|babel|webpack|rollup|rolldown|tsup|tsdown|esbuild|postcss|tailwind|karma|playwright|cypress|commitlint|stylelint|svelte|next|nuxt|astro|metro|docusaurus|typedoc|drizzle|knip|release|lint-staged|vue|uno|size-limit|wdio|ava|c8|nyc)\.config|vitest\.(workspace|projects)|\.[\w.-]+rc|(jest|vitest)\.setup|gulpfile|Gruntfile)\.[cm]?[jt]s$/;

export function isToolingFile(rel: string): boolean {
  return TOOLING_FILE.test(rel);
}
