// The scale subresource: an autoscaling/v1 Scale view of a workload's replicas.
import { FieldErrorType, badRequest, invalid } from './status-errors.js';
import { clone, getPath, isPlainObject, metaOf, setPath, type KubeObject } from './object-meta.js';
import type { ObjectApi, Target, WriteOptions } from './object-api.js';

function selectorString(sel: unknown): string {
  if (typeof sel === 'string') return sel;
  if (!isPlainObject(sel)) return '';
  const parts: string[] = [];
  if (isPlainObject(sel.matchLabels))
    for (const [k, v] of Object.entries(sel.matchLabels)) parts.push(`${k}=${String(v)}`);
  return parts.join(',');
}

export function toScale(t: Target, o: KubeObject): KubeObject {
  const m = metaOf(o);
  const paths = t.info.scale ?? {
    specReplicasPath: '.spec.replicas',
    statusReplicasPath: '.status.replicas',
  };
  const replicas = getPath(o, paths.specReplicasPath);
  const status = getPath(o, paths.statusReplicasPath);
  const selector =
    t.info.crd !== undefined && paths.labelSelectorPath !== undefined
      ? getPath(o, paths.labelSelectorPath)
      : getPath(o, '.spec.selector');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: typeof replicas === 'number' ? replicas : 0 },
    status: {
      replicas: typeof status === 'number' ? status : 0,
      selector: selectorString(selector),
    },
  };
}

export function getScale(api: ObjectApi, t: Target): KubeObject {
  return toScale(t, api.get(t));
}

/** Writes spec.replicas from a Scale object (PUT or the result of a patch on /scale). */
export async function updateScale(
  api: ObjectApi,
  t: Target,
  scale: KubeObject,
  opts: WriteOptions,
): Promise<KubeObject> {
  const replicas = isPlainObject(scale.spec) ? scale.spec.replicas : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas))
    throw badRequest(
      `Scale.autoscaling "${t.name}" is invalid: spec.replicas: Invalid value: ${String(replicas)}: must be an integer`,
    );
  // ValidateScale
  if (replicas < 0)
    throw invalid('Scale', 'autoscaling', t.name, [
      {
        type: FieldErrorType.Invalid,
        field: 'spec.replicas',
        value: replicas,
        detail: 'must be greater than or equal to 0',
      },
    ]);
  const current = api.get(t);
  const next = clone(current);
  const rv = metaOf(scale).resourceVersion;
  if (rv !== undefined && rv !== '')
    (next.metadata as Record<string, unknown>).resourceVersion = rv;
  setPath(
    next,
    (t.info.scale ?? { specReplicasPath: '.spec.replicas' }).specReplicasPath,
    replicas,
  );
  const r = await api.update({ ...t, subresource: '' }, next, { ...opts, recordAs: 'scale' });
  return toScale(t, r.object);
}
