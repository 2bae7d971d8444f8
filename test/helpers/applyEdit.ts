// Applies a WorkspaceEdit to files on disk the way an editor applies it and then saves: creates files, applies text
// edits, refuses edits pinned to a version it does not have.
import fs from 'node:fs';
import path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { URI } from '../../server/src/lsp/uri';

export function applyEditToDisk(edit: WorkspaceEdit): string[] {
  const touched: string[] = [];
  const apply = (uri: string, edits: TextEdit[]) => {
    const file = URI.toPath(uri)!;
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const doc = TextDocument.create(uri, 'typescript', 0, text);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, TextDocument.applyEdits(doc, edits));
    touched.push(file);
  };
  for (const change of edit.documentChanges ?? []) {
    if ('kind' in change) {
      if (change.kind !== 'create') throw new Error(`unexpected resource operation ${change.kind}`);
      const file = URI.toPath(change.uri)!;
      if (!fs.existsSync(file)) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, '');
      }
    } else {
      apply(change.textDocument.uri, change.edits as TextEdit[]);
    }
  }
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) apply(uri, edits);
  return touched;
}

/** Whether `after` holds every character of `before`, in order: the change only inserted text, never removed any. */
export function onlyInserted(before: string, after: string): boolean {
  let at = 0;
  for (const ch of after) if (at < before.length && ch === before[at]) at++;
  return at === before.length;
}
