// Regenerates src/localcluster/rbac/bootstrap-policy.json, the RBAC objects a new kube-apiserver
// creates (label kubernetes.io/bootstrapping=rbac-defaults: cluster-admin, admin, edit, view, the
// system:* roles and bindings), from the kube-apiserver oracle.
//
// Run: node --import tsx src/testing/generate-bootstrap-rbac.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './oracles.js';
import { startRealCluster } from './real-cluster.js';
import { getJson as get } from './get-json.js';

type Json = Record<string, unknown>;

const SELECTOR = 'labelSelector=kubernetes.io%2Fbootstrapping%3Drbac-defaults';
const LISTS = [
  ['ClusterRole', `/apis/rbac.authorization.k8s.io/v1/clusterroles?${SELECTOR}`],
  ['ClusterRoleBinding', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?${SELECTOR}`],
  ['Role', `/apis/rbac.authorization.k8s.io/v1/roles?${SELECTOR}`],
  ['RoleBinding', `/apis/rbac.authorization.k8s.io/v1/rolebindings?${SELECTOR}`],
] as const;

/** Only what a fresh object carries: name, namespace, labels, annotations and the content. */
function strip(kind: string, o: Json): Json {
  const m = o.metadata as Json;
  const { metadata: _m, ...rest } = o;
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: {
      name: m.name,
      ...(m.namespace === undefined ? {} : { namespace: m.namespace }),
      ...(m.labels === undefined ? {} : { labels: m.labels }),
      ...(m.annotations === undefined ? {} : { annotations: m.annotations }),
    },
    ...rest,
  };
}

async function main(): Promise<void> {
  const cluster = await startRealCluster({ controllerManager: true, fakeNodes: false });
  try {
    // the aggregation controller fills admin/edit/view shortly after start
    await new Promise((r) => setTimeout(r, 3000));
    const objects: Json[] = [];
    for (const [kind, path] of LISTS) {
      const list = await get(cluster.server, cluster.caPem, cluster.token, path);
      for (const item of list.items as Json[]) objects.push(strip(kind, item));
    }
    const version = await get(cluster.server, cluster.caPem, cluster.token, '/version');
    const out = join(projectRoot, 'src/localcluster/rbac/bootstrap-policy.json');
    writeFileSync(
      out,
      JSON.stringify({
        source: `The RBAC objects kube-apiserver ${String(version.gitVersion)} bootstraps, taken from the oracle by src/testing/generate-bootstrap-rbac.ts.`,
        objects,
      }) + '\n',
    );
    console.log(`wrote ${out}: ${objects.length} objects`);
  } finally {
    await cluster.stop();
  }
}

await main();
