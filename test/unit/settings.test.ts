import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_SETTINGS, packageJsonSettingsLayer, resolveSettings } from '../../server/src/core/settings';

test('no layers gives the defaults', () => {
  const r = resolveSettings([]);
  assert.equal(r.settings, DEFAULT_SETTINGS);
  assert.equal(r.warnings, []);
});

test('later layers win, key by key, and nested objects merge', () => {
  const r = resolveSettings([
    { origin: 'package.json', value: { testDir: 'spec', propertyRuns: { fast: 10 } } },
    { origin: 'client', value: { testDir: 'tests', coverageTargets: { unit: 90 } } },
  ]);
  assert.is(r.settings.testDir, 'tests');
  assert.equal(r.settings.propertyRuns, { default: 100, fast: 10, thorough: 200 });
  assert.equal(r.settings.coverageTargets, { unit: 90, integration: 70 });
  assert.equal(r.warnings, []);
});

test('unknown keys and invalid values fall back to the default with a warning naming them', () => {
  const r = resolveSettings([
    { origin: 'client', value: { diagnosticSeverity: 'loud', timeoutMs: -5, colour: 'red', propertyRuns: { fast: 'x', slow: 3 }, llm: 7 } },
  ]);
  assert.is(r.settings.diagnosticSeverity, 'information');
  assert.is(r.settings.timeoutMs, DEFAULT_SETTINGS.timeoutMs);
  assert.equal(r.settings.propertyRuns, DEFAULT_SETTINGS.propertyRuns);
  assert.equal(r.warnings, [
    'client: testgap.diagnosticSeverity = "loud" is not valid; using the default "information"',
    'client: testgap.timeoutMs = -5 is not valid; using the default 5000',
    'client: unknown setting testgap.colour ignored',
    'client: testgap.propertyRuns.fast = "x" is not valid; keeping 50',
    'client: unknown setting testgap.propertyRuns.slow ignored',
    'client: testgap.llm must be an object, got 7; using the default',
  ]);
});

test('a single glob string is taken as a list; a non-object layer is ignored with a warning', () => {
  const r = resolveSettings([
    { origin: 'a', value: { testFilePattern: 'spec/**' } },
    { origin: 'b', value: 'nonsense' },
  ]);
  assert.equal(r.settings.testFilePattern, ['spec/**']);
  assert.equal(r.warnings, ['b: settings must be an object, got "nonsense"; ignored']);
});

test('settings layers do not share objects with the defaults', () => {
  const r = resolveSettings([{ origin: 'a', value: { coverageTargets: { unit: 10 } } }]);
  assert.is(DEFAULT_SETTINGS.coverageTargets.unit, 85);
  assert.is(r.settings.coverageTargets.unit, 10);
});

test('package.json: the "testgap" field is a layer; broken JSON is a warning', () => {
  assert.equal(packageJsonSettingsLayer('{"testgap":{"testDir":"t"}}', 'package.json').layer, { origin: 'package.json', value: { testDir: 't' } });
  assert.equal(packageJsonSettingsLayer('{"name":"x"}', 'package.json'), {});
  assert.equal(packageJsonSettingsLayer(undefined, 'package.json'), {});
  assert.match(packageJsonSettingsLayer('{nope', 'package.json').warning!, /package.json: cannot parse/);
});

test('keys from the prototype chain are unknown settings, and nothing reaches Object.prototype', () => {
  const r = resolveSettings([
    { origin: 'package.json', value: JSON.parse('{"hasOwnProperty": true, "__proto__": {"constructor": 7}, "toString": 1, "propertyRuns": {"__proto__": {"polluted": 1}, "valueOf": 2}}') },
  ]);
  assert.equal(r.settings, DEFAULT_SETTINGS);
  assert.equal(r.warnings, [
    'package.json: unknown setting testgap.hasOwnProperty ignored',
    'package.json: unknown setting testgap.__proto__ ignored',
    'package.json: unknown setting testgap.toString ignored',
    'package.json: unknown setting testgap.propertyRuns.__proto__ ignored',
    'package.json: unknown setting testgap.propertyRuns.valueOf ignored',
  ]);
  assert.is(({} as Record<string, unknown>).constructor, Object);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

test.run();
