// The conditions a Kustomization owns. Ready is not summarised from them: the last step sets it
// to the applied revision, a failure to its reason (as Flux's kustomize-controller does).
import type { KindConditions } from '../runtime/kind.js';

export const kustomizationConditions: KindConditions = { summary: [], negative: [] };
