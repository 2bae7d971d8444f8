export { formatPrice, applyDiscount, parsePrice } from './pricing';
export type { Currency } from './pricing';
export * from './cart';
