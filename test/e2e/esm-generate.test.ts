// Generation for JavaScript ES modules (`.mjs`): the verification file is an ES module in a temp folder, where bare
// names resolve neither to the project's packages nor to testgap's (issue 15: it verified nothing, and the error did
// not name the module). Its library imports are written as file URLs; the written file imports them by name.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GenerateJson } from '../../server/src/cli/generate';
import { resolveEsm } from '../../server/src/run/esmResolve';
import { whyItDidNotRun } from '../../server/src/run/verify';
import { SERVER_BIN } from '../helpers/lspClient';
import { linkTestTools, tempProject } from '../helpers/tempProject';

test('an .mjs module that imports a package gets verified node:test tests, which then pass under node', () => {
  const p = tempProject(`//- /package.json
{ "name": "esm-glob", "scripts": { "test": "node --test" } }
//- /lib/glob.mjs
import picomatch from 'picomatch';
export function matches(pattern, file) {
  if (!pattern) return false;
  return picomatch(pattern)(file);
}
`);
  linkTestTools(p.root);
  try {
    const r = spawnSync(process.execPath, [SERVER_BIN, 'generate', 'lib/glob.mjs', '--json'], { cwd: p.root, encoding: 'utf8', timeout: 120_000 });
    const out = JSON.parse(r.stdout) as GenerateJson;
    const file = out.files[0]!;
    assert.equal(file.problems, [], r.stderr);
    assert.ok(file.units[0]!.cases >= 2, JSON.stringify(file.units[0]));
    const written = fs.readFileSync(path.join(p.root, file.testFile), 'utf8');
    // The project runs node --test: the tests are node:test's, and fast-check (where used) is imported by name.
    assert.match(written, /^import \{ describe, it \} from 'node:test';$/m, written);
    assert.not.match(written, /file:\/\//, 'no file URLs in the written file');
    const run = spawnSync(process.execPath, [path.join(p.root, file.testFile)], { cwd: p.root, encoding: 'utf8' });
    assert.is(run.status, 0, run.stdout + run.stderr);
  } finally {
    p.remove();
  }
});

test('ES-module resolution of a package: its exports under the import conditions, the first folder that has it', () => {
  const repo = path.resolve(__dirname, '../../..');
  const uvu = resolveEsm('uvu/assert', ['/nonexistent', repo]);
  assert.ok(uvu?.startsWith('file://') && uvu.endsWith('/uvu/assert/index.mjs'), uvu);
  assert.is(resolveEsm('no-such-package-here', [repo]), undefined);
});

test('a test file that did not run says which module was missing, or the error and where it was thrown', () => {
  const esm = "node:internal/modules/esm/resolve:1204\n    throw error;\n    ^\n\nError [ERR_MODULE_NOT_FOUND]: Cannot find package 'uvu' imported from /tmp/v/generated.test.mjs\n    at packageResolve (node:internal/modules/esm/resolve:854:9)\n  code: 'ERR_MODULE_NOT_FOUND'\n}\n\nNode.js v20.20.2\n";
  assert.is(whyItDidNotRun(esm), "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'uvu' imported from /tmp/v/generated.test.mjs");
  const thrown = '/p/a.js:3\n  foo();\n  ^\nReferenceError: foo is not defined\n    at Object.<anonymous> (/p/a.js:3:3)\n    at Module._compile (node:internal/modules/cjs/loader:1521:14)\n';
  assert.is(whyItDidNotRun(thrown), 'ReferenceError: foo is not defined | at Object.<anonymous> (/p/a.js:3:3)');
});

test.run();
