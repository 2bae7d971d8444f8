// Generation into each runner's example project (issue 16): `testgap generate` on the files with findings writes
// tests in the project's own dialect (never uvu into a vitest, jest or node:test project), the project's own test
// command then passes, three times in a row, its TypeScript (`tsc --noEmit -p .`) finds no error, and where the
// project has prettier and ESLint configured, `prettier --check .` and `eslint .` pass on the files as written.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CheckJson } from '../../server/src/cli/check';
import type { GenerateJson } from '../../server/src/cli/generate';
import { SERVER_BIN } from '../helpers/lspClient';
import { exampleCopy } from '../helpers/tempProject';

const REPO = path.resolve(__dirname, '../../..');

interface Example {
  name: string;
  /** The project's own test command, as argv (test files listed: Node 20's --test takes no globs). */
  command: (root: string) => string[];
  /** What a generated file must import, and what it must not. */
  imports: RegExp;
  /** The project's other checks, as argv of node: they pass before generation, and must pass after it. */
  checks?: string[][];
  /** More to check of the generation's report and the written files. */
  expect?: (out: GenerateJson, root: string) => void;
}

const testFiles = (root: string, dir: string, ext: RegExp) => fs.readdirSync(path.join(root, dir)).filter((f) => ext.test(f)).map((f) => `${dir}/${f}`);

const EXAMPLES: Example[] = [
  {
    name: 'vitest-esm',
    command: () => [path.join(REPO, 'node_modules/vitest/vitest.mjs'), 'run'],
    // The project formats with prettier (no semicolons, double quotes) and lints with typescript-eslint.
    imports: /from "vitest"/,
    checks: [
      [path.join(REPO, 'node_modules/prettier/bin/prettier.cjs'), '--check', '.'],
      [path.join(REPO, 'node_modules/eslint/bin/eslint.js'), '.'],
    ],
  },
  {
    name: 'jest-ts',
    command: () => [path.join(REPO, 'node_modules/jest/bin/jest.js')],
    imports: /from '@jest\/globals'/,
    // src/environment.ts: what NODE_ENV, the time zone and the locale decide is reported, not asserted; a browser
    // global is not executable, with the reason; a global only the setup file defines is there, as under jest.
    expect: (out, root) => {
      const units = new Map(out.files.flatMap((f) => f.units).map((u) => [u.name, u]));
      for (const name of ['logLevel', 'hourOf', 'amountText']) assert.ok((units.get(name)?.dropped['depends on NODE_ENV, the time zone or the locale'] ?? 0) > 0, name);
      assert.is(units.get('logLevel')!.cases, 0);
      assert.match(units.get('savedTheme')!.notExecutable ?? '', /`localStorage`, a browser global/);
      assert.ok(units.get('appName')!.cases > 0, 'appName ran with the setup file');
      const text = fs.readFileSync(path.join(root, 'test/environment.test.ts'), 'utf8');
      assert.match(text, /'Ledger \(a\)'/);
      assert.not.match(text, /logLevel|savedTheme|localStorage|is not defined/);
      // What Node's URL throws is checked by class name and message, which hold in jest's context too.
      assert.ok(units.get('hostOf')!.cases >= 2, 'hostOf: a host and a TypeError');
      assert.match(fs.readFileSync(path.join(root, 'test/links.test.ts'), 'utf8'), /throws TypeError/);
    },
  },
  { name: 'node-test-esm', command: (root) => ['--import', 'tsx', '--test', ...testFiles(root, 'test', /\.test\.ts$/)], imports: /from 'node:test'/ },
  {
    // uvu, where the project runs it (the demo's project, TypeScript through tsx).
    name: 'pricing',
    command: () => [path.join(REPO, 'node_modules/uvu/bin.js'), '-r', 'tsx', 'test'],
    imports: /from 'uvu'|require\('uvu'\)/,
  },
  { name: 'esm-mjs', command: (root) => ['--test', ...testFiles(root, 'test', /\.test\.mjs$/)], imports: /from 'node:test'/ },
];


for (const ex of EXAMPLES) {
  test(`examples/${ex.name}: generated tests are in the runner's dialect, type-check, and the project's own test command passes 3/3`, () => {
    const root = exampleCopy(ex.name);
    const runChecks = (when: string) => {
      for (const argv of ex.checks ?? []) {
        const c = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8' });
        assert.is(c.status, 0, `${path.basename(argv[0]!)} ${when}: ${c.stdout}\n${c.stderr}`);
      }
    };
    try {
      runChecks('before generation');
      const check = JSON.parse(spawnSync(process.execPath, [SERVER_BIN, 'check', '--json'], { cwd: root, encoding: 'utf8' }).stdout) as CheckJson;
      const files = check.files.filter((f) => f.findings.length > 0).map((f) => f.path);
      assert.ok(files.length > 0, 'something to generate for');
      const r = spawnSync(process.execPath, [SERVER_BIN, 'generate', ...files, '--json'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
      const out = JSON.parse(r.stdout) as GenerateJson;
      assert.ok(out.summary.cases + out.summary.properties > 0, r.stderr);
      for (const f of out.files) {
        assert.equal(f.problems.filter((p) => p.severity === 'error'), [], `${f.sourceFile}: ${r.stderr}`);
        if (!f.written) continue;
        const text = fs.readFileSync(path.join(root, f.testFile), 'utf8');
        assert.match(text, ex.imports, f.testFile);
        if (ex.name !== 'pricing') assert.not.match(text, /from ['"]uvu['"]|require\(['"]uvu['"]\)/, `${f.testFile} has no uvu`);
      }
      assert.equal(fs.readdirSync(path.join(root, 'test')).filter((n) => n.includes('.testgap-')), [], 'no verification file left behind');
      if (fs.existsSync(path.join(root, 'tsconfig.json'))) {
        const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.'], { cwd: root, encoding: 'utf8' });
        assert.is(tsc.status, 0, tsc.stdout + tsc.stderr);
      }
      runChecks('after generation');
      ex.expect?.(out, root);
      for (let run = 1; run <= 3; run++) {
        // A plain shell, and another machine's zone and locale on the last run.
        const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...(run === 3 ? { TZ: 'Asia/Kolkata', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' } : {}) };
        delete env.NODE_ENV;
        const t = spawnSync(process.execPath, ex.command(root), { cwd: root, encoding: 'utf8', env });
        assert.is(t.status, 0, `run ${run}: ${t.stdout}\n${t.stderr}`);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
}

test.run();
