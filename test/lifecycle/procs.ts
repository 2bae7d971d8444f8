// The process table read from /proc, for tests that check no child of testgap outlives its run. Loaded by uvu as a
// test file too (its folder matches); it has no tests and no side effects.
import fs from 'node:fs';
import path from 'node:path';

export interface Proc {
  pid: number;
  ppid: number;
  state: string;
  cwd: string;
  args: string;
}

/** Every live (non-zombie) process we may inspect. */
export function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may contain spaces and parentheses, so parse from the last ')'.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      const args = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      let cwd = '';
      try {
        cwd = fs.readlinkSync(`/proc/${name}/cwd`);
      } catch {
        // another user's process, or it just ended
      }
      out.push({ pid: +name, ppid: +ppid!, state: state!, cwd, args });
    } catch {
      // ended while we looked
    }
  }
  return out;
}

/** Descendants of `pid` (children, their children, …). */
export function descendants(pid: number, all = processes()): Proc[] {
  const found: Proc[] = [];
  const parents = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        grew = true;
      }
    }
  }
  return found;
}

/**
 * Processes that belong to a run under `base` (a private folder holding the project and the TMPDIR testgap was given):
 * their working folder is inside it (sandbox children work in their temp folder, coverage children in the project;
 * a removed folder reads as `… (deleted)`), or their arguments carry `marker`. The caller's own process is left out.
 */
export function processesUnder(base: string, marker?: string, all = processes()): Proc[] {
  return all.filter((p) => p.pid !== process.pid && (p.cwd === base || p.cwd.startsWith(base + path.sep) || (!!marker && p.args.includes(marker))));
}

/** Polls the process table (the state itself, not a sleep) until `probe` holds or `timeoutMs` passes. */
export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Kills, in `finally` blocks, whatever a failed test left running under `base`. */
export function killUnder(base: string, marker?: string): void {
  for (const p of processesUnder(base, marker)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}
