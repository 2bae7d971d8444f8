// Tests for lib/legacy.js, written by testgap. Every case ran and passed before it was written;
// expected values are what the code returned (or what its documentation says, where it says).
const { suite } = require('uvu');
const assert = require('uvu/assert');
const fc = require('fast-check');
const { charmPrice, isCouponCode } = require('../../lib/legacy');

// testgap: lib/legacy.js#charmPrice
const charmPriceTests = suite('charmPrice');

const charmPriceReturns = [
  ['charmPrice(1) returns 99', [1], 99],
  ['charmPrice(NaN) returns NaN', [NaN], NaN],
  ['charmPrice(Infinity) returns Infinity', [Infinity], Infinity],
];
for (const [name, args, expected] of charmPriceReturns) {
  charmPriceTests(name, () => {
    assert.equal(charmPrice(...args), expected);
  });
}

charmPriceTests('charmPrice: returns a number for any number (property)', () => {
  fc.assert(fc.property(fc.double(), (cents) => typeof charmPrice(cents) === 'number'), { numRuns: 100, seed: 42 });
});

charmPriceTests('charmPrice: applying it twice changes nothing, for any number (property)', () => {
  fc.assert(fc.property(fc.double(), (cents) => {
      const once = charmPrice(cents);
      assert.equal(charmPrice(once), once);
    }), { numRuns: 100, seed: 42 });
});

charmPriceTests.run();

// testgap: lib/legacy.js#isCouponCode
const isCouponCodeTests = suite('isCouponCode');

const isCouponCodeReturns = [
  ['isCouponCode(\'a\') returns false', ['a'], false],
];
for (const [name, args, expected] of isCouponCodeReturns) {
  isCouponCodeTests(name, () => {
    assert.equal(isCouponCode(...args), expected);
  });
}

isCouponCodeTests('isCouponCode: returns a boolean for any string (property)', () => {
  fc.assert(fc.property(fc.string(), (code) => typeof isCouponCode(code) === 'boolean'), { numRuns: 100, seed: 42 });
});

isCouponCodeTests.run();
