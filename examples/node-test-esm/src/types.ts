export type Currency = 'EUR' | 'USD';

export interface Priced {
  price: number;
  currency: Currency;
}
