// flux: how Flux's kustomize-controller builds a Kustomization (overlay, sandboxed build, postBuild).
export { applyFluxOverlay } from './overlay.js';
export type { FluxOverlay } from './overlay.js';
export { buildFluxKustomization } from './build.js';
export type { FluxBuildInput } from './build.js';
export {
  FluxDecryptor,
  SOPS_MASK,
  decryptObjects,
  decryptSources,
  isSopsEncrypted,
  maskSopsSecrets,
} from './decrypt.js';
