#!/usr/bin/env node
// `npm run demo`: the whole job on the bundled example project, in a scratch copy so the repository stays as it is:
// find the untested exports, generate verified tests for them, run those tests with uvu, check again, and measure
// coverage.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bin = path.join(repo, 'out/server/src/cli/main.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-demo-'));
const project = path.join(work, 'pricing');
fs.cpSync(path.join(repo, 'examples/pricing'), project, { recursive: true });
// The example's test tools are testgap's own dev dependencies.
fs.symlinkSync(path.join(repo, 'node_modules'), path.join(project, 'node_modules'));

const step = (title, cmd, args, okCodes = [0]) => {
  process.stdout.write(`\n$ ${title}\n`);
  const r = spawnSync(cmd, args, { cwd: project, stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } });
  if (!okCodes.includes(r.status ?? -1)) {
    process.stderr.write(`demo: "${title}" exited with ${r.status ?? r.signal}\n`);
    process.exit(1);
  }
};

try {
  process.stdout.write(`testgap demo on a copy of examples/pricing in ${project}\n`);
  step('testgap check', process.execPath, [bin, 'check'], [0, 1]);
  step('testgap generate src/pricing.ts src/cart.ts lib/legacy.js', process.execPath, [bin, 'generate', 'src/pricing.ts', 'src/cart.ts', 'lib/legacy.js'], [0, 1]);
  step('uvu -r tsx test', process.execPath, [path.join(repo, 'node_modules/uvu/bin.js'), '-r', 'tsx', 'test']);
  step('testgap check', process.execPath, [bin, 'check']);
  step('testgap coverage', process.execPath, [bin, 'coverage']);
  process.stdout.write(`\nThe generated tests are in ${path.join(project, 'test')}.\n`);
} finally {
  if (!process.env.KEEP_DEMO) fs.rmSync(work, { recursive: true, force: true });
}
