// A registry of currencies: filled at startup (jest.setup.ts in the tests).
export interface Currency {
  code: string;
  symbol: string;
  decimals: number;
}

const known = new Map<string, Currency>();

export function register(c: Currency): void {
  if (!/^[A-Z]{3}$/.test(c.code)) throw new RangeError(`not a currency code: ${c.code}`);
  known.set(c.code, c);
}

export function currency(code: string): Currency {
  const c = known.get(code);
  if (!c) throw new Error(`unknown currency ${code}`);
  return c;
}
