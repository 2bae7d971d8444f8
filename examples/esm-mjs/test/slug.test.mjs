import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slug } from '../lib/slug.mjs';

await test('slug', () => {
  assert.equal(slug('  Hello, World  '), 'hello-world');
  assert.throws(() => slug(1), TypeError);
});
