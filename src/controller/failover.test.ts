// Leader failover between two `flotilla controller` processes: when the leader is killed
// (SIGKILL, no clean release), the standby takes over the Lease and reconciles.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalCluster, type LocalCluster } from '../localcluster/index.js';
import { KubeClient, type KubeObject } from '../kube/index.js';
import { until } from '../testing/index.js';
import { installCrds } from './crds.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let cluster: LocalCluster;
let client: KubeClient;
let dir: string;
const children: ChildProcess[] = [];

interface Lease extends KubeObject {
  spec?: { holderIdentity?: string };
}

function controller(name: string): ChildProcess & { started: Promise<void> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/bin.ts',
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      'controller',
      '--enable-leader-election',
      '--data',
      join(dir, name),
      '--health-addr',
      '127.0.0.1:0',
      '--storage-addr',
      '127.0.0.1:0',
      '--log-level',
      'info',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(child);
  let log = '';
  const started = new Promise<void>((resolve) => {
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('controllers started')) resolve();
    });
  });
  return Object.assign(child, { started });
}

async function holder(): Promise<string | undefined> {
  const lease = await client.getOrUndefined<Lease>({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    namespace: 'flux-system',
    name: 'flotilla-controller-leader',
  });
  return lease?.spec?.holderIdentity || undefined;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-failover-'));
  cluster = await startLocalCluster({ port: 0, inMemory: true });
  writeFileSync(join(dir, 'kubeconfig'), cluster.kubeconfig);
  client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
  await installCrds(client);
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
});

after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  client.close();
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('leader failover between controller processes', () => {
  it('the standby takes over within 15 s after the leader is killed', async () => {
    const a = controller('a');
    const first = await until('a leader', holder, { timeoutMs: 60_000 });
    const b = controller('b');
    await b.started;
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await holder(), first, 'the first leader keeps the lease while alive');
    const killedAt = Date.now();
    a.kill('SIGKILL');
    const second = await until(
      'another leader',
      async () => {
        const h = await holder();
        return h !== undefined && h !== first ? h : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const tookMs = Date.now() - killedAt;
    assert.notEqual(second, first);
    assert.ok(tookMs < 15_000, `takeover took ${tookMs} ms`);
  });
});
