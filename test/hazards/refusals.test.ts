// A unit that tries what the sandbox refuses gets one report, whatever stage meets the refusal and however the
// machine is loaded (issue 14): `not-executable` with what it tried, published before the code action's answer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CodeAction } from 'vscode-languageserver/node';
import { emitSections } from '../../server/src/core/emit';
import { Project } from '../../server/src/core/project';
import { resolveSettings } from '../../server/src/core/settings';
import { nodeFileHost } from '../../server/src/io/nodeHost';
import { generateTests } from '../../server/src/run/generate';
import { runTestText } from '../../server/src/run/verify';
import { FULL_CLIENT, TestClient } from '../helpers/lspClient';
import { tempProject } from '../helpers/tempProject';

const SPAWNER = `import cp from 'node:child_process';
export function launch(x: number): number {
  cp.execSync('true');
  return x;
}
`;

test('the not-executable diagnostic of a generation is published before the code action resolve is answered', async () => {
  const p = tempProject(`//- /package.json
{ "name": "spawns", "testgap": { "timeoutMs": 2000 } }
//- /src/spawner.ts
${SPAWNER}`);
  const client = await TestClient.start({ root: p.root, transport: 'in-process', capabilities: FULL_CLIENT });
  try {
    await client.open('src/spawner.ts', SPAWNER);
    await client.waitForDiagnostics('src/spawner.ts', (d) => d.some((x) => x.code === 'missing-test'));
    const [action] = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('src/spawner.ts') },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source'] },
    });
    const resolved = await client.connection.sendRequest<CodeAction>('codeAction/resolve', action);
    // Read synchronously when the answer arrives: nothing may still be on its way.
    const latest = client.latest('src/spawner.ts')?.diagnostics ?? [];
    assert.is(resolved.edit?.documentChanges?.length ?? Object.keys(resolved.edit?.changes ?? {}).length, 0, 'no tests written');
    const nx = latest.filter((d) => d.code === 'not-executable');
    assert.equal(nx.map((d) => d.message), ['`launch` could not be run safely, so no tests were generated: starts a child process']);
  } finally {
    await client.stop();
    p.remove();
  }
});

test('a unit whose inputs the sandbox refused gets no property, so its report does not depend on a verification run', async () => {
  const p = tempProject(`//- /package.json
{}
//- /src/spawner.ts
${SPAWNER}`);
  try {
    const settings = { ...resolveSettings([]).settings, timeoutMs: 2000 };
    const project = new Project(p.root, nodeFileHost, settings);
    project.scan();
    const result = await generateTests({ project, file: path.join(p.root, 'src/spawner.ts'), variant: 'all', settings });
    project.dispose();
    const unit = result.units.find((u) => u.name === 'launch')!;
    assert.is(unit.notExecutable, 'starts a child process');
    assert.is(unit.cases + unit.properties, 0);
    assert.is(result.verifyRuns, 0, 'a property would have hit the same refusal in a verification run');
    assert.equal(result.insertions, []);
  } finally {
    p.remove();
  }
});

test('verification says which failed tests the sandbox refused, and in the words of a candidate run', async () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-refusals-')));
  try {
    fs.writeFileSync(path.join(root, 'package.json'), '{}');
    // The verify helper as generation emits it, around hand-written tests: a process, a connection inside a
    // fast-check property (its error carries the refusal as its cause), an ordinary failure, and a pass.
    const { body } = emitSections({ style: { ts: false, esm: false }, sourceLabel: 'x.js', sections: [], imports: [], mode: 'verify' });
    const text = `const { test } = require('uvu');
const fc = require('fast-check');
${body}
test('spawns', __testgapCheck('spawns', () => { require('node:child_process').execSync('true'); }));
test('dials', __testgapCheck('dials', () => fc.assert(fc.property(fc.integer(), () => { require('node:net').connect(9, '127.0.0.1'); }), { numRuns: 3 })));
test('wrong', __testgapCheck('wrong', () => { throw new Error('ERR_ACCESS_DENIED in a message is not a refusal'); }));
test('fine', __testgapCheck('fine', () => {}));
test.run();
`;
    const run = await runTestText(text, '.js', root, { timeoutMs: 2000, memoryMb: 256 });
    assert.is(run.broken, undefined);
    assert.equal([...run.failed].sort(), ['dials', 'spawns', 'wrong']);
    assert.equal(Object.fromEntries(run.refused), { spawns: 'starts a child process', dials: 'opens a network connection to 127.0.0.1:9' });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test.run();
