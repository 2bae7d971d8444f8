import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyInsertions, mergeIntoExisting } from '../../server/src/core/existingTestFile';
import { devDependencyInsertions } from '../../server/src/lsp/edits';

const add = (json: string, names: string[]) => applyInsertions(json, devDependencyInsertions(json, names)!);

test('devDependencies: appended after the last entry, in the file\'s indentation, nothing else touched', () => {
  const json = `{\n    "name": "x",\n    "devDependencies": {\n        "typescript": "^6.0.3"\n    }\n}\n`;
  const out = add(json, ['uvu', 'tsx']);
  assert.is(out, `{\n    "name": "x",\n    "devDependencies": {\n        "typescript": "^6.0.3",\n        "uvu": "^0.5.6",\n        "tsx": "^4.23.15"\n    }\n}\n`);
  assert.equal(JSON.parse(out).devDependencies, { typescript: '^6.0.3', uvu: '^0.5.6', tsx: '^4.23.15' });
});

test('devDependencies: created when missing, also in an empty object', () => {
  assert.equal(JSON.parse(add(`{\n  "name": "x"\n}`, ['fast-check'])), { name: 'x', devDependencies: { 'fast-check': '^4.10.2' } });
  assert.equal(JSON.parse(add(`{}`, ['uvu'])), { devDependencies: { uvu: '^0.5.6' } });
  assert.equal(JSON.parse(add(`{ "devDependencies": {} }`, ['uvu'])), { devDependencies: { uvu: '^0.5.6' } });
});

test('devDependencies: a package.json that is not an object is left alone', () => {
  assert.is(devDependencyInsertions('[1, 2]', ['uvu']), undefined);
  assert.is(devDependencyInsertions('{ "devDependencies": "nope" }', ['uvu']), undefined);
  assert.equal(devDependencyInsertions('{}', []), []);
});

const merge = (existing: string, importLines: string[], fileName: string) => applyInsertions(existing, mergeIntoExisting(existing, fileName, { importLines, body: '// body\n', names: [] }));

test('imports: the names a file lacks join its own import of that module, ESM and CommonJS; other modules get lines', () => {
  const esm = merge("import { expect, it } from 'vitest';\nit('x', () => expect(1).toBe(1));\n", ["import { describe, expect, it } from 'vitest';", "import fc from 'fast-check';"], 'a.test.ts');
  assert.is(esm, "import { expect, it, describe } from 'vitest';\nimport fc from 'fast-check';\nit('x', () => expect(1).toBe(1));\n\n// body\n");
  const cjs = merge("const { describe } = require('node:test');\n", ["const { describe, it } = require('node:test');"], 'a.test.js');
  assert.is(cjs, "const { describe, it } = require('node:test');\n\n// body\n");
  // All there with the same meaning: nothing; an alias counts by its local name.
  assert.is(merge("import { suite as s } from 'uvu';\n", ["import { suite as s } from 'uvu';"], 'a.test.ts'), "import { suite as s } from 'uvu';\n\n// body\n");
});

test('imports: one name a line stays one name a line, CRLF kept; a type-only import or a namespace is not joined', () => {
  const multi = merge("import {\r\n  expect,\r\n  it,\r\n} from 'vitest';\r\n", ["import { beforeEach, describe, expect, it } from 'vitest';"], 'a.test.ts');
  assert.is(multi, "import {\r\n  expect,\r\n  it,\r\n  beforeEach,\r\n  describe,\r\n} from 'vitest';\r\n\r\n// body\r\n");
  const typeOnly = merge("import type { Mock } from 'vitest';\n", ["import { it } from 'vitest';"], 'a.test.ts');
  assert.is(typeOnly, "import type { Mock } from 'vitest';\nimport { it } from 'vitest';\n\n// body\n");
  const ns = merge("import * as v from 'vitest';\n", ["import { it } from 'vitest';"], 'a.test.ts');
  assert.is(ns, "import * as v from 'vitest';\nimport { it } from 'vitest';\n\n// body\n");
  // A line with a default binding too is not taken apart.
  assert.is(merge("import { a } from './m';\n", ["import M, { b } from './m';"], 'a.test.ts'), "import { a } from './m';\nimport M, { b } from './m';\n\n// body\n");
  // The insertion inside the statement says so (the formatter leaves it alone).
  assert.equal(mergeIntoExisting("import { it } from 'vitest';\n", 'a.test.ts', { importLines: ["import { describe } from 'vitest';"], body: '', names: [] })[0], { offset: 11, text: ', describe', within: true });
});

test.run();
