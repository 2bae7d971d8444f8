// The shape of the test file generation writes into: its module system and typing (from its extension, the package's
// `type`, what the file already holds), how it imports the file under test and each unit's export (a binding that
// clashes with nothing already there), which test libraries it needs that the project lacks, and where an ES-module
// verification file finds those libraries.
import fs from 'node:fs';
import path from 'node:path';
import { identifierFrom, RESERVED_WORDS, type Dialect, type EmitStyle, type ImportNeed } from '../core/emit';
import type { Unit } from '../core/model';
import type { Project } from '../core/project';
import { hostOptions } from './measure';
import type { HostOptions } from './runnerHost';
import type { DomEnvironment } from './protocol';
import { resolveEsm } from './esmResolve';

const IDENT = /^[A-Za-z_$][\w$]*$/;
/**
 * Export names that cannot be a local binding (reserved words: `exports.delete`), or that make a call read as
 * something else: TypeScript's transpiler turns `assert.equal(async(...args), expected)` into an arrow function head
 * (RSVP exports `async`). They are imported under another name.
 */
const NOT_A_BINDING = new Set(RESERVED_WORDS);

export function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function testStyle(testFile: string, projectRoot: string, existingText?: string): EmitStyle {
  const ext = path.extname(testFile);
  const ts = /\.[cm]?tsx?$/.test(testFile);
  if (ext === '.mjs' || ext === '.mts') return { ts, esm: true };
  if (ext === '.cjs' || ext === '.cts') return { ts, esm: false };
  if (ts) return { ts, esm: true };
  const type = readJson(path.join(projectRoot, 'package.json'))?.type;
  return { ts, esm: type === 'module' || /^\s*import\s/m.test(existingText ?? '') };
}

export function moduleSpecifier(testFile: string, sourceFile: string, style: EmitStyle, projectRoot: string): string {
  let rel = path.relative(path.dirname(testFile), sourceFile).split(path.sep).join('/');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const typeModule = readJson(path.join(projectRoot, 'package.json'))?.type === 'module';
  if (/\.tsx?$/.test(rel)) return typeModule ? rel.replace(/\.tsx?$/, '.js') : rel.replace(/\.tsx?$/, '');
  if (/\.[mc]ts$/.test(rel)) return rel.replace(/\.([mc])ts$/, '.$1js');
  if (!style.esm && rel.endsWith('.js')) return rel.slice(0, -3);
  return rel;
}

/** Dependencies the emitted file needs that the project neither declares nor can resolve. */
export function missingDependencies(projectRoot: string, needs: string[]): string[] {
  const pkg = readJson(path.join(projectRoot, 'package.json')) ?? {};
  const declared = { ...(pkg.dependencies as object), ...(pkg.devDependencies as object) } as Record<string, string>;
  return needs.filter((name) => {
    if (declared[name]) return false;
    for (let dir = projectRoot; ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'node_modules', name, 'package.json'))) return false;
      if (dir === path.dirname(dir)) return true;
    }
  });
}

export interface Target {
  unit: Unit;
  /** The unit or its class, as the module exports it. */
  exported: Unit;
  exportName: string;
  binding: string;
  importKind: ImportNeed['kind'];
  /** The test file already binds the unit's export under `binding`. */
  alreadyImported?: boolean;
  /** A member of an abstract class: the concrete subclass (`exported`) its instance is built from. */
  receiver?: Unit;
  /** A member of an abstract class the module has no concrete subclass of: built from a minimal subclass the test declares. */
  stubbed?: Unit;
}

/**
 * How the test file refers to `unit`'s export. `existing` maps the test file's current top-level bindings to the unit
 * they import (or '' for anything else): a binding already there for the same unit is reused (no import), and a
 * name taken by something else gets a suffix.
 */
export function targetFor(unit: Unit, byId: Map<string, Unit>, style: EmitStyle, file: string, existing: Map<string, string>): Target | undefined {
  const exported = unit.parent ? byId.get(unit.parent) : unit;
  if (!exported || exported.exportNames.length === 0) return undefined;
  const exportName = exported.exportNames.find((n) => n !== 'default' && n !== 'export=') ?? exported.exportNames[0];
  const named = exportName !== 'default' && exportName !== 'export=';
  const local = identifierFrom(exported.name === 'default export' || exported.name === 'module.exports' ? path.basename(file).replace(/\..*$/, '') : exported.name, 'subject');
  // A default-exported class keeps a class's name (`import RegistryBase from`), not a value's (`registryBase`).
  let binding = named && IDENT.test(exportName) ? exportName : exported.kind === 'class' ? (IDENT.test(exported.name) ? exported.name : local[0]!.toUpperCase() + local.slice(1)) : local;
  const reused = [...existing].find(([, id]) => id === exported.id)?.[0];
  if (reused) return { unit, exported, exportName, binding: reused, importKind: 'named', alreadyImported: true };
  if (NOT_A_BINDING.has(binding)) binding += '_';
  while (existing.has(binding)) binding += '_';
  const importKind: ImportNeed['kind'] = named ? 'named' : exportName === 'default' ? 'default' : style.esm ? 'default' : 'whole';
  return { unit, exported, exportName, binding, importKind };
}

/** The test libraries an ES-module verification file imports, as file URLs: the project's copies, else testgap's. */
export function esmLibraries(root: string): Record<string, string> {
  const own = path.resolve(__dirname, '../../../..');
  const out: Record<string, string> = {};
  for (const name of ['uvu', 'uvu/assert', 'fast-check']) {
    const url = resolveEsm(name, [root, own]);
    if (url) out[name] = url;
  }
  return out;
}


/**
 * Whose API the generated tests call: the project's runner, when something in the project names it (a config, the
 * test script, a dependency, the imports of its tests); uvu when nothing does (testgap's own choice of runner).
 */
export function dialectOf(project: Project): Dialect {
  const d = project.runner();
  return d.source === 'default' ? 'uvu' : d.runner;
}

/**
 * Where a generated file is verified: vitest and jest files in the project's runner (a host: the file runs with its
 * config, setup files and transforms), mocha files by the project's mocha in the sandbox, uvu and node:test files
 * in the sandbox as they are. A string says why it cannot be (the runner is not installed, or cannot run here).
 */
export function verifierFor(project: Project, dialect: Dialect): { host?: Omit<HostOptions, 'limits'>; mocha?: string } | string {
  if (dialect === 'vitest' || dialect === 'jest') {
    const host = hostOptions(project);
    if (typeof host === 'string') return `testgap writes ${dialect} tests here and runs them with the project's ${dialect} before it writes them, and cannot: ${host}`;
    return host ? { host } : {};
  }
  if (dialect === 'mocha') {
    let mocha: string | undefined;
    try {
      mocha = require.resolve('mocha', { paths: [project.root] });
    } catch {
      return `testgap writes mocha tests here and runs them with the project's mocha before it writes them, but mocha is not installed: install the project's dependencies (npm install)`;
    }
    return { mocha };
  }
  return {};
}

/**
 * jest: whether generated tests take the API from `@jest/globals`: where the project's tests do, and in TypeScript
 * where the globals have no types (no @types/jest: `describe` would not type-check).
 */
export function usesJestGlobalsImport(project: Project, existingText: string | undefined, ts: boolean): boolean {
  if (existingText !== undefined) return existingText.includes('@jest/globals');
  if (ts) {
    try {
      require.resolve('@types/jest/package.json', { paths: [project.root] });
    } catch {
      return true;
    }
  }
  return project
    .knownFiles()
    .filter((f) => project.isTestFile(f))
    .slice(0, 20)
    .some((f) => {
      try {
        return fs.readFileSync(f, 'utf8').includes('@jest/globals');
      } catch {
        return false;
      }
    });
}

/**
 * The libraries a file verified in the project's runner imports from outside the project: fast-check, when the
 * project has none yet (the edit adds it to devDependencies), as testgap's own copy by absolute path.
 */
export function runnerLibraries(root: string): Record<string, string> {
  try {
    require.resolve('fast-check', { paths: [root] });
    return {};
  } catch {
    return { 'fast-check': require.resolve('fast-check') };
  }
}

/**
 * What the project's runner gives its tests that a candidate run must give too: NODE_ENV (vitest and jest set `test`
 * when the shell has none; node:test, mocha and uvu leave it unset) and the setup files its config names, as absolute
 * paths of files that exist.
 */
export function runnerEnvironment(project: Project, dialect: Dialect): { nodeEnv: string | null; preload: string[]; dom?: DomEnvironment } {
  const preload = project.runner().setupFiles.flatMap((f) => {
    const file = path.resolve(project.root, f);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return [file];
    // A package by name (jest's `setupFiles: ['reflect-metadata']`), as the project resolves it.
    if (/^\.{0,2}\//.test(f)) return [];
    try {
      return [require.resolve(f, { paths: [project.root] })];
    } catch {
      return [];
    }
  });
  const dom = domEnvironment(project.root, project.runner().testEnvironment);
  return { nodeEnv: dialect === 'vitest' || dialect === 'jest' ? 'test' : null, preload, ...(dom ? { dom } : {}) };
}

/**
 * The DOM library behind a runner's test environment, as the project resolves it: vitest's `jsdom` and `happy-dom`
 * are the packages themselves; jest's `jsdom` is jest-environment-jsdom, which brings its own jsdom, and
 * `@happy-dom/jest-environment` brings happy-dom. Undefined for Node's environment, or when the library is not
 * installed (then the runner could not run the tests either).
 */
export function domEnvironment(root: string, environment: string | undefined): DomEnvironment | undefined {
  if (!environment) return undefined;
  const kind = /(^|[/-])jsdom$/.test(environment) ? 'jsdom' : /happy-dom/.test(environment) ? 'happy-dom' : undefined;
  if (!kind) return undefined;
  const from = (paths: string[]) => {
    try {
      return require.resolve(kind, { paths });
    } catch {
      return undefined;
    }
  };
  const wrapper = kind === 'jsdom' ? 'jest-environment-jsdom' : '@happy-dom/jest-environment';
  let wrapperDir: string | undefined;
  try {
    wrapperDir = path.dirname(require.resolve(`${wrapper}/package.json`, { paths: [root] }));
  } catch {
    wrapperDir = undefined;
  }
  const module = from([root]) ?? (wrapperDir ? from([wrapperDir]) : undefined);
  return module ? { kind, module } : undefined;
}
