// A local cluster and a real kube-apiserver side by side, for differential tests of the local
// cluster: registers the suite's before/after hooks and hands out a test client for each.
import { after, before } from 'node:test';
import { startLocalCluster, type LocalCluster } from '../localcluster/index.js';
import { TestClient } from './local-cluster-client.js';
import { startRealCluster, type RealCluster } from './real-cluster.js';

export interface ClusterPair {
  readonly local: TestClient;
  readonly real: TestClient;
}

/** Call inside a `describe` (skipped with `realClusterSkip()`); the getter works inside its tests. */
export function clusterPair(): () => ClusterPair {
  let local: LocalCluster | undefined;
  let real: RealCluster | undefined;
  before(async () => {
    [local, real] = await Promise.all([
      startLocalCluster({ inMemory: true, simulate: false }),
      startRealCluster({ controllerManager: false, fakeNodes: false }),
    ]);
  });
  after(async () => {
    await Promise.all([local?.stop(), real?.stop()]);
  });
  return () => {
    if (local === undefined || real === undefined) throw new Error('the clusters are not started');
    return {
      local: new TestClient(local),
      real: new TestClient({ url: real.server, caPem: real.caPem, token: real.token }),
    };
  };
}
