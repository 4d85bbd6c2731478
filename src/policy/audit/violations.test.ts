// The audit's per-constraint tally: the total is exact, the kept violations are the first `limit`
// in the stable order (kind, namespace, name, message) whatever order objects arrive in.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Constraint } from '../gatekeeper/constraint.js';
import { ConstraintViolations, type StatusViolation } from './violations.js';

const constraint = { kind: 'K8sX', name: 'x' } as Constraint;
const v = (kind: string, namespace: string, name: string, message = 'm'): StatusViolation => ({
  message,
  enforcementAction: 'deny',
  group: '',
  version: 'v1',
  kind,
  name,
  ...(namespace === '' ? {} : { namespace }),
});

/** A deterministic shuffle (a linear congruential generator), so the test is reproducible. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('ConstraintViolations', () => {
  const all = [
    v('Pod', 'b', 'p2'),
    v('ConfigMap', 'a', 'c1', 'second'),
    v('ConfigMap', 'a', 'c1', 'first'),
    v('Namespace', '', 'ns1'),
    v('Pod', 'a', 'p1'),
    v('ConfigMap', 'b', 'c0'),
  ];
  const sorted = [all[2], all[1], all[5], all[3], all[4], all[0]];

  it('keeps the first violations in a stable order, whatever the arrival order', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const t = new ConstraintViolations(constraint, 3);
      for (const x of shuffled(all, seed)) t.add(x);
      assert.equal(t.total, 6);
      assert.deepEqual(t.violations(), sorted.slice(0, 3));
    }
  });

  it('counts every violation with a limit of 0 and keeps none', () => {
    const t = new ConstraintViolations(constraint, 0);
    for (const x of all) t.add(x);
    assert.equal(t.total, 6);
    assert.deepEqual(t.violations(), []);
  });

  it('keeps all of them under the limit', () => {
    const t = new ConstraintViolations(constraint, 20);
    for (const x of shuffled(all, 7)) t.add(x);
    assert.deepEqual(t.violations(), sorted);
  });
});
