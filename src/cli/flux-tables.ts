// Table columns for Flux objects, as `flux get` prints them: NAME, REVISION, SUSPENDED, READY, MESSAGE.
import type { KubeObject } from '../kube/index.js';
import type { Column } from './output.js';

interface FluxStatus {
  readonly conditions?: readonly {
    type: string;
    status: string;
    message?: string;
    reason?: string;
  }[];
  readonly artifact?: { readonly revision?: string };
  readonly lastAppliedRevision?: string;
  readonly lastAttemptedRevision?: string;
  readonly observedGeneration?: number;
}

function statusOf(obj: KubeObject): FluxStatus {
  return (obj['status'] as FluxStatus | undefined) ?? {};
}

/** The Ready condition's status (True/False/Unknown), `Unknown` when there is none yet. */
export function readyOf(obj: KubeObject): string {
  return statusOf(obj).conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
}

/** The Ready message, or the Reconciling one while the object is being reconciled. */
export function messageOf(obj: KubeObject): string {
  const conds = statusOf(obj).conditions ?? [];
  const reconciling = conds.find((c) => c.type === 'Reconciling' && c.status === 'True');
  const ready = conds.find((c) => c.type === 'Ready');
  return (reconciling?.message ?? ready?.message ?? 'waiting to be reconciled').replaceAll(
    '\n',
    ' ',
  );
}

/** The revision a source has stored or a Kustomization applied (attempted while none applied). */
export function revisionOf(obj: KubeObject): string {
  const s = statusOf(obj);
  return s.artifact?.revision ?? s.lastAppliedRevision ?? s.lastAttemptedRevision ?? '';
}

function suspendedOf(obj: KubeObject): string {
  return (obj['spec'] as { suspend?: boolean } | undefined)?.suspend ? 'True' : 'False';
}

/** Columns of `flotilla get` for sources and Kustomizations; NAMESPACE first with -A. */
export function fluxColumns(allNamespaces: boolean): Column<KubeObject>[] {
  return [
    ...(allNamespaces
      ? [{ header: 'namespace', value: (o: KubeObject) => o.metadata.namespace ?? '' }]
      : []),
    { header: 'name', value: (o) => o.metadata.name ?? '' },
    { header: 'revision', value: revisionOf },
    { header: 'suspended', value: suspendedOf },
    { header: 'ready', value: readyOf },
    { header: 'message', value: messageOf },
  ];
}
