// Helpers shared by tests: the oracles (upstream programs built from their Go modules), a real
// kube-apiserver, polling, certificates, Git and object-storage servers, an HTTP client of the
// local cluster, corpora, JSON mutations, raw HTTP, the shipped CLI, SOPS-encrypted fixtures. Not shipped by the build;
// product code may not import this folder.
export { findOracle, oracle, oracleSkip, oraclesBinDir, projectRoot } from './oracles.js';
export {
  firstDifference,
  helmCorpusChart,
  helmCorpusCharts,
  helmCorpusDir,
  helmInstallDryRun,
  runHelm,
  runHelmAsync,
  startFakeDiscovery,
} from './helm-oracle.js';
export type { FakeDiscovery, OracleRelease, OracleResult } from './helm-oracle.js';
export type { OracleName } from './oracles.js';
export { realClusterAvailable, realClusterSkip, startRealCluster } from './real-cluster.js';
export { clusterPair, type ClusterPair } from './cluster-pair.js';
export type { RealCluster, RealClusterOptions, RealClusterUser } from './real-cluster.js';
export { loadCorpus, CorpusError } from './differential/corpus.js';
export type { Case, Step } from './differential/corpus.js';
export { DiffClient } from './differential/client.js';
export type { Endpoint, Answer } from './differential/client.js';
export { runCase } from './differential/runner.js';
export type { CaseResult, StepResult } from './differential/runner.js';
export { allSteps, figures, formatDifferences, formatFigures } from './differential/report.js';
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
export {
  corpus,
  corpusSkip,
  findCorpus,
  findUpstreamExample,
  upstreamExample,
  upstreamExampleCheckout,
  upstreamExampleSkip,
} from './corpora.js';
export { runOpa } from './opa.js';
export { BigJSON, mutate, stringifyJSON } from './json-mutations.js';
export { Rng } from './rng.js';
export type { JSONDoc } from './json-mutations.js';
export { MALFORMED_TARGETS, rawRequest } from './raw-http.js';
export type { RawRequest, RawResponse } from './raw-http.js';
export { buildShippedTree, runCli, shippedCli, shippedCliRunner, startCli } from './shipped-cli.js';
export type { CliOptions, CliProcess, CliResult, ShippedCli } from './shipped-cli.js';
export { openCrd } from './crds.js';
export type { OpenCrdOptions } from './crds.js';
export { exactRegex, gatorTest, gatorVerifyAgreement, runGator } from './gator.js';
export type { AgreementCase, GatorViolation } from './gator.js';
export { startControllerProcess } from './controller-process.js';
export {
  APPS_FIXTURE,
  startFluxCliEnv,
  type FluxCliEnv,
  type FluxCliEnvOptions,
} from './flux-cli-env.js';
export type { ControllerProcess, ControllerProcessOptions } from './controller-process.js';
export { startServedGitRepo } from './git-repo.js';
export type { ServedGitRepo } from './git-repo.js';
export { gpgAvailable, newAgeKey, newPgpHome, sopsDecrypt, sopsEncrypt } from './sops.js';
export type { AgeKey, PgpHome, SopsEncryptOptions } from './sops.js';
export { helmPackage, helmRepoIndex, startHelmRepoServer } from './helm-repo.js';
export type { HelmRepoServer, HelmRepoServerOptions } from './helm-repo.js';
export { writeFileTree } from './file-tree.js';
export { CHROMIUM, chromiumSkip, openChromium } from './chromium.js';
export type { Chromium } from './chromium.js';
export { ensureTowerWeb } from './tower-web.js';
export {
  FIXTURE_SECRET_VALUE,
  fleetObjects,
  requestFleetFetch,
  startFleetRepo,
} from './fleet-fixture.js';
export type { FleetRepo } from './fleet-fixture.js';
export { mergedKubeconfig } from './kubeconfig.js';
