// Where `import 'uvu/assert'` leads when Node resolves it as an ES module from a project (or, for the test libraries
// testgap supplies, from testgap's own node_modules). A generated test file is verified in a temp folder; when it is
// an ES module, bare names cannot be found from there (NODE_PATH does not apply to ES modules, and module hooks need
// a worker thread the sandbox refuses), so its library imports are written as the file URLs this returns.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const CONDITIONS = new Set(['node', 'import', 'default']);

/** The file URL `specifier` (a bare package name, maybe with a subpath) resolves to from the first of `dirs` that has it. */
export function resolveEsm(specifier: string, dirs: string[]): string | undefined {
  const m = /^((?:@[^/]+\/)?[^/]+)(\/.*)?$/.exec(specifier);
  if (!m) return undefined;
  const [, name, sub] = m;
  for (const dir of dirs) {
    const pkgDir = findPackage(name, dir);
    if (!pkgDir) continue;
    let pkg: { exports?: unknown; main?: unknown };
    try {
      pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const target = pkg.exports !== undefined ? exportTarget(pkg.exports, `.${sub ?? ''}`) : sub ? sub.slice(1) : typeof pkg.main === 'string' ? pkg.main : 'index.js';
    if (!target) continue;
    const file = path.resolve(pkgDir, target);
    if (fs.existsSync(file)) return pathToFileURL(file).href;
  }
  return undefined;
}

/** `node_modules/<name>` in `dir` or a folder above it. */
function findPackage(name: string, dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const candidate = path.join(d, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(d) === d) return undefined;
  }
}

/** The file an `exports` field gives `subpath` under Node's conditions for `import` (`node`, `import`, `default`). */
function exportTarget(exports: unknown, subpath: string): string | undefined {
  const isSubpathMap = !!exports && typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith('.'));
  if (!isSubpathMap) return subpath === '.' ? conditional(exports) : undefined;
  const map = exports as Record<string, unknown>;
  if (Object.hasOwn(map, subpath)) return conditional(map[subpath]);
  // Patterns: `"./*": "./dist/*.mjs"`; the longest prefix before the `*` wins, as in Node.
  const patterns = Object.keys(map)
    .filter((k) => k.includes('*'))
    .map((k) => ({ k, prefix: k.slice(0, k.indexOf('*')), suffix: k.slice(k.indexOf('*') + 1) }))
    .filter((p) => subpath.startsWith(p.prefix) && subpath.endsWith(p.suffix) && subpath.length >= p.prefix.length + p.suffix.length)
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const best = patterns[0];
  if (!best) return undefined;
  const star = subpath.slice(best.prefix.length, subpath.length - best.suffix.length);
  return conditional(map[best.k])?.replaceAll('*', star);
}

function conditional(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry)) {
    for (const e of entry) {
      const t = conditional(e);
      if (t) return t;
    }
    return undefined;
  }
  if (entry && typeof entry === 'object') {
    // The first condition that matches and leads somewhere (`{ node: { require }, default }` falls through to default).
    for (const [condition, value] of Object.entries(entry)) {
      if (!CONDITIONS.has(condition)) continue;
      const t = conditional(value);
      if (t) return t;
    }
  }
  return undefined;
}
