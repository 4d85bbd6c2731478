// Tests of field sets: FieldsV1 round trips, SMD element order, set algebra and printed paths.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from './field-set.js';

describe('FieldSet', () => {
  const doc = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:containers': {
        'k:{"name":"web"}': {
          '.': {},
          'f:ports': {
            'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
            'k:{"containerPort":443,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
          },
        },
      },
      'f:finalizers': { 'v:"b"': {}, 'v:"a"': {} },
    },
  };
  it('round-trips FieldsV1 and orders elements like SMD (numbers numerically)', () => {
    const out = FieldSet.fromFieldsV1(doc).toFieldsV1();
    assert.deepEqual(out, doc);
    const ports = Object.keys(
      (out['f:spec'] as Record<string, Record<string, Record<string, unknown>>>)['f:containers']![
        'k:{"name":"web"}'
      ]!['f:ports'] as Record<string, unknown>,
    );
    assert.deepEqual(ports, [
      'k:{"containerPort":80,"protocol":"TCP"}',
      'k:{"containerPort":443,"protocol":"TCP"}',
    ]);
    const finalizers = Object.keys(
      (out['f:spec'] as Record<string, Record<string, unknown>>)['f:finalizers']!,
    );
    assert.deepEqual(finalizers, ['v:"a"', 'v:"b"']);
  });
  it('prints member paths as kube-apiserver does', () => {
    assert.deepEqual(FieldSet.fromFieldsV1(doc).paths(), [
      '.metadata.labels',
      '.metadata.labels.app',
      '.spec.containers[name="web"]',
      '.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]',
      '.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"].containerPort',
      '.spec.containers[name="web"].ports[containerPort=443,protocol="TCP"]',
      '.spec.containers[name="web"].ports[containerPort=443,protocol="TCP"].containerPort',
      '.spec.finalizers[="a"]',
      '.spec.finalizers[="b"]',
    ]);
  });
  it('computes differences, intersections and overlaps', () => {
    const a = FieldSet.fromFieldsV1({ 'f:a': {}, 'f:b': { 'f:c': {}, 'f:d': {} } });
    const b = FieldSet.fromFieldsV1({ 'f:b': { 'f:c': {} }, 'f:e': {} });
    assert.deepEqual(a.difference(b).toFieldsV1(), { 'f:a': {}, 'f:b': { 'f:d': {} } });
    assert.deepEqual(a.intersection(b).toFieldsV1(), { 'f:b': { 'f:c': {} } });
    assert.equal(a.overlaps(b), true);
    assert.equal(a.overlaps(FieldSet.fromFieldsV1({ 'f:e': {} })), false);
  });
  it('rejects malformed FieldsV1', () => {
    assert.throws(() => FieldSet.fromFieldsV1({ 'x:a': {} }), /invalid path element/);
    assert.throws(() => FieldSet.fromFieldsV1({ 'f:a': 1 }), /must be an object/);
    assert.throws(() => FieldSet.fromFieldsV1([]), /must be an object/);
  });

  it('compares sets by members (equals)', () => {
    const cases: [unknown, unknown, boolean][] = [
      [doc, doc, true],
      [{ 'f:a': {} }, { 'f:a': {} }, true],
      [{ 'f:a': {} }, { 'f:b': {} }, false],
      [{ 'f:a': { '.': {}, 'f:b': {} } }, { 'f:a': { 'f:b': {} } }, false],
      [{ 'f:a': { 'f:b': {} } }, { 'f:a': { 'f:b': {}, 'f:c': {} } }, false],
      [{ 'f:a': { 'f:b': {} } }, {}, false],
      [{}, {}, true],
    ];
    for (const [a, b, want] of cases) {
      const x = FieldSet.fromFieldsV1(a);
      const y = FieldSet.fromFieldsV1(b);
      assert.equal(x.equals(y), want, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      assert.equal(y.equals(x), want, `${JSON.stringify(b)} vs ${JSON.stringify(a)}`);
    }
  });
  it('encodes frozen FieldsV1 documents (stored objects share them)', () => {
    const out = FieldSet.fromFieldsV1(doc).toFieldsV1();
    assert.ok(Object.isFrozen(out));
    assert.ok(Object.isFrozen(out['f:metadata']));
    assert.throws(() => {
      out['f:x'] = {};
    }, TypeError);
  });
});
