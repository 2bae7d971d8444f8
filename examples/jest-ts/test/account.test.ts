import { expect, it } from '@jest/globals';
import { Savings } from '../src/account';
import { Money } from '../src/money';

it('adds interest to a savings account', () => {
  const s = new Savings('EUR').deposit(new Money(1000, 'EUR'));
  s.addInterest(0.05);
  expect(s.total.minor).toBe(1050);
});
