// Benchmark of the merge module's server-side apply on a typical Deployment: applies/s for changing
// and unchanged re-applies and for update tracking, against a JSON round trip of the same object.
// eslint-disable-next-line flotilla/layers -- the merge module's own benchmark; localcluster/index.ts does not re-export it
import * as merge from '../src/localcluster/merge/index.js';

type KubeObject = merge.KubeObject;
const { loadBuiltinSchemas, serverSideApply, trackUpdate } = merge;

const schema = loadBuiltinSchemas().schemaFor('apps/v1', 'Deployment');

function deployment(tag: string): KubeObject {
  const env = Array.from({ length: 8 }, (_, i) => ({ name: `VAR_${i}`, value: `value-${i}` }));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      labels: { app: 'web', tier: 'frontend', 'app.kubernetes.io/managed-by': 'flotilla' },
      annotations: { 'flotilla.dev/revision': tag },
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'web', tier: 'frontend' } },
        spec: {
          serviceAccountName: 'web',
          containers: [
            {
              name: 'web',
              image: `registry.example.com/web:${tag}`,
              ports: [
                { name: 'http', containerPort: 8080, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
              ],
              env,
              resources: {
                requests: { cpu: '100m', memory: '128Mi' },
                limits: { memory: '256Mi' },
              },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
              volumeMounts: [
                { name: 'config', mountPath: '/etc/web' },
                { name: 'cache', mountPath: '/var/cache/web' },
              ],
            },
            { name: 'proxy', image: 'registry.example.com/proxy:1.4', args: ['--port=8443'] },
          ],
          volumes: [
            { name: 'config', configMap: { name: 'web-config' } },
            { name: 'cache', emptyDir: {} },
          ],
        },
      },
    },
  };
}

/** Ops/s of `op` over about `seconds`. */
function rate(seconds: number, op: (i: number) => void): number {
  let n = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < limit) {
    for (let k = 0; k < 20; k++) op(n++);
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

/**
 * Runs the cases in interleaved rounds and keeps each one's best round, so that the ratios stay
 * meaningful on a machine shared with other work.
 */
function measureAll(
  cases: Record<string, (i: number) => void>,
  rounds = 6,
  seconds = 0.35,
): Map<string, number> {
  const best = new Map<string, number>();
  for (const op of Object.values(cases)) for (let i = 0; i < 200; i++) op(i); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [name, op] of Object.entries(cases))
      best.set(name, Math.max(best.get(name) ?? 0, rate(seconds, op)));
  }
  for (const [name, ops] of best)
    console.log(
      `${name.padEnd(44)} ${ops.toFixed(0).padStart(8)} ops/s  (${(1e6 / ops).toFixed(1)} µs/op)`,
    );
  return best;
}

const configs = [deployment('1.0.0'), deployment('1.0.1')];
let live = serverSideApply({
  live: undefined,
  applied: configs[0]!,
  manager: 'flotilla',
  force: false,
  schema,
  apiVersion: 'apps/v1',
  now: '2026-01-01T00:00:00Z',
}).object;
// A second manager owns replicas, as an autoscaler would.
live = trackUpdate({
  old: live,
  updated: { ...live, spec: { ...(live.spec as object), replicas: 4 } },
  manager: 'hpa',
  apiVersion: 'apps/v1',
  schema,
  now: '2026-01-01T00:00:01Z',
});
const base = live;

let cur = base;
// The same configuration applied again onto its own result: a no-op apply.
const steady = serverSideApply({
  live: base,
  applied: configs[0]!,
  manager: 'flotilla',
  force: true,
  schema,
  apiVersion: 'apps/v1',
  now: '2026-01-01T00:00:02Z',
}).object;
const updated = { ...base, spec: { ...(base.spec as object), replicas: 5 } };
const BASELINE = 'baseline: JSON round trip of the object';
const CHANGING = 'serverSideApply, image tag changes';
const UNCHANGED = 'serverSideApply, unchanged re-apply';
const TRACK = 'trackUpdate, one field changed';
const r = measureAll({
  [BASELINE]: () => {
    JSON.parse(JSON.stringify(base));
  },
  [CHANGING]: (i) => {
    cur = serverSideApply({
      live: cur,
      applied: configs[i % 2]!,
      manager: 'flotilla',
      force: true,
      schema,
      apiVersion: 'apps/v1',
      now: '2026-01-01T00:00:02Z',
    }).object;
  },
  [UNCHANGED]: () => {
    serverSideApply({
      live: steady,
      applied: configs[0]!,
      manager: 'flotilla',
      force: true,
      schema,
      apiVersion: 'apps/v1',
      now: '2026-01-01T00:00:02Z',
    });
  },
  [TRACK]: () => {
    trackUpdate({
      old: base,
      updated,
      manager: 'hpa',
      apiVersion: 'apps/v1',
      schema,
      now: '2026-01-01T00:00:03Z',
    });
  },
});
const baseline = r.get(BASELINE)!;
console.log(
  `cost relative to the JSON round trip: changing apply ${(baseline / r.get(CHANGING)!).toFixed(1)}x, unchanged apply ${(baseline / r.get(UNCHANGED)!).toFixed(1)}x, trackUpdate ${(baseline / r.get(TRACK)!).toFixed(1)}x`,
);
console.log(
  `server-side applies/s on one core: ${r.get(CHANGING)!.toFixed(0)} (the server aims at 2000/s on 2 cores end to end)`,
);
