// The contract every kind of "app" implements for Tower (Flux Kustomizations today; HelmReleases
// and Argo CD Applications plug in the same way): how its objects are watched, turned into
// Fleet rows, and acted on. Tower's indexes, screens and actions only ever see this interface.
import type { KubeClient, KubeObject, ObjectRef } from '../../../kube/index.js';
import type { AppKind, AppRow, Condition, SourceRef } from '../../api/types.js';

/** What a provider knows about the cluster a row is built for. */
export interface RowContext {
  readonly cluster: string;
  readonly environment: string;
  /** The source object the app reads, as the cluster's source cache holds it. */
  source(ref: { kind: string; namespace: string; name: string }): SourceRef | undefined;
  /** Commits between two revisions of a source, when already known (computed in the background). */
  behind(source: SourceRef, applied: string): number | undefined;
}

/** An inventory entry of an app: an object it manages. */
export interface ManagedObject extends ObjectRef {
  readonly namespace: string;
}

export interface AppProvider {
  readonly kind: AppKind;
  readonly apiVersion: string;
  /** The API group whose presence on a cluster enables this provider. */
  readonly group: string;
  /**
   * Keeps only what rows and the screens need from a watched object (managedFields, large
   * status fields and the full inventory are dropped), so 10,000 apps stay small in memory.
   */
  transform(obj: KubeObject): KubeObject;
  row(obj: KubeObject, ctx: RowContext): AppRow;
  /** The source the app reads, when it has one. */
  sourceOf(obj: KubeObject): { kind: string; namespace: string; name: string } | undefined;
  /** The path inside the source the app renders ('' for the whole repository). */
  pathOf(obj: KubeObject): string;
  conditions(obj: KubeObject): Condition[];
  /** The objects the app manages (from the full object, read fresh from the cluster). */
  inventory(full: KubeObject): ManagedObject[];
  /** The spec fields worth showing on the App screen. */
  specSummary(full: KubeObject): Record<string, unknown>;
  /** Asks the controller to reconcile now. */
  requestReconcile(client: KubeClient, obj: KubeObject, requestedAt: string): Promise<void>;
  setSuspended(client: KubeClient, obj: KubeObject, suspended: boolean): Promise<void>;
  /** The client that reads and dry-runs the app's objects (its target cluster and identity). */
  targetClient(client: KubeClient, full: KubeObject): Promise<KubeClient>;
  /** Renders the objects the app would apply from a checked-out source tree. */
  render(client: KubeClient, full: KubeObject, root: string): Promise<KubeObject[]>;
  /** The labels the app puts on what it applies (for ownership of live objects). */
  ownerLabels(obj: KubeObject): Readonly<Record<string, string>>;
  /** The app (namespace and name) that applied an object, from the object's labels. */
  ownerOf(
    labels: Readonly<Record<string, string>>,
  ): { namespace: string; name: string } | undefined;
}

/** `cluster/Kind/namespace/name`, each part URI-encoded: an app's id and its URL. */
export function appId(cluster: string, kind: string, namespace: string, name: string): string {
  return [cluster, kind, namespace, name].map(encodeURIComponent).join('/');
}

/** The parts of an app id, or undefined when it is not one. */
export function parseAppId(
  id: string,
): { cluster: string; kind: string; namespace: string; name: string } | undefined {
  const parts = id.split('/');
  if (parts.length !== 4 || parts.some((p) => p === '')) return undefined;
  try {
    const [cluster, kind, namespace, name] = parts.map(decodeURIComponent) as [
      string,
      string,
      string,
      string,
    ];
    return { cluster, kind, namespace, name };
  } catch {
    return undefined;
  }
}
