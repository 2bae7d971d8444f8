// Currencies the tests price in: registered before every test file, as an app would at startup.
import { register } from './src/currency';

register({ code: 'EUR', symbol: '€', decimals: 2 });
register({ code: 'JPY', symbol: '¥', decimals: 0 });
