// Which observed inputs become cases: stable inputs of a unit with a racy corner are kept; a unit that depends on
// time or chance, where most inputs differ between calls, gets none.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Observed } from '../../server/src/core/outcome';
import type { UnitPlan } from '../../server/src/core/plan';
import { keepsStableCases, selectCases } from '../../server/src/core/select';
import type { Unit } from '../../server/src/core/model';

const unit = { id: 'src/a.js#f', name: 'f', kind: 'function', params: [{ name: 'x', optional: false, rest: false }] } as unknown as Unit;

function observe(values: (number | 'flips')[]): ReturnType<typeof selectCases> {
  const plan: UnitPlan = { unit, candidates: values.map((_, i) => ({ args: `[${i}]`, origin: 'typical' as const })) };
  const observed = values.map((v, i): Observed => ({
    outcome: { kind: 'return', value: { t: 'number', v: v === 'flips' ? 0 : v } },
    stable: v !== 'flips',
    hits: [i],
  }));
  return selectCases(plan, observed, 'f');
}

test('one input of eight that flips: the other seven are still cases', () => {
  const s = observe([1, 2, 3, 4, 5, 6, 7, 'flips']);
  assert.ok(s.nondeterministic);
  assert.is(s.inputsRun, 8);
  assert.is(s.unstableInputs, 1);
  assert.ok(keepsStableCases(s));
  assert.is(s.cases.length, 7);
  assert.not.ok(s.cases.some((c) => c.args === '[7]'), 'the flipping input is never a case');
});

test('most inputs flip: the unit depends on time or chance, no case is kept', () => {
  assert.not.ok(keepsStableCases(observe([1, 'flips', 'flips', 'flips'])));
  assert.ok(keepsStableCases(observe([1, 2, 3])), 'nothing flipped');
});

test.run();
