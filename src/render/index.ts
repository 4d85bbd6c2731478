// render layer: turns source trees into Kubernetes objects (kustomize, Helm charts, SOPS decryption).
export { buildKustomization, KustomizeError, LoadRestrictor } from './kustomize/index.js';
export type { BuildOptions, BuildResult, HelmBuildOptions } from './kustomize/index.js';
export { emitYaml, parseYaml, parseYamlDocuments } from './yaml/index.js';
export type { YamlValue, YamlMap } from './yaml/index.js';
export * from './postbuild/index.js';
export * from './flux/index.js';
export { importSopsKeys, SopsError, SopsFailure } from './sops/index.js';
export type { SopsKeyEntry, SopsKeyring } from './sops/index.js';
export * from './helm/index.js';
// Go's text/template with Sprig (Helm charts today; ApplicationSets and image-automation commit messages next).
export {
  TemplateSet,
  ExecError,
  TemplateParseError,
  goBytes,
  goString,
} from './gotemplate/index.js';
export type { FuncMap } from './gotemplate/index.js';
export { sprigFuncs } from './gotemplate/sprig/index.js';
// Masterminds semver as Helm uses it (chart version ranges of HelmChart and dependencies).
export {
  newVersion as parseSemver,
  newConstraint as parseSemverConstraint,
  checkConstraint as semverSatisfies,
  compareVersions as compareSemver,
  SemverError,
} from './gotemplate/sprig/semver.js';
export type { Version as SemverVersion } from './gotemplate/sprig/semver.js';
