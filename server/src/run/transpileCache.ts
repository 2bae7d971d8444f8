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
    const dir = this.folder();
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
      if (old && old.mtimeMs === stat.mtimeMs && old.size === stat.size && (!old.out || fs.existsSync(old.out))) continue;
      changed = true;
      const text = fs.readFileSync(file, 'utf8');
      if (/\.[mc]?jsx?$/.test(file) && !file.endsWith('.jsx') && !ESM_SYNTAX.test(text)) {
        this.entries.set(file, { mtimeMs: stat.mtimeMs, size: stat.size });
        continue;
      }
      const out = path.join(dir, crypto.createHash('sha1').update(file).digest('hex') + '.js');
      fs.writeFileSync(out, transpileForSandbox(file, text, false).code);
      this.entries.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, out });
    }
    const manifest = path.join(dir, MANIFEST);
    if (changed || !fs.existsSync(manifest)) {
      const tmp = manifest + '.tmp';
      fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.entries)));
      fs.renameSync(tmp, manifest);
    }
    return manifest;
  }

  /**
   * Writes `code` (a file as the server instrumented it) next to the cache and returns its path. Named by its content
   * and written whole before it appears: two generations of one file at once (two quick fixes) never see each
   * other's half-written or newer code.
   */
  instrumented(file: string, code: string): string {
    const dir = this.folder();
    const out = path.join(dir, crypto.createHash('sha1').update(file).update('\u0000').update(code).digest('hex') + '.instrumented.js');
    if (!fs.existsSync(out)) {
      const tmp = `${out}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, out);
    }
    return out;
  }

  /** The cache's folder, made again if something removed it (a temp cleaner, in a server that runs for days). */
  private folder(): string {
    if (this.dir && !fs.existsSync(this.dir)) {
      removeTempDir(this.dir);
      this.dir = undefined;
      this.entries.clear();
    }
    return (this.dir ??= makeTempDir('testgap-transpiled-'));
  }

  dispose(): void {
    if (this.dir) removeTempDir(this.dir);
    this.dir = undefined;
    this.entries.clear();
  }
}
