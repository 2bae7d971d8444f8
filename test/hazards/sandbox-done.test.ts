// A module that leaves a timer running keeps its sandbox child alive after the last outcome: the parent ends the
// child when it reports `done`, instead of waiting for the watchdog (two call limits) for every unit of the module.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../../server/src/core/project';
import { resolveSettings } from '../../server/src/core/settings';
import { nodeFileHost } from '../../server/src/io/nodeHost';
import { generateTests } from '../../server/src/run/generate';
import { MAX_HANGS_PER_JOB, runCandidates } from '../../server/src/run/sandbox';
import { tempProject } from '../helpers/tempProject';

test('a timer left at import does not hold the sandbox child until the watchdog', async () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-hazards-done-')));
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    fs.writeFileSync(path.join(root, 'package.json'), '{}');
    fs.writeFileSync(path.join(root, 'ticker.js'), 'setInterval(() => {}, 1000);\nexports.f = (x) => x + 1;\n');
    const limits = { timeoutMs: 30_000, memoryMb: 256 };
    const started = Date.now();
    // The bound reports a failure (and stops the run); it does not synchronise anything. Unfixed, the child lives
    // until the watchdog: 2 × 30 s after its last call.
    const bound = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 15_000)));
    const run = runCandidates({ projectRoot: root, modulePath: path.join(root, 'ticker.js'), exportName: 'f', candidates: ['[1]', '[2]'], instrument: false }, limits, abort.signal);
    const first = await Promise.race([run, bound]);
    if (first === 'late') return assert.unreachable(`runCandidates still waiting after ${Date.now() - started} ms`);
    assert.equal(first.results.map((r) => r.outcome.kind), ['return', 'return']);
    assert.is(first.processes, 1);
  } finally {
    clearTimeout(timer);
    abort.abort();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a unit that keeps hanging stops being run after a few hangs; inputs that return before that are kept', async () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-hazards-hangs-')));
  try {
    fs.writeFileSync(path.join(root, 'package.json'), '{}');
    fs.writeFileSync(path.join(root, 'spin.js'), 'exports.f = (x) => { if (x > 0) for (;;) {} return x; };\n');
    const candidates = ['[0]', '[1]', '[2]', '[-1]', '[3]', '[4]', '[5]', '[-2]'];
    const run = await runCandidates({ projectRoot: root, modulePath: path.join(root, 'spin.js'), exportName: 'f', candidates, instrument: false }, { timeoutMs: 200, memoryMb: 256 });
    const kinds = candidates.map((_, i) => run.results[i]?.outcome.kind ?? 'not run');
    assert.equal(kinds, ['return', 'timeout', 'timeout', 'return', 'timeout', 'not run', 'not run', 'not run']);
    assert.is(MAX_HANGS_PER_JOB, 3);
    assert.is(run.processes, 3, 'a new child after each hang but the last');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('generate: a unit that hangs on every input is not searched further after its planned inputs hung out', async () => {
  const p = tempProject(`//- /package.json
{}
//- /src/spin.ts
export function spin(n: number, s: string): number {
  for (;;) {}
}
`);
  try {
    const settings = { ...resolveSettings([]).settings, timeoutMs: 150 };
    const project = new Project(p.root, nodeFileHost, settings);
    project.scan();
    const result = await generateTests({ project, file: path.join(p.root, 'src/spin.ts'), variant: 'all', settings });
    project.dispose();
    const unit = result.units.find((u) => u.name === 'spin')!;
    assert.is(unit.cases, 0);
    assert.ok((unit.dropped['not run'] ?? 0) > 0, JSON.stringify(unit.dropped));
    assert.is(unit.blockCoverage?.rounds ?? 0, 0, 'no search round after the cap');
  } finally {
    p.remove();
  }
});

test('filling calls that fail on a fresh instance are tried for one member, not again for each of its siblings', async () => {
  // memfs: appendFileSync('a', …) on an empty volume throws, so every Volume method's prepared run was wasted.
  const p = tempProject(`//- /package.json
{}
//- /src/shelf.js
class Shelf {
  constructor() { this.items = []; this.open = false; }
  add(item) { if (!this.open) throw new Error('closed'); this.items.push(item); }
  first() { return this.items.length > 0 ? this.items[0] : null; }
  last() { return this.items.length > 0 ? this.items[this.items.length - 1] : null; }
  size() { return this.items.length === 0 ? 'empty' : 'some'; }
}
module.exports = Shelf;
`);
  try {
    const settings = resolveSettings([]).settings;
    const project = new Project(p.root, nodeFileHost, settings);
    project.scan();
    const preparedRuns: string[] = [];
    const result = await generateTests({
      project, file: path.join(p.root, 'src/shelf.js'), variant: 'all', settings,
      progress: (message) => message.includes('on a prepared instance') && preparedRuns.push(message.split(':')[0]),
    });
    project.dispose();
    assert.equal(preparedRuns, ['Shelf.first'], 'first, last and size all have blocks only a filled shelf reaches');
    assert.ok(result.units.filter((u) => u.unitId.includes('prototype')).every((u) => u.cases > 0), 'each member still has its cases');
  } finally {
    p.remove();
  }
});

test.run();
