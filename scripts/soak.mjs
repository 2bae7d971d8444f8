#!/usr/bin/env node
// Runs one test file many times after the test files that precede it in `npm test`, in one uvu process under c8, as
// `npm test` runs them. A flake that depends on what earlier files leave behind (processes, temp folders, timers,
// environment, load) shows up here, where the same file run alone passes (issue 14: hazards.test.ts).
//
//   npm run build && node scripts/soak.mjs hazards/hazards [--repeat 20] [--alone]
//
// The first argument is a pattern matched against the paths under out/test; `--alone` leaves the preceding files out.
// Each repetition is listed as `<file> (run k)`; the closing line counts repetitions: "N passed, N failed".
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const pattern = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--repeat');
const repeat = Number(value('--repeat', '20'));
if (!pattern || !(repeat >= 1)) {
  process.stderr.write('usage: node scripts/soak.mjs <test file pattern> [--repeat N] [--alone]\n');
  process.exit(2);
}

if (!flag('--child')) {
  // The parent: c8 around a child that runs the files, as scripts/test.mjs does, and a count of repetitions.
  const c8 = path.join(root, 'node_modules/c8/bin/c8.js');
  const child = spawn(process.execPath, [c8, '--include', 'out/server/src/**', '--reporter', 'none', process.execPath, new URL(import.meta.url).pathname, ...args, '--child'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    process.stdout.write(d);
  });
  child.on('exit', (code) => {
    // uvu prints each file (here: each repetition) on a line of its own, then ✘ for each failed test.
    const runs = [...out.matchAll(/^(\S.*) \(run (\d+)\)\n(.*)$/gm)].map((m) => ({ run: Number(m[2]), failed: m[3].includes('✘') }));
    const failed = runs.filter((r) => r.failed).map((r) => r.run);
    process.stdout.write(`\nsoak of ${pattern}: ${runs.length} runs${flag('--alone') ? '' : ' after the files before it'}; failed: ${failed.join(', ') || 'none'}\n`);
    process.stdout.write(`soak: ${runs.length - failed.length} passed, ${failed.length} failed\n`);
    process.exit(runs.length === repeat && failed.length === 0 ? (code ?? 1) : 1);
  });
} else {
  const { parse } = require('uvu/parse');
  const { suites } = await parse(path.join(root, 'out/test'), '\\.test\\.js$', {});
  const target = suites.findIndex((s) => s.name.includes(pattern));
  if (target < 0) {
    process.stderr.write(`no test file under out/test matches ${pattern}\n`);
    process.exit(2);
  }
  const queue = [...(flag('--alone') ? [] : suites.slice(0, target).map((s) => ({ ...s, label: s.name }))), ...Array.from({ length: repeat }, (_, k) => ({ ...suites[target], label: `${suites[target].name} (run ${k + 1})` }))];
  // uvu/run, with each repetition loaded anew (a module runs its tests when it is loaded).
  globalThis.UVU_DEFER = 1;
  const uvu = require('uvu');
  queue.forEach((s, index) => {
    globalThis.UVU_QUEUE.push([s.label]);
    globalThis.UVU_INDEX = index;
    delete require.cache[s.file];
    require(s.file);
  });
  await uvu.exec(false);
}
