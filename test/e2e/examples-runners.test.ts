// The examples of each test runner as a user meets them (issue 15): examples/vitest-esm (vitest 4, TypeScript ESM),
// examples/node-test-esm (TypeScript, node:test through tsx, top-level await) and examples/esm-mjs (JavaScript .mjs,
// node --test). For each, on a copy: `testgap check` reports exactly the expected findings, `testgap coverage --json`
// gives the runner's own figures (vitest's v8 coverage; c8 around `node --test`), and over stdio a save re-runs only
// the test file that loads the saved file and publishes `testgap/coverage`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CheckJson } from '../../server/src/cli/check';
import type { CoverageJson } from '../../server/src/cli/coverage';
import type { CoverageNotification } from '../../server/src/lsp/coverage';
import { c8Summary } from '../helpers/c8';
import { FULL_CLIENT, SERVER_BIN, TestClient } from '../helpers/lspClient';
import { exampleCopy } from '../helpers/tempProject';

const REPO = path.resolve(__dirname, '../../..');

type Figures = Record<string, Record<'lines' | 'branches' | 'functions' | 'statements', { pct: number; total: number }>>;

interface Example {
  name: string;
  /** The runner's own figures for the project, by path from the root. */
  reference: (root: string) => Figures;
  runner: Partial<CheckJson['runner']>;
  findings: string[];
  /** Sources no test loads, which the runner's own report leaves out. */
  unloaded?: string[];
  /** A source file to save, the one test file that loads it, and what that test file loads (default: the saved file). */
  save: { file: string; test: string; loads?: string[] };
}

const EXAMPLES: Example[] = [
  {
    name: 'vitest-esm',
    reference: vitestFigures,
    runner: { runner: 'vitest', source: 'config', configFile: 'vitest.config.ts', version: '4.1.12' },
    // Address's getters are read through toMatchObject; Shape.describe runs through the tested subclass Rect.
    findings: ['src/shape.ts missing-test Circle', 'src/url.ts missing-test queryOf'],
    save: { file: 'src/url.ts', test: 'test/url.test.ts' },
  },
  {
    name: 'jest-ts',
    reference: jestFigures,
    runner: { runner: 'jest', source: 'config', configFile: 'jest.config.js', version: '30.5.2', setupFiles: ['jest.setup.ts'] },
    // Money's getters are read through toMatchObject; Account.deposit and .total run through the tested Savings.
    // register and currency run only from the setup file and through Money: no test asserts anything of them.
    unloaded: ['src/environment.ts', 'src/links.ts'],
    findings: [
      'src/account.ts missing-test Checking',
      'src/currency.ts missing-test currency',
      'src/currency.ts missing-test register',
      ...['amountText', 'appName', 'hourOf', 'logLevel', 'savedTheme'].map((name) => `src/environment.ts missing-test ${name}`),
      'src/links.ts missing-test hostOf',
    ],
    // With jest's default coverage (babel's instrumentation) a test file's run counts every instrumented file it
    // loaded, the setup file's currency.ts included.
    save: { file: 'src/account.ts', test: 'test/account.test.ts', loads: ['src/account.ts', 'src/currency.ts', 'src/money.ts'] },
  },
  {
    name: 'node-test-esm',
    reference: (root) => c8Figures(root, [process.execPath, '--import', 'tsx', '--test', 'test/money.test.ts', 'test/shape.test.ts']),
    runner: { runner: 'node:test', source: 'script', preload: { import: ['tsx'], require: [], hooks: [], setup: [] } },
    // Shape.describe is used through the tested subclass; Shape.area is abstract (no code); types.ts holds types.
    findings: ['src/money.ts missing-test format', 'src/shape.ts missing-test Circle', 'src/shape.ts missing-test Square.area'],
    save: { file: 'src/money.ts', test: 'test/money.test.ts' },
  },
  {
    name: 'esm-mjs',
    reference: (root) => c8Figures(root, [process.execPath, '--test', 'test/slug.test.mjs']),
    runner: { runner: 'node:test', source: 'script' },
    findings: ['lib/slug.mjs missing-test words'],
    save: { file: 'lib/slug.mjs', test: 'test/slug.test.mjs' },
  },
];


function cli(root: string, args: string[]) {
  return spawnSync(process.execPath, [SERVER_BIN, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
}

/** c8's figures around the project's own test command, by path from the root. */
function c8Figures(root: string, command: string[]): Figures {
  return Object.fromEntries(Object.entries(c8Summary(root, command)).filter(([k]) => k !== 'total').map(([k, v]) => [path.relative(root, k), v]));
}

/** `jest --coverage` as the project runs it (its config, its coverage provider), with a json-summary report. */
function jestFigures(root: string): Figures {
  const dir = path.join(root, '.jest-report');
  const r = spawnSync(process.execPath, [path.join(REPO, 'node_modules/jest/bin/jest.js'), '--coverage', '--coverageReporters=json-summary', `--coverageDirectory=${dir}`], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
  const summary = JSON.parse(fs.readFileSync(path.join(dir, 'coverage-summary.json'), 'utf8')) as Figures;
  return Object.fromEntries(Object.entries(summary).filter(([k]) => k !== 'total').map(([k, v]) => [path.relative(root, k), v]));
}

/** `vitest run --coverage` as the project runs it (its config), with a json-summary report; files of types only left out. */
function vitestFigures(root: string): Figures {
  const dir = path.join(root, '.vitest-report');
  const r = spawnSync(process.execPath, [path.join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--coverage', '--coverage.reporter=json-summary', `--coverage.reportsDirectory=${dir}`], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
  const summary = JSON.parse(fs.readFileSync(path.join(dir, 'coverage-summary.json'), 'utf8')) as Figures;
  return Object.fromEntries(Object.entries(summary).filter(([k, v]) => k !== 'total' && v.statements.total > 0).map(([k, v]) => [path.relative(root, k), v]));
}

for (const ex of EXAMPLES) {
  test(`examples/${ex.name}: check findings, coverage equal to the runner's, a save re-runs only the affected test`, async () => {
    const root = exampleCopy(ex.name);
    let client: TestClient | undefined;
    try {
      const check = cli(root, ['check', '--json']);
      const json = JSON.parse(check.stdout) as CheckJson;
      assert.equal(json.files.flatMap((f) => f.findings.map((x) => `${f.path} ${x.code} ${x.unit.name}`)).sort(), ex.findings);
      for (const [k, v] of Object.entries(ex.runner)) assert.equal(json.runner[k as keyof CheckJson['runner']], v, `runner.${k}`);

      const cov = cli(root, ['coverage', '--json']);
      const mine = JSON.parse(cov.stdout) as CoverageJson;
      assert.ok(mine.tests.length > 0 && mine.tests.every((t) => t.status === 'passed'), JSON.stringify(mine.tests));
      const theirs = ex.reference(root);
      // The runner's files, and the sources no test loads: jest without `collectCoverageFrom` leaves those out of its
      // report, testgap shows them uncovered.
      const extra = mine.files.filter((f) => !theirs[f.path]);
      assert.equal(mine.files.map((f) => f.path).filter((p) => theirs[p]).sort(), Object.keys(theirs).sort(), 'the runner\'s files');
      assert.equal(extra.map((f) => [f.path, f.lines.pct]), (ex.unloaded ?? []).map((p) => [p, 0]), 'files no test loads');
      for (const f of mine.files.filter((x) => theirs[x.path])) {
        for (const key of ['lines', 'branches', 'functions'] as const) {
          assert.ok(Math.abs(f[key].pct - theirs[f.path]![key].pct) <= 1, `${f.path} ${key}: testgap ${f[key].pct}, the runner ${theirs[f.path]![key].pct}`);
        }
      }
      assert.ok(mine.files.some((f) => f.lines.pct < 100), 'not vacuous: something is uncovered');

      client = await TestClient.start({ root, transport: 'stdio', capabilities: FULL_CLIENT });
      const c = client;
      await c.open(ex.save.file, fs.readFileSync(path.join(root, ex.save.file), 'utf8'));
      const settled = async (after: number) => c.waitFor<CoverageNotification>('coverage after the save', () => c.coverage.slice(after).find((n) => !n.stale), 60_000);
      // The first save measures every test; the second, only the test file that loaded the saved file.
      await c.save(ex.save.file);
      await settled(0);
      const mark = c.coverage.length;
      const progressMark = c.progress.length;
      await c.save(ex.save.file);
      const second = await settled(mark);
      // After a save the notification carries only the files the run touched: the saved file and what the re-run
      // tests loaded (another test's sources would be there had it run too); its tests list keeps every known test.
      assert.equal(second.files.map((f) => path.relative(root, new URL(f.uri).pathname)).sort(), ex.save.loads ?? [ex.save.file]);
      // The run's progress names the one test file it ran.
      const reports = c.progress.slice(progressMark).map((p) => JSON.stringify(p));
      assert.ok(reports.some((r) => r.includes('"1 test file"')), reports.join('\n'));
      assert.ok(reports.some((r) => r.includes(`1/1 ${ex.save.test}`)), reports.join('\n'));
      assert.ok(second.tests.some((t) => path.relative(root, new URL(t.uri).pathname) === ex.save.test));
    } finally {
      if (client) await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
}

test.run();
