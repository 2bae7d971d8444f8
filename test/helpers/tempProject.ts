// Real projects on disk for end-to-end tests, written from the same inline fixture format as unit tests.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFixture } from './fixture';

export interface TempProject {
  root: string;
  write(rel: string, text: string): string;
  read(rel: string): string;
  remove(): void;
}

export function tempProject(fixtureText: string): TempProject {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-e2e-')));
  const write = (rel: string, text: string) => {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
    return abs;
  };
  const fixture = parseFixture(fixtureText, root);
  for (const [abs, text] of fixture.files) write(path.relative(root, abs), text);
  return {
    root,
    write,
    read: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

const REPO = path.resolve(__dirname, '../../..');

/** A copy of `examples/<name>` in a temp folder, with testgap's node_modules (its runners and tools) linked in. */
export function exampleCopy(name: string): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `testgap-example-${name}-`)));
  fs.cpSync(path.join(REPO, 'examples', name), root, { recursive: true });
  linkTestTools(root);
  return root;
}

/** Gives the project testgap's own test tools (uvu, fast-check, tsx), as if it had installed them. */
export function linkTestTools(root: string): void {
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
}

/** Runs the project's test folder the way its users do: `uvu -r tsx test`. */
export function runUvu(root: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'node_modules/uvu/bin.js'), '-r', 'tsx', 'test'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, output: r.stdout + r.stderr };
}
