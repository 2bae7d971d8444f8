import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPrice, Cart } from '../src';

test('formatPrice: dollars and cents', () => {
  assert.is(formatPrice(1999), '$19.99');
});

test('Cart: adds up items', () => {
  const cart = new Cart('ada').add('apple', 50, 3);
  assert.is(cart.total, 150);
});

test.run();
