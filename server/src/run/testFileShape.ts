// The shape of the test file generation writes into: its module system and typing (from its extension, the package's
// `type`, what the file already holds), how it imports the file under test and each unit's export (a binding that
// clashes with nothing already there), which test libraries it needs that the project lacks, and where an ES-module
// verification file finds those libraries.
import fs from 'node:fs';
import path from 'node:path';
import { identifierFrom, RESERVED_WORDS, type EmitStyle, type ImportNeed } from '../core/emit';
import type { Unit } from '../core/model';
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
  let binding = named && IDENT.test(exportName) ? exportName : identifierFrom(exported.name === 'default export' || exported.name === 'module.exports' ? path.basename(file).replace(/\..*$/, '') : exported.name, 'subject');
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

