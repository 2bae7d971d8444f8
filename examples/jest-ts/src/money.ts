import { currency } from './currency';

// An amount in minor units of a registered currency.
export class Money {
  constructor(
    readonly minor: number,
    readonly code: string,
  ) {}

  get major(): number {
    return this.minor / 10 ** currency(this.code).decimals;
  }

  get label(): string {
    const c = currency(this.code);
    return `${c.symbol}${this.major.toFixed(c.decimals)}`;
  }

  plus(other: Money): Money {
    if (other.code !== this.code) throw new Error(`cannot add ${other.code} to ${this.code}`);
    return new Money(this.minor + other.minor, this.code);
  }
}

export function split(total: Money, parts: number): Money[] {
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError('parts must be a positive integer');
  const base = Math.floor(total.minor / parts);
  const rest = total.minor - base * parts;
  return Array.from({ length: parts }, (_, i) => new Money(base + (i < rest ? 1 : 0), total.code));
}
