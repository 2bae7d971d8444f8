// Runner detection and the runner's own test files, on inline fixtures of the shapes public packages have.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { detectRunner, preloadOf, readConfigObject, runnerOfScript, sourceFileMatcher, testFileMatcher, type RunnerDetection, type RunnerSetting } from '../../server/src/core/runner';
import { FIXTURE_ROOT, memoryHost, parseFixture } from '../helpers/fixture';
import { fixtureProject } from '../helpers/project';

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

test('the test environment: vitest test.environment and jest testEnvironment; Node\'s own is no environment to set up', () => {
  const vitest = (env: string) => detect(`//- /package.json\n{ "devDependencies": { "vitest": "^4" } }\n//- /vitest.config.ts\nexport default { test: { environment: '${env}' } };\n`);
  assert.is(vitest('jsdom').testEnvironment, 'jsdom');
  assert.is(vitest('happy-dom').testEnvironment, 'happy-dom');
  assert.is(vitest('node').testEnvironment, undefined);
  const jest = (env: string) => detect(`//- /package.json\n{ "devDependencies": { "jest": "^30" }, "jest": { "testEnvironment": "${env}" } }\n`);
  assert.is(jest('jsdom').testEnvironment, 'jsdom');
  assert.is(jest('jest-environment-jsdom').testEnvironment, 'jest-environment-jsdom');
  assert.is(jest('node').testEnvironment, undefined);
  assert.is(detect(`//- /package.json\n{ "devDependencies": { "jest": "^30" } }\n`).testEnvironment, undefined);
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
  const node22 = detect(`//- /package.json\n{ "devDependencies": { "vitest": "^5" } }\n${INSTALLED('vitest', '5.1.2')}`, 'auto', '22.12.0');
  assert.equal([node22.runner, node22.version, node22.warnings], ['vitest', '5.1.2', []]);
  assert.is(detect(`//- /package.json\n{}\n${INSTALLED('vitest', '5.1.2')}`).runner, 'node:test', 'installed but not declared: some other tool brought it');
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

test('the loaders a test script runs its tests with: packages, hooks and setup files, from the command that runs the tests', () => {
  const none = { import: [], require: [], hooks: [], setup: [] };
  assert.equal(preloadOf('node --import tsx --test test/*.test.ts', 'node:test'), { ...none, import: ['tsx'] });
  assert.equal(preloadOf('node --import "tsx" --test', 'node:test'), { ...none, import: ['tsx'] }, 'quotes removed');
  assert.equal(preloadOf('tsx --test', 'node:test'), { ...none, import: ['tsx'] });
  assert.equal(preloadOf('NODE_OPTIONS="--import tsx" node --test', 'node:test'), { ...none, import: ['tsx'] });
  assert.equal(preloadOf('node scripts/build.js && node --import tsx --test test/', 'node:test'), { ...none, import: ['tsx'] }, 'the command that runs the tests');
  assert.equal(preloadOf('c8 -r lcov node --test', 'node:test'), none, "c8's -r is not Node's");
  assert.equal(preloadOf('node --test --import tsx test/', 'node:test'), none, 'after --test it is not an option of Node');
  assert.equal(preloadOf('node --loader ts-node/esm --import ./test/setup.mjs --test', 'node:test'), { ...none, hooks: ['ts-node/esm'], setup: ['./test/setup.mjs'] });
  assert.equal(preloadOf('mocha -r ts-node/register -r ./test/setup.js', 'mocha'), { ...none, require: ['ts-node/register'], setup: ['./test/setup.js'] });
  assert.equal(preloadOf('uvu -r tsx test', 'uvu'), { ...none, require: ['tsx'] });
  assert.equal(preloadOf('tsc && node --test dist/', 'node:test'), none);
  const rc = detect(`//- /package.json
{ "scripts": { "test": "mocha" } }
//- /.mocharc.json
{ "require": ["ts-node/register", "./test/hooks.ts"], "spec": "test/**/*.spec.ts", "node-option": ["loader=ts-node/esm"] }
`);
  assert.equal(rc.preload, { import: [], require: ['ts-node/register'], hooks: ['ts-node/esm'], setup: ['./test/hooks.ts'] });
  assert.equal(rc.setupFiles, ['test/hooks.ts']);
  assert.is(detect('//- /package.json\n{ "scripts": { "test": "vitest run" } }\n').preload, undefined);
});

test('folders in scripts: trailing slashes, Node searching a folder with its default patterns, the root', () => {
  const slash = detect('//- /package.json\n{ "scripts": { "test": "node --test test/" } }\n');
  assert.equal(tests(slash, ['test/a.test.js', 'test/helper.js', 'src/b.test.js']), ['test/a.test.js', 'test/helper.js'], 'under test/ every .js is a test to Node');
  const src = detect('//- /package.json\n{ "scripts": { "test": "node --test src" } }\n');
  assert.equal(tests(src, ['src/a.js', 'src/a.test.js', 'src/deep/b-test.mjs']), ['src/a.test.js', 'src/deep/b-test.mjs']);
  assert.equal(tests(detect('//- /package.json\n{ "scripts": { "test": "uvu ./tests/ .spec.js" } }\n'), ['tests/a.spec.js', 'tests/a.js']), ['tests/a.spec.js']);
});

test("mocha's default spec is the folder test, with the extensions and recursion of its config", () => {
  const ts = detect(`//- /package.json
{ "devDependencies": { "mocha": "10" } }
//- /.mocharc.json
{ "extension": ["ts"], "recursive": true }
`);
  assert.equal(tests(ts, ['test/a.spec.ts', 'test/sub/b.ts', 'test/c.js', 'src/d.ts']), ['test/a.spec.ts', 'test/sub/b.ts', 'test/c.js']);
});

test('jest: rootDir, roots with a trailing slash, .mts tests, and the --config the script names', () => {
  const d = detect(`//- /package.json
{ "jest": { "rootDir": "src", "roots": ["<rootDir>/"], "testPathIgnorePatterns": ["<rootDir>/fixtures/"] } }
`);
  assert.equal(tests(d, ['src/a.test.ts', 'src/b.test.mts', 'test/c.test.ts', 'src/fixtures/d.test.ts']), ['src/a.test.ts', 'src/b.test.mts']);
  const e2e = detect(`//- /package.json
{ "scripts": { "test": "jest --config ./test/jest-e2e.json" } }
//- /test/jest-e2e.json
{ "rootDir": ".", "testRegex": ".e2e-spec.ts$" }
`);
  assert.equal([e2e.source, e2e.configFile, e2e.evidence], ['config', 'test/jest-e2e.json', 'test/jest-e2e.json (--config in scripts.test)']);
  assert.equal(tests(e2e, ['test/app.e2e-spec.ts', 'src/app.e2e-spec.ts', 'test/app.spec.ts']), ['test/app.e2e-spec.ts'], '<rootDir> is the config file\'s folder');
});

test('project: beside the runner\'s tests, their helpers, fixtures and mocks are neither tests nor sources', () => {
  const { project, untested } = fixtureProject(`//- /package.json
{ "devDependencies": { "vitest": "4" } }
//- /vitest.config.ts
export default { test: { include: ['test/**/*.test.ts'] } };
//- /src/a.ts
export function a(): number { return 1; }
export function b(): number { return 2; }
//- /test/a.test.ts
import { a } from '../src/a';
it('a', () => expect(a()).toBe(1));
//- /test/helpers.ts
import { b } from '../src/a';
export const two = () => b();
//- /src/__mocks__/fs.ts
export function readFileSync(): string { return ''; }
`);
  const classes = project.knownFiles().map((f) => `${project.isTestFile(f) ? 'test' : 'source'} ${project.relative(f)}`);
  assert.equal(classes.sort(), ['source src/a.ts', 'test test/a.test.ts']);
  assert.equal(untested('src/a.ts'), ['b'], 'a helper that calls b is not a test of it');
});

test('sources: vitest coverage.include/exclude and jest collectCoverageFrom (with !) and coveragePathIgnorePatterns', () => {
  const v = detect(`//- /package.json
{ "devDependencies": { "vitest": "^4.1.0" } }
//- /vitest.config.ts
export default { test: { coverage: { include: ['src/**/*.ts'], exclude: ['src/generated/**'] } } };
`);
  assert.equal(v.sources, { include: ['src/**/*.ts'], exclude: ['src/generated/**'], excludeRegex: [] });
  const isV = sourceFileMatcher(v.sources!);
  assert.equal(['src/a.ts', 'src/generated/b.ts', 'scripts/c.ts', 'src/d.js'].filter(isV), ['src/a.ts']);
  // A pattern ending in `/` takes the files below it (zustand's `include: ['src/**/']`).
  const folder = detect(`//- /package.json\n{ "devDependencies": { "vitest": "^4.1.0" } }\n//- /vitest.config.ts\nexport default { test: { coverage: { include: ['src/**/'] } } };\n`);
  assert.equal(['src/a.ts', 'src/m/b.ts', 'examples/src/c.ts', 'tests/d.ts'].filter(sourceFileMatcher(folder.sources!)), ['src/a.ts', 'src/m/b.ts']);
  const j = detect(`//- /package.json
{ "jest": { "rootDir": "pkg", "collectCoverageFrom": ["src/**/*.{js,ts}", "!src/**/*.d.ts", "!**/vendor/**"], "coveragePathIgnorePatterns": ["<rootDir>/src/legacy/"] } }
`);
  assert.equal(j.sources, { include: ['pkg/src/**/*.{js,ts}'], exclude: ['pkg/src/**/*.d.ts', 'pkg/**/vendor/**'], excludeRegex: ['^/pkg/src/legacy/'] });
  const isJ = sourceFileMatcher(j.sources!);
  assert.equal(['pkg/src/a.ts', 'pkg/src/x.d.ts', 'pkg/src/vendor/v.js', 'pkg/src/legacy/old.js', 'pkg/lib/b.js'].filter(isJ), ['pkg/src/a.ts']);
  const none = detect(`//- /package.json
{ "jest": { "testEnvironment": "node" } }
`);
  assert.is(none.sources, undefined, 'nothing named: every file that is not a test is a source');
});

test('project: what the runner\'s coverage config leaves out is not a source, and gets no finding', () => {
  const { project, untested } = fixtureProject(`//- /package.json
{ "devDependencies": { "vitest": "4" } }
//- /vitest.config.ts
export default { test: { include: ['src/**/*.test.ts'], coverage: { include: ['src/**'] } } };
//- /src/a.ts
export function a(): number { return 1; }
//- /src/a.test.ts
import { a } from './a';
it('a', () => expect(a()).toBe(1));
//- /scripts/release.ts
export function release(): void {}
`);
  const classes = project.knownFiles().map((f) => `${project.isTestFile(f) ? 'test' : 'source'} ${project.relative(f)}`);
  assert.equal(classes.sort(), ['source src/a.ts', 'test src/a.test.ts']);
  assert.equal(untested('src/a.ts'), []);
});

test('project: when the runner\'s files are compiled output, the default globs find the tests', () => {
  const { project, untested } = fixtureProject(`//- /package.json
{ "scripts": { "test": "tsc && node --test dist/test" } }
//- /tsconfig.json
{ "compilerOptions": { "outDir": "dist" } }
//- /src/a.ts
export function a(): number { return 1; }
//- /test/a.test.ts
import { a } from '../src/a';
a();
`);
  assert.equal(project.knownFiles().filter((f) => project.isTestFile(f)).map((f) => project.relative(f)), ['test/a.test.ts']);
  assert.equal(untested('src/a.ts'), []);
  assert.is(project.runner().tests, undefined, 'testFilePattern decides, and the detection says so');
  assert.match(project.runner().unread.join('\n'), /are none of this project's sources/);
});

test('project: with no runner in the package files, the imports of its tests name it', () => {
  const { project } = fixtureProject(`//- /package.json
{}
//- /test/a.test.ts
import { describe, it } from 'vitest';
//- /test/b.spec.ts
const { test } = require('node:test');
import { expect } from 'vitest';
`);
  assert.equal([project.runner().runner, project.runner().source, project.runner().evidence], ['vitest', 'imports', 'existing tests import vitest']);
});

test('project: a runner config that changes re-classifies files and keeps the text of open documents', () => {
  const f = fixtureProject(`//- /package.json
{ "devDependencies": { "vitest": "4" } }
//- /src/a.ts
export function a(): number { return 1; }
//- /spec/a.check.ts
import { a } from '../src/a';
a();
`);
  const src = f.fixture.path('src/a.ts');
  f.project.setOverlay(src, 'export function a(): number { return 1; }\nexport function sub(): number { return 0; }\n');
  assert.equal(f.untested('src/a.ts'), ['a', 'sub'], 'vitest does not take spec/a.check.ts');
  f.host.files.set(f.fixture.path('vitest.config.ts'), "export default { test: { include: ['spec/**/*.check.ts'] } };");
  f.project.configChanged();
  assert.equal(f.untested('src/a.ts'), ['sub'], 'the unsaved export is still there, and a() is tested now');
});

test.run();
