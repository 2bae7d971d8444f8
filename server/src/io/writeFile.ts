// Writing the user's files: whole-file atomic replacement (temp file + rename in the same folder), so a crash or a
// full disk never leaves half a test file behind, and a reader sees the old text or the new, never a mix.
//
// A symlink is followed: the file it points to is replaced (atomically, in its own folder) and the link stays a link.
// A file we may not write (read-only) is refused with an error rather than replaced behind its mode's back (rename
// only needs the folder to be writable). The replacement keeps the file's mode.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export class WriteRefused extends Error {}

/** The path whose content a write to `file` replaces: `file` itself, or what its chain of symlinks ends at. */
export function writeTarget(file: string): string {
  let target = file;
  for (let hops = 0; ; hops++) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(target);
    } catch {
      return target; // does not exist (a dangling link's target is created)
    }
    if (!stat.isSymbolicLink()) return target;
    if (hops >= 40) throw new WriteRefused(`${file}: too many levels of symbolic links`);
    target = path.resolve(path.dirname(target), fs.readlinkSync(target));
  }
}

/** Writable by us, and not marked read-only for everyone (root may write anything; a 0444 file still means "leave me"). */
function writable(file: string, stat: fs.Stats): boolean {
  if ((stat.mode & 0o222) === 0) return false;
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function writeFileAtomic(file: string, text: string): void {
  const target = writeTarget(file);
  const existing = fs.statSync(target, { throwIfNoEntry: false });
  if (existing && !existing.isFile()) throw new WriteRefused(`${file}: not a regular file; not written`);
  if (existing && !writable(target, existing)) {
    throw new WriteRefused(`${file}${target !== file ? ` (→ ${target})` : ''} is read-only; not written (make it writable to let testgap add tests)`);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.testgap-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
    try {
      fs.writeFileSync(fd, text);
      if (existing) fs.fchmodSync(fd, existing.mode & 0o7777); // the umask applied to openSync's mode
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
