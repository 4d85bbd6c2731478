// Benchmarks of the controllers (issue 6), each printing its figure and the ratio to its aim:
//   1. commit-to-applied latency of a 50-object Kustomization when reconcile is requested right
//      after the commit (aim: p50 under 1 s), with `kubectl apply --server-side` of the same 50
//      objects as the baseline measured in the same run;
//   2. a Kustomization of 10,000 unchanged objects reconciled again: wall time and how many
//      objects were written (aim: under 1 s and zero writes);
//   3. controller memory (RSS) with 100 Kustomizations of 100 objects each (aim: under 200 MB),
//      against this process's RSS before the controllers started.
// The local cluster (`flotilla cluster start`) and the controllers (`flotilla controller`) each run
// in their own process — the compiled CLI when `dist/` exists — and RSS is read from /proc.
// Sizes can be lowered for a quick run: BENCH_BIG=2000 BENCH_KS=20 node --import tsx bench/controller.bench.ts
// For memory work: BENCH_ONLY=memory stops after bench 3, and BENCH_HEAPSNAPSHOT_DIR=/some/dir
// makes the controller write a V8 heap snapshot there once bench 3 has measured its RSS.
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubeClient, type KubeObject } from '../src/kube/index.js';
import { startGitHttpServer } from '../src/source/index.js';
import { installCrds, type Kustomization } from '../src/controller/index.js';

const run = promisify(execFile);
const BIG = Number(process.env['BENCH_BIG'] ?? 10_000);
const KS_COUNT = Number(process.env['BENCH_KS'] ?? 100);
const PER_KS = 100;
const LATENCY_RUNS = 10;
const ONLY_MEMORY = process.env['BENCH_ONLY'] === 'memory';
const SNAPSHOT_DIR = process.env['BENCH_HEAPSNAPSHOT_DIR'];
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

const root = mkdtempSync(join(tmpdir(), 'flotilla-bench-'));
/** Each part of the bench has its own repository, so a commit for one does not re-trigger the others. */
const REPOS = ['fleet', 'latency', 'big'] as const;
type Repo = (typeof REPOS)[number];
const workOf = (repo: Repo) => join(root, `work-${repo}`);

function configMaps(ns: string, count: number, salt: string): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    docs.push(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${ns}\ndata:\n  index: "${i}"\n  salt: "${salt}"\n`,
    );
  }
  return docs.join('---\n');
}

function commit(repo: Repo, message: string): string {
  const git = (...a: string[]) =>
    execFileSync('git', a, { cwd: workOf(repo), env, encoding: 'utf8' });
  git('add', '-A');
  git('-c', 'user.name=b', '-c', 'user.email=b@e', 'commit', '-qm', message);
  git('push', '-q', join(root, `${repo}.git`), 'HEAD:main');
  return git('rev-parse', 'HEAD').trim();
}

/** The flotilla CLI as a user runs it: compiled when built, else from source through tsx. */
function flotillaArgs(...args: string[]): string[] {
  return existsSync('dist/cli/bin.js')
    ? ['dist/cli/bin.js', ...args]
    : ['--import', 'tsx', 'src/cli/bin.ts', ...args];
}

/** Resident memory of a process now (VmRSS), or its high-water mark so far (VmHWM). */
function rssMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid ?? 0}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
}

async function startClusterProcess(): Promise<{ kubeconfig: string; stop: () => Promise<void> }> {
  const data = join(root, 'cluster');
  const child = spawn(
    process.execPath,
    flotillaArgs('cluster', 'start', '--data', data, '--port', '0', '--in-memory'),
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`cluster exited with ${code}`)));
  });
  return {
    kubeconfig: readFileSync(join(data, 'kubeconfig'), 'utf8'),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const ksRef = (name: string) => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  namespace: 'flux-system',
  name,
});

async function waitApplied(
  client: KubeClient,
  names: string[],
  sha: string,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const list = await client.list<Kustomization>(
      { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
      { namespace: 'flux-system' },
    );
    const done = list.items.filter(
      (k) => names.includes(k.metadata.name) && k.status?.lastAppliedRevision?.endsWith(sha),
    );
    if (done.length === names.length) return;
    if (Date.now() > end)
      throw new Error(
        `only ${done.length}/${names.length} Kustomizations applied ${sha.slice(0, 7)}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function main(): Promise<void> {
  for (const repo of REPOS) {
    execFileSync('git', ['init', '-q', '-b', 'main', workOf(repo)], { env });
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', join(root, `${repo}.git`)], { env });
  }
  const cluster = await startClusterProcess();
  const client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
  const git = await startGitHttpServer({ root });
  await installCrds(client);
  const namespaces = [
    'flux-system',
    'latency',
    'big',
    ...Array.from({ length: KS_COUNT }, (_, i) => `fleet-${i}`),
  ];
  for (const ns of namespaces)
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

  mkdirSync(join(workOf('latency'), 'latency'), { recursive: true });
  writeFileSync(join(workOf('latency'), 'latency', 'all.yaml'), configMaps('latency', 50, '0'));
  mkdirSync(join(workOf('big'), 'big'), { recursive: true });
  writeFileSync(join(workOf('big'), 'big', 'all.yaml'), configMaps('big', BIG, '0'));
  for (let k = 0; k < KS_COUNT; k++) {
    mkdirSync(join(workOf('fleet'), `fleet-${k}`), { recursive: true });
    writeFileSync(
      join(workOf('fleet'), `fleet-${k}`, 'all.yaml'),
      configMaps(`fleet-${k}`, PER_KS, '0'),
    );
  }
  const fleetSha = commit('fleet', 'initial');
  let sha = commit('latency', 'initial');
  const bigSha = commit('big', 'initial');

  const kubeconfigFile = join(root, 'kubeconfig');
  writeFileSync(kubeconfigFile, cluster.kubeconfig);
  const controller = spawn(
    process.execPath,
    [
      ...(SNAPSHOT_DIR
        ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOT_DIR}`]
        : []),
      ...flotillaArgs(
        '--kubeconfig',
        kubeconfigFile,
        'controller',
        '--data',
        join(root, 'data'),
        '--health-addr',
        '127.0.0.1:0',
        '--storage-addr',
        '127.0.0.1:0',
        '--log-level',
        'error',
      ),
    ],
    { stdio: 'inherit' },
  );
  await new Promise((r) => setTimeout(r, 2000));
  const rssIdle = rssMb(controller.pid);
  for (const repo of REPOS) {
    await client.create({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: repo, namespace: 'flux-system' },
      spec: { url: `${git.url}/${repo}.git`, interval: '1h', ref: { branch: 'main' } },
    });
  }
  const mkKs = (name: string, path: string, repo: Repo) =>
    client.create({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name, namespace: 'flux-system' },
      spec: {
        interval: '1h',
        path,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: repo },
      },
    });

  // 3. Memory with KS_COUNT Kustomizations of 100 objects.
  const fleet = Array.from({ length: KS_COUNT }, (_, k) => `fleet-${k}`);
  const t0 = Date.now();
  for (const name of fleet) await mkKs(name, `./${name}`, 'fleet');
  await waitApplied(client, fleet, fleetSha, 600_000);
  await new Promise((r) => setTimeout(r, 2000));
  const rss = rssMb(controller.pid);
  console.log(
    `memory: ${KS_COUNT} Kustomizations x ${PER_KS} ConfigMaps applied in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  console.log(
    `memory: controller process RSS ${rss.toFixed(0)} MB (idle, before any Kustomization: ${rssIdle.toFixed(0)} MB); aim < 200 MB -> ${(rss / 200).toFixed(2)}x of the aim`,
  );
  // RSS right after a burst depends on where the garbage collector is in its cycle: the peak
  // during the burst is the stricter figure, and RSS once the process has settled the kinder one.
  const peak = rssMb(controller.pid, 'VmHWM');
  await new Promise((r) => setTimeout(r, 15_000));
  console.log(
    `memory: controller peak RSS while applying ${peak.toFixed(0)} MB; RSS 15 s later ${rssMb(controller.pid).toFixed(0)} MB`,
  );

  if (SNAPSHOT_DIR) {
    const before = new Set(readdirSync(SNAPSHOT_DIR));
    controller.kill('SIGUSR2');
    // The snapshot is complete once its size stops changing.
    let last = -1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const file = readdirSync(SNAPSHOT_DIR).find((f) => !before.has(f));
      const size = file ? statSync(join(SNAPSHOT_DIR, file)).size : -1;
      if (file && size > 0 && size === last) {
        console.log(`memory: heap snapshot ${join(SNAPSHOT_DIR, file)}`);
        break;
      }
      last = size;
    }
  }
  if (ONLY_MEMORY) {
    await shutdown();
    return;
  }

  // 1. Commit-to-applied latency of a 50-object Kustomization.
  await mkKs('latency', './latency', 'latency');
  await waitApplied(client, ['latency'], sha, 120_000);
  const latencies: number[] = [];
  for (let i = 1; i <= LATENCY_RUNS; i++) {
    writeFileSync(
      join(workOf('latency'), 'latency', 'all.yaml'),
      configMaps('latency', 50, String(i)),
    );
    const start = Date.now();
    sha = commit('latency', `latency ${i}`);
    await client.patch(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        namespace: 'flux-system',
        name: 'latency',
      },
      'merge',
      {
        metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': String(Date.now()) } },
      },
    );
    await waitApplied(client, ['latency'], sha, 60_000);
    latencies.push(Date.now() - start);
  }
  const p50 = percentile(latencies, 50);
  let kubectlMs = NaN;
  try {
    const kc = join(root, 'kubeconfig');
    writeFileSync(kc, cluster.kubeconfig);
    writeFileSync(join(root, 'latency.yaml'), configMaps('latency', 50, 'kubectl'));
    const s = Date.now();
    await run('kubectl', [
      '--kubeconfig',
      kc,
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      join(root, 'latency.yaml'),
    ]);
    kubectlMs = Date.now() - s;
  } catch (err) {
    console.log(
      `latency: kubectl baseline skipped: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
  console.log(
    `latency: commit-to-applied p50 ${p50} ms, p90 ${percentile(latencies, 90)} ms over ${LATENCY_RUNS} commits; aim < 1000 ms -> ${(p50 / 1000).toFixed(2)}x of the aim; kubectl apply --server-side of the same 50 objects alone: ${kubectlMs} ms (ratio ${(p50 / kubectlMs).toFixed(2)}x)`,
  );

  // 2. BIG unchanged objects reconciled again.
  await mkKs('big', './big', 'big');
  const tBig = Date.now();
  await waitApplied(client, ['big'], bigSha, 900_000);
  console.log(
    `no-op: first apply of ${BIG} objects took ${((Date.now() - tBig) / 1000).toFixed(1)} s`,
  );
  const versions = async () =>
    new Map(
      (await client.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'big' })).items.map(
        (o: KubeObject) => [o.metadata.name, o.metadata.resourceVersion],
      ),
    );
  const before = await versions();
  const requested = String(Date.now());
  const tNoop = Date.now();
  await client.patch(ksRef('big'), 'merge', {
    metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': requested } },
  });
  for (;;) {
    const ks = await client.get<Kustomization>(ksRef('big'));
    if (
      ks.status?.lastHandledReconcileAt === requested &&
      !ks.status.conditions?.some((c) => c.type === 'Reconciling')
    )
      break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const noopMs = Date.now() - tNoop;
  const after = await versions();
  const written = [...after].filter(([name, rv]) => before.get(name) !== rv).length;
  console.log(
    `no-op: ${BIG} unchanged objects reconciled again in ${noopMs} ms with ${written} objects written; aim < 1000 ms and 0 writes -> ${(noopMs / 1000).toFixed(2)}x of the aim`,
  );

  await shutdown();

  async function shutdown(): Promise<void> {
    await new Promise<void>((resolve) => {
      controller.once('exit', () => resolve());
      controller.kill('SIGTERM');
    });
    await git.close();
    client.close();
    await cluster.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  rmSync(root, { recursive: true, force: true });
  process.exit(1);
});
