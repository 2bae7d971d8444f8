// How the corpus benchmark runs the generated tests of one dialect with that dialect's runner (uvu, vitest, jest,
// node:test), counts them from the runner's own report, and what a package needs to be that runner's project (jest
// runs an ES-module package only with `transform: {}` and Node's VM modules, as its documentation says).
import fs from 'node:fs';
import path from 'node:path';

export type BenchRunner = 'uvu' | 'vitest' | 'jest' | 'node:test';
export const BENCH_RUNNERS: BenchRunner[] = ['uvu', 'vitest', 'jest', 'node:test'];

const REPO = path.resolve(__dirname, '../../..');
const UVU = path.join(REPO, 'node_modules/uvu/bin.js');
const VITEST = path.join(REPO, 'node_modules/vitest/vitest.mjs');
const JEST = path.join(REPO, 'node_modules/jest/bin/jest.js');

export interface Counted {
  total: number;
  passed: number;
  failedNames: string[];
}

/** Makes the package at `root` (its manifest, already read) a project of `runner`, before generation. */
export function configureRunner(runner: BenchRunner, manifest: Record<string, unknown>): void {
  // An ES-module package under jest: no transform, and the tests run as ES modules (`--experimental-vm-modules`).
  if (runner === 'jest' && manifest.type === 'module') {
    manifest.jest = { transform: {} };
    manifest.scripts = { test: 'NODE_OPTIONS=--experimental-vm-modules jest' };
  }
}

/**
 * The node arguments that run exactly `testFiles` with `runner` in `root`, writing the runner's report to `report`
 * (vitest and jest: their JSON reporter) where it has one.
 */
export function runnerArgs(runner: BenchRunner, root: string, testFiles: string[], report: string, forCoverage = false): string[] {
  switch (runner) {
    case 'uvu': {
      const escape = (f: string) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const tsx = testFiles.some((f) => f.endsWith('.ts')) ? ['-r', 'tsx'] : [];
      return [UVU, ...tsx, '.', `^(${testFiles.map(escape).join('|')})$`];
    }
    case 'vitest':
      // Under c8: worker threads (forked workers are ended before they write their V8 coverage) and Node's own import
      // instead of vite's module runner (vitest 4.1's experimental.viteModuleRunner), so that V8 counts the package's
      // source as it is, not vite's transform of it, and the figures compare with the other runners'. The reruns
      // above run vitest as its users do.
      return [VITEST, 'run', ...(forCoverage ? ['--pool=threads', '--experimental.viteModuleRunner=false'] : []), '--reporter=json', `--outputFile=${report}`, ...testFiles.map((f) => `./${f}`)];
    case 'jest': {
      const esm = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { type?: string }).type === 'module';
      return [...(esm ? ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'] : []), JEST, '--ci', '--json', `--outputFile=${report}`, '--runTestsByPath', ...testFiles];
    }
    case 'node:test':
      return [...(testFiles.some((f) => f.endsWith('.ts')) ? ['--import', 'tsx'] : []), '--test', ...testFiles];
  }
}

/** The tests a run counted, and which failed, from the runner's report (or its output). */
export function countTests(runner: BenchRunner, stdout: string, report: string): Counted {
  if (runner === 'vitest' || runner === 'jest') {
    try {
      const r = JSON.parse(fs.readFileSync(report, 'utf8')) as {
        numTotalTests: number;
        numPassedTests: number;
        testResults: { name: string; message?: string; assertionResults: { fullName: string; status: string }[] }[];
      };
      const failedNames = r.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status !== 'passed').map((a) => a.fullName));
      // A file that did not run at all has no assertions: it is one failure.
      const broken = r.testResults.filter((f) => f.assertionResults.length === 0 && f.message).map((f) => `${path.basename(f.name)}: did not run`);
      return { total: r.numTotalTests + broken.length, passed: r.numPassedTests, failedNames: [...failedNames, ...broken] };
    } catch {
      return { total: 0, passed: 0, failedNames: [] };
    } finally {
      fs.rmSync(report, { force: true });
    }
  }
  if (runner === 'node:test') {
    // The spec reporter (a terminal) or TAP (Node 20's default when the output is not one).
    const n = (label: string) => Number(new RegExp(`^(?:ℹ|#) ${label} (\\d+)`, 'm').exec(stdout)?.[1] ?? 0);
    const failedNames = [...stdout.matchAll(/^\s*(?:✖ (.+?) \(\d|not ok \d+ - (.+)$)/gm)].map((m) => (m[1] ?? m[2])!);
    return { total: n('tests'), passed: n('pass'), failedNames: [...new Set(failedNames)] };
  }
  const total = Number(/Total:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const passed = Number(/Passed:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  // uvu prints "FAIL  <suite>  "<test>"" for each failing test.
  const failedNames = [...stdout.matchAll(/FAIL\s+(.+?)\s{2}"(.+?)"/g)].map((m) => `${m[1]} › ${m[2]}`);
  return { total, passed, failedNames };
}
