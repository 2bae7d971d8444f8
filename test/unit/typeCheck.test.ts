// The type check of generated files (run/typeCheck.ts): errors found with the project's options, and which generated
// test each belongs to.
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attribute, typeErrors } from '../../server/src/run/typeCheck';
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

test.run();
