// Benchmark of the apply engine against two servers, printed side by side: the local cluster
// (`flotilla cluster start`, its own process) and a real kube-apiserver (etcd and kube-apiserver
// built by scripts/oracles/build.sh; no controllers, so nothing rewrites the objects' status).
// On each, after a warm-up of 30 objects per tool:
// 1,000 objects applied fresh, `kubectl apply --server-side` (the oracle kubectl) against the
// engine, and 10,000 objects applied, then reconciled again (wall time and API writes).
// Sizes and servers: BENCH_FRESH=1000 BENCH_BIG=10000 BENCH_TARGETS=local,real BENCH_RTT_MS=10
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeClient, KubeObject } from '../src/kube/index.js';
import { ResourceManager, kustomizationOwnerLabels } from '../src/apply/index.js';
import { findOracle } from '../src/testing/index.js';
import {
  localProcess,
  realServer,
  sideBySide,
  type BenchTarget,
  type Figures,
  withLatency,
} from './servers.js';

const NAMESPACES = 10;
const FRESH = Number(process.env['BENCH_FRESH'] ?? 1000);
const BIG = Number(process.env['BENCH_BIG'] ?? 10_000);

/** Objects (Deployments, Services, ConfigMaps in equal parts) plus their Namespaces. */
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

/** execFile, with only the start of stderr in the error (kubectl prints a line per object). */
async function run(file: string, args: readonly string[], options: { maxBuffer: number }) {
  try {
    return await promisify(execFile)(file, args, options);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`${file} failed:\n${stderr.split('\n').slice(0, 5).join('\n')}`);
  }
}

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

/** Waits until every Deployment with the prefix reports all replicas available (at most 3 min). */
async function settle(kube: KubeClient, prefix: string): Promise<number> {
  const start = process.hrtime.bigint();
  for (;;) {
    const list = await kube.list({ apiVersion: 'apps/v1', kind: 'Deployment' });
    const pending = list.items.filter((d) => {
      if (!d.metadata.namespace?.startsWith(prefix)) return false;
      const spec = d['spec'] as { replicas?: number } | undefined;
      const status = d['status'] as { availableReplicas?: number } | undefined;
      return (status?.availableReplicas ?? 0) < (spec?.replicas ?? 1);
    });
    if (pending.length === 0 || ms(start) > 180_000) return ms(start);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function measure(target: BenchTarget): Promise<Figures> {
  const figures: Figures = new Map();
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-'));
  const server = await target.start();
  const kube = server.client;
  const rm = new ResourceManager(kube, {
    ownerLabels: kustomizationOwnerLabels('bench', 'flux-system'),
  });
  try {
    // 1. FRESH objects: kubectl apply --server-side vs the engine, same server. Each first
    // applies 30 objects of its own, so that neither pays alone for the server's warm-up (its
    // JIT, caches, connection set-up) on a path the other does not take (dry-runs).
    const kubectl = findOracle('kubectl');
    const kubectlApply = async (prefix: string, count: number): Promise<number> => {
      if (!kubectl) return NaN;
      const file = join(dir, `${prefix}.yaml`);
      writeFileSync(
        file,
        objects(prefix, count)
          .map((o) => stringify(o))
          .join('---\n'),
      );
      const t = process.hrtime.bigint();
      const args = ['--kubeconfig', server.kubeconfigPath, 'apply', '--server-side'];
      await run(kubectl, [...args, '--field-manager', 'kubectl-bench', '-f', file], {
        maxBuffer: 64 << 20,
      });
      return ms(t);
    };
    await kubectlApply('warm-kubectl', 30);
    await rm.applyAll(objects('warm-engine', 30));
    const kubectlMs = await kubectlApply('kubectl', FRESH);
    figures.set(
      `kubectl apply --server-side, ${FRESH} objects`,
      kubectl ? `${kubectlMs.toFixed(0)} ms` : 'not built',
    );
    const stats0 = { ...kube.stats };
    let t = process.hrtime.bigint();
    const cs = await rm.applyAll(objects('engine', FRESH));
    const engineMs = ms(t);
    const created = cs.entries.filter((e) => e.action === 'created').length;
    figures.set(
      `engine, ${FRESH} objects`,
      `${engineMs.toFixed(0)} ms (${created} created, ${kube.stats.total - stats0.total} requests)`,
    );
    figures.set('ratio engine/kubectl (aim <= 0.25x)', `${(engineMs / kubectlMs).toFixed(3)}x`);

    // 2. BIG objects applied, then reconciled again with nothing to do.
    const big = objects('noop', BIG);
    t = process.hrtime.bigint();
    await rm.applyAll(big);
    figures.set(`${BIG} objects, first apply`, `${ms(t).toFixed(0)} ms`);
    if (server.rollsOut) {
      // Let the simulated controllers finish rolling out, as they would have long before the
      // next interval: their status writes change the Deployments' resourceVersions.
      figures.set('rollout settled after', `${(await settle(kube, 'noop')).toFixed(0)} ms`);
    }

    const reapply = async (label: string, manager: ResourceManager): Promise<void> => {
      const before = { ...kube.stats, byMethod: { ...kube.stats.byMethod } };
      const start = process.hrtime.bigint();
      const result = await manager.applyAll(big);
      const wall = ms(start);
      const unchanged = result.entries.filter((e) => e.action === 'unchanged').length;
      const gets = (kube.stats.byMethod['GET'] ?? 0) - (before.byMethod['GET'] ?? 0);
      figures.set(
        label,
        `${wall.toFixed(0)} ms, ${kube.stats.writes - before.writes} writes, ` +
          `${kube.stats.dryRuns - before.dryRuns} dry-runs, ${gets} GETs` +
          (unchanged === big.length ? '' : `, only ${unchanged} unchanged`),
      );
    };
    // Every object dry-run again (no memory of earlier verification).
    await reapply(
      're-apply, every object dry-run',
      new ResourceManager(kube, { ownerLabels: rm.ownerLabels, verifiedTtlMs: 0 }),
    );
    // The controller's manager: re-verifies what changed since its apply (the rollouts)...
    await reapply('re-apply after the rollout', rm);
    // ...and at the next interval nothing changed: aim < 1000 ms and 0 writes.
    await reapply('steady-state re-apply (aim < 1 s, 0 writes)', rm);
    return figures;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// BENCH_RTT_MS=10 adds a column: the real server a network round trip away, as users' clusters are.
const rtt = Number(process.env['BENCH_RTT_MS'] ?? 0);
await sideBySide(
  [localProcess, realServer, ...(rtt > 0 ? [withLatency(realServer, rtt)] : [])],
  measure,
);
