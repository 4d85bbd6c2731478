// Helpers shared by tests: the oracles (upstream programs built from their Go modules) and a real
// kube-apiserver. Not shipped by the build; product code may not import this folder.
export { findOracle, oracle, oracleSkip, oraclesBinDir, projectRoot } from './oracles.js';
export type { OracleName } from './oracles.js';
export { realClusterAvailable, realClusterSkip, startRealCluster } from './real-cluster.js';
export type { RealCluster, RealClusterOptions, RealClusterUser } from './real-cluster.js';
export { loadCorpus, CorpusError } from './differential/corpus.js';
export type { Case, Step } from './differential/corpus.js';
export { DiffClient } from './differential/client.js';
export type { Endpoint, Answer } from './differential/client.js';
export { runCase } from './differential/runner.js';
export type { CaseResult, StepResult } from './differential/runner.js';
export { allSteps, figures, formatDifferences, formatFigures } from './differential/report.js';
export { corpus, corpusSkip, findCorpus } from './corpora.js';
export { runOpa } from './opa.js';
export { BigJSON, mutate, Rng, stringifyJSON } from './json-mutations.js';
export type { JSONDoc } from './json-mutations.js';
export { MALFORMED_TARGETS, rawRequest } from './raw-http.js';
export type { RawRequest, RawResponse } from './raw-http.js';
export { buildShippedTree, runCli, shippedCli, shippedCliRunner, startCli } from './shipped-cli.js';
export type { CliOptions, CliProcess, CliResult, ShippedCli } from './shipped-cli.js';
export { openCrd } from './crds.js';
export type { OpenCrdOptions } from './crds.js';
