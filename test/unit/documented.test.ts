// `@example` results against what the code returned: a suspected bug is a real disagreement, not the way
// documentation writes numbers. The cases are simple-statistics' own examples (bench/corpus), which were all flagged
// before this check existed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { matchesDocumented } from '../../server/src/core/select';

test('rounded, re-written and computed numbers in documentation agree with the exact result', () => {
  assert.ok(matchesDocumented('0.5163977794943222', '0.516'));
  assert.ok(matchesDocumented('1.247219128924647', '1.247'));
  assert.ok(matchesDocumented('3.9166666666666665', '47 / 12'));
  assert.ok(matchesDocumented('0.21685932244884087', '0.21685932244884043'));
  assert.ok(matchesDocumented('[1, 1]', '[1.0, 1.0]'));
  assert.ok(matchesDocumented('1', '1.0'));
  assert.ok(matchesDocumented('2.4000000000000004', "'2.40'"));
  assert.ok(matchesDocumented('-0.5', '-(1 / 2)'));
  assert.ok(matchesDocumented("{ a: 0.3333333333333333, b: 'x' }", "{ a: 0.333, b: 'x' }"));
  assert.ok(matchesDocumented('"quoted"', "'quoted'"));
});

test('real disagreements are still reported', () => {
  assert.not.ok(matchesDocumented('0.52', '0.516'), 'rounds to 0.52, not to the documented 0.516');
  assert.not.ok(matchesDocumented('3', '2'));
  assert.not.ok(matchesDocumented('12', '1.2e1 + 1'));
  assert.not.ok(matchesDocumented('[1, 2]', '[1, 2, 3]'));
  assert.not.ok(matchesDocumented("'2.40'", '2.4'), 'documented a number, returned text');
  assert.not.ok(matchesDocumented('{ a: 1 }', '{ a: 1, b: 2 }'));
  assert.not.ok(matchesDocumented('NaN', '0'));
  // Integers are exact: a documented 3 is not a rounded 3.4.
  assert.not.ok(matchesDocumented('3.4', '3'));
  // Text that is not a constant (a call, a name) never agrees by folding.
  assert.not.ok(matchesDocumented('1', 'one()'));
});

test.run();
