import { applyDiscount } from './pricing';

export interface LineItem {
  sku: string;
  cents: number;
  quantity: number;
}

export class Cart {
  private readonly items = new Map<string, LineItem>();

  constructor(readonly owner: string) {}

  add(sku: string, cents: number, quantity = 1): this {
    const existing = this.items.get(sku);
    this.items.set(sku, { sku, cents, quantity: (existing?.quantity ?? 0) + quantity });
    return this;
  }

  remove(sku: string): boolean {
    return this.items.delete(sku);
  }

  get total(): number {
    let sum = 0;
    for (const item of this.items.values()) sum += item.cents * item.quantity;
    return sum;
  }

  totalWithDiscount(percent: number): number {
    return applyDiscount(this.total, percent);
  }

  static fromItems(owner: string, items: LineItem[]): Cart {
    const cart = new Cart(owner);
    for (const i of items) cart.add(i.sku, i.cents, i.quantity);
    return cart;
  }
}
