// "execute": false: no user code runs — not for generation, not for coverage — and the user is told so, once.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GenerateJson } from '../../server/src/cli/generate';
import { PUSH_CLIENT, SERVER_BIN, TestClient } from '../helpers/lspClient';
import { linkTestTools, runUvu, tempProject } from '../helpers/tempProject';

const marker = path.join(os.tmpdir(), `testgap-static-${process.pid}`);

const PROJECT = `//- /package.json
{ "name": "static", "testgap": { "execute": false } }
//- /src/math.ts
// Importing this module leaves a trace: if anything runs it, the test sees it.
require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');
export function double(n: number): number {
  return n * 2;
}
export class Counter {
  count = 0;
  bump(): number {
    return ++this.count;
  }
}
`;

test('generate with execute false: type properties only, marked as not run, and nothing ran', () => {
  fs.rmSync(marker, { force: true });
  const p = tempProject(PROJECT);
  linkTestTools(p.root);
  try {
    const r = spawnSync(process.execPath, [SERVER_BIN, 'generate', 'src/math.ts', '--json'], { cwd: p.root, encoding: 'utf8', timeout: 60_000 });
    assert.not.ok(fs.existsSync(marker), 'generation ran no user code');
    const out = JSON.parse(r.stdout) as GenerateJson;
    const units = Object.fromEntries(out.files[0]!.units.map((u) => [u.name, u]));
    assert.equal([units.double!.notRun, units.double!.cases, units.double!.properties], [true, 0, 1]);
    assert.equal([units.Counter!.notRun, units.Counter!.properties], [true, 0]);
    assert.match(r.stderr + JSON.stringify(out.files[0]!.problems), /execute.*false/);
    const written = p.read('test/math.test.ts');
    assert.match(written, /^\/\/ Tests for src\/math\.ts, written by testgap without running them \("execute": false\)/);
    assert.not.match(written, /Every case ran and passed/);
    assert.match(written, /double: returns a number for .*\(property, not run by testgap: execute is false\)/);
    // The user runs them: this one holds.
    const run = runUvu(p.root);
    assert.is(run.status, 0, run.output);
  } finally {
    fs.rmSync(marker, { force: true });
    p.remove();
  }
});

test('the server says once that running code is off, and a save measures nothing', async () => {
  fs.rmSync(marker, { force: true });
  const p = tempProject(PROJECT);
  linkTestTools(p.root);
  const client = await TestClient.start({ root: p.root, transport: 'in-process', capabilities: PUSH_CLIENT });
  try {
    await client.open('src/math.ts', p.read('src/math.ts'));
    await client.waitForDiagnostics('src/math.ts', (d) => d.length > 0);
    await client.waitFor('the notice', () => client.messages.find((m) => /running code is turned off/.test(m.message)));
    await client.change('src/math.ts', [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }]);
    await client.save('src/math.ts');
    // A request after the save: the server has handled the save by the time it answers.
    await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: client.uri('src/math.ts') }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    await client.waitForDiagnostics('src/math.ts');
    assert.is(client.messages.filter((m) => /running code is turned off/.test(m.message)).length, 1, 'said once');
    assert.equal(client.coverage, [], 'no coverage run');
    assert.equal(client.session!.coverage.settled, []);
    assert.not.ok(fs.existsSync(marker), 'no user code ran');
  } finally {
    await client.stop();
    fs.rmSync(marker, { force: true });
    p.remove();
  }
});

test.run();
