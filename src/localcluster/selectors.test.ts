// Label and field selector parsing and matching.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { labelSelectorObjectMatcher, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { ApiError } from './status-errors.js';

const obj = (labels: Record<string, string>, name = 'n', namespace = 'ns') => ({
  metadata: { name, namespace, labels },
});

describe('label selectors', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['', {}, true],
    ['a=b', { a: 'b' }, true],
    ['a==b', { a: 'c' }, false],
    ['a!=b', {}, true],
    ['a!=b', { a: 'b' }, false],
    ['a in (x, y)', { a: 'y' }, true],
    ['a in (x,y)', {}, false],
    ['a notin (x)', {}, true],
    ['a notin (x)', { a: 'x' }, false],
    ['a', { a: '' }, true],
    ['!a', { a: '' }, false],
    [
      'app.kubernetes.io/name=web,tier in (fe),!legacy',
      { 'app.kubernetes.io/name': 'web', tier: 'fe' },
      true,
    ],
  ];
  for (const [sel, labels, want] of cases) {
    it(`${JSON.stringify(sel)} on ${JSON.stringify(labels)} is ${String(want)}`, () => {
      assert.equal(parseLabelSelector(sel)(obj(labels)), want);
    });
  }

  it('matches metav1.LabelSelector objects', () => {
    const m = labelSelectorObjectMatcher({
      matchLabels: { a: 'b' },
      matchExpressions: [
        { key: 'c', operator: 'In', values: ['1', '2'] },
        { key: 'd', operator: 'DoesNotExist' },
      ],
    });
    assert.equal(m({ a: 'b', c: '2' }), true);
    assert.equal(m({ a: 'b', c: '3' }), false);
    assert.equal(m({ a: 'b', c: '1', d: '' }), false);
    assert.equal(labelSelectorObjectMatcher(undefined)({}), true);
  });

  it('rejects unparsable selectors with 400', () => {
    assert.throws(
      () => parseLabelSelector('a in x'),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
  });
});

describe('field selectors', () => {
  it('supports metadata.name and metadata.namespace with =, == and !=', () => {
    assert.equal(parseFieldSelector('metadata.name=n')(obj({})), true);
    assert.equal(parseFieldSelector('metadata.name==m')(obj({})), false);
    assert.equal(parseFieldSelector('metadata.namespace!=ns')(obj({})), false);
    assert.equal(parseFieldSelector('metadata.name=n,metadata.namespace=ns')(obj({})), true);
  });

  it('supports the kind-specific field labels (events, pods, secrets)', () => {
    const ev = {
      metadata: { name: 'e', namespace: 'ns' },
      involvedObject: { kind: 'Deployment', name: 'web', uid: 'u1' },
      source: { component: 'x' },
      type: 'Normal',
    };
    const kind = { group: '', kind: 'Event' };
    assert.equal(
      parseFieldSelector(
        'involvedObject.name=web,involvedObject.kind=Deployment,involvedObject.uid=u1',
        kind,
      )(ev),
      true,
    );
    assert.equal(parseFieldSelector('type!=Normal', kind)(ev), false);
    assert.equal(parseFieldSelector('source=x', kind)(ev), true);
    assert.equal(
      parseFieldSelector('status.phase=Running', { group: '', kind: 'Pod' })({
        status: { phase: 'Running' },
      }),
      true,
    );
    assert.equal(
      parseFieldSelector('type=Opaque', { group: '', kind: 'Secret' })({ type: 'Opaque' }),
      true,
    );
    assert.throws(
      () => parseFieldSelector('type=Opaque', { group: '', kind: 'ConfigMap' }),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
  });

  it('refuses other fields like kube-apiserver', () => {
    assert.throws(
      () => parseFieldSelector('status.phase=Running'),
      (e: unknown) =>
        e instanceof ApiError && e.message === 'field label not supported: status.phase',
    );
  });
});
