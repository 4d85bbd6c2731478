// Tests of the Flux overlay applied to a kustomization before the build.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyFluxOverlay } from './overlay.js';

/** The value as plain JSON data (the render layer builds maps without a prototype). */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

describe('applyFluxOverlay', () => {
  const base = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: 'old',
    resources: ['a.yaml'],
    images: [
      { name: 'nginx', newTag: '1.0' },
      { name: 'redis', newTag: '7' },
    ],
    patches: [{ path: 'p.yaml' }],
  };

  it('returns the kustomization unchanged when the overlay is empty', () => {
    assert.deepEqual(plain(applyFluxOverlay(base, {})), base);
  });

  it('sets namespace, prefix and suffix, appends components and patches', () => {
    const out = applyFluxOverlay(base, {
      targetNamespace: 'apps',
      namePrefix: 'p-',
      nameSuffix: '-s',
      components: ['../c'],
      patches: [{ patch: 'x', target: { kind: 'Deployment' } }, { patch: 'y' }],
    });
    assert.equal(out['namespace'], 'apps');
    assert.equal(out['namePrefix'], 'p-');
    assert.equal(out['nameSuffix'], '-s');
    assert.deepEqual(plain(out['components']), ['../c']);
    assert.deepEqual(plain(out['patches']), [
      { path: 'p.yaml' },
      { patch: 'x', target: { kind: 'Deployment' } },
      { patch: 'y' },
    ]);
    assert.equal(base.namespace, 'old', 'input unchanged');
  });

  it('replaces an image of the same name and appends new ones', () => {
    const out = applyFluxOverlay(base, {
      images: [
        { name: 'nginx', newName: 'ghcr.io/nginx', newTag: '2.0' },
        { name: 'busybox', digest: 'sha256:abc' },
      ],
    });
    assert.deepEqual(plain(out['images']), [
      { name: 'nginx', newName: 'ghcr.io/nginx', newTag: '2.0' },
      { name: 'redis', newTag: '7' },
      { name: 'busybox', digest: 'sha256:abc' },
    ]);
  });

  it('fills apiVersion and kind of a bare kustomization', () => {
    const out = applyFluxOverlay({ resources: ['x.yaml'] }, { targetNamespace: 'n' });
    assert.deepEqual(plain(out), {
      resources: ['x.yaml'],
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: 'n',
    });
  });
});
