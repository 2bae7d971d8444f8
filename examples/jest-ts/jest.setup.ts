// Currencies the tests price in, and the app's config: registered before every test file, as an app would at startup.
import { register } from './src/currency';

declare global {
  var appConfig: { name: string };
}

register({ code: 'EUR', symbol: '€', decimals: 2 });
register({ code: 'JPY', symbol: '¥', decimals: 0 });
globalThis.appConfig = { name: 'Ledger' };
