#!/usr/bin/env node
// `npm test` after the build: every uvu test file under c8, failing below the coverage bar for server/src, and a
// closing "N passed, N failed" line that CI reads (uvu's own summary is spread over several lines).
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const c8 = path.join(root, 'node_modules/c8/bin/c8.js');
const uvu = path.join(root, 'node_modules/uvu/bin.js');
const LINES = process.env.TESTGAP_MIN_LINES ?? '90';

const args = [
  c8,
  '--check-coverage', '--lines', LINES,
  '--include', 'out/server/src/**',
  '--reporter', 'text-summary', '--reporter', 'json-summary', '--reporter', 'lcov',
  '--report-dir', 'coverage',
  process.execPath, uvu, 'out/test', '\\.test\\.js$',
];
const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
let out = '';
child.stdout.on('data', (d) => {
  out += d;
  process.stdout.write(d);
});
child.on('exit', (code, signal) => {
  const count = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(out)?.[1] ?? 0);
  const total = count('Total');
  const passed = count('Passed');
  const skipped = count('Skipped');
  process.stdout.write(`\ntests: ${passed} passed, ${total - passed - skipped} failed, ${skipped} skipped\n`);
  if (total === 0) {
    process.stdout.write('no tests ran\n');
    process.exit(1);
  }
  process.exit(code ?? (signal ? 1 : 0));
});
