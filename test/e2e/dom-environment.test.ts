// Projects whose runner gives tests a browser's DOM (vitest `environment: 'jsdom'`, jest `testEnvironment: 'jsdom'`):
// candidates run with the same window globals, so code that reads `localStorage`, builds elements or dispatches
// events gets tests of what it does, not a "needs a global its test environment lacks" refusal, and the written
// tests pass in the project's own runner three times.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GenerateJson } from '../../server/src/cli/generate';
import { SERVER_BIN } from '../helpers/lspClient';
import { linkTestTools, tempProject } from '../helpers/tempProject';

const REPO = path.resolve(__dirname, '../../..');

const SOURCE = (esm: boolean) => `${esm ? 'export ' : ''}function savedTheme() {
  return localStorage.getItem('theme') ?? 'light';
}

${esm ? 'export ' : ''}function heading(text) {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  const h = document.createElement('h1');
  h.textContent = text;
  return h.outerHTML;
}

${esm ? 'export ' : ''}function clicks(times) {
  let n = 0;
  const button = document.createElement('button');
  button.addEventListener('click', () => n++);
  for (let i = 0; i < times; i++) button.dispatchEvent(new Event('click'));
  return n;
}
${esm ? '' : '\nmodule.exports = { savedTheme, heading, clicks };\n'}`;

const PROJECTS = [
  {
    runner: 'vitest',
    fixture: `//- /package.json
{ "name": "dom-vitest", "type": "module", "private": true, "scripts": { "test": "vitest run" }, "devDependencies": { "vitest": "4.1.12", "jsdom": "26.1.0" } }
//- /vitest.config.js
import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { environment: 'jsdom' } });
//- /src/page.js
${SOURCE(true)}`,
    command: [path.join(REPO, 'node_modules/vitest/vitest.mjs'), 'run'],
  },
  {
    runner: 'jest',
    fixture: `//- /package.json
{ "name": "dom-jest", "private": true, "scripts": { "test": "jest" }, "jest": { "testEnvironment": "jsdom" }, "devDependencies": { "jest": "30.5.2", "jest-environment-jsdom": "30.5.2" } }
//- /src/page.js
${SOURCE(false)}`,
    command: [path.join(REPO, 'node_modules/jest/bin/jest.js')],
  },
];

for (const p of PROJECTS) {
  test(`${p.runner} with a jsdom environment: units that use the DOM are tested, and the runner passes the tests 3/3`, () => {
    const project = tempProject(p.fixture);
    linkTestTools(project.root);
    try {
      const r = spawnSync(process.execPath, [SERVER_BIN, 'generate', 'src/page.js', '--json'], { cwd: project.root, encoding: 'utf8', timeout: 300_000 });
      const out = JSON.parse(r.stdout) as GenerateJson;
      const units = new Map(out.files.flatMap((f) => f.units).map((u) => [u.name, u]));
      for (const name of ['savedTheme', 'heading', 'clicks']) {
        assert.is(units.get(name)?.notExecutable, undefined, `${name}: ${r.stderr}`);
        assert.ok((units.get(name)?.cases ?? 0) > 0, `${name} has cases`);
      }
      const file = out.files[0]!;
      assert.ok(file.written, r.stderr);
      const text = fs.readFileSync(path.join(project.root, file.testFile), 'utf8');
      assert.match(text, /'<h1>a<\/h1>'|"<h1>a<\/h1>"/, 'the element heading built');
      assert.match(text, /'light'/, 'what savedTheme reads from an empty localStorage');
      // Event is the DOM's own class, which dispatchEvent accepts (Node's would be refused).
      assert.match(text, /clicks\([^)]*\) returns [1-9]/);
      for (let run = 1; run <= 3; run++) {
        const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
        delete env.NODE_ENV;
        const t = spawnSync(process.execPath, p.command, { cwd: project.root, encoding: 'utf8', env });
        assert.is(t.status, 0, `run ${run}: ${t.stdout}\n${t.stderr}`);
      }
    } finally {
      project.remove();
    }
  });
}

test.run();
