// Transpiled project files, made in the server process and read by coverage children, so a child does not load
// TypeScript (about 0.4 s per process) to run one test file. Entries are keyed by path and checked against the
// file's size and mtime by the child, which falls back to transpiling itself when they differ.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { transpileForSandbox } from './instrument';
import { ESM_SYNTAX } from './loader';
import { makeTempDir, removeTempDir } from './sandbox';

export interface CacheEntry {
  mtimeMs: number;
  size: number;
  /** File with the transpiled code; absent for plain CommonJS JavaScript, which is loaded as it is. */
  out?: string;
}

export const MANIFEST = 'manifest.json';

export class TranspileCache {
  private dir?: string;
  private readonly entries = new Map<string, CacheEntry>();

  /** Brings the cache up to date for `files` and returns the manifest's path. */
  prepare(files: string[]): string {
    this.dir ??= makeTempDir('testgap-transpiled-');
    let changed = false;
    for (const file of files) {
      let stat: fs.Stats;
      try {
        stat = fs.statSync(file);
      } catch {
        if (this.entries.delete(file)) changed = true;
        continue;
      }
      const old = this.entries.get(file);
      if (old && old.mtimeMs === stat.mtimeMs && old.size === stat.size) continue;
      changed = true;
      const text = fs.readFileSync(file, 'utf8');
      if (/\.[mc]?jsx?$/.test(file) && !file.endsWith('.jsx') && !ESM_SYNTAX.test(text)) {
        this.entries.set(file, { mtimeMs: stat.mtimeMs, size: stat.size });
        continue;
      }
      const out = path.join(this.dir, crypto.createHash('sha1').update(file).digest('hex') + '.js');
      fs.writeFileSync(out, transpileForSandbox(file, text, false).code);
      this.entries.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, out });
    }
    const manifest = path.join(this.dir, MANIFEST);
    if (changed || !fs.existsSync(manifest)) {
      const tmp = manifest + '.tmp';
      fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.entries)));
      fs.renameSync(tmp, manifest);
    }
    return manifest;
  }

  /** Writes `code` (a file as the server instrumented it) next to the cache and returns its path. */
  instrumented(file: string, code: string): string {
    this.dir ??= makeTempDir('testgap-transpiled-');
    const out = path.join(this.dir, crypto.createHash('sha1').update(file).digest('hex') + '.instrumented.js');
    fs.writeFileSync(out, code);
    return out;
  }

  dispose(): void {
    if (this.dir) removeTempDir(this.dir);
    this.dir = undefined;
    this.entries.clear();
  }
}
