// Benchmark of the apply engine on the local cluster: 1,000 objects against kubectl's server-side
// apply, and a re-apply of 10,000 unchanged objects (wall time and API writes).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startLocalCluster } from '../src/localcluster/index.js';
import { KubeClient, type KubeObject } from '../src/kube/index.js';
import { ResourceManager, kustomizationOwnerLabels } from '../src/apply/index.js';

const NAMESPACES = 10;

/** 1,000 objects (Deployments, Services, ConfigMaps in equal parts) plus their Namespaces. */
function objects(prefix: string, total: number): KubeObject[] {
  const out: KubeObject[] = [];
  for (let n = 0; n < NAMESPACES; n++)
    out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${prefix}-${n}` } });
  for (let i = 0; i < total; i++) {
    const namespace = `${prefix}-${i % NAMESPACES}`;
    const name = `app-${i}`;
    switch (i % 3) {
      case 0:
        out.push({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name, namespace, labels: { app: name } },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: name } },
            template: {
              metadata: { labels: { app: name } },
              spec: {
                containers: [
                  {
                    name: 'web',
                    image: `registry.example/app:${i}`,
                    ports: [{ containerPort: 8080 }],
                    env: [{ name: 'INDEX', value: String(i) }],
                  },
                ],
              },
            },
          },
        });
        break;
      case 1:
        out.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace },
          spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
        });
        break;
      default:
        out.push({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace },
          data: { index: String(i), greeting: 'hello world' },
        });
    }
  }
  return out;
}

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-'));
  const cluster = await startLocalCluster({ port: 0, inMemory: true });
  const kube = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
  const rm = new ResourceManager(kube, {
    ownerLabels: kustomizationOwnerLabels('bench', 'flux-system'),
  });
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeconfig);

    // 1. 1,000 objects fresh: kubectl apply --server-side vs the engine, same cluster.
    const file = join(dir, 'objects.yaml');
    writeFileSync(
      file,
      objects('kubectl', 1000)
        .map((o) => stringify(o))
        .join('---\n'),
    );
    let t = process.hrtime.bigint();
    // Asynchronous: the local cluster serves from this very process.
    await promisify(execFile)(
      'kubectl',
      [
        '--kubeconfig',
        kubeconfig,
        'apply',
        '--server-side',
        '--field-manager',
        'kubectl-bench',
        '-f',
        file,
      ],
      { maxBuffer: 64 << 20 },
    );
    const kubectlMs = ms(t);

    const engineObjects = objects('engine', 1000);
    t = process.hrtime.bigint();
    const cs = await rm.applyAll(engineObjects);
    const engineMs = ms(t);
    const created = cs.entries.filter((e) => e.action === 'created').length;

    console.log(`fresh apply of 1,000 objects (+${NAMESPACES} namespaces)`);
    console.log(`  kubectl apply --server-side: ${kubectlMs.toFixed(0)} ms`);
    console.log(`  flotilla engine:             ${engineMs.toFixed(0)} ms (${created} created)`);
    console.log(
      `  ratio engine/kubectl:        ${(engineMs / kubectlMs).toFixed(3)}x (aim <= 0.25x)`,
    );

    // 2. 10,000 objects applied, then re-applied unchanged.
    const big = objects('noop', 10_000);
    t = process.hrtime.bigint();
    await rm.applyAll(big);
    const freshBigMs = ms(t);
    const before = { ...kube.stats, byMethod: { ...kube.stats.byMethod } };
    t = process.hrtime.bigint();
    const again = await rm.applyAll(big);
    const noopMs = ms(t);
    const unchanged = again.entries.filter((e) => e.action === 'unchanged').length;
    console.log(`re-apply of 10,000 unchanged objects (+${NAMESPACES} namespaces)`);
    console.log(`  first apply:   ${freshBigMs.toFixed(0)} ms`);
    console.log(`  re-apply:      ${noopMs.toFixed(0)} ms (aim < 1000 ms), ${unchanged} unchanged`);
    console.log(`  API writes:    ${kube.stats.writes - before.writes} (aim 0)`);
    console.log(
      `  dry-runs:      ${kube.stats.dryRuns - before.dryRuns}, GET requests: ${(kube.stats.byMethod['GET'] ?? 0) - (before.byMethod['GET'] ?? 0)}`,
    );
  } finally {
    kube.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
