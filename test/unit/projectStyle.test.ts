// The project's prettier and ESLint on generated text (run/projectStyle.ts): only the inserted pieces change, fixes
// and formatting follow the project's configuration, what ESLint cannot fix is reported with its line, and a project
// without the tools (or with a broken configuration) keeps the text as emitted.
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyInsertions } from '../../server/src/core/existingTestFile';
import { assertions } from '../../server/src/core/assertions';
import type { EmitStyle } from '../../server/src/core/emit';
import { inProjectStyle, prettierSyntaxCeiling, projectTools } from '../../server/src/run/projectStyle';
import { linkTestTools, tempProject } from '../helpers/tempProject';

const LIMITS = { timeoutMs: 5_000, memoryMb: 512 };

// Not prettier's style (double quotes, no semicolons, two-space indent): the file's own text must stay as it is.
const EXISTING = `import { it } from 'vitest';
it('works',   () => {  });
`;

const PIECES = [
  { offset: EXISTING.indexOf('\n') + 1, text: `import {   expect } from 'vitest';\n` },
  { offset: EXISTING.length, text: `\n// testgap: src/a.ts#f\nit('f', () => {\n    var x = 1;\n    expect(x).toBe(1);\n    debugger;\n});\n` },
];

function project(files: string) {
  const p = tempProject(`//- /package.json
{ "name": "p", "type": "module", "devDependencies": { "prettier": "*", "eslint": "*" } }
${files}`);
  linkTestTools(p.root);
  return p;
}

test('the inserted pieces are lint-fixed and formatted as the project says; the rest of the file is untouched', async () => {
  const p = project(`//- /.prettierrc.json
{ "semi": false, "tabWidth": 4 }
//- /eslint.config.js
export default [{ rules: { 'no-var': 'error', 'no-debugger': 'error' } }];
`);
  try {
    const file = path.join(p.root, 'test/a.test.js');
    assert.equal(projectTools(p.root, file), { prettier: true, eslint: true });
    const out = await inProjectStyle(p.root, file, EXISTING, PIECES, LIMITS);
    const text = applyInsertions(EXISTING, out.insertions);
    assert.ok(text.startsWith(`import { it } from 'vitest';\nimport { expect } from "vitest"\n`), text);
    assert.ok(text.includes(`it('works',   () => {  });\n`), 'the existing test is as it was');
    // no-var fixed to let (prefer-const is not on), four spaces, no semicolons, double quotes; the blank line before
    // the section stays.
    assert.ok(text.endsWith(`});\n\n// testgap: src/a.ts#f\nit("f", () => {\n    let x = 1\n    expect(x).toBe(1)\n    debugger\n})\n`), text);
    assert.equal(out.formattedWith, ['eslint --fix', 'prettier']);
    const debuggerLine = text.split('\n').findIndex((l) => l.includes('debugger')) + 1;
    assert.equal(out.problems.map((x) => x.message), [`test/a.test.js:${debuggerLine}: ESLint no-debugger: Unexpected 'debugger' statement. (in the generated text, not fixable by eslint --fix)`]);
  } finally {
    p.remove();
  }
});

test('without the tools, and with a configuration that throws, the pieces stay as emitted', async () => {
  const none = tempProject(`//- /package.json
{ "name": "p" }
`);
  const broken = project(`//- /eslint.config.js
throw new Error('this config is broken');
`);
  try {
    // No prettier, no ESLint where the file resolves them: nothing runs.
    const file = path.join(none.root, 'test/a.test.js');
    assert.equal(projectTools(none.root, file), { prettier: false, eslint: false });
    assert.equal(await inProjectStyle(none.root, file, EXISTING, PIECES, LIMITS), { insertions: PIECES, problems: [], formattedWith: [] });
    // prettier is declared and installed (defaults: semicolons, double quotes); ESLint's config throws and says so.
    const out = await inProjectStyle(broken.root, path.join(broken.root, 'test/a.test.js'), EXISTING, PIECES, LIMITS);
    assert.equal(out.formattedWith, ['prettier']);
    assert.ok(out.insertions[0]!.text === 'import { expect } from "vitest";\n', out.insertions[0]!.text);
    assert.equal(out.problems.length, 1);
    assert.match(out.problems[0]!.message, /ESLint could not start: .*this config is broken/);
  } finally {
    none.remove();
    broken.remove();
  }
});

test("an old prettier caps the syntax written: 1.18 parses TypeScript 3.6's, 2.1 4.2's, 2.3 and later all of it", () => {
  const ceiling = (version: string) => {
    const p = tempProject(`//- /package.json\n{ "devDependencies": { "prettier": "${version}" } }\n//- /node_modules/prettier/package.json\n{ "name": "prettier", "version": "${version}" }\n`);
    try {
      return prettierSyntaxCeiling(p.root, path.join(p.root, 'src/__tests__/a.test.ts'));
    } finally {
      p.remove();
    }
  };
  assert.equal(ceiling('1.18.2'), [3, 6]);
  assert.equal(ceiling('1.19.1'), [3, 9]);
  assert.equal(ceiling('2.2.1'), [4, 2]);
  assert.is(ceiling('2.8.8'), undefined);
  assert.is(ceiling('3.6.2'), undefined);
  // Under TypeScript 3.6's syntax a thrown error is read without optional chaining.
  const jest = assertions({ ts: true, esm: true, quote: "'", dialect: 'jest', typescript: [3, 6] } as EmitStyle, 'assert');
  assert.is(jest.throws('() => f()', "'TypeError'", "'bad'", ''), "const error = thrownBy(() => f()) as Error | undefined;\nexpect([error && error.constructor.name, error && error.message]).toStrictEqual(['TypeError', 'bad'])");
  assert.match(assertions({ ts: true, esm: true, quote: "'", dialect: 'jest' } as EmitStyle, 'assert').throws('() => f()', "'E'", "'m'", ''), /error\?\.constructor\.name, error\?\.message/);
});

test.run();
