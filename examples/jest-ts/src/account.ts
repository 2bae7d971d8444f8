import { Money } from './money';

// Accounts: the base keeps the balance, the savings account adds interest.
export class Account {
  protected balance: Money;

  constructor(code: string) {
    this.balance = new Money(0, code);
  }

  deposit(amount: Money): this {
    this.balance = this.balance.plus(amount);
    return this;
  }

  get total(): Money {
    return this.balance;
  }
}

export class Savings extends Account {
  addInterest(rate: number): void {
    this.balance = new Money(Math.round(this.balance.minor * (1 + rate)), this.balance.code);
  }
}

export class Checking extends Account {
  withdraw(amount: Money): void {
    if (amount.minor > this.balance.minor) throw new Error('insufficient funds');
    this.balance = new Money(this.balance.minor - amount.minor, this.balance.code);
  }
}
