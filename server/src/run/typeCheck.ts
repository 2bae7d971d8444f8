// Type-checks a generated TypeScript test file as the project would: with the project's own TypeScript (its
// node_modules copy, else testgap's) and the compiler options of its tsconfig.json, the file's text given before it is
// written. A case the runner passes can still break `tsc --noEmit` (or ts-jest, which fails a test file on a type
// error): an abstract class constructed, an argument of the wrong type that JavaScript happened to accept.
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type tsModule from 'typescript';

export interface TypeError {
  /** 1-based line in the text. */
  line: number;
  message: string;
  code: number;
}

const compilers = new Map<string, typeof tsModule>();

/** The project's TypeScript (a compiler of another version reads the file as its users' builds do), else testgap's. */
function typescriptFor(root: string): typeof tsModule {
  let file: string;
  try {
    file = require.resolve('typescript', { paths: [root] });
  } catch {
    file = require.resolve('typescript');
  }
  let ts = compilers.get(file);
  if (!ts) compilers.set(file, (ts = require(file) as typeof tsModule));
  return ts;
}

/** The project's TypeScript version as [major, minor] (testgap's when the project has none). */
export function typescriptVersion(root: string): [number, number] {
  const [major, minor] = typescriptFor(root).version.split('.').map(Number);
  return [major ?? 0, minor ?? 0];
}

const readable = new Map<string, string | undefined>();

/**
 * Whether the project's TypeScript can read the declarations a test file at `file` gets for `library` (the project's
 * copy, else testgap's, resolved as that TypeScript resolves it): fast-check 4's do not parse under TypeScript 3.9,
 * and `tsc` reports syntax errors in declaration files even with `skipLibCheck`. Undefined when it can; else why not.
 */
export function declarationsUnreadable(root: string, file: string, library: string): string | undefined {
  const ts = typescriptFor(root);
  const config = projectOptions(ts, root, file);
  if ('unavailable' in config) return undefined;
  const host = ts.createCompilerHost(config.options, true);
  const resolved = (ts.resolveModuleName(library, file, config.options, host).resolvedModule ?? ts.resolveModuleName(library, path.join(__dirname, 'typeCheck.js'), config.options, host).resolvedModule)?.resolvedFileName;
  if (!resolved || !/\.d\.[cm]?ts$/.test(resolved)) return undefined;
  const key = `${ts.version}\u0000${resolved}`;
  if (readable.has(key)) return readable.get(key);
  let why: string | undefined;
  // The entry and the declaration files it names relatively.
  const queue = [path.resolve(resolved)];
  const seen = new Set(queue);
  while (queue.length > 0 && !why && seen.size < 200) {
    const f = queue.shift()!;
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const sf = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, false);
    const error = (sf as unknown as { parseDiagnostics?: tsModule.Diagnostic[] }).parseDiagnostics?.[0];
    if (error) {
      const pkg = f.slice(0, f.lastIndexOf(`node_modules${path.sep}${library}${path.sep}`) + `node_modules/${library}/`.length);
      let version = '';
      try {
        version = ` ${(JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string }).version}`;
      } catch {
        // no version to name
      }
      why = `the project's TypeScript ${ts.version} cannot read the declarations of ${library}${version} (${ts.flattenDiagnosticMessageText(error.messageText, ' ')})`;
      break;
    }
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      const base = path.resolve(path.dirname(f), imported.fileName).replace(/\.(c|m)?js$/, '');
      const next = [`${base}.d.ts`, `${base}.d.cts`, `${base}.d.mts`, `${base}/index.d.ts`, base].find((c) => /\.d\.[cm]?ts$/.test(c) && fs.existsSync(c));
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  readable.set(key, why);
  return why;
}

/** The compiler options of the tsconfig.json that governs `file` (defaults without one), and its declaration files. */
function projectOptions(ts: typeof tsModule, root: string, file: string, config?: string): { options: tsModule.CompilerOptions; declarations: string[] } | { unavailable: string } {
  const configPath = config ?? ts.findConfigFile(path.dirname(file), (f) => fs.existsSync(f), 'tsconfig.json');
  if (!configPath || !path.resolve(configPath).startsWith(root + path.sep)) {
    return { options: { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, esModuleInterop: true }, declarations: [] };
  }
  const read = ts.readConfigFile(configPath, (f) => ts.sys.readFile(f));
  if (read.error) return { unavailable: `${path.relative(root, configPath)} could not be read` };
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configPath), undefined, configPath);
  // Declarations the project's own build sees: its `.d.ts` files (`declare global`, module shims).
  return { options: parsed.options, declarations: parsed.fileNames.filter((f) => /\.d\.[cm]?ts$/.test(f)) };
}

/**
 * The errors TypeScript finds in `text` as the content of `file` (a test file of the project at `root`). `supplied`:
 * the test libraries the edit adds to the project's devDependencies (uvu, fast-check): where the project cannot
 * resolve them yet, they resolve to testgap's copies, the versions the edit asks for, so the check sees their types.
 */
export function typeErrors(root: string, file: string, text: string, supplied: string[] = [], ambient: string[] = [], configFile?: string): TypeError[] | { unavailable: string } {
  const ts = typescriptFor(root);
  const config = projectOptions(ts, root, file, configFile);
  if ('unavailable' in config) return config;
  const { declarations } = config;
  let options = config.options;
  // Only this file's own errors matter: no output, no checking of declaration files it pulls in.
  options = { ...options, noEmit: true, skipLibCheck: true, incremental: false, composite: false };
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) =>
    path.resolve(name) === file ? ts.createSourceFile(name, text, languageVersion, true) : getSourceFile(name, languageVersion, onError, shouldCreate);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const ownFile = path.join(__dirname, 'typeCheck.js');
  host.resolveModuleNames = (names, containing) =>
    names.map((name) => {
      const found = ts.resolveModuleName(name, containing, options, host).resolvedModule;
      if (found || !supplied.some((lib) => name === lib || name.startsWith(`${lib}/`))) return found;
      return ts.resolveModuleName(name, ownFile, options, host).resolvedModule;
    });
  // `ambient`: files the runner loads before every test (setup files), whose globals the tests may use.
  const program = ts.createProgram({ rootNames: [file, ...declarations, ...ambient.filter((f) => f !== file)], options, host });
  const source = program.getSourceFile(file);
  if (!source) return { unavailable: 'TypeScript did not load the file' };
  // The project's own files it imports must type-check as it is set up (no @types/node where the code uses `fs`, an
  // option its TypeScript lacks): otherwise every error would be the project's, not the generated file's.
  for (const other of program.getSourceFiles()) {
    if (other === source || other.isDeclarationFile || ambient.includes(path.resolve(other.fileName)) || other.fileName.includes('/node_modules/') || !path.resolve(other.fileName).startsWith(root + path.sep)) continue;
    const own = [...program.getSyntacticDiagnostics(other), ...program.getSemanticDiagnostics(other)].find((d) => d.category === ts.DiagnosticCategory.Error);
    if (own) {
      const where = own.start !== undefined ? `:${other.getLineAndCharacterOfPosition(own.start).line + 1}` : '';
      return { unavailable: `${path.relative(root, other.fileName)}${where} does not type-check with the project's settings itself (TS${own.code}: ${ts.flattenDiagnosticMessageText(own.messageText, ' ')})` };
    }
  }
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  return diagnostics
    .filter((d) => d.category === ts.DiagnosticCategory.Error && d.start !== undefined)
    .map((d) => ({ line: source.getLineAndCharacterOfPosition(d.start!).line + 1, message: ts.flattenDiagnosticMessageText(d.messageText, ' '), code: d.code }));
}

/** What type errors in a generated file take out: rows of tables and properties by name, else whole sections. */
export interface Attribution {
  /** section index → case indexes. */
  cases: Map<number, Set<number>>;
  /** section index → property indexes. */
  properties: Map<number, Set<number>>;
  sections: Set<number>;
  /** Errors in no generated section (an import, the file's own code). */
  outside: TypeError[];
}

/**
 * Which generated tests the `errors` of `text` belong to. The generated sections are the last `sections` ones that
 * start with a `// testgap:` marker; a table row starts with its test's name (`['f(1) returns 2', …]`), a property
 * test is the `it('…'`/`suite('…'` line above the error.
 */
export function attribute(text: string, sections: number, names: { name: string; section: number; case?: number; property?: number }[], errors: TypeError[], quote: (s: string) => string): Attribution {
  const lines = text.split('\n');
  const markers = lines.map((l, i) => (/^\/\/ testgap: /.test(l) ? i + 1 : 0)).filter(Boolean);
  const starts = markers.slice(-sections);
  const out: Attribution = { cases: new Map(), properties: new Map(), sections: new Set(), outside: [] };
  const add = (m: Map<number, Set<number>>, s: number, i: number) => m.set(s, (m.get(s) ?? new Set()).add(i));
  for (const e of errors) {
    let section = -1;
    starts.forEach((start, i) => {
      if (e.line >= start) section = i;
    });
    if (section < 0 || starts.length < sections) {
      out.outside.push(e);
      continue;
    }
    const own = names.filter((n) => n.section === section);
    const row = lines[e.line - 1]!.trim();
    // A row names its test; a table may hold the rows of several sections (getters of one instance).
    const asCase = names.find((n) => n.case !== undefined && row.startsWith(`[${quote(n.name)},`));
    if (asCase) {
      add(out.cases, asCase.section, asCase.case!);
      continue;
    }
    let property: (typeof own)[number] | undefined;
    for (let l = e.line - 1; l >= starts[section]! - 1 && !property; l--) property = own.find((n) => n.property !== undefined && lines[l]!.includes(`(${quote(n.name)}, `));
    if (property) add(out.properties, section, property.property!);
    else out.sections.add(section);
  }
  return out;
}

/**
 * The tsconfig files the project's build compiles with (`tsc`, `tsc -p tsconfig.build.json`, `tsc -b packages/a` in
 * its package.json scripts) that would take `file` in, other than the one nearest to it: a test file written into
 * `src/__tests__/` must not break `npm run build` where the build's tsconfig does not leave tests out.
 */
export function buildConfigsTaking(root: string, file: string): string[] {
  let scripts: Record<string, string> = {};
  try {
    scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  } catch {
    return [];
  }
  const ts = typescriptFor(root);
  const nearest = ts.findConfigFile(path.dirname(file), (f) => fs.existsSync(f), 'tsconfig.json');
  const configs = new Set<string>();
  for (const script of Object.values(scripts)) {
    for (const m of script.matchAll(/(?:^|[\s;&|(])(?:npx\s+)?tsc((?:\s+(?![;&|])\S+)*)/g)) {
      const args = (m[1] ?? '').trim().split(/\s+/).filter(Boolean);
      const at = args.findIndex((a) => a === '-p' || a === '--project' || a === '-b' || a === '--build');
      let config = at >= 0 && args[at + 1] && !args[at + 1]!.startsWith('-') ? path.resolve(root, args[at + 1]!) : path.join(root, 'tsconfig.json');
      if (fs.existsSync(config) && fs.statSync(config).isDirectory()) config = path.join(config, 'tsconfig.json');
      if (fs.existsSync(config)) configs.add(config);
    }
  }
  return [...configs].filter((c) => c !== (nearest && path.resolve(nearest)) && configTakes(ts, c, file));
}

/** Whether the tsconfig `config` compiles `file` (its `files`, `include` and `exclude`; the file need not exist yet). */
function configTakes(ts: typeof tsModule, config: string, file: string): boolean {
  const read = ts.readConfigFile(config, (f) => ts.sys.readFile(f));
  if (read.error) return false;
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(config), undefined, config);
  if (parsed.fileNames.some((f) => path.resolve(f) === file)) return true;
  const raw = (parsed.raw ?? {}) as { files?: string[]; include?: string[]; exclude?: string[] };
  const dir = path.dirname(config);
  const rel = path.relative(dir, file).split(path.sep).join('/');
  if (rel.startsWith('..')) return false;
  // A folder or a pattern without an extension takes every file below it (TypeScript's rule).
  const glob = (spec: string) => {
    const s = spec.replace(/^\.\//, '').replace(/\/$/, '');
    return /[*?]/.test(s.split('/').pop()!) || /\.[a-z]+$/i.test(s) ? s : `${s}/**/*`;
  };
  const include = raw.include ?? (raw.files ? [] : ['**/*']);
  const outDir = parsed.options.outDir ? [path.relative(dir, parsed.options.outDir).split(path.sep).join('/')] : [];
  const exclude = raw.exclude ?? ['node_modules', 'bower_components', 'jspm_packages', ...outDir];
  return include.length > 0 && picomatch(include.map(glob), { dot: false })(rel) && !picomatch(exclude.map(glob))(rel);
}
