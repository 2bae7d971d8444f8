// What a user sees when the project's runner cannot do its part (issue 15): a vitest that needs a newer Node, a jest
// config that throws, a test file with a syntax error, a runner that hangs while starting. Each gives one message that
// names the cause, the other figures stay, and no process is left behind (read from /proc).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CoverageJson } from '../../server/src/cli/coverage';
import type { CoverageNotification } from '../../server/src/lsp/coverage';
import { FULL_CLIENT, SERVER_BIN, TestClient } from '../helpers/lspClient';
import { linkTestTools, tempProject } from '../helpers/tempProject';

function cli(root: string, args: string[]) {
  const r = spawnSync(process.execPath, [SERVER_BIN, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Processes (other than this one) whose command line or working folder is inside `root`. */
/** Polls `done` until it holds (a deadline, not a sleep: it returns as soon as it holds). */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function processesIn(root: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      if (cmdline.includes(root) || cwd === root || cwd.startsWith(root + path.sep)) found.push(`${pid} ${cmdline.slice(0, 160)}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

const SOURCE = `//- /src/sum.ts
export function sum(a: number, b: number): number {
  if (a < 0) return b;
  return a + b;
}
`;

/** A vitest test of sum.ts, and sum.ts. */
const SUM_TEST = `//- /test/sum.test.ts
import { expect, it } from 'vitest';
import { sum } from '../src/sum';
it('sums', () => expect(sum(1, 2)).toBe(3));
${SOURCE}`;

test('a vitest 5 project on Node 20: one message naming the Node it needs, no figures, nothing started', () => {
  const p = tempProject(`//- /package.json
{ "name": "v5", "type": "module", "scripts": { "test": "vitest run" }, "devDependencies": { "vitest": "^5.1.0" } }
//- /node_modules/vitest/package.json
{ "name": "vitest", "version": "5.1.2", "engines": { "node": "^22.12.0 || ^24.0.0 || >=26.0.0" } }
${SUM_TEST}`);
  try {
    const cov = cli(p.root, ['coverage', '--json']);
    assert.is(cov.code, 1);
    const json = JSON.parse(cov.stdout) as { unmeasurable?: string };
    assert.match(json.unmeasurable ?? '', /vitest 5\.1\.2 needs Node ≥ 22\.12 and this is Node 20\.\d+\.\d+.*npm i -D vitest@\^4/);
    assert.is(cov.stderr.match(/needs Node/g)?.length, 1, `one message: ${cov.stderr}`);
    const check = cli(p.root, ['check', '--coverage']);
    assert.is(check.code, 0, check.stderr);
    assert.match(check.stderr, /--coverage checks nothing here/);
    assert.equal(processesIn(p.root), []);
  } finally {
    p.remove();
  }
});

test('a jest config that throws: one message with its error, no figures, no process left', () => {
  const p = tempProject(`//- /package.json
{ "name": "bad-config", "scripts": { "test": "jest" } }
//- /jest.config.js
throw new Error('jest config exploded: API_URL is not set');
//- /test/sum.test.js
const { sum } = require('../src/sum');
it('sums', () => expect(sum(1, 2)).toBe(3));
//- /src/sum.js
exports.sum = (a, b) => a + b;
`);
  linkTestTools(p.root);
  try {
    const cov = cli(p.root, ['coverage', '--json']);
    assert.is(cov.code, 1, cov.stderr);
    const json = JSON.parse(cov.stdout) as { unmeasurable?: string };
    assert.match(json.unmeasurable ?? '', /^jest could not start: .*jest config exploded: API_URL is not set/);
    assert.not.ok(fs.existsSync(path.join(p.root, 'coverage')), 'no reports of zeros');
    assert.equal(processesIn(p.root), []);
  } finally {
    p.remove();
  }
});

for (const runner of ['vitest', 'jest'] as const) {
  test(`${runner}: a test file with a syntax error fails alone, with the error; the other file's figures stay`, () => {
    const config = runner === 'vitest' ? `//- /vitest.config.mjs\nexport default { test: { include: ['test/**/*.test.js'] } };\n` : `//- /jest.config.js\nmodule.exports = { testEnvironment: 'node' };\n`;
    const imports = runner === 'vitest' ? `import { expect, it } from 'vitest';\nimport { sum } from '../src/sum.js';` : `const { sum } = require('../src/sum.js');`;
    const p = tempProject(`//- /package.json
{ "name": "syntax", ${runner === 'vitest' ? '"type": "module", ' : ''}"scripts": { "test": "${runner === 'vitest' ? 'vitest run' : 'jest'}" } }
${config}//- /src/sum.js
${runner === 'vitest' ? 'export function sum' : 'exports.sum = function sum'}(a, b) {
  if (a < 0) return b;
  return a + b;
}
//- /test/good.test.js
${imports}
it('sums', () => { expect(sum(1, 2)).toBe(3); expect(sum(-1, 2)).toBe(2); });
//- /test/broken.test.js
${imports}
it('sums', () => { expect(sum(1, 2)).toBe(3);
`);
    linkTestTools(p.root);
    try {
      const cov = cli(p.root, ['coverage', '--json']);
      assert.is(cov.code, 1, 'a test file failed');
      const json = JSON.parse(cov.stdout) as CoverageJson;
      const status = Object.fromEntries(json.tests.map((t) => [t.path, t]));
      assert.is(status['test/good.test.js']?.status, 'passed', JSON.stringify(json.tests));
      assert.is(status['test/broken.test.js']?.status, 'failed');
      assert.match(status['test/broken.test.js']?.message ?? '', /(SyntaxError|Unexpected|Expected|end of file|missing|invalid JS syntax).*broken\.test\.js/i, status['test/broken.test.js']?.message);
      assert.match(cov.stderr, /test\/broken\.test\.js: failed: /);
      assert.is(json.files.find((f) => f.path === 'src/sum.js')?.lines.pct, 100, 'the good file measured sum.js');
      assert.equal(processesIn(p.root), []);
    } finally {
      p.remove();
    }
  });
}

test('a runner that hangs while starting: stopped after coverageTimeoutMs, one message, no process left', () => {
  const p = tempProject(`//- /package.json
{ "name": "hang", "type": "module", "scripts": { "test": "vitest run" }, "testgap": { "coverageTimeoutMs": 4000 } }
//- /vitest.config.mjs
await new Promise(() => setInterval(() => {}, 1000));
export default {};
${SUM_TEST}`);
  linkTestTools(p.root);
  try {
    const cov = cli(p.root, ['coverage', '--json']);
    assert.is(cov.code, 1);
    const json = JSON.parse(cov.stdout) as { unmeasurable?: string };
    assert.match(json.unmeasurable ?? '', /^vitest did not start within 4 s \(coverageTimeoutMs\)/);
    assert.equal(processesIn(p.root), []);
  } finally {
    p.remove();
  }
});

const STOPPED = [
  {
    what: 'a test file that never ends is stopped at coverageTimeoutMs with its workers',
    settings: '{ "coverageTimeoutMs": 5000 }',
    file: 'test/a-spin.test.ts',
    body: "it('spins', () => { for (;;) {} });",
    status: 'timeout',
    message: /did not finish within 5000 ms/,
  },
  {
    what: 'a test file that eats memory is stopped at the limit and says so',
    settings: '{ "memoryMb": 64 }',
    file: 'test/a-hog.test.ts',
    body: "it('hogs', () => {\n  const kept: Buffer[] = [];\n  for (;;) kept.push(Buffer.alloc(16 * 2 ** 20, 1));\n});",
    status: 'crashed',
    message: /^used \d+ MB of memory, more than the limit \(memoryMb 64 \+ 256 MB for the runner\)/,
  },
];

for (const c of STOPPED) {
  test(`vitest: ${c.what}; the next file runs in a new vitest`, () => {
    const p = tempProject(`//- /package.json
{ "name": "stopped", "type": "module", "scripts": { "test": "vitest run" }, "testgap": ${c.settings} }
//- /vitest.config.mjs
export default { test: { include: ['test/**/*.test.ts'] } };
//- /${c.file}
import { it } from 'vitest';
${c.body}
${SUM_TEST}`);
    linkTestTools(p.root);
    try {
      const cov = cli(p.root, ['coverage', '--json']);
      assert.is(cov.code, 1);
      const json = JSON.parse(cov.stdout) as CoverageJson;
      const status = Object.fromEntries(json.tests.map((t) => [t.path, t]));
      assert.is(status[c.file]?.status, c.status, JSON.stringify(json.tests));
      assert.match(status[c.file]?.message ?? '', c.message);
      assert.is(status['test/sum.test.ts']?.status, 'passed');
      assert.is(json.files.find((f) => f.path === 'src/sum.ts')?.functions.pct, 100);
      assert.equal(processesIn(p.root), []);
    } finally {
      p.remove();
    }
  });
}

test('vitest: when the process that started it is killed, the host and a worker stuck in a loop end too', async () => {
  const p = tempProject(`//- /package.json
{ "name": "orphans", "type": "module", "scripts": { "test": "vitest run" } }
//- /vitest.config.mjs
export default { test: { include: ['test/**/*.test.ts'] } };
//- /test/spin.test.ts
import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
it('spins', () => {
  writeFileSync(process.env.TMPDIR + '/spinning', '');
  for (;;) {}
});
`);
  linkTestTools(p.root);
  const cli = spawn(process.execPath, [SERVER_BIN, 'coverage'], { cwd: p.root, stdio: 'ignore' });
  try {
    // The worker says it is in the loop by writing a file into its temp folder (under testgap-coverage-<cli pid>-…).
    const spinning = () => fs.readdirSync(os.tmpdir()).some((d) => d.startsWith(`testgap-coverage-${cli.pid}-`) && fs.existsSync(path.join(os.tmpdir(), d, 'spinning')));
    await until(spinning, 60_000, 'the test to start spinning');
    assert.ok(processesIn(p.root).length >= 2, 'a host and a worker');
    cli.kill('SIGKILL');
    await until(() => processesIn(p.root).length === 0, 10_000, `no process left: ${processesIn(p.root).join('; ')}`);
  } finally {
    cli.kill('SIGKILL');
    p.remove();
  }
});

test('in the server, a jest config that starts to throw: one warning, the figures shown stay, and the fix is picked up', async () => {
  const p = tempProject(`//- /package.json
{ "name": "server-config", "scripts": { "test": "jest" } }
//- /jest.config.js
module.exports = { testEnvironment: 'node' };
//- /src/sum.js
exports.sum = (a, b) => {
  if (a < 0) return b;
  return a + b;
};
//- /test/sum.test.js
const { sum } = require('../src/sum');
it('sums', () => expect(sum(1, 2)).toBe(3));
`);
  linkTestTools(p.root);
  const client = await TestClient.start({ root: p.root, transport: 'stdio', capabilities: FULL_CLIENT });
  try {
    const settled = (after: number) => client.waitFor<CoverageNotification>('coverage after the save', () => client.coverage.slice(after).find((n) => !n.stale), 60_000);
    await client.open('src/sum.js', p.read('src/sum.js'));
    await client.save('src/sum.js');
    const first = await settled(0);
    const figures = (n: CoverageNotification) => n.files.find((f) => f.uri.endsWith('/src/sum.js'))?.branches;
    assert.ok(figures(first) && figures(first)!.pct < 100 && figures(first)!.pct > 0, JSON.stringify(figures(first)));

    p.write('jest.config.js', "throw new Error('jest config exploded: API_URL is not set');\n");
    const messages = client.messages.length;
    const notifications = client.coverage.length;
    await client.save('src/sum.js');
    const warning = await client.waitFor('the warning', () => client.messages.slice(messages).find((m) => /could not start/.test(m.message)), 60_000);
    assert.match(warning.message, /^testgap: jest could not start: .*jest config exploded/);
    assert.is(warning.type, 2, 'a warning');
    await client.save('src/sum.js');
    await client.connection.sendRequest('workspace/executeCommand', { command: 'testgap.runCoverage', arguments: [{ uri: client.uri('src/sum.js') }] });
    assert.is(client.messages.slice(messages).filter((m) => /could not start/.test(m.message)).length, 1, 'said once');
    assert.equal(client.coverage.slice(notifications).filter((n) => !n.stale), [], 'no figures replaced the ones shown');
    assert.ok((client.latest('src/sum.js')?.diagnostics ?? []).some((d) => d.source === 'testgap'), 'diagnostics stay');

    p.write('jest.config.js', "module.exports = { testEnvironment: 'node' };\n");
    const fixed = client.coverage.length;
    await client.save('src/sum.js');
    const again = await settled(fixed);
    assert.equal(figures(again), figures(first));
  } finally {
    await client.stop();
    assert.equal(processesIn(p.root), []);
    p.remove();
  }
});

test.run();
