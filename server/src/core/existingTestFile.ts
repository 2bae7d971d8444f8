// Adding generated sections to a test file that exists: what it already holds (testgap's unit markers, its top-level
// bindings, where its imports end), and insert-only edits that put new imports after its imports and new sections
// at its end. Nothing of the file is ever replaced; its line breaks are kept.
import ts from 'typescript';
import type { Emitted } from './emit';

export interface Insertion {
  offset: number;
  text: string;
  /** Names added inside an existing statement (`, beforeEach` into its `import { … } from 'vitest'`): not whole statements. */
  within?: true;
}

/** What an existing test file already has: the units with a testgap section, and its top-level bindings. */
export function scanExistingTestFile(text: string, fileName: string): { unitIds: Set<string>; bindings: Map<string, string>; importEnd: number } {
  const unitIds = new Set<string>();
  // Unit ids hold the file's path, which may contain spaces: the id is the rest of the marker line.
  for (const m of text.matchAll(/^\uFEFF?\/\/ testgap: (.+?)[ \t]*$/gm)) unitIds.add(m[1]);
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const bindings = new Map<string, string>();
  let importEnd = 0;
  for (const st of sf.statements) {
    const isImportLike =
      ts.isImportDeclaration(st) ||
      (ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => d.initializer && ts.isCallExpression(d.initializer) && d.initializer.expression.getText(sf) === 'require'));
    if (ts.isImportDeclaration(st) && st.importClause && ts.isStringLiteral(st.moduleSpecifier)) {
      const spec = st.moduleSpecifier.text;
      const c = st.importClause;
      if (c.name) bindings.set(c.name.text, `${spec}#default`);
      if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) bindings.set(c.namedBindings.name.text, `${spec}#*`);
      if (c.namedBindings && ts.isNamedImports(c.namedBindings)) {
        for (const e of c.namedBindings.elements) bindings.set(e.name.text, `${spec}#${(e.propertyName ?? e.name).text}`);
      }
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer;
        const spec = init && ts.isCallExpression(init) && init.expression.getText(sf) === 'require' && init.arguments[0] && ts.isStringLiteral(init.arguments[0]) ? init.arguments[0].text : undefined;
        if (ts.isIdentifier(d.name)) bindings.set(d.name.text, spec !== undefined ? `${spec}#*` : '');
        else if (ts.isObjectBindingPattern(d.name)) {
          for (const e of d.name.elements) if (ts.isIdentifier(e.name)) bindings.set(e.name.text, spec !== undefined ? `${spec}#${(e.propertyName ?? e.name).getText(sf)}` : '');
        }
      }
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) {
      bindings.set(st.name.text, '');
    }
    if (isImportLike) importEnd = st.getEnd();
  }
  return { unitIds, bindings, importEnd };
}

/** The line break a file uses (its first one), so inserted lines match it. */
export function lineBreakOf(text: string): '\n' | '\r\n' {
  const m = /\r\n|\n|\r/.exec(text);
  return m?.[0] === '\r\n' ? '\r\n' : '\n';
}

/**
 * Where imports go in a file that has none: after a BOM, a `#!` line, the leading comments (license headers,
 * `// @ts-nocheck` and other pragmas only count before the first statement) and the directive prologue
 * (`'use strict'` only works there). `atLineStart`: the offset begins a line.
 */
function topOfFile(text: string, sf: ts.SourceFile): { offset: number; atLineStart: boolean } {
  let offset = text.startsWith('\uFEFF') ? 1 : 0;
  const shebang = /^#![^\r\n]*(\r\n|\r|\n)?/.exec(text.slice(offset));
  if (shebang) offset += shebang[0].length;
  for (const c of ts.getLeadingCommentRanges(text, offset) ?? []) offset = c.end;
  for (const st of sf.statements) {
    if (!ts.isExpressionStatement(st) || !ts.isStringLiteral(st.expression) || st.getStart(sf) < offset) break;
    offset = st.getEnd();
  }
  const before = text.charCodeAt(offset - 1);
  return { offset, atLineStart: offset === 0 || before === 10 || before === 13 || (offset === 1 && before === 0xfeff) };
}

/**
 * Insertions that add `emitted` to an existing file: import lines it lacks after the last import (or at the top),
 * and the body at the end. Imports whose binding the file already has with the same meaning are skipped. Inserted
 * lines end the way the file's lines do (CRLF stays CRLF); nothing of the file is replaced.
 */
export function mergeIntoExisting(existing: string, fileName: string, emitted: Emitted): Insertion[] {
  // `emitted` must come from emitSections(…, scanExistingTestFile(existing).bindings) so its names do not clash.
  const { bindings, importEnd } = scanExistingTestFile(existing, fileName);
  const eol = lineBreakOf(existing);
  const lines = (text: string) => (eol === '\n' ? text : text.replace(/\r?\n/g, eol));
  const insertions: Insertion[] = [];
  // Names from a module the file already imports by name join that statement (one `import … from 'vitest'`, as
  // ESLint's no-duplicate-imports wants); the others come as lines of their own.
  const sf = ts.createSourceFile(fileName, existing, ts.ScriptTarget.Latest, true);
  const missing: string[] = [];
  for (const line of emitted.importLines) {
    const part = missingPart(line, bindings, fileName);
    if (part === undefined) continue;
    const joined = joinNamedImport(existing, sf, part, fileName);
    if (joined) insertions.push(joined);
    else missing.push(part);
  }
  if (missing.length > 0) {
    const imports = missing.join('\n');
    if (importEnd > 0) insertions.push({ offset: importEnd, text: lines(`\n${imports}`) });
    else {
      const top = topOfFile(existing, ts.createSourceFile(fileName, existing, ts.ScriptTarget.Latest, true));
      // Mid-line (after `'use strict';` or a comment), the rest of that line stays on the last import's line: moved to
      // a line of its own it could turn into something else (a `// testgap:` marker, say).
      insertions.push({ offset: top.offset, text: lines(top.atLineStart ? `${imports}\n\n` : `\n${imports}`) });
    }
  }
  const tail = existing.slice(-4).replace(/\r\n?/g, '\n');
  const sep = existing.length === 0 || tail.endsWith('\n\n') ? '' : tail.endsWith('\n') ? '\n' : '\n\n';
  insertions.push({ offset: existing.length, text: lines(`${sep}${emitted.body}`) });
  return insertions;
}

/**
 * What of an import line the file still lacks: the line itself, undefined when the file binds all its names with the
 * same meaning, or the line with only the missing names (`import { describe, expect, it } from 'vitest'` into a
 * file that has `import { expect, it } from 'vitest'` adds `import { describe } from 'vitest'`: declaring `expect`
 * twice would be a syntax error).
 */
function missingPart(line: string, bindings: Map<string, string>, fileName: string): string | undefined {
  const scanned = scanExistingTestFile(line, fileName).bindings;
  const lacking = [...scanned].filter(([local, meaning]) => bindings.get(local) !== meaning);
  if (lacking.length === 0) return undefined;
  if (lacking.length === scanned.size) return line;
  const named = /^(import \{ | *const \{ )(.*)( \} (?:from .*|= require\(.*\);))$/.exec(line);
  if (!named) return line;
  const keep = named[2]!.split(', ').filter((part) => lacking.some(([local]) => part === local || part.endsWith(` as ${local}`) || part.endsWith(`: ${local}`)));
  return `${named[1]}${keep.join(', ')}${named[3]}`;
}

/**
 * An insertion that adds the names of `line` (`import { a, b } from 'm'` or `const { a, b } = require('m')`) to the
 * file's own statement of the same form from the same module, after its last name (on a line of its own where the
 * statement lists one name a line); undefined when the file has no such statement.
 */
function joinNamedImport(existing: string, sf: ts.SourceFile, line: string, fileName: string): Insertion | undefined {
  const st = ts.createSourceFile(fileName, line, ts.ScriptTarget.Latest, true).statements[0];
  if (!st) return undefined;
  const wanted = namedList(st);
  // `import A, { b } from`: the default binding has no place in the file's named list; the line goes in whole.
  if (!wanted || wanted.elements.length === 0 || (ts.isImportDeclaration(st) && st.importClause?.name)) return undefined;
  const names = wanted.elements.map((e) => e.getText(st.getSourceFile()));
  for (const own of sf.statements) {
    const list = namedList(own);
    if (!list || list.specifier !== wanted.specifier || list.kind !== wanted.kind || list.typeOnly !== wanted.typeOnly) continue;
    const last = list.elements[list.elements.length - 1];
    if (!last) continue;
    const { line: lastLine, character } = sf.getLineAndCharacterOfPosition(last.getStart(sf));
    const firstLine = sf.getLineAndCharacterOfPosition(list.elements[0]!.getStart(sf)).line;
    const openLine = sf.getLineAndCharacterOfPosition(own.getStart(sf)).line;
    // One name a line (`{\n  it,\n  expect,\n}`): each added name goes on a line of its own, indented alike.
    const perLine = lastLine > openLine && (list.elements.length === 1 || lastLine > firstLine);
    const indent = existing.slice(sf.getPositionOfLineAndCharacter(lastLine, 0), sf.getPositionOfLineAndCharacter(lastLine, 0) + character);
    const eol = lineBreakOf(existing);
    return { offset: last.getEnd(), text: names.map((n) => (perLine ? `,${eol}${indent}${n}` : `, ${n}`)).join(''), within: true };
  }
  return undefined;
}

/** The named list of an import (`import { a } from 'm'`) or a destructured require (`const { a } = require('m')`). */
function namedList(st: ts.Statement): { kind: 'import' | 'require'; specifier: string; typeOnly: boolean; elements: readonly ts.Node[] } | undefined {
  if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.importClause?.namedBindings && ts.isNamedImports(st.importClause.namedBindings)) {
    return { kind: 'import', specifier: st.moduleSpecifier.text, typeOnly: st.importClause.isTypeOnly, elements: st.importClause.namedBindings.elements };
  }
  if (ts.isVariableStatement(st) && st.declarationList.declarations.length === 1) {
    const d = st.declarationList.declarations[0]!;
    const init = d.initializer;
    if (ts.isObjectBindingPattern(d.name) && init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require' && init.arguments[0] && ts.isStringLiteral(init.arguments[0])) {
      return { kind: 'require', specifier: init.arguments[0].text, typeOnly: false, elements: d.name.elements };
    }
  }
  return undefined;
}

/** Names bound at the top level of an existing file (to avoid clashes). */
export function boundNames(text: string, fileName: string): Set<string> {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const names = new Set<string>();
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
    if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) names.add(st.name.text);
  }
  for (const k of scanExistingTestFile(text, fileName).bindings.keys()) names.add(k);
  return names;
}

/**
 * Applies insertions the way an LSP client applies insert-only TextEdits: insertions at the same offset appear in
 * array order (an empty file gets its imports before its sections, not after).
 */
export function applyInsertions(text: string, insertions: Insertion[]): string {
  const sorted = insertions.map((i, order) => ({ ...i, order })).sort((a, b) => a.offset - b.offset || a.order - b.order);
  let out = '';
  let at = 0;
  for (const i of sorted) {
    out += text.slice(at, i.offset) + i.text;
    at = i.offset;
  }
  return out + text.slice(at);
}
