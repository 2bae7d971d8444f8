import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_SETTINGS } from '../../server/src/core/settings';
import { detectTestLayout, expectedTestPath, makeMatcher } from '../../server/src/core/testPaths';

const layoutOf = (tests: string[], testDir: string | null = null) => detectTestLayout(tests, testDir);

test('default patterns recognise the usual test locations and nothing else', () => {
  const isTest = makeMatcher(DEFAULT_SETTINGS.testFilePattern);
  for (const p of ['test/a.ts', 'test/deep/b.js', 'tests/c.mjs', 'src/__tests__/d.ts', 'src/e.test.ts', 'lib/f.spec.cjs', 'g.test.tsx']) {
    assert.ok(isTest(p), p);
  }
  for (const p of ['src/a.ts', 'src/testing.ts', 'src/contest/a.ts', 'lib/latest.js', 'src/test.ts']) assert.not.ok(isTest(p), p);
});

test('mapping rule: strip src/, mirror under test/, keep the extension family', () => {
  const layout = layoutOf([]);
  assert.is(expectedTestPath('src/core/pricing.ts', layout), 'test/core/pricing.test.ts');
  assert.is(expectedTestPath('src/a.tsx', layout), 'test/a.test.tsx');
  assert.is(expectedTestPath('lib/b.mjs', layout), 'test/lib/b.test.mjs');
  assert.is(expectedTestPath('c.cjs', layout), 'test/c.test.cjs');
  assert.is(expectedTestPath('src/d.mts', layout), 'test/d.test.mts');
});

test('the project\'s own layout is followed: tests/, colocated, __tests__, .spec', () => {
  assert.is(expectedTestPath('src/a.ts', layoutOf(['tests/x.test.ts', 'tests/y.test.ts'])), 'tests/a.test.ts');
  assert.is(expectedTestPath('src/core/a.ts', layoutOf(['src/x.test.ts', 'src/core/y.test.ts'])), 'src/core/a.test.ts');
  assert.is(expectedTestPath('src/core/a.ts', layoutOf(['src/__tests__/x.ts'])), 'src/core/__tests__/a.test.ts');
  assert.is(expectedTestPath('src/a.js', layoutOf(['test/x.spec.js', 'test/y.spec.js', 'test/z.test.js'])), 'test/a.spec.js');
});

test('the testDir setting wins over detection', () => {
  assert.is(expectedTestPath('src/a.ts', layoutOf(['src/x.test.ts'], './spec/unit/')), 'spec/unit/a.test.ts');
});

test.run();
