// Tests of condition bookkeeping: transition times move only on status changes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findCondition, isTrue, removeCondition, rfc3339, setCondition } from './conditions.js';

const t0 = new Date('2026-01-01T00:00:00.123Z');
const t1 = new Date('2026-01-01T00:05:00Z');

describe('setCondition', () => {
  it('adds a condition with the transition time now', () => {
    const list = setCondition(
      [],
      { type: 'Ready', status: 'False', reason: 'Progressing', message: 'x' },
      t0,
    );
    assert.deepEqual(list, [
      {
        type: 'Ready',
        status: 'False',
        lastTransitionTime: '2026-01-01T00:00:00Z',
        reason: 'Progressing',
        message: 'x',
      },
    ]);
  });

  it('keeps the transition time when only reason or message change', () => {
    const a = setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: 'a' }, t0);
    const b = setCondition(
      a,
      { type: 'Ready', status: 'False', reason: 'B', message: 'b', observedGeneration: 2 },
      t1,
    );
    assert.equal(b[0]?.lastTransitionTime, '2026-01-01T00:00:00Z');
    assert.equal(b[0]?.reason, 'B');
    assert.equal(b[0]?.observedGeneration, 2);
  });

  it('moves the transition time when the status changes, keeping order', () => {
    let list = setCondition(
      [],
      { type: 'Reconciling', status: 'True', reason: 'P', message: '' },
      t0,
    );
    list = setCondition(list, { type: 'Ready', status: 'Unknown', reason: 'P', message: '' }, t0);
    list = setCondition(
      list,
      { type: 'Reconciling', status: 'False', reason: 'S', message: '' },
      t1,
    );
    assert.deepEqual(
      list.map((c) => [c.type, c.lastTransitionTime]),
      [
        ['Reconciling', '2026-01-01T00:05:00Z'],
        ['Ready', '2026-01-01T00:00:00Z'],
      ],
    );
  });

  it('finds, tests and removes conditions', () => {
    const list = setCondition([], { type: 'Ready', status: 'True', reason: 'S', message: '' }, t0);
    assert.equal(isTrue(list, 'Ready'), true);
    assert.equal(isTrue(list, 'Stalled'), false);
    assert.equal(findCondition(list, 'Ready')?.reason, 'S');
    assert.deepEqual(removeCondition(list, 'Ready'), []);
  });

  it('formats times like metav1.Time', () => assert.equal(rfc3339(t0), '2026-01-01T00:00:00Z'));
});
