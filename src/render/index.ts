// render layer: turns source trees into Kubernetes objects (kustomize, SOPS decryption; Helm later).
export { buildKustomization, KustomizeError, LoadRestrictor } from './kustomize/index.js';
export type { BuildOptions, BuildResult } from './kustomize/index.js';
export { emitYaml, parseYaml, parseYamlDocuments } from './yaml/index.js';
export type { YamlValue, YamlMap } from './yaml/index.js';
export * from './postbuild/index.js';
export * from './flux/index.js';
export { importSopsKeys, SopsError, SopsFailure } from './sops/index.js';
export type { SopsKeyEntry, SopsKeyring } from './sops/index.js';
