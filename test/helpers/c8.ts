// c8's own figures for a project, around the project's test command: the reference testgap's coverage is held to.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';
import type { FileSummary } from '../../server/src/core/coverage';

const REPO = path.resolve(__dirname, '../../..');
export const C8 = path.join(REPO, 'node_modules/c8/bin/c8.js');

/** c8's json-summary by absolute path (and `total`); test/ and out/ left out, `extra` c8 options before `command`. */
export type C8Summary = Record<string, Record<keyof FileSummary, { pct: number; total: number; covered: number }>>;

export function c8Summary(root: string, command: string[], extra: string[] = []): C8Summary {
  const dir = path.join(root, '.c8-report');
  const r = spawnSync(process.execPath, [C8, '--reporter=json-summary', '--reports-dir', dir, '--temp-directory', path.join(root, '.c8-tmp'), '--exclude', 'test/**', '--exclude', 'out/**', ...extra, ...command], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stdout + r.stderr);
  return JSON.parse(fs.readFileSync(path.join(dir, 'coverage-summary.json'), 'utf8')) as C8Summary;
}
