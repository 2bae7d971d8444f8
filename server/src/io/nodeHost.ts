// The FileHost core reads through, backed by the real file system. Errors become "not there": a file that vanished
// between a listing and a read is an ordinary event in a project someone is editing.
import fs from 'node:fs';
import path from 'node:path';
import type { FileHost } from '../core/project';

export const nodeFileHost: FileHost = {
  readFile(p) {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  fileExists(p) {
    try {
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  },
  directoryExists(p) {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  },
  readDirectory(p) {
    const files: string[] = [];
    const directories: string[] = [];
    try {
      for (const e of fs.readdirSync(p, { withFileTypes: true })) {
        if (e.isFile()) files.push(e.name);
        else if (e.isDirectory()) directories.push(e.name);
        // Symlinked files are followed; symlinked folders are not (they can form cycles).
        else if (e.isSymbolicLink() && fs.statSync(path.join(p, e.name), { throwIfNoEntry: false })?.isFile()) files.push(e.name);
      }
    } catch {
      // unreadable: treated as empty
    }
    return { files, directories };
  },
  fileSize(p) {
    try {
      return fs.statSync(p).size;
    } catch {
      return undefined;
    }
  },
};

/** The nearest folder at or above `start` that holds a package.json, or undefined. */
export function findPackageRoot(start: string, stopAt?: string): string | undefined {
  let dir = path.resolve(start);
  if (nodeFileHost.fileExists(dir)) dir = path.dirname(dir);
  for (;;) {
    if (nodeFileHost.fileExists(path.join(dir, 'package.json'))) return dir;
    if (stopAt && path.resolve(dir) === path.resolve(stopAt)) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
