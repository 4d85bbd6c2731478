// render layer: turns source trees into Kubernetes objects (kustomize today; Helm later).
export { buildKustomization, KustomizeError, LoadRestrictor } from './kustomize/index.js';
export type { BuildOptions, BuildResult } from './kustomize/index.js';
export { emitYaml, parseYaml, parseYamlDocuments } from './yaml/index.js';
export type { YamlValue, YamlMap } from './yaml/index.js';
export * from './postbuild/index.js';
export * from './flux/index.js';
export * from './helm/index.js';
