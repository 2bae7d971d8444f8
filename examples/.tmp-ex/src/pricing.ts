export type Currency = 'USD' | 'EUR' | 'GBP';

const SYMBOLS: Record<Currency, string> = { USD: '$', EUR: '€', GBP: '£' };

/**
 * Formats an amount in cents for display.
 * @param cents a whole number of cents
 * @example formatPrice(1999) // '$19.99'
 * @throws {TypeError} when cents is not an integer
 */
export function formatPrice(cents: number, currency: Currency = 'USD'): string {
  if (!Number.isInteger(cents)) throw new TypeError(`cents must be an integer, got ${cents}`);
  const sign = cents < 0 ? '-' : '';
  return `${sign}${SYMBOLS[currency]}${(Math.abs(cents) / 100).toFixed(2)}`;
}

/** Applies a percentage discount, rounding to the nearest cent. */
export const applyDiscount = (cents: number, percent: number): number => {
  if (percent < 0 || percent > 100) throw new RangeError(`percent must be within 0..100, got ${percent}`);
  return Math.round(cents * (1 - percent / 100));
};

/** Parses "12.34" or "$12.34" into cents. */
export function parsePrice(text: string): number {
  const match = /^\s*[$€£]?\s*(\d+)(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) throw new SyntaxError(`not a price: ${JSON.stringify(text)}`);
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}
