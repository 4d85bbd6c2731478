// Flux builds of real directories: overlay, autogeneration, sandbox, SOPS refusal, substitution.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFluxKustomization } from './build.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'flux-build-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const cm = (name: string, extra = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v${extra}\n`;

describe('buildFluxKustomization', () => {
  it('builds a plain directory of manifests and nested kustomizations (Flux autogeneration)', async () => {
    const root = tree({
      'app/a.yaml': cm('a'),
      'app/sub/b.yml': cm('b'),
      'app/base/kustomization.yaml': 'resources:\n- c.yaml\n',
      'app/base/c.yaml': cm('c'),
    });
    try {
      const objects = await buildFluxKustomization({ root, dir: join(root, 'app') });
      assert.deepEqual(objects.map((o) => (o['metadata'] as { name: string }).name).sort(), [
        'a',
        'b',
        'c',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('applies targetNamespace, prefix, images and patches from the Kustomization spec', async () => {
    const root = tree({
      'app/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      'app/deploy.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.0\n',
    });
    try {
      const [dep] = await buildFluxKustomization({
        root,
        dir: join(root, 'app'),
        overlay: {
          targetNamespace: 'prod',
          namePrefix: 'p-',
          images: [{ name: 'nginx', newTag: '2.0' }],
          patches: [
            {
              patch: '- op: replace\n  path: /spec/replicas\n  value: 3\n',
              target: { kind: 'Deployment' },
            },
          ],
        },
      });
      assert.deepEqual(dep?.['metadata'], { name: 'p-web', namespace: 'prod' });
      const spec = dep?.['spec'] as {
        replicas: number;
        template: { spec: { containers: { image: string }[] } };
      };
      assert.equal(spec.replicas, 3);
      assert.equal(spec.template.spec.containers[0]?.image, 'nginx:2.0');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('generates a kustomization for an overlay on a directory without one', async () => {
    const root = tree({ 'app/a.yaml': cm('a'), 'app/b.yaml': cm('b') });
    try {
      const objects = await buildFluxKustomization({
        root,
        dir: join(root, 'app'),
        overlay: { targetNamespace: 'n1' },
      });
      assert.deepEqual(
        objects.map((o) => o['metadata']),
        [
          { name: 'a', namespace: 'n1' },
          { name: 'b', namespace: 'n1' },
        ],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('substitutes postBuild variables, later sources winning', async () => {
    const root = tree({
      'app/a.yaml': cm('a-${env}', '\n  host: ${host:=default.test}\n  n: ${count}'),
    });
    try {
      const [obj] = await buildFluxKustomization({
        root,
        dir: join(root, 'app'),
        postBuild: true,
        substituteFrom: [{ env: 'dev', count: '1' }],
        substitute: { env: 'prod' },
      });
      assert.equal((obj?.['metadata'] as { name: string }).name, 'a-prod');
      assert.deepEqual(obj?.['data'], { k: 'v', host: 'default.test', n: 1 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses files outside the source root, naming the file', async () => {
    const outside = tree({ 'x.yaml': cm('x') });
    const root = tree({ 'app/kustomization.yaml': `resources:\n- ${join(outside, 'x.yaml')}\n` });
    try {
      await assert.rejects(
        () => buildFluxKustomization({ root, dir: join(root, 'app') }),
        (err: Error & { reason?: string }) =>
          err.reason === 'BuildFailed' && /kustomize build failed/.test(err.message),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses SOPS-encrypted objects with a clear message', async () => {
    const root = tree({
      'app/secret.yaml':
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: apps\ndata:\n  k: ENC[AES256_GCM,data:abc]\nsops:\n  mac: ENC[x]\n  version: 3.8.1\n',
    });
    try {
      await assert.rejects(
        () => buildFluxKustomization({ root, dir: join(root, 'app') }),
        /Secret\/apps\/s is encrypted with SOPS but spec\.decryption is not set .*so nothing was applied/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
