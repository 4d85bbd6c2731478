// Helpers shared by tests: the oracles (upstream programs built from their Go modules), a real
// kube-apiserver, polling, certificates, Git and object-storage servers, and an HTTP client of the
// local cluster. Not shipped by the build; product code may not import this folder.
export { findOracle, oracle, oracleSkip, oraclesBinDir, projectRoot } from './oracles.js';
export type { OracleName } from './oracles.js';
export { realClusterAvailable, realClusterSkip, startRealCluster } from './real-cluster.js';
export type { RealCluster, RealClusterOptions, RealClusterUser } from './real-cluster.js';
export { until, type UntilOptions } from './until.js';
export { freePort, waitForPort } from './net.js';
export {
  makeTestCertificates,
  newKeyPair,
  privateKeyPem,
  toPem,
  writeTestCertificates,
  type TestCertificateFiles,
  type TestCertificateOptions,
  type TestCertificates,
} from './certificates.js';
export * from './git-servers.js';
export * from './object-storage.js';
export {
  TestClient,
  eventually,
  type Json,
  type RequestOptions,
  type TestResponse,
} from './local-cluster-client.js';
export { shippedCli } from './shipped-cli.js';
