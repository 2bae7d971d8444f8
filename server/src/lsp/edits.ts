// Generation results → WorkspaceEdit. Only insertions: existing text of a test file or package.json is never
// rewritten, and the edit is pinned to the version of the open document it was computed for.
import ts from 'typescript';
import type { CreateFile, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import type { Insertion } from '../core/existingTestFile';
import { LineIndex } from '../core/text';
import type { ClientCaps } from './capabilities';

export interface FileInsertions {
  uri: string;
  /** The text the insertions apply to; undefined when the file does not exist yet. */
  existing?: string;
  /** Version of the open document the edit is for (null: not open, the client's copy on disk). */
  version: number | null;
  insertions: Insertion[];
}

export function toWorkspaceEdit(files: FileInsertions[], caps: ClientCaps): WorkspaceEdit {
  const edits = (f: FileInsertions): TextEdit[] => {
    const index = new LineIndex(f.existing ?? '');
    return f.insertions.map((i) => {
      const at = index.positionAt(i.offset);
      return { range: { start: at, end: at }, newText: i.text };
    });
  };
  if (caps.documentChanges) {
    const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
    for (const f of files) {
      if (f.existing === undefined && caps.createFiles) documentChanges.push({ kind: 'create', uri: f.uri, options: { ignoreIfExists: true } });
      documentChanges.push({ textDocument: { uri: f.uri, version: f.version }, edits: edits(f) });
    }
    return { documentChanges };
  }
  // Without documentChanges, a text edit on a missing file makes the client open a new buffer for it.
  return { changes: Object.fromEntries(files.map((f) => [f.uri, edits(f)])) };
}

/** Versions testgap's own tests run with: what it adds to a project that lacks them. */
export const DEV_DEPENDENCY_VERSIONS: Record<string, string> = { uvu: '^0.5.6', 'fast-check': '^4.10.2', tsx: '^4.23.15' };

/**
 * Insertions that add `names` to package.json's devDependencies (creating the object if needed), keeping every
 * existing byte. Names already listed in devDependencies or dependencies are left out (adding them again would make
 * duplicate keys), so applying the result twice adds nothing. Inserted lines end the way the file's lines do.
 * Undefined when the file is not a JSON object we can safely extend.
 */
export function devDependencyInsertions(packageJson: string, wanted: string[]): Insertion[] | undefined {
  if (wanted.length === 0) return [];
  const sf = ts.parseJsonText('package.json', packageJson);
  const root = sf.statements[0]?.expression;
  if (!root || !ts.isObjectLiteralExpression(root)) return undefined;
  const eol = /\r\n|\n|\r/.exec(packageJson)?.[0] === '\r\n' ? '\r\n' : '\n';
  const indentOf = (node: ts.Node) => {
    const start = node.getStart(sf);
    const lineStart = Math.max(packageJson.lastIndexOf('\n', start - 1), packageJson.lastIndexOf('\r', start - 1)) + 1;
    return /^[ \t]*/.exec(packageJson.slice(lineStart))![0];
  };
  const property = (obj: ts.ObjectLiteralExpression, name: string) =>
    obj.properties.find((p) => ts.isPropertyAssignment(p) && ts.isStringLiteral(p.name) && p.name.text === name) as ts.PropertyAssignment | undefined;
  const listed = (obj: ts.PropertyAssignment | undefined, name: string) => !!obj && ts.isObjectLiteralExpression(obj.initializer) && property(obj.initializer, name) !== undefined;
  const dev = property(root, 'devDependencies');
  const deps = property(root, 'dependencies');
  const names = [...new Set(wanted)].filter((n) => !listed(dev, n) && !listed(deps, n));
  if (names.length === 0) return [];
  const entries = (indent: string) => names.map((n) => `${indent}"${n}": "${DEV_DEPENDENCY_VERSIONS[n] ?? '*'}"`);
  if (dev) {
    if (!ts.isObjectLiteralExpression(dev.initializer)) return undefined;
    const obj = dev.initializer;
    const last = obj.properties[obj.properties.length - 1];
    if (!last) {
      const indent = indentOf(dev) + '  ';
      return [{ offset: obj.getStart(sf) + 1, text: `${eol}${entries(indent).join(`,${eol}`)}${eol}${indentOf(dev)}` }];
    }
    return [{ offset: last.getEnd(), text: `,${eol}${entries(indentOf(last)).join(`,${eol}`)}` }];
  }
  const last = root.properties[root.properties.length - 1];
  const indent = last ? indentOf(last) || '  ' : '  ';
  const block = `"devDependencies": {${eol}${entries(indent + indent).join(`,${eol}`)}${eol}${indent}}`;
  if (!last) return [{ offset: root.getStart(sf) + 1, text: `${eol}${indent}${block}${eol}` }];
  return [{ offset: last.getEnd(), text: `,${eol}${indent}${block}` }];
}
