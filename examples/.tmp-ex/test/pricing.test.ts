import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPrice, Cart } from '../src';
import { suite } from 'uvu';
import fc from 'fast-check';
import { applyDiscount, parsePrice } from '../src/pricing';

test('formatPrice: dollars and cents', () => {
  assert.is(formatPrice(1999), '$19.99');
});

test('Cart: adds up items', () => {
  const cart = new Cart('ada').add('apple', 50, 3);
  assert.is(cart.total, 150);
});

test.run();

// testgap: src/pricing.ts#applyDiscount
const applyDiscountTests = suite('applyDiscount');

const applyDiscountReturns: [name: string, args: Parameters<typeof applyDiscount>, expected: ReturnType<typeof applyDiscount>][] = [
  ['applyDiscount(1, 1) returns 1', [1, 1], 1],
  ['applyDiscount(0, 1) returns 0', [0, 1], 0],
  ['applyDiscount(-1, 1) returns -1', [-1, 1], -1],
  ['applyDiscount(NaN, 1) returns NaN', [NaN, 1], NaN],
  ['applyDiscount(Infinity, 1) returns Infinity', [Infinity, 1], Infinity],
];
for (const [name, args, expected] of applyDiscountReturns) {
  applyDiscountTests(name, () => {
    assert.equal(applyDiscount(...args), expected);
  });
}

const applyDiscountThrows: [name: string, args: Parameters<typeof applyDiscount>, errorClass: string, message: string][] = [
  ['applyDiscount(1, -1) throws RangeError', [1, -1], 'RangeError', 'percent must be within 0..100, got -1'],
];
for (const [name, args, errorClass, message] of applyDiscountThrows) {
  applyDiscountTests(name, () => {
    assert.throws(() => applyDiscount(...args), (error: unknown) => error instanceof Error && error.constructor.name === errorClass && error.message === message);
  });
}

applyDiscountTests('applyDiscount: returns a number for any arguments (property)', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (cents, percent) => typeof applyDiscount(cents, percent) === 'number'), { numRuns: 100, seed: 42 });
});

applyDiscountTests.run();

// testgap: src/pricing.ts#parsePrice
const parsePriceTests = suite('parsePrice');

const parsePriceReturns: [name: string, args: Parameters<typeof parsePrice>, expected: ReturnType<typeof parsePrice>][] = [
  ['parsePrice(\'0\') returns 0', ['0'], 0],
];
for (const [name, args, expected] of parsePriceReturns) {
  parsePriceTests(name, () => {
    assert.equal(parsePrice(...args), expected);
  });
}

const parsePriceThrows: [name: string, args: Parameters<typeof parsePrice>, errorClass: string, message: string][] = [
  ['parsePrice(\'a\') throws SyntaxError', ['a'], 'SyntaxError', 'not a price: "a"'],
];
for (const [name, args, errorClass, message] of parsePriceThrows) {
  parsePriceTests(name, () => {
    assert.throws(() => parsePrice(...args), (error: unknown) => error instanceof Error && error.constructor.name === errorClass && error.message === message);
  });
}

parsePriceTests('parsePrice(formatPrice(x)) gives x back, for any natural number (property)', () => {
  fc.assert(fc.property(fc.nat(), (x) => {
      assert.equal(parsePrice(formatPrice(x)), x);
    }), { numRuns: 100, seed: 42 });
});

parsePriceTests.run();
