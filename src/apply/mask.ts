// Masks Secret values in diffs as Flux does: equal values `***`, changed ones before/after.
import type { KubeObject } from '../kube/index.js';

export const MaskDefault = '***';
export const MaskBefore = '*** (before)';
export const MaskAfter = '*** (after)';

type Data = Record<string, unknown>;

function dataOf(obj: KubeObject | undefined, key: string): Data | undefined {
  const d = obj?.[key];
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? { ...(d as Data) } : undefined;
}

/**
 * Returns copies of both Secrets with `data` and `stringData` values replaced by masks, so a
 * diff shows which keys changed without showing any value.
 */
export function maskSecrets(
  before: KubeObject | undefined,
  after: KubeObject | undefined,
): { before: KubeObject | undefined; after: KubeObject | undefined } {
  const b = before ? structuredClone(before) : undefined;
  const a = after ? structuredClone(after) : undefined;
  for (const key of ['data', 'stringData']) {
    const old = dataOf(b, key);
    const neu = dataOf(a, key);
    if (old) {
      for (const k of Object.keys(old)) {
        if (neu && k in neu) {
          if (old[k] !== neu[k]) {
            old[k] = MaskBefore;
            neu[k] = MaskAfter;
            continue;
          }
          neu[k] = MaskDefault;
        }
        old[k] = MaskDefault;
      }
    }
    if (neu) for (const k of Object.keys(neu)) if (!old || !(k in old)) neu[k] = MaskDefault;
    if (b && old) b[key] = old;
    if (a && neu) a[key] = neu;
  }
  return { before: b, after: a };
}
