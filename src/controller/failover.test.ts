// Leader failover between `flotilla controller` processes (the shipped bin/flotilla.js); the
// plain takeover is in the shared controller suite. Here: a leader paused (SIGSTOP) past its lease writes
// nothing once resumed (fencing); and Kustomizations keep their artifacts across a takeover
// although the source's artifact URL still names the old leader's storage.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLocalCluster, type LocalCluster } from '../localcluster/index.js';
import { KubeClient, type KubeObject, type WatchEvent } from '../kube/index.js';
import { Annotation, type Condition } from '../core/index.js';
import {
  FixtureRepo,
  shippedCli,
  startHttpGitServer,
  until,
  type RunningServer,
} from '../testing/index.js';
import { installCrds } from './crds.js';

let cluster: LocalCluster;
let client: KubeClient;
let dir: string;
let git: RunningServer;
let repo: FixtureRepo;
let bin: string;
let children: ChildProcess[] = [];

interface Lease extends KubeObject {
  spec?: { holderIdentity?: string };
}
interface Flux extends KubeObject {
  status?: {
    conditions?: Condition[];
    artifact?: { url?: string };
    lastHandledReconcileAt?: string;
  };
}

/** A controller process; `started` resolves with its identity and artifact server URL. */
interface Controller {
  readonly child: ChildProcess;
  readonly started: Promise<{ identity: string; artifacts: string }>;
  /** The log lines so far. */
  readonly log: () => string;
}

function controller(name: string, leaseNamespace: string): Controller {
  const child = spawn(
    process.execPath,
    [
      bin,
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      'controller',
      '--enable-leader-election',
      '--leader-election-namespace',
      leaseNamespace,
      '--data',
      join(dir, name),
      '--health-addr',
      '127.0.0.1:0',
      '--storage-addr',
      '127.0.0.1:0',
      '--log-level',
      'info',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(child);
  let log = '';
  const started = new Promise<{ identity: string; artifacts: string }>((resolve) => {
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      const line = log.split('\n').find((l) => l.includes('"controllers started"'));
      if (line) resolve(JSON.parse(line) as { identity: string; artifacts: string });
    });
  });
  return { child, started, log: () => log };
}

function holder(namespace: string): () => Promise<string | undefined> {
  return async () => {
    const lease = await client.getOrUndefined<Lease>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace,
      name: 'flotilla-controller-leader',
    });
    return lease?.spec?.holderIdentity || undefined;
  };
}

const GR = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' } as const;
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;
const ready = (o: Flux) => o.status?.conditions?.find((c) => c.type === 'Ready');
const hostOf = (url: string | undefined) => (url ? new URL(url).host : undefined);

async function gitRepository(name: string): Promise<void> {
  await client.create({
    ...GR,
    metadata: { name, namespace: 'flux-system' },
    spec: { url: `${git.url}/app.git`, interval: '10m', ref: { branch: 'main' } },
  });
}

before(async () => {
  bin = await shippedCli();
  dir = mkdtempSync(join(tmpdir(), 'flotilla-failover-'));
  cluster = await startLocalCluster({ port: 0, inMemory: true });
  writeFileSync(join(dir, 'kubeconfig'), cluster.kubeconfig);
  client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
  await installCrds(client);
  for (const ns of ['flux-system', 'apps', 'lease-a', 'lease-b', 'lease-c'])
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  repo = FixtureRepo.create(dir, 'app');
  await repo.commit({
    'deploy/cm.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: apps\ndata:\n  v: "1"\n',
  });
  repo.push('main');
  git = await startHttpGitServer({ root: dir });
});

afterEach(async () => {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  }
  children = [];
});

after(async () => {
  await git.close();
  client.close();
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('leader failover between controller processes', () => {
  it('a leader paused past its lease writes nothing when it resumes (fencing)', async () => {
    const a = controller('a2', 'lease-b');
    const aInfo = await a.started;
    await until('a leading', async () => (await holder('lease-b')()) === aInfo.identity, {
      timeoutMs: 60_000,
    });
    const b = controller('b2', 'lease-b');
    const bInfo = await b.started;
    // Work for the leader while it cannot run: it sees these objects only once resumed.
    a.child.kill('SIGSTOP');
    const names = ['fenced-1', 'fenced-2', 'fenced-3', 'fenced-4'];
    for (const name of names) await gitRepository(name);
    await until('b leading', async () => (await holder('lease-b')()) === bInfo.identity, {
      timeoutMs: 30_000,
    });
    const stored = (name: string) => async () => {
      const gr = await client.get<Flux>({ ...GR, namespace: 'flux-system', name });
      return (
        ready(gr)?.status === 'True' && hostOf(gr.status?.artifact?.url) === hostOf(bInfo.artifacts)
      );
    };
    for (const name of names)
      await until(`${name} stored by b`, stored(name), { timeoutMs: 30_000 });
    const resumedAt = new Date();
    a.child.kill('SIGCONT');
    await until('a to notice', () => /lease taken|failed to renew/.test(a.log()), {
      timeoutMs: 10_000,
    });
    await sleep(2000);

    for (const name of names) {
      const gr = await client.get<Flux>({ ...GR, namespace: 'flux-system', name });
      assert.equal(
        hostOf(gr.status?.artifact?.url),
        hostOf(bInfo.artifacts),
        `${name}: status written by a`,
      );
      assert.equal(
        existsSync(join(dir, 'a2', 'artifacts', 'gitrepository', 'flux-system', name)),
        false,
        `${name}: a stored an artifact after it lost the lease`,
      );
    }
    const events = await client.list<
      KubeObject & { reportingInstance?: string; eventTime?: string }
    >({ apiVersion: 'events.k8s.io/v1', kind: 'Event' }, { namespace: 'flux-system' });
    const late = events.items.filter(
      (e) =>
        e.reportingInstance === aInfo.identity &&
        Date.parse(e.eventTime ?? '') >= resumedAt.getTime(),
    );
    assert.deepEqual(
      late.map((e) => e.metadata.name),
      [],
      'events recorded by a after resuming',
    );
  });

  it("Kustomizations do not fail on the old leader's artifact URLs after a takeover", async () => {
    const a = controller('a3', 'lease-c');
    const aInfo = await a.started;
    await until('a leading', async () => (await holder('lease-c')()) === aInfo.identity, {
      timeoutMs: 60_000,
    });
    const b = controller('b3', 'lease-c');
    const bInfo = await b.started;
    await gitRepository('takeover');
    await client.create({
      ...KS,
      metadata: { name: 'takeover', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        path: './deploy',
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'takeover' },
      },
    });
    const ks = () => client.get<Flux>({ ...KS, namespace: 'flux-system', name: 'takeover' });
    await until('applied by a', async () => ready(await ks())?.status === 'True', {
      timeoutMs: 30_000,
    });

    // Every Ready the Kustomization shows from the takeover on.
    const seen: Condition[] = [];
    const watching = new AbortController();
    const watch = client
      .watch(
        { ...KS },
        { namespace: 'flux-system' },
        (e: WatchEvent) => {
          const c = ready(e.object);
          if (e.object.metadata.name === 'takeover' && c) seen.push(c);
        },
        watching.signal,
      )
      .catch(() => undefined);
    a.child.kill('SIGKILL');
    await until('b leading', async () => (await holder('lease-c')()) === bInfo.identity, {
      timeoutMs: 30_000,
    });
    await until(
      'the source stored by b',
      async () => {
        const gr = await client.get<Flux>({ ...GR, namespace: 'flux-system', name: 'takeover' });
        return hostOf(gr.status?.artifact?.url) === hostOf(bInfo.artifacts);
      },
      { timeoutMs: 30_000 },
    );
    const requested = `after-takeover-${Date.now()}`;
    await client.patch({ ...KS, namespace: 'flux-system', name: 'takeover' }, 'merge', {
      metadata: { annotations: { [Annotation.ReconcileRequestedAt]: requested } },
    });
    const done = await until(
      'reconciled by b',
      async () => {
        const k = await ks();
        return k.status?.lastHandledReconcileAt === requested && ready(k)?.status !== 'Unknown'
          ? k
          : undefined;
      },
      { timeoutMs: 30_000 },
    );
    watching.abort();
    await watch;
    assert.equal(ready(done)?.status, 'True', JSON.stringify(ready(done)));
    assert.deepEqual(
      seen.filter((c) => c.status === 'False').map((c) => `${c.reason}: ${c.message}`),
      [],
      'Ready went False after the takeover',
    );
  });
});
