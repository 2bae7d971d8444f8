// Inline fixtures, gopls/rust-analyzer style:
//
//   //- /src/a.ts
//   export function $0f() {}
//   //- /test/a.test.ts
//   import { f } from '../src/a'; f();
//
// Each `//- /path` header starts a file (paths are relative to the fixture root). `$0` marks a cursor; it is removed
// from the text and its offset recorded. The in-memory host serves these files and nothing else, except TypeScript's
// lib files, which are read from the installed package so the checker has its globals.
import fs from 'node:fs';
import path from 'node:path';
import type { FileHost } from '../../server/src/core/project';

export const FIXTURE_ROOT = path.resolve('/fixture');
const TS_LIB_DIR = path.dirname(require.resolve('typescript/lib/lib.d.ts'));

export interface Fixture {
  root: string;
  files: Map<string, string>;
  /** Cursor offsets by absolute path. */
  cursors: Map<string, number>;
  path(rel: string): string;
}

export function parseFixture(text: string, root = FIXTURE_ROOT): Fixture {
  const files = new Map<string, string>();
  const cursors = new Map<string, number>();
  const parts = text.split(/^\/\/- (\S+)[ \t]*\r?\n/m);
  if (parts[0].trim() !== '') throw new Error('fixture text must start with a //- /path header');
  for (let i = 1; i < parts.length; i += 2) {
    const abs = path.join(root, parts[i]);
    let body = parts[i + 1];
    const cursor = body.indexOf('$0');
    if (cursor >= 0) {
      body = body.slice(0, cursor) + body.slice(cursor + 2);
      cursors.set(abs, cursor);
    }
    files.set(abs, body);
  }
  return { root, files, cursors, path: (rel) => path.join(root, rel) };
}

export interface MemoryHost extends FileHost {
  files: Map<string, string>;
  /** How often each path was read: lets tests check that work is incremental. */
  reads: Map<string, number>;
}

export function memoryHost(files: Map<string, string>): MemoryHost {
  const reads = new Map<string, number>();
  const isLib = (p: string) => p.startsWith(TS_LIB_DIR + path.sep);
  const dirs = () => {
    const set = new Set<string>();
    for (const f of files.keys()) for (let d = path.dirname(f); ; d = path.dirname(d)) {
      set.add(d);
      if (d === path.dirname(d)) break;
    }
    return set;
  };
  return {
    files,
    reads,
    readFile(p) {
      if (isLib(p)) return fs.readFileSync(p, 'utf8');
      reads.set(p, (reads.get(p) ?? 0) + 1);
      return files.get(p);
    },
    fileExists: (p) => files.has(p) || (isLib(p) && fs.existsSync(p)),
    directoryExists: (p) => dirs().has(p) || p === TS_LIB_DIR,
    readDirectory(p) {
      const out = { files: [] as string[], directories: [] as string[] };
      const seen = new Set<string>();
      for (const f of files.keys()) {
        if (!f.startsWith(p + path.sep)) continue;
        const [first, ...rest] = f.slice(p.length + 1).split(path.sep);
        if (seen.has(first)) continue;
        seen.add(first);
        (rest.length === 0 ? out.files : out.directories).push(first);
      }
      return out;
    },
    fileSize: (p) => (files.has(p) ? Buffer.byteLength(files.get(p)!) : undefined),
  };
}
