// Units whose results the environment decides: NODE_ENV, the time zone, the locale, a browser global, and a global
// that only the setup file (jest.setup.ts) defines. Tests must not pin what another shell or machine would change.
export function logLevel(): 'debug' | 'warn' {
  return process.env.NODE_ENV === 'production' ? 'warn' : 'debug';
}

export function hourOf(epochMs: number): number {
  return new Date(epochMs).getHours();
}

export function amountText(amount: number): string {
  return amount.toLocaleString();
}

export function savedTheme(): string {
  return localStorage.getItem('theme') ?? 'light';
}

export function appName(suffix: string): string {
  if (suffix.length === 0) return appConfig.name;
  return `${appConfig.name} (${suffix})`;
}
