// Tests of ConditionSet: Flux's order, and transitions measured against the starting conditions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionSet } from './condition-set.js';
import type { Condition } from './conditions.js';

const before: Condition[] = [
  {
    type: 'ArtifactInStorage',
    status: 'True',
    observedGeneration: 1,
    lastTransitionTime: '2026-01-01T00:00:00Z',
    reason: 'Succeeded',
    message: 'stored',
  },
  {
    type: 'Ready',
    status: 'True',
    observedGeneration: 1,
    lastTransitionTime: '2026-01-01T00:00:00Z',
    reason: 'Succeeded',
    message: 'stored',
  },
];

describe('ConditionSet', () => {
  it('lists Stalled, Reconciling and Ready first, then the rest by type', () => {
    const c = new ConditionSet([], 3, new Date('2026-02-01T00:00:00.500Z'));
    c.markTrue('FetchFailed', 'GitOperationFailed', 'x');
    c.markTrue('Stalled', 'InvalidSpec', 'y');
    c.progressing('building artifact');
    c.markTrue('ArtifactInStorage', 'Succeeded', 'z');
    assert.deepEqual(
      c.list().map((x) => [x.type, x.status, x.observedGeneration, x.lastTransitionTime]),
      [
        ['Stalled', 'True', 3, '2026-02-01T00:00:00Z'],
        ['Reconciling', 'True', 3, '2026-02-01T00:00:00Z'],
        ['Ready', 'Unknown', 3, '2026-02-01T00:00:00Z'],
        ['ArtifactInStorage', 'True', 3, '2026-02-01T00:00:00Z'],
        ['FetchFailed', 'True', 3, '2026-02-01T00:00:00Z'],
      ],
    );
  });

  it('keeps lastTransitionTime of a status that ends where it started', () => {
    const c = new ConditionSet(before, 2, new Date('2026-02-01T00:00:00Z'));
    c.progressing('reconciliation in progress');
    assert.equal(c.get('Ready')?.lastTransitionTime, '2026-02-01T00:00:00Z');
    c.markTrue('Ready', 'Succeeded', 'stored again');
    c.delete('Reconciling');
    const ready = c.list().find((x) => x.type === 'Ready');
    assert.deepEqual(ready, {
      type: 'Ready',
      status: 'True',
      observedGeneration: 2,
      lastTransitionTime: '2026-01-01T00:00:00Z',
      reason: 'Succeeded',
      message: 'stored again',
    });
  });

  it('omits observedGeneration when the object has no generation', () => {
    const c = new ConditionSet(undefined, undefined, new Date('2026-02-01T00:00:00Z'));
    c.markFalse('Ready', 'Failed', 'no');
    assert.equal('observedGeneration' in (c.get('Ready') ?? {}), false);
    assert.equal(c.isFalse('Ready'), true);
  });
});
