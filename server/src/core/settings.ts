// Settings of the `testgap` section. Layers (defaults < package.json "testgap" < initializationOptions <
// workspace/configuration) are merged key by key; a value of the wrong shape falls back to the default with a warning
// the caller logs, so a typo in one editor's config never turns the server off.
import { RUNNERS, type RunnerSetting } from './runner';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Settings {
  /** Folder new test files go to, relative to the project root; null = follow what the project does (else `test`). */
  testDir: string | null;
  /** Globs (relative to the project root) that make a file a test file. */
  testFilePattern: string[];
  /** Globs of files and folders never analysed. */
  exclude: string[];
  /** The package's test runner: `auto` detects it (core/runner.ts). */
  runner: RunnerSetting;
  coverageTargets: { unit: number; integration: number };
  /** Globs (relative to the project root) of test files that count toward the integration target. */
  integrationTestPattern: string[];
  propertyRuns: { default: number; fast: number; thorough: number };
  execute: boolean;
  coverageOnSave: boolean;
  timeoutMs: number;
  /** What the sandbox lets user code do beyond its temp folder: more folders to write (absolute, or relative to the
   * project root) and network connections. */
  sandbox: { allowWrite: string[]; allowNetwork: boolean };
  /** Time limit for one test file in a coverage run. */
  coverageTimeoutMs: number;
  memoryMb: number;
  llm: { endpoint: string | null; model: string | null; apiKeyEnv: string | null };
  diagnosticSeverity: Severity;
  /** Files larger than this are skipped (with a logged reason) instead of parsed. */
  maxFileSizeKb: number;
  /** Delay between the last edit and re-analysis of that file. */
  debounceMs: number;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  testDir: null,
  testFilePattern: ['**/test/**', '**/tests/**', '**/__tests__/**', '**/*.test.*', '**/*.spec.*'],
  exclude: ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/build/**', '**/out/**', '**/coverage/**'],
  runner: 'auto',
  coverageTargets: { unit: 85, integration: 70 },
  integrationTestPattern: ['**/integration/**', '**/*.integration.*'],
  propertyRuns: { default: 100, fast: 50, thorough: 200 },
  execute: true,
  coverageOnSave: true,
  timeoutMs: 5000,
  sandbox: { allowWrite: [], allowNetwork: false },
  coverageTimeoutMs: 60000,
  memoryMb: 512,
  llm: { endpoint: null, model: null, apiKeyEnv: null },
  diagnosticSeverity: 'information',
  maxFileSizeKb: 1024,
  debounceMs: 150,
});

export interface ResolvedSettings {
  settings: Settings;
  warnings: string[];
}

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string' && v.length > 0;
const isBoolean: Check = (v) => typeof v === 'boolean';
const isPositiveInt: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isNonNegativeInt: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isPercent: Check = (v) => typeof v === 'number' && v >= 0 && v <= 100;
const isNullableString: Check = (v) => v === null || isString(v);
const oneOf = (...values: string[]): Check => (v) => typeof v === 'string' && values.includes(v);

/** How each key is validated: a check for scalars, a nested table for objects. */
const SCHEMA: Record<keyof Settings, Check | Record<string, Check>> = {
  testDir: isNullableString,
  testFilePattern: (v) => Array.isArray(v) && v.every(isString),
  exclude: (v) => Array.isArray(v) && v.every(isString),
  runner: oneOf('auto', ...RUNNERS),
  coverageTargets: { unit: isPercent, integration: isPercent },
  integrationTestPattern: (v) => Array.isArray(v) && v.every(isString),
  propertyRuns: { default: isPositiveInt, fast: isPositiveInt, thorough: isPositiveInt },
  execute: isBoolean,
  coverageOnSave: isBoolean,
  timeoutMs: isPositiveInt,
  sandbox: { allowWrite: (v) => Array.isArray(v) && v.every(isString), allowNetwork: isBoolean },
  coverageTimeoutMs: isPositiveInt,
  memoryMb: isPositiveInt,
  llm: { endpoint: isNullableString, model: isNullableString, apiKeyEnv: isNullableString },
  diagnosticSeverity: oneOf('error', 'warning', 'information', 'hint'),
  maxFileSizeKb: isPositiveInt,
  debounceMs: isNonNegativeInt,
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * Merges setting layers, lowest precedence first. `origin` names each layer in warnings. Single strings are accepted
 * where a list is expected (`"testFilePattern": "spec/**"`), since that is what people type.
 */
export function resolveSettings(layers: { origin: string; value: unknown }[]): ResolvedSettings {
  const settings = clone(DEFAULT_SETTINGS) as Settings;
  const warnings: string[] = [];
  for (const { origin, value } of layers) {
    if (value === undefined || value === null) continue;
    if (!isPlainObject(value)) {
      warnings.push(`${origin}: settings must be an object, got ${show(value)}; ignored`);
      continue;
    }
    for (const [key, raw] of Object.entries(value)) {
      // Own keys only: `__proto__` or `hasOwnProperty` from a cloned repo's package.json must neither crash the
      // server nor reach Object.prototype.
      const rule = Object.hasOwn(SCHEMA, key) ? (SCHEMA as Record<string, Check | Record<string, Check>>)[key] : undefined;
      if (!rule) {
        warnings.push(`${origin}: unknown setting testgap.${key} ignored`);
        continue;
      }
      let v = raw;
      if ((key === 'testFilePattern' || key === 'exclude' || key === 'integrationTestPattern') && typeof v === 'string') v = [v];
      if (typeof rule === 'function') {
        if (rule(v)) (settings as unknown as Record<string, unknown>)[key] = clone(v);
        else warnings.push(`${origin}: testgap.${key} = ${show(raw)} is not valid; using the default ${show(DEFAULT_SETTINGS[key as keyof Settings])}`);
        continue;
      }
      if (!isPlainObject(v)) {
        warnings.push(`${origin}: testgap.${key} must be an object, got ${show(raw)}; using the default`);
        continue;
      }
      const target = (settings as unknown as Record<string, Record<string, unknown>>)[key];
      for (const [sub, subValue] of Object.entries(v)) {
        const check = Object.hasOwn(rule, sub) ? rule[sub] : undefined;
        if (!check) warnings.push(`${origin}: unknown setting testgap.${key}.${sub} ignored`);
        else if (check(subValue)) target[sub] = clone(subValue);
        else warnings.push(`${origin}: testgap.${key}.${sub} = ${show(subValue)} is not valid; keeping ${show(target[sub])}`);
      }
    }
  }
  return { settings, warnings };
}

/** The `"testgap"` field of a package.json, as a settings layer (a broken package.json is a warning, not a stop). */
export function packageJsonSettingsLayer(text: string | undefined, origin: string): { layer?: { origin: string; value: unknown }; warning?: string } {
  if (text === undefined) return {};
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    return json && typeof json === 'object' && 'testgap' in json ? { layer: { origin, value: json.testgap } } : {};
  } catch (error) {
    return { warning: `${origin}: cannot parse (${(error as Error).message}); its "testgap" settings are ignored` };
  }
}
