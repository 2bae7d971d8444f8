import type { Currency } from './types.js';

/** Whole cents of an amount, rounded half away from zero. */
export function cents(amount: number): number {
  if (!Number.isFinite(amount)) throw new RangeError(`not an amount: ${amount}`);
  return Math.sign(amount) * Math.round(Math.abs(amount) * 100);
}

/** An amount of cents as text: `12.50 EUR`. */
export function format(amountInCents: number, currency: Currency): string {
  const sign = amountInCents < 0 ? '-' : '';
  return `${sign}${(Math.abs(amountInCents) / 100).toFixed(2)} ${currency}`;
}
