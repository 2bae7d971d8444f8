// Tests for src/cart.ts, written by testgap. Every case ran and passed before it was written;
// expected values are what the code returned (or what its documentation says, where it says).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Cart } from '../src/cart';

// testgap: src/cart.ts#Cart.prototype.remove
const cartRemoveTests = suite<{ cart: Cart }>('Cart.remove', {} as { cart: Cart });
cartRemoveTests.before.each((context) => {
  context.cart = new Cart('a');
});

const cartRemoveReturns: [name: string, args: Parameters<Cart['remove']>, expected: ReturnType<Cart['remove']>][] = [
  ['Cart.remove(\'a\') returns false', ['a'], false],
];
for (const [name, args, expected] of cartRemoveReturns) {
  cartRemoveTests(name, ({ cart }) => {
    assert.equal(cart.remove(...args), expected);
  });
}

cartRemoveTests.run();

// testgap: src/cart.ts#Cart.prototype.totalWithDiscount
const cartTotalWithDiscountTests = suite<{ cart: Cart }>('Cart.totalWithDiscount', {} as { cart: Cart });
cartTotalWithDiscountTests.before.each((context) => {
  context.cart = new Cart('a');
});

const cartTotalWithDiscountReturns: [name: string, args: Parameters<Cart['totalWithDiscount']>, expected: ReturnType<Cart['totalWithDiscount']>][] = [
  ['Cart.totalWithDiscount(1) returns 0', [1], 0],
  ['Cart.totalWithDiscount(NaN) returns NaN', [NaN], NaN],
];
for (const [name, args, expected] of cartTotalWithDiscountReturns) {
  cartTotalWithDiscountTests(name, ({ cart }) => {
    assert.equal(cart.totalWithDiscount(...args), expected);
  });
}

const cartTotalWithDiscountThrows: [name: string, args: Parameters<Cart['totalWithDiscount']>, errorClass: string, message: string][] = [
  ['Cart.totalWithDiscount(-1) throws RangeError', [-1], 'RangeError', 'percent must be within 0..100, got -1'],
];
for (const [name, args, errorClass, message] of cartTotalWithDiscountThrows) {
  cartTotalWithDiscountTests(name, ({ cart }) => {
    assert.throws(() => cart.totalWithDiscount(...args), (error: unknown) => error instanceof Error && error.constructor.name === errorClass && error.message === message);
  });
}

cartTotalWithDiscountTests.run();

// testgap: src/cart.ts#Cart.fromItems
const cartFromItemsTests = suite('Cart.fromItems');

const cartFromItemsInstances: [name: string, args: Parameters<typeof Cart.fromItems>, className: string, properties: Record<string, unknown>][] = [
  ['Cart.fromItems(\'a\', [{ sku: \'a\', cents: 1, quantity: 1 }]) returns a Cart', ['a', [{ sku: 'a', cents: 1, quantity: 1 }]], 'Cart', { owner: 'a', items: new Map([['a', { sku: 'a', cents: 1, quantity: 1 }]]) }],
];
for (const [name, args, className, properties] of cartFromItemsInstances) {
  cartFromItemsTests(name, () => {
    const result = Cart.fromItems(...args);
    assert.is(result.constructor.name, className);
    assert.equal({ ...result }, properties);
  });
}

cartFromItemsTests.run();
