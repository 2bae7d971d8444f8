import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { humanPosition, LineIndex } from '../../server/src/core/text';

test('\\n, \\r\\n and \\r end lines; U+2028 does not (LSP, unlike TypeScript)', () => {
  const idx = new LineIndex('a\nb\r\nc\rd\u2028e');
  assert.is(idx.lineCount, 4);
  assert.equal(idx.positionAt(2), { line: 1, character: 0 });
  assert.equal(idx.positionAt(5), { line: 2, character: 0 });
  assert.equal(idx.positionAt(7), { line: 3, character: 0 });
  assert.equal(idx.positionAt(9), { line: 3, character: 2 });
});

test('characters count UTF-16 code units', () => {
  const idx = new LineIndex('😀x');
  assert.equal(idx.positionAt(2), { line: 0, character: 2 });
  assert.is(idx.offsetAt({ line: 0, character: 2 }), 2);
});

test('out-of-range positions clamp to the line end or the document end', () => {
  const idx = new LineIndex('ab\r\ncd');
  assert.is(idx.offsetAt({ line: 0, character: 99 }), 2);
  assert.is(idx.offsetAt({ line: 9, character: 0 }), 6);
  assert.is(idx.offsetAt({ line: -1, character: 3 }), 0);
  assert.equal(idx.positionAt(99), { line: 1, character: 2 });
});

test('human positions are 1-based', () => {
  assert.equal(humanPosition(new LineIndex('x\n  y'), 4), { line: 2, column: 3 });
});

test.run();
