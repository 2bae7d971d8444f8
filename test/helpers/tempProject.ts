// Real projects on disk for end-to-end tests, written from the same inline fixture format as unit tests.
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
