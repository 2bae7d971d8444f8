import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cents } from '../src/money.js';

// Top-level await: the test file is an ES module, as its package says.
const rate = await Promise.resolve(1.5);

await test('cents rounds half away from zero', () => {
  assert.equal(cents(rate), 150);
  assert.equal(cents(-0.125), -13);
  assert.throws(() => cents(Number.NaN), RangeError);
});
