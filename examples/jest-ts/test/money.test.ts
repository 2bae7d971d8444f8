import { describe, expect, it } from '@jest/globals';
import { Money, split } from '../src/money';

describe('Money', () => {
  it('labels amounts in the registered currency', () => {
    expect(new Money(1234, 'EUR')).toMatchObject({ major: 12.34, label: '€12.34' });
    expect(new Money(500, 'JPY').label).toBe('¥500');
  });

  it('adds amounts of one currency', () => {
    expect(new Money(1, 'EUR').plus(new Money(2, 'EUR')).minor).toBe(3);
    expect(() => new Money(1, 'EUR').plus(new Money(2, 'JPY'))).toThrow('cannot add JPY to EUR');
  });
});

describe('split', () => {
  it.each([
    [10, 3, [4, 3, 3]],
    [9, 3, [3, 3, 3]],
  ])('%i in %i parts', (minor, parts, expected) => {
    expect(split(new Money(minor, 'EUR'), parts).map((m) => m.minor)).toEqual(expected);
  });
});
