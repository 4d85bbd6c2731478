// Native kustomize engine (byte-for-byte with kustomize v5.5.0): public API.
export { buildKustomization } from './build.js';
export type { BuildOptions, BuildResult } from './build.js';
export type { HelmBuildOptions } from './helm-charts.js';
export { KustomizeError, LoadRestrictor } from './loader.js';
