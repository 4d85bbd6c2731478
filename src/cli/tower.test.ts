// `flotilla tower` and `flotilla controller --tower` as users run them (the shipped entry): Tower
// serves the cluster's apps, names its address, and refuses to listen beyond loopback without
// logins, naming the flags of the command that was run.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient } from '../kube/index.js';
import { startLocalCluster, type LocalCluster } from '../localcluster/index.js';
import { installCrds } from '../controller/index.js';
import type { FleetPage } from '../tower/index.js';
import {
  ensureTowerWeb,
  runCli,
  startCli,
  startControllerProcess,
  until,
} from '../testing/index.js';

describe('flotilla tower', { timeout: 240_000 }, () => {
  let dir: string;
  let cluster: LocalCluster;
  let kubeconfig: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-tower-cli-'));
    await ensureTowerWeb();
    cluster = await startLocalCluster({ port: 0, inMemory: true, name: 'dev', simulate: false });
    const client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
    await installCrds(client);
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    await client.create({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        path: './apps',
        prune: true,
        suspend: true,
        sourceRef: { kind: 'GitRepository', name: 'fleet' },
      },
    });
    client.close();
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeconfig, { mode: 0o600 });
  });

  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const fleetOf = async (url: string): Promise<FleetPage> => {
    const res = await fetch(`${url}/api/fleet`);
    assert.equal(res.status, 200);
    return (await res.json()) as FleetPage;
  };

  it('serves the cluster of the current context, read-only, at the address it prints', async () => {
    const tower = await startCli([
      'tower',
      '--kubeconfig',
      kubeconfig,
      '--environment',
      'dev=development',
      '--listen',
      '127.0.0.1:0',
      '--data',
      join(dir, 'tower'),
    ]);
    try {
      await tower.waitFor(/Tower serving http:\/\/\S+ \(1 cluster, read-only\)/, 120_000);
      const url = /Tower serving (http:\/\/\S+)/.exec(tower.stdout())?.[1] ?? '';
      const page = await until(
        'the app listed',
        async () => {
          const p = await fleetOf(url);
          return p.total === 1 ? p : undefined;
        },
        { timeoutMs: 60_000 },
      );
      assert.equal(page.items[0]?.id, 'dev/Kustomization/flux-system/apps');
      assert.equal(page.items[0]?.environment, 'development');
      assert.equal(page.items[0]?.suspended, true);
      const html = await fetch(`${url}/fleet`);
      assert.match(html.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.match(await html.text(), /<div id="app">/);
    } finally {
      await tower.stop();
    }
  });

  it('refuses to listen beyond loopback without logins', async () => {
    const res = await runCli([
      'tower',
      '--kubeconfig',
      kubeconfig,
      '--listen',
      '0.0.0.0:0',
      '--data',
      join(dir, 'tower'),
    ]);
    assert.notEqual(res.code, 0);
    assert.match(
      res.stderr,
      /--listen: refusing to listen on 0\.0\.0\.0 without authentication: give --auth-token-file or --auth-secret/,
    );
  });

  it('is served by the controller with --tower', async () => {
    const controller = await startControllerProcess({
      kubeconfigPath: kubeconfig,
      args: ['--tower', '--tower-listen', '127.0.0.1:0', '--tower-data', join(dir, 'ctl-tower')],
    });
    try {
      const line = await until(
        'Tower serving',
        () =>
          Promise.resolve(
            controller
              .tail(400)
              .split('\n')
              .find((l) => l.includes('"Tower serving"')),
          ),
        { timeoutMs: 90_000 },
      );
      const url = (JSON.parse(line) as { url: string }).url;
      const page = await until(
        'the app listed',
        async () => {
          const p = await fleetOf(url);
          return p.total === 1 ? p : undefined;
        },
        { timeoutMs: 60_000 },
      );
      assert.equal(page.items[0]?.name, 'apps');
    } finally {
      await controller.stop();
    }
    const refused = await runCli([
      '--kubeconfig',
      kubeconfig,
      'controller',
      '--tower',
      '--tower-listen',
      '0.0.0.0:0',
      '--health-addr',
      '127.0.0.1:0',
      '--storage-addr',
      '127.0.0.1:0',
      '--data',
      join(dir, 'ctl-refused'),
    ]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /give --tower-auth-token-file or --tower-auth-secret/);
  });
});
