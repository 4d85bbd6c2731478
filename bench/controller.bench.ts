// Benchmarks of the controllers (issue 6), each printing its figure and the ratio to its aim, on
// the local cluster (`flotilla cluster start`, its own process) and on a real kube-apiserver,
// side by side:
//   1. commit-to-applied latency of a 50-object Kustomization when reconcile is requested right
//      after the commit (aim: p50 under 1 s), with `kubectl apply --server-side` (the oracle
//      kubectl) of the same 50 objects as the baseline measured in the same run;
//   2. a Kustomization of 10,000 unchanged objects reconciled again: wall time and how many
//      objects were written (aim: under 1 s and zero writes);
//   3. controller memory (RSS) with 100 Kustomizations of 100 objects each (aim: under 200 MB),
//      against the controller's RSS before any Kustomization — on the local cluster only: the
//      controller's memory does not depend on the server.
// The controllers run as the shipped `flotilla controller` (bin/flotilla.js over the bundle) in
// their own process; RSS is read from /proc.
// Sizes can be lowered for a quick run: BENCH_BIG=2000 BENCH_KS=20 node --import tsx bench/controller.bench.ts
// Servers: BENCH_TARGETS=local,real. For memory work: BENCH_ONLY=memory stops after bench 3, and
// BENCH_HEAPSNAPSHOT_DIR=/some/dir makes the controller write a V8 heap snapshot there once bench 3
// has measured its RSS.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KubeClient, KubeObject } from '../src/kube/index.js';
import { installCrds, type Kustomization } from '../src/controller/index.js';
import {
  findOracle,
  startControllerProcess,
  startServedGitRepo,
  type ControllerProcess,
  type ServedGitRepo,
} from '../src/testing/index.js';
import { localProcess, realServer, sideBySide, type BenchTarget, type Figures } from './servers.js';

const run = promisify(execFile);
const BIG = Number(process.env['BENCH_BIG'] ?? 10_000);
const KS_COUNT = Number(process.env['BENCH_KS'] ?? 100);
const PER_KS = 100;
const LATENCY_RUNS = 10;
const ONLY_MEMORY = process.env['BENCH_ONLY'] === 'memory';
const SNAPSHOT_DIR = process.env['BENCH_HEAPSNAPSHOT_DIR'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function configMaps(ns: string, count: number, salt: string): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    docs.push(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${ns}\ndata:\n  index: "${i}"\n  salt: "${salt}"\n`,
    );
  }
  return docs.join('---\n');
}

/** Resident memory of a process now (VmRSS), or its high-water mark so far (VmHWM). */
function rssMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid ?? 0}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
}

const KS_TYPE = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;
const ksRef = (name: string) => ({ ...KS_TYPE, namespace: 'flux-system', name });

async function waitApplied(
  client: KubeClient,
  names: string[],
  sha: string,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const list = await client.list<Kustomization>(KS_TYPE, { namespace: 'flux-system' });
    const done = list.items.filter(
      (k) => names.includes(k.metadata.name) && k.status?.lastAppliedRevision?.endsWith(sha),
    );
    if (done.length === names.length) return;
    if (Date.now() > end)
      throw new Error(
        `only ${done.length}/${names.length} Kustomizations applied ${sha.slice(0, 7)}`,
      );
    await sleep(20);
  }
}

/** Resolves with the object once a watch from `resourceVersion` shows it passing `test`. */
async function watchFor<T extends KubeObject>(
  client: KubeClient,
  ref: { apiVersion: string; kind: string; namespace: string; name: string },
  resourceVersion: string,
  test: (o: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let found: T | undefined;
  try {
    await client
      .watch(
        ref,
        { namespace: ref.namespace, fieldSelector: `metadata.name=${ref.name}`, resourceVersion },
        (event) => {
          if (found === undefined && test(event.object as T)) {
            found = event.object as T;
            abort.abort();
          }
        },
        abort.signal,
      )
      .catch((err: unknown) => {
        if (found === undefined && !abort.signal.aborted) throw err;
      });
  } finally {
    clearTimeout(timer);
  }
  if (found === undefined)
    throw new Error(`${ref.kind} ${ref.name}: not seen within ${timeoutMs} ms`);
  return found;
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** One server, its Git repositories (one per bench, so a commit for one does not re-trigger the others) and the controller. */
interface Setup {
  readonly client: KubeClient;
  readonly kubeconfigPath: string;
  readonly repos: Record<'fleet' | 'latency' | 'big', ServedGitRepo>;
  /** The commit each repository is at when the controller starts. */
  readonly initial: Record<'fleet' | 'latency' | 'big', string>;
  readonly controller: ControllerProcess;
  readonly dir: string;
}

const mkKs = (client: KubeClient, name: string, path: string, repo: string) =>
  client.create({
    ...KS_TYPE,
    metadata: { name, namespace: 'flux-system' },
    spec: { interval: '1h', path, prune: true, sourceRef: { kind: 'GitRepository', name: repo } },
  });

async function benchMemory(s: Setup, figures: Figures): Promise<void> {
  const rssIdle = rssMb(s.controller.child.pid);
  const sha = s.initial.fleet;
  const fleet = Array.from({ length: KS_COUNT }, (_, k) => `fleet-${k}`);
  const t0 = Date.now();
  for (const name of fleet) await mkKs(s.client, name, `./${name}`, 'fleet');
  await waitApplied(s.client, fleet, sha, 600_000);
  await sleep(2000);
  const rss = rssMb(s.controller.child.pid);
  figures.set(
    `memory: ${KS_COUNT} Kustomizations x ${PER_KS} ConfigMaps applied in`,
    `${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  figures.set(
    'memory: controller RSS (aim < 200 MB)',
    `${rss.toFixed(0)} MB (${(rss / 200).toFixed(2)}x of the aim; idle ${rssIdle.toFixed(0)} MB)`,
  );
  // RSS right after a burst depends on where the garbage collector is in its cycle: the peak
  // during the burst is the stricter figure, and RSS once the process has settled the kinder one.
  const peak = rssMb(s.controller.child.pid, 'VmHWM');
  await sleep(15_000);
  figures.set(
    'memory: peak RSS while applying; 15 s later',
    `${peak.toFixed(0)} MB; ${rssMb(s.controller.child.pid).toFixed(0)} MB`,
  );
  if (SNAPSHOT_DIR) {
    const before = new Set(readdirSync(SNAPSHOT_DIR));
    s.controller.child.kill('SIGUSR2');
    // The snapshot is complete once its size stops changing.
    let last = -1;
    for (;;) {
      await sleep(1000);
      const file = readdirSync(SNAPSHOT_DIR).find((f) => !before.has(f));
      const size = file ? statSync(join(SNAPSHOT_DIR, file)).size : -1;
      if (file && size > 0 && size === last) {
        console.log(`memory: heap snapshot ${join(SNAPSHOT_DIR, file)}`);
        break;
      }
      last = size;
    }
  }
}

async function benchLatency(s: Setup, figures: Figures): Promise<void> {
  let sha = s.initial.latency;
  await mkKs(s.client, 'latency', './latency', 'latency');
  await waitApplied(s.client, ['latency'], sha, 120_000);
  const latencies: number[] = [];
  for (let i = 1; i <= LATENCY_RUNS; i++) {
    const start = Date.now();
    sha = s.repos.latency.commit({ 'latency/all.yaml': configMaps('latency', 50, String(i)) });
    await s.client.patch(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        namespace: 'flux-system',
        name: 'latency',
      },
      'merge',
      { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': String(Date.now()) } } },
    );
    await waitApplied(s.client, ['latency'], sha, 60_000);
    latencies.push(Date.now() - start);
  }
  const p50 = percentile(latencies, 50);
  figures.set(
    `latency: commit-to-applied p50, p90 (${LATENCY_RUNS} commits; aim p50 < 1 s)`,
    `${p50} ms, ${percentile(latencies, 90)} ms (${(p50 / 1000).toFixed(2)}x of the aim)`,
  );
  const kubectl = findOracle('kubectl');
  if (!kubectl) {
    figures.set('latency: kubectl apply --server-side of the 50 objects', 'not built');
    return;
  }
  writeFileSync(join(s.dir, 'latency.yaml'), configMaps('latency', 50, 'kubectl'));
  const t = Date.now();
  await run(kubectl, [
    '--kubeconfig',
    s.kubeconfigPath,
    'apply',
    '--server-side',
    '--force-conflicts',
    '-f',
    join(s.dir, 'latency.yaml'),
  ]);
  const kubectlMs = Date.now() - t;
  figures.set(
    'latency: kubectl apply --server-side of the 50 objects',
    `${kubectlMs} ms (p50/kubectl ${(p50 / kubectlMs).toFixed(2)}x)`,
  );
}

async function benchNoop(s: Setup, figures: Figures): Promise<void> {
  const sha = s.initial.big;
  await mkKs(s.client, 'big', './big', 'big');
  const tBig = Date.now();
  await waitApplied(s.client, ['big'], sha, 900_000);
  figures.set(
    `no-op: first apply of ${BIG} objects`,
    `${((Date.now() - tBig) / 1000).toFixed(1)} s`,
  );
  const versions = async () =>
    new Map(
      (
        await s.client.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'big' })
      ).items.map((o: KubeObject) => [o.metadata.name, o.metadata.resourceVersion]),
    );
  const before = await versions();
  const requested = String(Date.now());
  // Watched, not polled: every read of a Kustomization with 10,000 inventory entries costs the
  // server as much as a small write, and polling would slow down what it measures.
  const current = await s.client.get<Kustomization>(ksRef('big'));
  const tNoop = Date.now();
  const handled = watchFor<Kustomization>(
    s.client,
    ksRef('big'),
    current.metadata.resourceVersion ?? '',
    (ks) =>
      ks.status?.lastHandledReconcileAt === requested &&
      !ks.status.conditions?.some((c) => c.type === 'Reconciling'),
    120_000,
  );
  await s.client.patch(ksRef('big'), 'merge', {
    metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': requested } },
  });
  await handled;
  const noopMs = Date.now() - tNoop;
  const after = await versions();
  const written = [...after].filter(([name, rv]) => before.get(name) !== rv).length;
  figures.set(
    `no-op: ${BIG} unchanged objects reconciled again (aim < 1 s, 0 writes)`,
    `${noopMs} ms, ${written} written (${(noopMs / 1000).toFixed(2)}x of the aim)`,
  );
}

async function measure(target: BenchTarget): Promise<Figures> {
  const figures: Figures = new Map();
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-'));
  const server = await target.start();
  const repos = {
    fleet: await startServedGitRepo('fleet'),
    latency: await startServedGitRepo('latency'),
    big: await startServedGitRepo('big'),
  };
  let controller: ControllerProcess | undefined;
  try {
    const client = server.client;
    await installCrds(client);
    const memory = target.id === 'local';
    const namespaces = [
      'flux-system',
      'latency',
      'big',
      ...(memory ? Array.from({ length: KS_COUNT }, (_, i) => `fleet-${i}`) : []),
    ];
    for (const ns of namespaces)
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const fleet: Record<string, string> = {};
    for (let k = 0; memory && k < KS_COUNT; k++) {
      fleet[`fleet-${k}/all.yaml`] = configMaps(`fleet-${k}`, PER_KS, '0');
    }
    const initial = {
      fleet: repos.fleet.commit(fleet, 'initial'),
      latency: repos.latency.commit({ 'latency/all.yaml': configMaps('latency', 50, '0') }),
      big: repos.big.commit({ 'big/all.yaml': configMaps('big', BIG, '0') }),
    };
    for (const [name, repo] of Object.entries(repos)) {
      await client.create({
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name, namespace: 'flux-system' },
        spec: { url: repo.url, interval: '1h', ref: { branch: 'main' } },
      });
    }
    controller = await startControllerProcess({
      kubeconfigPath: server.kubeconfigPath,
      ...(SNAPSHOT_DIR
        ? { nodeFlags: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOT_DIR}`] }
        : {}),
    });
    await sleep(2000);
    const setup: Setup = {
      client,
      kubeconfigPath: server.kubeconfigPath,
      repos,
      initial,
      controller,
      dir,
    };
    if (memory) await benchMemory(setup, figures);
    if (ONLY_MEMORY) return figures;
    await benchLatency(setup, figures);
    await benchNoop(setup, figures);
    return figures;
  } finally {
    await controller?.stop();
    for (const repo of Object.values(repos)) await repo.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await sideBySide([localProcess, realServer], measure);
