// localcluster: an embedded Kubernetes-compatible API server (HTTPS, SQLite, CRDs, watch,
// server-side apply) that serves as Flotilla's default cluster and end-to-end test target.
export { startLocalCluster } from './server.js';
export type { LocalCluster, LocalClusterOptions } from './server.js';
export { readKubeconfig, KUBECONFIG_FILE } from './kubeconfig.js';
