'use strict';
// An older CommonJS helper module, still used by the checkout page.

/**
 * Rounds cents to a "nice" price ending in 99.
 * @param {number} cents
 * @returns {number}
 */
function charmPrice(cents) {
  return Math.max(99, Math.round(cents / 100) * 100 - 1);
}

/**
 * @param {string} code
 * @returns {boolean}
 */
function isCouponCode(code) {
  return /^[A-Z]{4}-\d{4}$/.test(code);
}

module.exports = { charmPrice, isCouponCode };
