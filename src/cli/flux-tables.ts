// The status summary of a Flux object as `flux get` shows it (NAME, REVISION, SUSPENDED, READY,
// MESSAGE): READY and MESSAGE are the Ready condition's, so a failing object shows its error
// even while the controller retries, and digests are shortened to 8 characters.
import type { KubeObject } from '../kube/index.js';
import type { FluxKind } from './flux-kinds.js';
import { truncateHex } from './flux-table.js';
import type { Column } from './output.js';

interface Condition {
  readonly type: string;
  readonly status: string;
  readonly message?: string;
}

function conditions(obj: KubeObject): readonly Condition[] {
  return (obj['status'] as { conditions?: Condition[] } | undefined)?.conditions ?? [];
}

/** flux's statusAndMessage: the Ready condition's status and message, or False while none. */
export function statusAndMessage(obj: KubeObject): { status: string; message: string } {
  const ready = conditions(obj).find((c) => c.type === 'Ready');
  return ready
    ? { status: ready.status, message: ready.message ?? '' }
    : { status: 'False', message: 'waiting to be reconciled' };
}

/** The Ready condition's status (True, False, Unknown; False before the first reconcile). */
export function readyOf(obj: KubeObject): string {
  return statusAndMessage(obj).status;
}

function suspendedOf(obj: KubeObject): string {
  return (obj['spec'] as { suspend?: boolean } | undefined)?.suspend ? 'True' : 'False';
}

/**
 * flux's `--status-selector type=status` (or `type!=status`): true when the object has a
 * condition of that type (case-insensitive) with that status.
 */
export function statusMatches(obj: KubeObject, type: string, status: string): boolean {
  let found: Condition | undefined;
  for (const c of conditions(obj)) if (c.type.toLowerCase() === type.toLowerCase()) found = c;
  return found !== undefined && found.status.toLowerCase() === status.toLowerCase();
}

/** The header of `flux get` for these kinds (NAMESPACE first with -A). */
export function summaryHeader(allNamespaces: boolean, showSource = false): string[] {
  return [
    ...(allNamespaces ? ['Namespace'] : []),
    'Name',
    ...(showSource ? ['Source'] : []),
    'Revision',
    'Suspended',
    'Ready',
    'Message',
  ];
}

/** One row of `flux get`; `includeKind` names the object `kind/name`, as `get all` does. */
export function summaryRow(
  kind: FluxKind,
  obj: KubeObject,
  options: {
    readonly allNamespaces: boolean;
    readonly includeKind: boolean;
    /** `get ks --show-source`: the source as `Kind/namespace/name`. */
    readonly showSource?: boolean;
  },
): string[] {
  const ref = options.showSource ? kind.sourceRef?.(obj) : undefined;
  const name = options.includeKind
    ? `${kind.kind.toLowerCase()}/${obj.metadata.name ?? ''}`
    : (obj.metadata.name ?? '');
  const { status, message } = statusAndMessage(obj);
  return [
    ...(options.allNamespaces ? [obj.metadata.namespace ?? ''] : []),
    name,
    ...(options.showSource ? [ref ? `${ref.kind}/${ref.namespace}/${ref.name}` : ''] : []),
    truncateHex(kind.revision(obj)),
    suspendedOf(obj),
    status,
    truncateHex(message),
  ];
}

/** The same summary as columns for Flotilla's own tables (`flotilla up`'s live view). */
export function fluxColumns(kind: (obj: KubeObject) => FluxKind): Column<KubeObject>[] {
  const row = (o: KubeObject) =>
    summaryRow(kind(o), o, { allNamespaces: false, includeKind: false });
  return ['name', 'revision', 'suspended', 'ready', 'message'].map((header, i) => ({
    header,
    value: (o: KubeObject) => (row(o)[i] ?? '').replaceAll('\n', ' '),
  }));
}
