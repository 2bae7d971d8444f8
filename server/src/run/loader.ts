// Makes `require` understand the user's project inside a sandbox child: TypeScript (and ESM-syntax JavaScript) of
// the project is transpiled to CommonJS on load, `./x.js` specifiers find `x.ts`, and one module can be instrumented
// with block counters (instrument.ts).
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import type { CacheEntry } from './transpileCache';

// TypeScript is loaded only when a file must be transpiled here (no cache entry): loading it costs ~0.4 s.
const transpile = (...args: Parameters<typeof import('./instrument').transpileForSandbox>) =>
  (require('./instrument') as typeof import('./instrument')).transpileForSandbox(...args);

export const ESM_SYNTAX = /^\s*(import\s*[\w{*'"]|export\s)/m;

type Extensions = Record<string, (m: { _compile(code: string, file: string): void }, file: string) => void>;

/**
 * `alsoCompile`: files outside the project to load the same way (a generated test file being verified).
 * `plainJs: 'keep'` leaves project `.js` files without import/export syntax as Node would load them, so V8 coverage of
 * them is exactly what c8 reports for the same file.
 */
export function installLoader(
  projectRoot: string,
  instrumentFile?: string,
  alsoCompile: string[] = [],
  plainJs: 'transpile' | 'keep' = 'transpile',
  /** A TranspileCache manifest: code transpiled in advance by the server. */
  cacheManifest?: string,
  /** Told the code each transpiled file ran as (coverage maps it back through the inline source map). */
  onCompile?: (file: string, code: string) => void,
  /** `instrumentFile` as the server already instrumented it: the file holding that code, and its block count. */
  instrumented?: { code: string; blocks: number },
): { blocks: number } {
  const state = { blocks: 0 };
  let cache: Record<string, CacheEntry> = {};
  if (cacheManifest) {
    try {
      cache = JSON.parse(fs.readFileSync(cacheManifest, 'utf8'));
    } catch {
      cache = {};
    }
  }
  const cached = (file: string): string | undefined => {
    const entry = cache[file];
    if (!entry?.out) return undefined;
    try {
      const stat = fs.statSync(file);
      return stat.mtimeMs === entry.mtimeMs && stat.size === entry.size ? fs.readFileSync(entry.out, 'utf8') : undefined;
    } catch {
      return undefined; // the cached copy is gone: transpile here
    }
  };
  const M = Module as unknown as {
    _extensions: Extensions;
    _resolveFilename: (request: string, parent: unknown, ...rest: unknown[]) => string;
  };
  const inProject = (file: string) =>
    alsoCompile.includes(file) || (file.startsWith(projectRoot + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`));
  const compile: Extensions[string] = (m, file) => {
    const instrument = file === instrumentFile;
    if (instrument && instrumented) {
      state.blocks = instrumented.blocks;
      return m._compile(fs.readFileSync(instrumented.code, 'utf8'), file);
    }
    if (!instrument) {
      const code = cached(file);
      if (code !== undefined) {
        onCompile?.(file, code);
        return m._compile(code, file);
      }
    }
    const source = fs.readFileSync(file, 'utf8');
    if (!instrument && plainJs === 'keep' && /\.[mc]?js$/.test(file) && !ESM_SYNTAX.test(source)) return m._compile(source, file);
    const out = transpile(file, source, instrument);
    if (instrument) state.blocks = out.blocks;
    onCompile?.(file, out.code);
    m._compile(out.code, file);
  };
  const originalJs = M._extensions['.js'];
  for (const ext of ['.ts', '.tsx', '.mts', '.cts', '.jsx', '.mjs', '.cjs']) M._extensions[ext] = compile;
  M._extensions['.js'] = (m, file) => (inProject(file) || file === instrumentFile ? compile(m, file) : originalJs(m, file));
  const resolve = M._resolveFilename;
  M._resolveFilename = function (request, parent, ...rest) {
    try {
      return resolve.call(this, request, parent, ...rest);
    } catch (error) {
      // `import './x.js'` in TypeScript sources means x.ts.
      const m = /^(.*)\.([mc]?)js$/.exec(request);
      if (!m || !(request.startsWith('.') || path.isAbsolute(request))) throw error;
      for (const ext of [`.${m[2]}ts`, '.tsx']) {
        try {
          return resolve.call(this, m[1] + ext, parent, ...rest);
        } catch {
          // try the next one
        }
      }
      throw error;
    }
  };
  return state;
}
