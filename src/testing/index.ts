// Helpers shared by tests: the oracles (upstream programs built from their Go modules) and a real
// kube-apiserver. Not shipped by the build; product code may not import this folder.
export {
  findOracle,
  oracle,
  oracleSkip,
  oraclesBinDir,
  projectRoot,
  sharedCorpus,
} from './oracles.js';
export {
  firstDifference,
  helmCorpusChart,
  helmCorpusCharts,
  helmCorpusDir,
  runHelm,
} from './helm-oracle.js';
export type { OracleResult } from './helm-oracle.js';
export type { OracleName } from './oracles.js';
export { realClusterAvailable, realClusterSkip, startRealCluster } from './real-cluster.js';
export type { RealCluster, RealClusterOptions, RealClusterUser } from './real-cluster.js';
