// A file watcher for clients that cannot register `workspace/didChangeWatchedFiles` (Neovim turned its watcher off on
// Linux: https://github.com/neovim/neovim/issues/28690). One non-recursive fs.watch per directory, skipping the
// folders the project excludes: Node 20's recursive mode on Linux would walk node_modules and can exhaust inotify.
import fs from 'node:fs';
import path from 'node:path';

export type WatchEvent = { file: string; kind: 'created' | 'changed' | 'deleted' };

export class DirectoryWatcher {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private closed = false;

  constructor(
    root: string,
    private readonly skipDirectory: (absDir: string) => boolean,
    private readonly onEvent: (event: WatchEvent) => void,
    private readonly onError: (message: string) => void,
  ) {
    this.watchTree(root);
  }

  /** `announce`: the directory appeared after the first walk, so files already in it were created unseen. */
  private watchTree(dir: string, announce = false): void {
    if (this.closed || this.watchers.has(dir) || this.skipDirectory(dir)) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
      const w = fs.watch(dir, { persistent: false }, (_type, name) => name && this.changed(dir, name.toString()));
      w.on('error', () => this.unwatch(dir));
      this.watchers.set(dir, w);
    } catch (error) {
      this.onError(`cannot watch ${dir}: ${(error as Error).message}`);
      return;
    }
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.')) this.watchTree(path.join(dir, e.name), announce);
      else if (announce && e.isFile()) this.onEvent({ file: path.join(dir, e.name), kind: 'created' });
    }
  }

  private changed(dir: string, name: string): void {
    const abs = path.join(dir, name);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(abs);
    } catch {
      stat = undefined;
    }
    if (stat?.isDirectory()) {
      if (!name.startsWith('.')) this.watchTree(abs, true);
      return;
    }
    if (!stat) {
      if (this.watchers.has(abs)) this.unwatch(abs);
      this.onEvent({ file: abs, kind: 'deleted' });
      return;
    }
    this.onEvent({ file: abs, kind: 'changed' });
  }

  private unwatch(dir: string): void {
    for (const [d, w] of this.watchers) {
      if (d === dir || d.startsWith(dir + path.sep)) {
        w.close();
        this.watchers.delete(d);
      }
    }
  }

  get watchedDirectories(): number {
    return this.watchers.size;
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
