// Generated projects for benchmarks: deterministic, realistic enough (JSDoc, defaults, classes, re-exports, tests
// that import some units and not others).
import fs from 'node:fs';
import path from 'node:path';

export function sourceBlock(i: number): string {
  if (i % 10 === 9) {
    return `/** A small stateful thing number ${i}. */
export class Counter${i} {
  private n = ${i};
  constructor(readonly label: string) {}
  increment(by = 1): number { this.n += by; return this.n; }
  get value(): number { return this.n; }
  static of(label: string): Counter${i} { return new Counter${i}(label); }
}

`;
  }
  return `/**
 * Function number ${i}.
 * @param a a number
 */
export function fn${i}(a: number, b: string = 'x'): string {
  const v = a * ${i};
  if (v > 10) return b.repeat(2);
  return String(v);
}

`;
}

/** About `lines` lines of TypeScript made of sourceBlock()s. */
export function generateSource(lines: number, offset = 0): { text: string; blocks: number } {
  let text = '';
  let i = 0;
  while (text.split('\n').length < lines) text += sourceBlock(offset + i++);
  return { text, blocks: i };
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  }
}

/**
 * A project of `sourceFiles` modules in `src/m<k>/` (each ~50 lines, 5 functions and a class), an index per folder
 * that re-exports them, and `testFiles` tests that each import three modules (one through an index).
 */
export function generateProject(root: string, sourceFiles: number, testFiles: number): void {
  const files: Record<string, string> = { 'package.json': '{ "name": "generated", "private": true }\n' };
  const perFolder = 20;
  for (let k = 0; k < sourceFiles; k++) {
    const folder = `src/m${Math.floor(k / perFolder)}`;
    files[`${folder}/file${k}.ts`] = generateSource(50, k * 100).text;
  }
  for (let f = 0; f * perFolder < sourceFiles; f++) {
    const members = [];
    for (let k = f * perFolder; k < Math.min(sourceFiles, (f + 1) * perFolder); k++) members.push(`export * from './file${k}';`);
    files[`src/m${f}/index.ts`] = members.join('\n') + '\n';
  }
  for (let t = 0; t < testFiles; t++) {
    const a = (t * 3) % sourceFiles;
    const b = (t * 3 + 1) % sourceFiles;
    const c = (t * 3 + 2) % sourceFiles;
    files[`test/t${t}.test.ts`] = `import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fn${a * 100} } from '../src/m${Math.floor(a / perFolder)}/file${a}';
import * as mod from '../src/m${Math.floor(b / perFolder)}/file${b}';
import { fn${c * 100 + 1} } from '../src/m${Math.floor(c / perFolder)}';
test('t${t}', () => {
  assert.is(fn${a * 100}(0), '0');
  assert.ok(mod.fn${b * 100 + 2}(1));
  assert.ok(fn${c * 100 + 1}(3));
});
test.run();
`;
  }
  writeFiles(root, files);
}
