import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Square } from '../src/shape.js';

await test('a square describes itself through what it inherits', () => {
  const square = new Square(2);
  assert.equal(square.describe(), 'square of area 4.00');
});
