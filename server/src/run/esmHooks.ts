// Module loader hooks (module.register) for test files that are ES modules — `"type": "module"` packages, `.mjs` and
// `.mts` files, top-level `await test(…)` — in a coverage child. The CommonJS loader (loader.ts) turns TypeScript into
// CommonJS on `require`; an ES module cannot be run that way (top-level await is a syntax error there), so here the
// project's TypeScript is transpiled to an ES module on `import`, and `./x.js` finds `x.ts`, as tsx and TypeScript's
// `nodenext` resolution do. TypeScript in a CommonJS scope is left to the CommonJS loader.
//
// These hooks run on Node's loader thread: what they transpiled is written to `outDir` (one file per module, named in
// `index.jsonl`), from which the child's coverage maps V8's offsets back through the inline source maps.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type ts from 'typescript';

interface HookData {
  root: string;
  outDir: string;
}

type Resolve = (specifier: string, context: { parentURL?: string; conditions?: string[] }) => Promise<{ url: string; format?: string | null; shortCircuit?: boolean }>;
type Load = (url: string, context: { format?: string | null; conditions?: string[] }) => Promise<{ format: string; source?: string | Buffer | null; shortCircuit?: boolean }>;

let data: HookData | undefined;
let typescript: typeof ts | undefined;
let written = 0;

export function initialize(d: HookData): void {
  data = d;
}

const TS = /\.([mc]?)tsx?$/;

/** `./x.js` → `./x.ts`, `./x.mjs` → `./x.mts`; extensionless relative specifiers try the TypeScript extensions. */
export async function resolve(specifier: string, context: Parameters<Resolve>[1], next: Resolve): ReturnType<Resolve> {
  try {
    return await next(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:');
    if (!relative || (error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    const js = /^(.*)\.([mc]?)jsx?$/.exec(specifier);
    const candidates = js ? [`${js[1]}.${js[2]}ts`, `${js[1]}.tsx`] : [`${specifier}.ts`, `${specifier}.tsx`, `${specifier}/index.ts`, `${specifier}.js`, `${specifier}/index.js`];
    for (const candidate of candidates) {
      try {
        return await next(candidate, context);
      } catch {
        // the next candidate
      }
    }
    throw error;
  }
}

export async function load(url: string, context: Parameters<Load>[1], next: Load): ReturnType<Load> {
  if (!url.startsWith('file:') || !TS.test(new URL(url).pathname)) return next(url, context);
  const file = fileURLToPath(url);
  if (!isModule(file)) return { format: 'commonjs', shortCircuit: true }; // loaded through require: loader.ts compiles it
  typescript ??= (await import('typescript')).default;
  const source = fs.readFileSync(file, 'utf8');
  const out = typescript.transpileModule(source, {
    fileName: file,
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
      esModuleInterop: true,
      jsx: typescript.JsxEmit.ReactJSX,
      inlineSourceMap: true,
      ignoreDeprecations: '6.0',
    },
    reportDiagnostics: false,
  }).outputText;
  if (data && file.startsWith(data.root + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`)) {
    const copy = path.join(data.outDir, `${++written}.js`);
    fs.writeFileSync(copy, out);
    fs.appendFileSync(path.join(data.outDir, 'index.jsonl'), `${JSON.stringify([file, copy])}\n`);
  }
  return { format: 'module', source: out, shortCircuit: true };
}

/** Whether Node treats `file` as an ES module: `.mts`, or `.ts`/`.tsx` under a package.json with `"type": "module"`. */
export function isModule(file: string): boolean {
  if (/\.mts$/.test(file)) return true;
  if (/\.cts$/.test(file)) return false;
  return packageType(path.dirname(file)) === 'module';
}

const types = new Map<string, string | undefined>();

/** The `type` of the nearest package.json above `dir` (cached per folder). */
export function packageType(dir: string): string | undefined {
  if (types.has(dir)) return types.get(dir);
  let type: string | undefined;
  const pkg = path.join(dir, 'package.json');
  if (fs.existsSync(pkg)) {
    try {
      const t = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { type?: unknown }).type;
      type = typeof t === 'string' ? t : 'commonjs';
    } catch {
      type = 'commonjs';
    }
  } else {
    const parent = path.dirname(dir);
    type = parent === dir ? undefined : packageType(parent);
  }
  types.set(dir, type);
  return type;
}
