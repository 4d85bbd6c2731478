// JSON merge patch (RFC 7386) as kube-apiserver applies it for application/merge-patch+json.
import { PatchError } from './errors.js';
import { isJsonObject, jsonClone, ownValue, setOwnValue, type JsonObject } from './json-value.js';
import type { KubeObject } from './types.js';

/**
 * Applies an RFC 7386 merge patch: objects merge recursively, null deletes, anything else
 * (arrays included) replaces. The patch of a Kubernetes object must itself be an object.
 */
export function applyMergePatch(obj: KubeObject, patch: unknown): KubeObject {
  if (!isJsonObject(patch))
    throw new PatchError(
      `merge patch: the patch must be a JSON object, got ${Array.isArray(patch) ? 'an array' : typeof patch}`,
      400,
    );
  return mergeInto(jsonClone(obj), patch);
}

/** RFC 7386 MergePatch(target, patch) for an object patch, reusing (mutating) `target` when it is an object. */
export function mergeInto(target: unknown, patch: JsonObject): JsonObject {
  const out: JsonObject = isJsonObject(target) ? target : {};
  for (const key of Object.keys(patch)) {
    const pv = patch[key];
    if (pv === null) delete out[key];
    else if (isJsonObject(pv)) setOwnValue(out, key, mergeInto(ownValue(out, key), pv));
    else setOwnValue(out, key, jsonClone(pv));
  }
  return out;
}
