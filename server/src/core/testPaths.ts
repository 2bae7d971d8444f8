// Which files are tests, and where the test for a source file belongs.
//
// Mapping rule (design.md): `src/core/pricing.ts` → `test/core/pricing.test.ts`: strip a leading `src/`, mirror under
// the test folder, keep the extension family. A project that already keeps its tests elsewhere is followed: colocated
// `*.test.*` next to the source, `__tests__/` folders, `tests/` instead of `test/`, `.spec.` instead of `.test.`.
import picomatch from 'picomatch';

export type TestLayout =
  | { kind: 'mirror'; dir: string; infix: 'test' | 'spec' }
  | { kind: 'colocated'; infix: 'test' | 'spec' }
  | { kind: '__tests__'; infix: 'test' | 'spec' };

/**
 * Globs are relative to the project root. `./x` and `/root/x` (absolute, under the root) are accepted, and a bare
 * folder (`src/gen`) means everything in it: the spellings people write in settings.
 */
export function normaliseGlobs(globs: string[], root: string): string[] {
  const rootSlash = root.replace(/\\/g, '/').replace(/\/+$/, '') + '/';
  return globs.flatMap((g) => {
    let x = g.replace(/\\/g, '/');
    if (x.startsWith(rootSlash)) x = x.slice(rootSlash.length);
    x = x.replace(/^\.\//, '').replace(/\/+$/, '');
    const bareFolder = !/[*?{}[\]]/.test(x) && !/\.[A-Za-z0-9]+$/.test(x);
    return bareFolder ? [x, `${x}/**`] : [x];
  });
}

export function makeMatcher(globs: string[], root = ''): (relPath: string) => boolean {
  const normalised = root ? normaliseGlobs(globs, root) : globs;
  if (normalised.length === 0) return () => false;
  return picomatch(normalised, { dot: true });
}

const TEST_INFIX = /\.(test|spec)\.[cm]?[jt]sx?$/;

/** Looks at the test files a project has and says how it lays them out. `relTestPaths` use `/` separators. */
export function detectTestLayout(relTestPaths: string[], testDirSetting: string | null): TestLayout {
  let spec = 0;
  let test = 0;
  let colocated = 0;
  let underTestsFolder = 0;
  let underTestFolder = 0;
  let dunder = 0;
  for (const p of relTestPaths) {
    const m = TEST_INFIX.exec(p);
    if (m?.[1] === 'spec') spec++;
    else if (m) test++;
    if (p.includes('__tests__/')) dunder++;
    else if (p.startsWith('tests/')) underTestsFolder++;
    else if (p.startsWith('test/')) underTestFolder++;
    else if (m) colocated++;
  }
  const infix = spec > test ? 'spec' : 'test';
  if (testDirSetting !== null) return { kind: 'mirror', dir: trimSlashes(testDirSetting), infix };
  const most = Math.max(colocated, underTestsFolder, underTestFolder, dunder);
  if (most === 0 || most === underTestFolder) return { kind: 'mirror', dir: 'test', infix };
  if (most === underTestsFolder) return { kind: 'mirror', dir: 'tests', infix };
  if (most === dunder) return { kind: '__tests__', infix };
  return { kind: 'colocated', infix };
}

function trimSlashes(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.?\/+|\/+$/g, '') || '.';
}

/** `src/core/pricing.ts` → `test/core/pricing.test.ts` (relative paths, `/` separators). */
export function expectedTestPath(relSourcePath: string, layout: TestLayout): string {
  const slash = relSourcePath.lastIndexOf('/');
  const dir = slash >= 0 ? relSourcePath.slice(0, slash) : '';
  const base = slash >= 0 ? relSourcePath.slice(slash + 1) : relSourcePath;
  const ext = /\.[cm]?[jt]sx?$/.exec(base)?.[0] ?? '.ts';
  const stem = base.slice(0, base.length - ext.length);
  const file = `${stem}.${layout.infix}${ext}`;
  const join = (...parts: string[]) => parts.filter((x) => x !== '' && x !== '.').join('/');
  switch (layout.kind) {
    case 'colocated':
      return join(dir, file);
    case '__tests__':
      return join(dir, '__tests__', file);
    case 'mirror': {
      const mirrored = dir === 'src' ? '' : dir.startsWith('src/') ? dir.slice(4) : dir;
      return join(layout.dir, mirrored, file);
    }
  }
}
