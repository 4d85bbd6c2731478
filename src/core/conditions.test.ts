// Tests of the read helpers of condition lists (ConditionSet, which writes them, has its own).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findCondition, isTrue, rfc3339, type Condition } from './conditions.js';

const t0 = new Date('2026-01-01T00:00:00.123Z');
const list: Condition[] = [
  { type: 'Ready', status: 'True', lastTransitionTime: rfc3339(t0), reason: 'S', message: '' },
];

describe('conditions', () => {
  it('finds and tests conditions', () => {
    assert.equal(isTrue(list, 'Ready'), true);
    assert.equal(isTrue(list, 'Stalled'), false);
    assert.equal(isTrue(undefined, 'Ready'), false);
    assert.equal(findCondition(list, 'Ready')?.reason, 'S');
  });

  it('formats times like metav1.Time', () => assert.equal(rfc3339(t0), '2026-01-01T00:00:00Z'));
});
