// Fleet scale (issue 24): one GitRepository, FLEET_KS folders each holding a Deployment, a
// Service and a ConfigMap, and one Kustomization per folder with `wait: true`, reconciled by the
// shipped controller (`flotilla controller`, its own process) on the local cluster (`flotilla
// cluster start`, its own process). It prints, with the aim beside each figure:
//   1. cold: all Kustomizations created at once, until every one is Ready at the commit;
//   2. a new commit that changes every folder, until every one is Ready at it again;
//   3. a no-op resync (reconcile requested for every Kustomization): time and objects written;
// and the controller's peak RSS (VmHWM). Aims on 2 cores: 1 and 2 under 60 s each, 3 under 10 s
// with zero writes, peak RSS under 200 MB. The baseline for the ratios is the aim itself.
//
// FLEET_KS=1000 (default) sets the number; FLEET_OBJECTS=configmap makes each folder a single
// ConfigMap (the 10,000 case: FLEET_KS=10000 FLEET_OBJECTS=configmap; aims: cold under 10 min,
// peak RSS under 400 MB). FLEET_CONCURRENT passes --concurrent to the controller.
// BENCH_TARGETS=local (default) or local,real: the real kube-apiserver runs with
// kube-controller-manager and kwok nodes so that Deployments become ready.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { KubeClient } from '../src/kube/index.js';
import { installCrds, type Kustomization } from '../src/controller/index.js';
import {
  realClusterSkip,
  startControllerProcess,
  startRealCluster,
  startServedGitRepo,
  type ControllerProcess,
} from '../src/testing/index.js';
import { localProcess, sideBySide, type BenchTarget, type Figures } from './servers.js';
import { KubeClient as Client } from '../src/kube/index.js';

const COUNT = Number(process.env['FLEET_KS'] ?? 1000);
const SMALL = process.env['FLEET_OBJECTS'] === 'configmap';
const CONCURRENT = process.env['FLEET_CONCURRENT'];
const NS = 'fleet';
const KS_TYPE = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;
const aims = SMALL
  ? { coldS: 600, changeS: 600, noopS: 60, rssMb: 400 }
  : { coldS: 60, changeS: 60, noopS: 10, rssMb: 200 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const names = Array.from({ length: COUNT }, (_, i) => `app-${i}`);

/** Runs `fn` for every name, 16 at a time: as `kubectl apply` of many objects would. */
async function forAll(fn: (name: string) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < names.length) await fn(names[next++] as string);
    }),
  );
}

/** The files of one folder at a given generation of the fleet. */
function folder(name: string, generation: number): Record<string, string> {
  const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${NS}\ndata:\n  generation: "${generation}"\n`;
  if (SMALL) return { [`apps/${name}/configmap.yaml`]: cm };
  return {
    [`apps/${name}/configmap.yaml`]: cm,
    [`apps/${name}/service.yaml`]: `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${NS}\nspec:\n  selector:\n    app: ${name}\n  ports:\n  - port: 80\n    targetPort: 8080\n`,
    [`apps/${name}/deployment.yaml`]: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${NS}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n      annotations:\n        generation: "${generation}"\n    spec:\n      containers:\n      - name: app\n        image: registry.example/app:1.${generation}\n        ports:\n        - containerPort: 8080\n`,
  };
}

function fleetFiles(generation: number): Record<string, string> {
  return Object.assign({}, ...names.map((n) => folder(n, generation))) as Record<string, string>;
}

function rssMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid ?? 0}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
}

const ready = (k: Kustomization, sha: string) =>
  k.status?.lastAppliedRevision?.endsWith(sha) === true &&
  k.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** Polls the list every second until all are Ready at `sha`; prints progress every 10 s. */
async function allReady(
  client: KubeClient,
  test: (k: Kustomization) => boolean,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  let shown = Date.now();
  for (;;) {
    const list = await client.list<Kustomization>(KS_TYPE, { namespace: NS });
    const done = list.items.filter(test).length;
    if (done === COUNT) return;
    if (Date.now() > end) throw new Error(`only ${done}/${COUNT} Kustomizations done in time`);
    if (Date.now() - shown > 10_000) {
      shown = Date.now();
      console.log(`#   ${done}/${COUNT} done`);
    }
    await sleep(1000);
  }
}

async function versions(client: KubeClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const kinds = SMALL
    ? [{ apiVersion: 'v1', kind: 'ConfigMap' }]
    : [
        { apiVersion: 'v1', kind: 'ConfigMap' },
        { apiVersion: 'v1', kind: 'Service' },
        { apiVersion: 'apps/v1', kind: 'Deployment' },
      ];
  for (const k of kinds) {
    for (const o of (await client.list(k, { namespace: NS })).items) {
      out.set(`${k.kind}/${o.metadata.name}`, o.metadata.resourceVersion ?? '');
    }
  }
  return out;
}

/** The real kube-apiserver with kube-controller-manager and kwok nodes: Deployments roll out. */
const realWithWorkloads: BenchTarget = {
  id: 'real',
  name: 'kube-apiserver',
  skip: realClusterSkip(),
  async start() {
    const cluster = await startRealCluster({ controllerManager: true, fakeNodes: true });
    const client = await Client.fromKubeConfig({ path: cluster.kubeconfigPath });
    return {
      kubeconfigPath: cluster.kubeconfigPath,
      client,
      rollsOut: true,
      async stop() {
        client.close();
        await cluster.stop();
      },
    };
  },
};

async function measure(target: BenchTarget): Promise<Figures> {
  const figures: Figures = new Map();
  const server = await target.start();
  const repo = await startServedGitRepo('fleet');
  let controller: ControllerProcess | undefined;
  try {
    const client = server.client;
    await installCrds(client);
    for (const ns of ['flux-system', NS])
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const first = repo.commit(fleetFiles(1), 'fleet generation 1');
    await client.create({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'fleet', namespace: NS },
      spec: { url: repo.url, interval: '1h', ref: { branch: 'main' } },
    });
    controller = await startControllerProcess({
      kubeconfigPath: server.kubeconfigPath,
      ...(CONCURRENT ? { args: ['--concurrent', CONCURRENT] } : {}),
    });
    const pid = controller.child.pid;
    const idle = rssMb(pid, 'VmRSS');

    // 1. Cold.
    const t0 = Date.now();
    await forAll((name) =>
      client.create({
        ...KS_TYPE,
        metadata: { name, namespace: NS },
        spec: {
          interval: '1h',
          path: `./apps/${name}`,
          prune: true,
          wait: true,
          timeout: '5m',
          sourceRef: { kind: 'GitRepository', name: 'fleet' },
        },
      }),
    );
    const created = Date.now() - t0;
    await allReady(client, (k) => ready(k, first), aims.coldS * 5000);
    const cold = (Date.now() - t0) / 1000;
    figures.set(
      `cold: ${COUNT} Kustomizations to Ready (aim < ${aims.coldS} s)`,
      `${cold.toFixed(1)} s (${(cold / aims.coldS).toFixed(2)}x; creating them took ${(created / 1000).toFixed(1)} s)`,
    );

    // 2. A commit that changes every folder.
    const second = repo.commit(fleetFiles(2), 'fleet generation 2');
    const t1 = Date.now();
    await client.patch(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        namespace: NS,
        name: 'fleet',
      },
      'merge',
      { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': String(t1) } } },
    );
    await allReady(client, (k) => ready(k, second), aims.changeS * 5000);
    const change = (Date.now() - t1) / 1000;
    figures.set(
      `changed commit: all ${COUNT} Ready again (aim < ${aims.changeS} s)`,
      `${change.toFixed(1)} s (${(change / aims.changeS).toFixed(2)}x)`,
    );

    // 3. No-op resync of all.
    await sleep(2000);
    const before = await versions(client);
    const requested = `noop-${Date.now()}`;
    const t2 = Date.now();
    await forAll((name) =>
      client.patch({ ...KS_TYPE, namespace: NS, name }, 'merge', {
        metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': requested } },
      }),
    );
    const requestedIn = (Date.now() - t2) / 1000;
    await allReady(
      client,
      (k) => k.status?.lastHandledReconcileAt === requested && ready(k, second),
      aims.noopS * 20_000,
    );
    const noop = (Date.now() - t2) / 1000;
    const after = await versions(client);
    const written = [...after].filter(([k, rv]) => before.get(k) !== rv).length;
    figures.set(
      `no-op resync of ${COUNT} (aim < ${aims.noopS} s, 0 writes)`,
      `${noop.toFixed(1)} s (${(noop / aims.noopS).toFixed(2)}x; requesting took ${requestedIn.toFixed(1)} s), ${written} objects written`,
    );
    const peak = rssMb(pid, 'VmHWM');
    figures.set(
      `controller peak RSS (aim < ${aims.rssMb} MB)`,
      `${peak.toFixed(0)} MB (${(peak / aims.rssMb).toFixed(2)}x; idle ${idle.toFixed(0)} MB)`,
    );
    return figures;
  } finally {
    await controller?.stop();
    await repo.close();
    await server.stop();
  }
}

console.log(
  `# fleet: ${COUNT} Kustomizations of ${SMALL ? 'one ConfigMap' : 'a Deployment, a Service and a ConfigMap'} each; ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
if (!process.env['BENCH_TARGETS']) process.env['BENCH_TARGETS'] = 'local';
await sideBySide([localProcess, realWithWorkloads], measure);
