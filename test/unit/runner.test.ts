// Runner detection and the runner's own test files, on inline fixtures of the shapes public packages have.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { detectRunner, preloadOf, readConfigObject, runnerOfScript, testFileMatcher, type RunnerDetection, type RunnerSetting } from '../../server/src/core/runner';
import { FIXTURE_ROOT, memoryHost, parseFixture } from '../helpers/fixture';

function detect(fixture: string, setting: RunnerSetting = 'auto', nodeVersion = '20.20.2', testImports?: string[]): RunnerDetection {
  const f = parseFixture(fixture);
  return detectRunner(memoryHost(f.files), FIXTURE_ROOT, { setting, nodeVersion, ...(testImports ? { testImports } : {}) });
}

/** Which of `paths` the detection calls tests. */
function tests(d: RunnerDetection, paths: string[]): string[] {
  assert.ok(d.tests, `no test files from ${d.evidence}`);
  const is = testFileMatcher(d.tests!);
  return paths.filter(is);
}

const INSTALLED = (name: string, version: string) => `//- /node_modules/${name}/package.json\n{ "name": "${name}", "version": "${version}" }\n`;

test('vitest: its config file decides, include and exclude come from it, configDefaults spread in', () => {
  const d = detect(`//- /package.json
{ "devDependencies": { "vitest": "^4.1.0" }, "scripts": { "test": "vitest run" } }
//- /vitest.config.ts
import { configDefaults, defineConfig } from 'vitest/config';
const include = ['src/**/*.{test,spec}.ts', 'tests/**/*.ts'];
export default defineConfig({
  test: { include, exclude: [...configDefaults.exclude, 'tests/fixtures/**'], setupFiles: ['./tests/setup.ts'], coverage: { provider: 'v8' } },
});
${INSTALLED('vitest', '4.1.12')}`);
  assert.equal([d.runner, d.source, d.configFile, d.version], ['vitest', 'config', 'vitest.config.ts', '4.1.12']);
  assert.equal(d.setupFiles, ['tests/setup.ts']);
  assert.equal(d.warnings, []);
  assert.equal(tests(d, ['src/a.test.ts', 'src/a.ts', 'tests/x.ts', 'tests/fixtures/f.ts', 'node_modules/p/a.test.ts', 'vitest.config.ts', 'other/b.test.ts']), ['src/a.test.ts', 'tests/x.ts']);
});

test('vitest: vite.config with vitest installed; mergeConfig picks the object with `test`; defaults when it has none', () => {
  const d = detect(`//- /package.json
{ "devDependencies": { "vitest": "^3.2.0", "vite": "^6" } }
//- /vite.config.mts
import { defineConfig, mergeConfig } from 'vite';
import base from './vite.base';
export default mergeConfig(base, defineConfig({ plugins: [], test: { environment: 'node' } }));
`);
  assert.equal([d.runner, d.source, d.configFile], ['vitest', 'config', 'vite.config.mts']);
  assert.equal(tests(d, ['src/a.spec.tsx', 'src/a.test.mjs', 'src/a.ts', 'e2e/x.e2e.ts']), ['src/a.spec.tsx', 'src/a.test.mjs']);
});

test('vitest: type tests are test files when the script or the config turns type checking on', () => {
  const script = detect(`//- /package.json
{ "scripts": { "test": "pnpm lint && vitest run --typecheck" } }
`);
  assert.equal(tests(script, ['test/a.test.ts', 'test/types.test-d.ts', 'test/fixture/x.json']), ['test/a.test.ts', 'test/types.test-d.ts']);
  const config = detect(`//- /package.json
{ "devDependencies": { "vitest": "4" } }
//- /vitest.config.ts
export default { test: { typecheck: { enabled: true, include: ['types/**/*.ts'] } } };
`);
  assert.equal(tests(config, ['a.test.ts', 'types/b.ts', 'a.test-d.ts']), ['a.test.ts', 'types/b.ts']);
  assert.equal(tests(detect('//- /package.json\n{ "scripts": { "test": "vitest" } }\n'), ['a.test-d.ts']), []);
});

test('vitest 5 on Node 20 is one clear warning naming the version that runs', () => {
  const d = detect(`//- /package.json
{ "devDependencies": { "vitest": "^5.1.0" } }
${INSTALLED('vitest', '5.1.2')}`);
  assert.equal([d.runner, d.source], ['vitest', 'dependency']);
  assert.equal(d.warnings.length, 1);
  assert.match(d.warnings[0], /vitest 5\.1\.2 needs Node ≥ 22\.12 and this is Node 20\.20\.2.*vitest@\^4/);
  assert.equal(detect(`//- /package.json\n{}\n${INSTALLED('vitest', '5.1.2')}`, 'auto', '22.12.0').warnings, []);
});

test('jest: package.json#jest with roots, testPathIgnorePatterns and setup files; config and setup are not tests', () => {
  const d = detect(`//- /package.json
{ "scripts": { "test": "jest --coverage" }, "devDependencies": { "jest": "^29.7.0", "ts-jest": "^29" },
  "jest": { "preset": "ts-jest", "roots": ["<rootDir>/src", "<rootDir>/test"], "testPathIgnorePatterns": ["/node_modules/", "<rootDir>/test/fixtures/"],
            "setupFiles": ["reflect-metadata"], "setupFilesAfterEnv": ["<rootDir>/test/jest.setup.ts"] } }
`);
  assert.equal([d.runner, d.source, d.configFile], ['jest', 'config', 'package.json#jest']);
  assert.equal(d.setupFiles, ['reflect-metadata', 'test/jest.setup.ts']);
  assert.equal(d.warnings, []);
  assert.equal(
    tests(d, ['src/a.test.ts', 'src/__tests__/b.ts', 'test/c.spec.ts', 'test/fixtures/d.test.ts', 'test/jest.setup.ts', 'jest.config.js', 'lib/e.test.ts', 'src/a.test.json.snap']),
    ['src/a.test.ts', 'src/__tests__/b.ts', 'test/c.spec.ts'],
  );
});

test('jest: a config module (module.exports, a typed const) with testMatch or testRegex, and moduleFileExtensions', () => {
  const cjs = detect(`//- /package.json
{ "devDependencies": { "jest": "30.0.0" } }
//- /jest.config.js
/** @type {import('jest').Config} */
module.exports = { testMatch: ['<rootDir>/spec/**/*.spec.js'], moduleFileExtensions: ['js'] };
`);
  assert.equal(tests(cjs, ['spec/a.spec.js', 'spec/a.spec.ts', 'src/a.spec.js']), ['spec/a.spec.js']);
  const ts = detect(`//- /package.json
{}
//- /jest.config.ts
import type { Config } from 'jest';
const config: Config = { testRegex: '(/__tests__/.*|(\\\\.|/)(test|spec))\\\\.[jt]sx?$', testPathIgnorePatterns: ['/dist/'] };
export default config;
`);
  assert.equal([ts.runner, ts.configFile], ['jest', 'jest.config.ts']);
  assert.equal(tests(ts, ['src/__tests__/x.ts', 'src/y.test.js', 'dist/y.test.js', 'src/y.ts']), ['src/__tests__/x.ts', 'src/y.test.js']);
});

test('jest: a config computed at run time is reported, and the defaults apply', () => {
  const d = detect(`//- /package.json
{}
//- /jest.config.js
const base = require('../../jest.base');
module.exports = { ...base, testMatch: base.testMatch.concat(['**/*.it.js']) };
`);
  assert.equal(d.runner, 'jest');
  assert.equal(d.unread, ["jest.config.js: testMatch is not a list of literal strings; testgap uses jest's default"]);
  assert.equal(d.warnings, []);
  assert.equal(tests(d, ['a.test.js', 'b.it.js']), ['a.test.js']);
});

test('two configs: the test script says which runner runs', () => {
  const d = detect(`//- /package.json
{ "scripts": { "test": "npm run test:unit", "test:unit": "vitest run" } }
//- /jest.config.js
module.exports = {};
//- /vitest.config.ts
export default { test: {} };
`);
  assert.equal([d.runner, d.configFile], ['vitest', 'vitest.config.ts']);
});

test('mocha: .mocharc spec and extension; the script spec wins; a folder means its files with mocha extensions', () => {
  const rc = detect(`//- /package.json
{ "devDependencies": { "mocha": "^10" } }
//- /.mocharc.json
{ // comments are allowed
  "spec": ["test/**/*.spec.ts"], "require": ["ts-node/register", "./test/setup.js"], "extension": ["ts"], }
`);
  assert.equal([rc.runner, rc.configFile], ['mocha', '.mocharc.json']);
  assert.equal(rc.setupFiles, ['test/setup.js']);
  assert.equal(tests(rc, ['test/a.spec.ts', 'test/setup.js', 'test/deep/b.spec.ts', 'src/a.ts']), ['test/a.spec.ts', 'test/deep/b.spec.ts']);
  const script = detect(`//- /package.json
{ "scripts": { "test": "c8 mocha --timeout 5000 test/unit" } }
`);
  assert.equal([script.runner, script.source], ['mocha', 'script']);
  assert.equal(tests(script, ['test/unit/a.js', 'test/unit/deep/b.js', 'test/other/c.js', 'test/unit/a.ts']), ['test/unit/a.js']);
  const yml = detect(`//- /package.json
{}
//- /.mocharc.yml
recursive: true
spec:
  - 'spec'
`);
  assert.equal(tests(yml, ['spec/a.js', 'spec/deep/b.cjs', 'test/c.js']), ['spec/a.js', 'spec/deep/b.cjs']);
  assert.equal(tests(detect('//- /package.json\n{ "devDependencies": { "mocha": "1" } }\n'), ['test/a.js', 'test/a/b.js', 'a.test.js']), ['test/a.js']);
});

test('node:test: the files the script names, with tsx; Node 20 defaults otherwise', () => {
  const tsx = detect(`//- /package.json
{ "type": "module", "scripts": { "test": "node --import tsx --test test/*.test.ts" } }
`);
  assert.equal([tsx.runner, tsx.source, tsx.version], ['node:test', 'script', '20.20.2']);
  assert.equal(tests(tsx, ['test/a.test.ts', 'test/helpers.ts', 'src/b.test.ts']), ['test/a.test.ts']);
  const bare = detect(`//- /package.json
{ "scripts": { "test": "node --test" } }
`);
  assert.equal(tests(bare, ['a.test.js', 'lib/b-test.mjs', 'test/c.js', 'src/d.js', 'x.test.ts']), ['a.test.js', 'lib/b-test.mjs', 'test/c.js']);
});

test('uvu: the folder and pattern the script gives, as uvu reads them', () => {
  const d = detect(`//- /package.json
{ "scripts": { "test": "uvu -r tsx test '\\\\.test\\\\.ts$'" } }
`);
  assert.equal([d.runner, d.source], ['uvu', 'script']);
  assert.equal(tests(d, ['test/a.test.ts', 'test/deep/b.test.ts', 'test/helper.ts', 'src/c.test.ts']), ['test/a.test.ts', 'test/deep/b.test.ts']);
  const dirOnly = detect(`//- /package.json
{ "scripts": { "test": "uvu tests" } }
`);
  assert.equal(tests(dirOnly, ['tests/a.js', 'tests/sub/b.ts', 'src/c.js']), ['tests/a.js', 'tests/sub/b.ts']);
});

test('dependencies, then the imports of existing tests, then the defaults: uvu for TypeScript, node:test for JavaScript', () => {
  assert.equal(detect('//- /package.json\n{ "devDependencies": { "jest": "29" } }\n').evidence, 'devDependencies.jest');
  const imported = detect('//- /package.json\n{}\n', 'auto', '20.20.2', ['node:assert', 'vitest', 'vitest', '@jest/globals']);
  assert.equal([imported.runner, imported.source, imported.evidence], ['vitest', 'imports', 'existing tests import vitest']);
  assert.equal(imported.tests, undefined, 'no configuration names the files: testgap keeps its own globs');
  assert.equal([detect('//- /package.json\n{}\n//- /tsconfig.json\n{}\n').runner, detect('//- /package.json\n{}\n').runner], ['uvu', 'node:test']);
});

test('the setting wins over everything the package says', () => {
  const d = detect(`//- /package.json
{ "scripts": { "test": "jest" } }
`, 'mocha');
  assert.equal([d.runner, d.source], ['mocha', 'setting']);
});

test('scripts: runners behind wrappers and paths; words that merely contain a runner name do not count', () => {
  assert.is(runnerOfScript('cross-env NODE_ENV=test ./node_modules/.bin/jest --ci'), 'jest');
  assert.is(runnerOfScript('tsc -p . && node --test dist/'), 'node:test');
  assert.is(runnerOfScript('react-scripts test --watchAll=false'), 'jest');
  assert.is(runnerOfScript('nyc _mocha'), 'mocha');
  assert.is(runnerOfScript('echo "jest-like" && tap test/*.js'), undefined);
});

test('config objects are read without running them: arrow functions, satisfies, and what is not a literal', () => {
  const arrow = readConfigObject("export default defineConfig(() => ({ test: { include: ['a/**'] } }));", 'vitest.config.ts', (o) => 'test' in o);
  assert.equal(arrow.value, { test: { include: ['a/**'] } });
  const sat = readConfigObject("export default { testMatch: ['x'] } satisfies Config;", 'jest.config.ts', () => true);
  assert.equal(sat.value, { testMatch: ['x'] });
  assert.equal(readConfigObject('const x = 1;', 'jest.config.js', () => true).problem, 'no `export default` or `module.exports =` found');
  assert.equal(readConfigObject('module.exports = makeConfig();', 'jest.config.js', () => true).problem, 'its exported config is not an object literal testgap can read');
});

test('the loaders a test script runs its tests with: --import, --loader, -r, tsx, NODE_OPTIONS, .mocharc require', () => {
  assert.equal(preloadOf('node --import tsx --test test/*.test.ts', 'node:test'), { import: ['tsx'], require: [] });
  assert.equal(preloadOf('tsx --test', 'node:test'), { import: ['tsx'], require: [] });
  assert.equal(preloadOf('NODE_OPTIONS="--loader=ts-node/esm" mocha -r ts-node/register -r ./test/setup.js', 'mocha'), { import: ['ts-node/esm'], require: ['ts-node/register'] });
  assert.equal(preloadOf('uvu -r tsx test', 'uvu'), { import: [], require: ['tsx'] });
  assert.equal(preloadOf('tsc && node --test dist/', 'node:test'), { import: [], require: [] });
  const rc = detect(`//- /package.json
{ "scripts": { "test": "mocha" } }
//- /.mocharc.json
{ "require": ["ts-node/register", "./test/hooks.ts"], "spec": "test/**/*.spec.ts" }
`);
  assert.equal(rc.preload, { import: [], require: ['ts-node/register'] });
  assert.equal(rc.setupFiles, ['test/hooks.ts']);
  assert.is(detect('//- /package.json\n{ "scripts": { "test": "vitest run" } }\n').preload, undefined);
});

test.run();
