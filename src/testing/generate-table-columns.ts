// Regenerates src/localcluster/table-columns.json: the Table column definitions kube-apiserver
// answers for each built-in resource the local cluster serves (names, types, formats, priorities
// and the descriptions taken from the API documentation), from the kube-apiserver oracle.
//
// Run: node --import tsx src/testing/generate-table-columns.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './oracles.js';
import { startRealCluster } from './real-cluster.js';
import { startLocalCluster } from '../localcluster/index.js';
import { getJson as get } from './get-json.js';

type Json = Record<string, unknown>;

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

async function main(): Promise<void> {
  const [real, local] = await Promise.all([
    startRealCluster({ controllerManager: false, fakeNodes: false }),
    startLocalCluster({ inMemory: true, simulate: false }),
  ]);
  try {
    // the resources the local cluster serves, as its own discovery lists them
    const columns: Record<string, unknown> = {};
    const groups = (await get(local.url, local.caPem, local.token, '/apis', 'application/json'))
      .groups as Json[];
    const gvs = ['v1', ...groups.map((g) => (g.preferredVersion as Json).groupVersion as string)];
    for (const gv of gvs) {
      const base = gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`;
      const list = await get(local.url, local.caPem, local.token, base, 'application/json');
      for (const r of list.resources as Json[]) {
        const name = String(r.name);
        if (name.includes('/') || !(r.verbs as string[]).includes('list')) continue;
        const table = await get(
          real.server,
          real.caPem,
          real.token,
          `${base}/${name}?limit=1`,
          TABLE,
        );
        if (table.kind !== 'Table') continue;
        columns[`${gv}/${String(r.kind)}`] = table.columnDefinitions;
      }
    }
    const out = join(projectRoot, 'src/localcluster/table-columns.json');
    writeFileSync(
      out,
      JSON.stringify({
        source:
          'Table column definitions of kube-apiserver v1.36 per apiVersion/Kind, from the oracle by src/testing/generate-table-columns.ts.',
        columns,
      }) + '\n',
    );
    console.log(`wrote ${out}: ${Object.keys(columns).length} kinds`);
  } finally {
    await Promise.all([real.stop(), local.stop()]);
  }
}

await main();
