// One project root (the folder of a package.json): its files, the per-file facts, the test index and, on demand, a
// TypeScript LanguageService for checker types.
//
// Invariants:
// - Every read goes through the FileHost the caller gives; core does no I/O of its own. Open documents are overlays.
// - Per-file facts are recomputed only for the file that changed (a version bump). The cross-file "which units are
//   exercised" answer is recomputed only when a test file's references or some module's export surface changed.
// - Public methods never throw: they return values with problems.
import path from 'node:path';
import ts from 'typescript';
import { analyseFile, isAnalysablePath, parseFile, reparseFile } from './analyse';
import type { Analysed, FileFacts, Finding, ModuleExports, Problem, Unit } from './model';
import type { Settings } from './settings';
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
}

export interface ProjectStats {
  sourceFiles: number;
  testFiles: number;
  units: number;
}

const toPosix = (p: string) => p.split(path.sep).join('/');

export class Project {
  private readonly files = new Map<string, FileEntry>();
  private isTest: (rel: string) => boolean;
  private isExcluded: (rel: string) => boolean;
  private indexVersion = 0;
  private exercised?: { indexVersion: number; ids: Set<string> };
  private layout?: TestLayout;
  private readonly resolutions = new Map<string, string | undefined>();
  /**
   * Per module with `export *`: for each name, the star targets that could provide it, in declaration order; and
   * per module, every name reachable through its star chains. Without them each import through an index probed
   * every module the index re-exports, so re-resolving the tests after an export changed grew with (modules per
   * index) × (tests): 0.7 s per rename at 5,000 files (bench/scale.ts). Dropped whenever any file changes.
   */
  private readonly starProviders = new Map<string, Map<string, string[]>>();
  private readonly reachableNames = new Map<string, Set<string>>();
  private compilerOptions?: Analysed<ts.CompilerOptions>;
  private service?: ts.LanguageService;
  private readonly resolutionCache: ts.ModuleResolutionCache;

  constructor(
    readonly root: string,
    private readonly host: FileHost,
    private settings: Settings,
  ) {
    this.isTest = makeMatcher(settings.testFilePattern, root);
    this.isExcluded = makeMatcher(settings.exclude, root);
    this.resolutionCache = ts.createModuleResolutionCache(root, (f) => f);
  }

  relative(file: string): string {
    return toPosix(path.relative(this.root, file));
  }

  /** True for analysable files under the root that no exclude glob removes. */
  contains(file: string): boolean {
    const rel = this.relative(file);
    return !rel.startsWith('..') && !path.isAbsolute(rel) && isAnalysablePath(file) && !this.isExcluded(rel) && !this.isBuildOutput(file);
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
    const problems: Problem[] = [];
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
    this.invalidateIndex();
    return { value: this.stats(false), problems };
  }

  /** Replaces the settings; re-classifies files when the globs changed. */
  updateSettings(settings: Settings): void {
    const globsChanged =
      JSON.stringify([settings.testFilePattern, settings.exclude, settings.testDir]) !==
      JSON.stringify([this.settings.testFilePattern, this.settings.exclude, this.settings.testDir]);
    const sizeChanged = settings.maxFileSizeKb !== this.settings.maxFileSizeKb;
    this.settings = settings;
    if (globsChanged) {
      this.isTest = makeMatcher(settings.testFilePattern, this.root);
      this.isExcluded = makeMatcher(settings.exclude, this.root);
      this.files.clear();
      this.scan();
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
    this.fileSetChanged();
  }

  private bump(entry: FileEntry): void {
    entry.version++;
    entry.facts = undefined;
    // The file's exports are unknown until it is analysed again; what was derived from the old ones must go now.
    this.forgetExportGraph();
  }

  private fileSetChanged(): void {
    this.resolutions.clear();
    this.resolutionCache.clear();
    this.layout = undefined;
    this.invalidateIndex();
  }

  private invalidateIndex(): void {
    this.indexVersion++;
    this.forgetExportGraph();
  }

  private forgetExportGraph(): void {
    this.starProviders.clear();
    this.reachableNames.clear();
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
    const exportsKey = isTest ? testKey(facts) : `${exportsKeyOf(facts.exports)}|${facts.units.map((u) => u.id).join(',')}`;
    if (exportsKey !== entry.exportsKey) {
      entry.exportsKey = exportsKey;
      this.invalidateIndex();
    }
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
  private resolveExportOrNamespace(file: string, exportName: string, seen: Set<string>): { unitId: string } | { namespace: string } | undefined {
    const key = `${file}\u0000${exportName}\u0000ns`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const target = this.facts(file).exports.named.get(exportName);
    if (target?.kind === 'reexport' && target.name === '*') {
      const ns = this.resolveImport(file, target.specifier);
      return ns ? { namespace: ns } : undefined;
    }
    if (target?.kind === 'reexport') {
      const next = this.resolveImport(file, target.specifier);
      return next ? this.resolveExportOrNamespace(next, target.name, seen) : undefined;
    }
    const unitId = this.resolveExport(file, exportName, new Set());
    return unitId ? { unitId } : undefined;
  }

  /** The unit ids an export name of a module stands for, following re-export chains. */
  private resolveExport(file: string, exportName: string, seen: Set<string>): string | undefined {
    const key = `${file}\u0000${exportName}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const { exports } = this.facts(file);
    const target = exports.named.get(exportName) ?? (exportName === 'default' ? exports.named.get('export=') : undefined);
    if (target?.kind === 'unit') return target.unitId;
    if (target?.kind === 'reexport') {
      if (target.name === '*') return undefined;
      const next = this.resolveImport(file, target.specifier);
      return next ? this.resolveExport(next, target.name, seen) : undefined;
    }
    if (exportName === 'default') return undefined; // `export *` never re-exports a default.
    // Only the star targets that could have the name are tried, in the same order as the `export *` lines: the
    // others could not resolve it, so the first hit is the one trying every target would find.
    for (const next of this.starCandidates(file).get(exportName) ?? []) {
      const hit = this.resolveExport(next, exportName, seen);
      if (hit) return hit;
    }
    return undefined;
  }

  /** For each name, the modules `file` re-exports with `export *` that declare or re-export it (in order). */
  private starCandidates(file: string): Map<string, string[]> {
    const cached = this.starProviders.get(file);
    if (cached) return cached;
    const byName = new Map<string, string[]>();
    for (const specifier of this.facts(file).exports.star) {
      const next = this.resolveImport(file, specifier);
      if (!next) continue;
      for (const name of this.namesReachableFrom(next)) {
        const targets = byName.get(name);
        if (!targets) byName.set(name, [next]);
        else if (!targets.includes(next)) targets.push(next);
      }
    }
    this.starProviders.set(file, byName);
    return byName;
  }

  /**
   * Every export name of `file` and of the modules its `export *` chains reach (cycles included): a superset of
   * what it exports, which is all starCandidates needs to skip a target safely.
   */
  private namesReachableFrom(file: string): Set<string> {
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
    this.reachableNames.set(file, names);
    return names;
  }

  /** The unit an import (`import { exportName } from specifier`, written in `fromFile`) stands for, if any. */
  unitIdForImport(fromFile: string, specifier: string, exportName: string): string | undefined {
    const module = this.resolveImport(fromFile, specifier);
    return module ? this.resolveExport(module, exportName, new Set()) : undefined;
  }

  /** Ids of every unit some test exercises; recomputed only when the index changed. */
  exercisedUnits(): Set<string> {
    // facts() may bump indexVersion the first time a file is read, so settle them before comparing versions.
    const files = [...this.files.keys()];
    for (const f of files) this.facts(f);
    if (this.exercised && this.exercised.indexVersion === this.indexVersion) return this.exercised.ids;
    const ids = new Set<string>();
    const unitsById = new Map<string, Unit>();
    const membersByClass = new Map<string, Unit[]>();
    for (const f of files) {
      for (const u of this.facts(f).units) {
        unitsById.set(u.id, u);
        if (u.parent) membersByClass.set(u.parent, [...(membersByClass.get(u.parent) ?? []), u]);
      }
    }
    for (const testFile of files) {
      const test = this.facts(testFile).test;
      if (!test) continue;
      const exercise = (id: string) => {
        ids.add(id);
        for (const member of membersByClass.get(id) ?? []) {
          if (member.kind === 'constructor' || test.propertyNames.has(member.memberName!)) ids.add(member.id);
        }
      };
      for (const ref of test.references) {
        const module = this.resolveImport(testFile, ref.specifier);
        if (!module) continue;
        const hit = ref.members ? this.resolveExportOrNamespace(module, ref.exportName, new Set()) : undefined;
        if (hit && 'namespace' in hit) {
          for (const m of ref.members ?? []) {
            const id = this.resolveExport(hit.namespace, m, new Set());
            if (id) exercise(id);
          }
          continue;
        }
        const id = this.resolveExport(module, ref.exportName, new Set());
        if (id) exercise(id);
      }
    }
    this.exercised = { indexVersion: this.indexVersion, ids };
    return ids;
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
    return path.join(this.root, expectedTestPath(this.relative(file), this.testLayout()));
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

function exportsKeyOf(exports: ModuleExports): string {
  return JSON.stringify([[...exports.named.entries()].sort(), exports.star]);
}

function testKey(facts: FileFacts): string {
  const t = facts.test;
  if (!t) return '';
  return JSON.stringify([t.references.map((r) => `${r.specifier}\u0000${r.exportName}\u0000${r.members?.join(',') ?? ''}`).sort(), [...t.propertyNames].sort()]);
}
