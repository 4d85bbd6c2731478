// Loads postBuild.substituteFrom ConfigMaps and Secrets, as Flux's kustomize-controller does.
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { isNotFound } from '../../kube/index.js';
import { ErrorCategory, FlotillaError, Reason } from '../../core/index.js';
import type { Kustomization } from './types.js';

/** Variable maps of every substituteFrom entry, in order; optional missing ones are skipped. */
export async function loadSubstituteFrom(
  client: KubeClient,
  ks: Kustomization,
): Promise<Record<string, string>[]> {
  const namespace = ks.metadata.namespace ?? 'default';
  const out: Record<string, string>[] = [];
  for (const [i, ref] of (ks.spec.postBuild?.substituteFrom ?? []).entries()) {
    let obj: KubeObject & { data?: Record<string, string> };
    try {
      obj = await client.get({ apiVersion: 'v1', kind: ref.kind, namespace, name: ref.name });
    } catch (err) {
      if (isNotFound(err)) {
        if (ref.optional) continue;
        throw new FlotillaError(`substitute from '${ref.kind}/${ref.name}' error: not found`, {
          reason: Reason.BuildFailed,
          category: ErrorCategory.RetryLater,
          object: `${ref.kind}/${namespace}/${ref.name}`,
          field: `spec.postBuild.substituteFrom[${i}]`,
        });
      }
      throw err;
    }
    const data = obj.data ?? {};
    out.push(
      ref.kind === 'Secret'
        ? Object.fromEntries(
            Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
          )
        : { ...data },
    );
  }
  return out;
}
