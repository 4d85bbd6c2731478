// Helpers shared by tests: the oracles (upstream programs built from their Go modules), a real
// kube-apiserver, the shipped CLI and controller as child processes, a Git repository served over
// smart HTTP, and polling. Not shipped by the build; product code may not import this folder.
export { findOracle, oracle, oracleSkip, oraclesBinDir, projectRoot } from './oracles.js';
export type { OracleName } from './oracles.js';
export { realClusterAvailable, realClusterSkip, startRealCluster } from './real-cluster.js';
export type { RealCluster, RealClusterOptions, RealClusterUser } from './real-cluster.js';
export { shippedCli, startCli } from './shipped-cli.js';
export type { CliProcess } from './shipped-cli.js';
export { startControllerProcess } from './controller-process.js';
export type { ControllerProcess, ControllerProcessOptions } from './controller-process.js';
export { startServedGitRepo } from './git-repo.js';
export type { ServedGitRepo } from './git-repo.js';
export { until } from './until.js';
export type { UntilOptions } from './until.js';
