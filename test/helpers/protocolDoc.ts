// protocol.md read as data: its tagged JSON blocks and its tables, for tests that hold code and clients to it.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';

export const PROTOCOL_DOC = fs.readFileSync(path.resolve(__dirname, '../../../protocol.md'), 'utf8');

/** The JSON block tagged `tag` (```json <tag>). */
export function block(tag: string): unknown {
  const m = new RegExp('```json ' + tag + '\\n([\\s\\S]*?)```').exec(PROTOCOL_DOC);
  assert.ok(m, `protocol.md has a json block tagged ${tag}`);
  return JSON.parse(m![1]!);
}

/** Rows of the markdown table that follows `## heading` and whose header starts with `firstColumn`. */
export function table(heading: string, firstColumn: string): string[][] {
  const section = PROTOCOL_DOC.split(/^## /m).find((s) => s.startsWith(heading + '\n'));
  assert.ok(section, `protocol.md has a section ${heading}`);
  const lines = section!.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${firstColumn} |`));
  assert.ok(start >= 0, `table starting with ${firstColumn} in ${heading}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

/** The text of a cell's leading `code` span (`` `name` — … `` → name). */
export const code = (cell: string) => /^`([^`]+)`/.exec(cell)?.[1] ?? cell;

/** { a: { b: 1 } } → { 'a.b': 1 }: nested settings as the flat names protocol.md's table uses. */
export function flatten(o: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[prefix + k] = v;
  }
  return out;
}
