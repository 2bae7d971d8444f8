// The type check of generated files (run/typeCheck.ts): errors found with the project's options, and which generated
// test each belongs to.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attribute, buildConfigsTaking, declarationsUnreadable, typeErrors, typescriptVersion } from '../../server/src/run/typeCheck';
import { SERVER_BIN } from '../helpers/lspClient';
import { quote } from '../../server/src/core/values';
import { tempProject } from '../helpers/tempProject';

const TEXT = `import { f } from './f';

// testgap: src/f.ts#f
describe('f', () => {
  const fReturns: [name: string, args: Parameters<typeof f>, expected: number][] = [
    ['f(1) returns 2', [1], 2],
    ['f(\\'a\\') returns 2', ['a'], 2],
  ];
  it('f: returns a number for any number (property)', () => {
    const n: string = f(1);
  });
});

// testgap: src/f.ts#g
describe('g', () => {
  let broken: number = 'x';
});
`;

test('errors map to the row of their case, the property above them, else their whole section', () => {
  const names = [
    { name: 'f(1) returns 2', section: 0, case: 0 },
    { name: "f('a') returns 2", section: 0, case: 1 },
    { name: 'f: returns a number for any number (property)', section: 0, property: 0 },
  ];
  const errors = [7, 10, 16, 1].map((line) => ({ line, message: 'x', code: 2322 }));
  const a = attribute(TEXT, 2, names, errors, quote);
  assert.equal([...(a.cases.get(0) ?? [])], [1]);
  assert.equal([...(a.properties.get(0) ?? [])], [0]);
  assert.equal([...a.sections], [1]);
  assert.equal(a.outside.map((e) => e.line), [1], 'the import line is no test of ours');
});

test("typeErrors: the file's text as given, with the tsconfig's options", () => {
  const p = tempProject(`//- /tsconfig.json
{ "compilerOptions": { "strict": true, "target": "ES2022", "module": "nodenext", "types": [] } }
//- /src/f.ts
export function f(n: number): number { return n + 1; }
`);
  try {
    const file = path.join(p.root, 'test/f.test.ts');
    const errors = typeErrors(p.root, file, "import { f } from '../src/f.js';\nconst ok: number = f(1);\nconst bad: string = f(2);\n");
    assert.ok(Array.isArray(errors));
    assert.equal((errors as { line: number; code: number }[]).map((e) => [e.line, e.code]), [[3, 2322]]);
  } finally {
    p.remove();
  }
});

test("the build's tsconfig: the ones the scripts compile with that take the file in, and their errors", () => {
  const p = tempProject(`//- /package.json
{ "name": "b", "scripts": { "build": "tsc -p tsconfig.build.json && node x.js", "check": "npx tsc --noEmit", "lint:types": "tsc -b packages/web" } }
//- /tsconfig.json
{ "compilerOptions": { "strict": true, "noEmit": true }, "include": ["src", "test"] }
//- /tsconfig.build.json
{ "compilerOptions": { "strict": true, "noUnusedLocals": true, "outDir": "dist" }, "include": ["src"], "exclude": ["src/**/*.test.ts"] }
//- /packages/web/tsconfig.json
{ "compilerOptions": { "strict": true }, "include": ["**/*"] }
//- /src/a.ts
export const a = 1;
`);
  try {
    const at = (rel: string) => path.join(p.root, rel);
    // The nearest tsconfig (tsconfig.json) is the one typeErrors uses anyway; the build's excludes `*.test.ts`.
    assert.equal(buildConfigsTaking(p.root, at('src/__tests__/a.test.ts')), []);
    assert.equal(buildConfigsTaking(p.root, at('src/__tests__/a.spec.ts')), [at('tsconfig.build.json')]);
    assert.equal(buildConfigsTaking(p.root, at('test/a.spec.ts')), []);
    assert.equal(buildConfigsTaking(p.root, at('packages/web/a.test.ts')), [], 'its own tsconfig is the nearest');
    // An unused local is an error for the build only.
    const text = "import { a } from '../a';\nconst unused = a;\n";
    assert.equal(typeErrors(p.root, at('src/__tests__/a.spec.ts'), text), []);
    const build = typeErrors(p.root, at('src/__tests__/a.spec.ts'), text, [], [], at('tsconfig.build.json'));
    assert.equal(Array.isArray(build) && build.map((e) => [e.line, e.code]), [[2, 6133]]);
  } finally {
    p.remove();
  }
});

test('a project on TypeScript 3.9: tables without tuple labels, no properties (fast-check 4 does not parse there), and its tsc passes', () => {
  const p = tempProject(`//- /package.json
{ "name": "old-ts", "private": true, "devDependencies": { "typescript": "3.9.10" } }
//- /tsconfig.json
{ "compilerOptions": { "target": "es2018", "module": "commonjs", "strict": true, "noEmit": true, "types": [] }, "include": ["src", "test"] }
//- /src/words.ts
export function titleCase(text: string): string {
  return text.split(' ').map((w) => (w ? w[0].toUpperCase() + w.slice(1) : w)).join(' ');
}

export async function wordCount(text: string): Promise<number> {
  if (text.trim() === '') throw new RangeError('empty text');
  return text.trim().split(/\\s+/).length;
}
`);
  try {
    // The project's own TypeScript is 3.9 (the workspace test/fixtures/old-typescript holds it); its test tools are
    // testgap's.
    const modules = path.join(p.root, 'node_modules');
    fs.mkdirSync(modules);
    const own = path.resolve(__dirname, '../../../node_modules');
    fs.symlinkSync(path.resolve(__dirname, '../../../test/fixtures/old-typescript/node_modules/typescript'), path.join(modules, 'typescript'));
    for (const m of ['uvu', 'tsx', 'fast-check']) fs.symlinkSync(path.join(own, m), path.join(modules, m));
    const testFile = path.join(p.root, 'test/words.test.ts');
    assert.equal(typescriptVersion(p.root), [3, 9]);
    assert.match(declarationsUnreadable(p.root, testFile, 'fast-check') ?? '', /^the project's TypeScript 3\.9\.10 cannot read the declarations of fast-check 4\./);
    assert.is(declarationsUnreadable(path.resolve(__dirname, '../../..'), testFile, 'fast-check'), undefined, 'TypeScript 6 reads them');
    const r = spawnSync(process.execPath, [SERVER_BIN, 'generate', 'src/words.ts'], { cwd: p.root, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stderr, /no properties were written for src\/words\.ts: the project's TypeScript 3\.9\.10 cannot read/);
    const text = p.read('test/words.test.ts');
    assert.match(text, /const titleCaseReturns: \[string, Parameters<typeof titleCase>, ReturnType<typeof titleCase>\]\[\] = \[/);
    assert.not.match(text, /\[name: |fast-check|Awaited</);
    const tsc = spawnSync(process.execPath, [path.join(modules, 'typescript/bin/tsc'), '-p', '.'], { cwd: p.root, encoding: 'utf8' });
    assert.is(tsc.status, 0, tsc.stdout);
  } finally {
    p.remove();
  }
});

test.run();
