// Server-side printing helpers: Table negotiation and kubectl-style ages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { humanAge, wantsTable } from './tables.js';

describe('tables', () => {
  it('detects the Table media type kubectl sends', () => {
    assert.equal(
      wantsTable(
        'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      ),
      true,
    );
    assert.equal(wantsTable('application/json'), false);
    assert.equal(wantsTable(undefined), false);
  });

  it('prints ages like kubectl', () => {
    const now = Date.parse('2026-01-10T00:00:00Z');
    const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();
    const cases: [number, string][] = [
      [5, '5s'],
      [119, '119s'],
      [150, '2m30s'],
      [600, '10m'],
      [3 * 3600 + 600, '3h10m'],
      [10 * 3600, '10h'],
      [3 * 86400 + 7200, '3d2h'],
      [30 * 86400, '30d'],
    ];
    for (const [ago, want] of cases) assert.equal(humanAge(at(ago), now), want, `${ago}s`);
  });
});
