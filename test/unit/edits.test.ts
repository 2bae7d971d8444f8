import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyInsertions } from '../../server/src/core/existingTestFile';
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

test.run();
