// Tower's JSON API as types: what the server sends and the browser reads. Types only (no code, no
// imports), so the browser bundle and the Node server share them without sharing a runtime.

/** Ready-ness of an app as its conditions say it. */
export type ReadyState = 'True' | 'False' | 'Unknown';

/** One word for an app's state, for filters and colours. */
export type AppStatus = 'ready' | 'failing' | 'progressing' | 'suspended' | 'unknown';

/**
 * How an app stands against its source: `synced` (applied the source's latest revision),
 * `behind` (the source has a newer revision not applied yet), `failing` (the last attempted
 * revision is not the applied one), `unknown` (nothing applied yet, or no source revision known).
 */
export type DriftState = 'synced' | 'behind' | 'failing' | 'unknown';

/** The kinds of "apps" Tower shows; each comes from its own provider on the server. */
export type AppKind = 'Kustomization' | 'HelmRelease' | 'Application';

export interface SourceRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** The repository URL (GitRepository/Bucket spec). */
  readonly url?: string;
  /** The tracked branch, tag or semver range, as the source's ref says. */
  readonly ref?: string;
  /** The source's latest fetched revision (`main@sha1:…`). */
  readonly revision?: string;
}

/** One app on one cluster: a row of the Fleet screen. */
export interface AppRow {
  /** `cluster/Kind/namespace/name`, URL-safe parts; the App screen's address. */
  readonly id: string;
  readonly cluster: string;
  readonly environment: string;
  readonly kind: AppKind;
  readonly namespace: string;
  readonly name: string;
  readonly source?: SourceRef;
  /** What is applied (`main@sha1:…`), '' when nothing is yet. */
  readonly revision: string;
  readonly attemptedRevision: string;
  /** Commits the applied revision is behind the source's latest; undefined while unknown. */
  readonly behind?: number;
  readonly ready: ReadyState;
  readonly status: AppStatus;
  readonly drift: DriftState;
  readonly suspended: boolean;
  /** The Ready (or Reconciling) message. */
  readonly message: string;
  readonly reason: string;
  /** When the app last changed state or applied a revision (ISO time), '' when unknown. */
  readonly lastChange: string;
  /** Objects in the app's inventory. */
  readonly objects: number;
}

export interface Counts {
  readonly total: number;
  readonly ready: number;
  readonly failing: number;
  readonly progressing: number;
  readonly suspended: number;
  readonly behind: number;
}

export interface ClusterInfo {
  readonly name: string;
  readonly environment: string;
  readonly server: string;
  /** False while the cluster's watches are failing. */
  readonly reachable: boolean;
  readonly message?: string;
  readonly apps: number;
}

/** A page of any list the API serves. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Items matching the filters (all pages). */
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
}

export interface FleetPage extends Page<AppRow> {
  /** Over the filtered set. */
  readonly counts: Counts;
  /** Over the whole fleet, ignoring the filters. */
  readonly fleet: Counts;
  readonly clusters: readonly ClusterInfo[];
  readonly environments: readonly string[];
  readonly kinds: readonly AppKind[];
}

/** One cell of the matrix: what the cell shows (the App screen has the rest). */
export type MatrixCell = Pick<
  AppRow,
  'id' | 'status' | 'revision' | 'drift' | 'suspended' | 'behind'
>;

/** The Fleet screen's matrix view: one row per app key, one cell per cluster. */
export interface MatrixRow {
  /** `Kind/namespace/name` */
  readonly key: string;
  readonly kind: AppKind;
  readonly namespace: string;
  readonly name: string;
  /** By cluster name; absent where the app does not exist. */
  readonly cells: Readonly<Record<string, MatrixCell>>;
}

export interface MatrixPage extends Page<MatrixRow> {
  readonly counts: Counts;
  readonly fleet: Counts;
  readonly clusters: readonly ClusterInfo[];
  readonly environments: readonly string[];
  readonly kinds: readonly AppKind[];
}

export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

/** One observed condition state of an app (the conditions history). */
export interface ConditionChange extends Condition {
  /** When Tower saw it (or the condition's lastTransitionTime at start). */
  readonly observedAt: string;
}

export type HealthState =
  'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

/** One object of an app's inventory, with its health. */
export interface TreeNode {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly health: HealthState;
  readonly message: string;
  /** The App screen of a nested app (a Kustomization applied by this one). */
  readonly app?: string;
  readonly children: readonly TreeNode[];
}

export interface EventRow {
  readonly time: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  readonly source: string;
  readonly revision?: string;
}

export interface CommitInfo {
  readonly sha: string;
  readonly author: string;
  readonly email: string;
  readonly date: string;
  readonly subject: string;
}

/** One revision an app applied. */
export interface AppliedRevision {
  readonly revision: string;
  /** When the cluster applied it ('' when only known as the current one). */
  readonly appliedAt: string;
  readonly commit?: CommitInfo;
  readonly current: boolean;
}

export interface AppDetail {
  readonly row: AppRow;
  readonly spec: Readonly<Record<string, unknown>>;
  readonly conditions: readonly Condition[];
  readonly conditionHistory: readonly ConditionChange[];
  readonly history: readonly AppliedRevision[];
  /** Branches of the source repository, for "diff against a branch". */
  readonly branches: readonly string[];
  /** Commits of the source branch that touched the app's path, newest first. */
  readonly sourceCommits: readonly SourceCommit[];
  readonly events: readonly EventRow[];
  /** The actions this app supports (a login is needed besides; rollback needs a Git source). */
  readonly actions: {
    readonly reconcile: boolean;
    readonly suspend: boolean;
    readonly rollback: boolean;
  };
}

export interface SourceCommit extends CommitInfo {
  /** The app has applied this commit (or a later one). */
  readonly applied: boolean;
  /** The app's applied revision is this commit. */
  readonly current: boolean;
}

export interface AppTree {
  readonly nodes: readonly TreeNode[];
  /** Objects not shown (the tree is cut at a limit). */
  readonly more: number;
  readonly counts: Readonly<Partial<Record<HealthState, number>>>;
}

/** Side-by-side diff of one object; Secret values are already masked. */
export interface ObjectDiff {
  /** `Kind/namespace/name` */
  readonly subject: string;
  readonly change: 'added' | 'removed' | 'modified' | 'unchanged';
  /** YAML of the left side ('' when absent). */
  readonly left: string;
  readonly right: string;
}

export interface DiffResponse {
  readonly left: string;
  readonly right: string;
  readonly objects: readonly ObjectDiff[];
  readonly summary: {
    readonly added: number;
    readonly removed: number;
    readonly modified: number;
    readonly unchanged: number;
  };
}

export interface RevertPreview {
  readonly id: string;
  /** The revision rolled back to. */
  readonly target: string;
  readonly branch: string;
  /** The branch head the revert goes on top of. */
  readonly head: string;
  /** Commits reverted, newest first. */
  readonly commits: readonly CommitInfo[];
  readonly message: string;
  /** Files the revert commit changes, with a flag for those outside the app's path. */
  readonly files: readonly {
    readonly path: string;
    readonly status: string;
    readonly outsideApp: boolean;
  }[];
  /** Unified diff of the files (text). */
  readonly patch: string;
  /** What the app renders to now versus after the revert. */
  readonly diff: DiffResponse;
}

export interface ActionResult {
  readonly ok: boolean;
  readonly message: string;
  readonly commit?: string;
}

/** One image repository across the fleet. */
export interface ImageRow {
  /** Repository without tag, e.g. `ghcr.io/stefanprodan/podinfo`. */
  readonly image: string;
  /** The newest tag seen in the fleet (or the image policy's latest). */
  readonly latest: string;
  readonly latestFrom: 'fleet' | 'policy';
  /** By environment: the tags running there with where. */
  readonly environments: Readonly<Record<string, readonly ImageUse[]>>;
  readonly outdated: boolean;
}

export interface ImageUse {
  readonly tag: string;
  readonly cluster: string;
  readonly app?: string;
  readonly workload: string;
  readonly container: string;
  readonly outdated: boolean;
}

export interface ImagesPage extends Page<ImageRow> {
  readonly environments: readonly string[];
  readonly outdated: number;
}

export type ChangeType = 'added' | 'modified' | 'removed';

export interface ObjectChange {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly change: ChangeType;
  readonly path: string;
}

export interface ChangeApp {
  readonly app: string;
  readonly cluster: string;
  readonly applied: boolean;
  /** When that cluster applied the commit (or a later one); '' when not applied or not known. */
  readonly appliedAt: string;
}

export interface ChangeRow {
  readonly sha: string;
  /** `namespace/name` of the source and its URL. */
  readonly source: string;
  readonly url: string;
  readonly branch: string;
  readonly author: string;
  readonly email: string;
  readonly date: string;
  readonly subject: string;
  readonly objects: readonly ObjectChange[];
  readonly files: number;
  /** The apps the commit reached (the first ones; `appsTotal` counts all). */
  readonly apps: readonly ChangeApp[];
  readonly appsTotal: number;
  readonly appsApplied: number;
}

export interface ChangesPage extends Page<ChangeRow> {
  readonly authors: readonly string[];
  readonly kinds: readonly string[];
  readonly namespaces: readonly string[];
  readonly sources: readonly string[];
}

/** One violation of a policy on one object. */
export interface Violation {
  readonly cluster: string;
  readonly environment: string;
  /** Constraint (`K8sRequiredLabels/must-have-owner`) or PolicyReport policy/rule. */
  readonly policy: string;
  readonly engine: 'gatekeeper' | 'policyreport';
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly message: string;
  /** deny / warn / dryrun, or the PolicyReport result (fail, warn, error). */
  readonly action: string;
  readonly severity: string;
  /** Set when an accepted risk covers this violation. */
  readonly acceptedBy?: string;
}

export interface AcceptedRisk {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  readonly policies: readonly string[];
  readonly justification: string;
  readonly ticket: string;
  readonly acceptedBy: string;
  readonly expiresAt: string;
  readonly expired: boolean;
}

export interface ComplianceMatrixRow {
  readonly policy: string;
  /** Violations by cluster name. */
  readonly clusters: Readonly<Record<string, number>>;
  readonly total: number;
}

export interface CompliancePage extends Page<Violation> {
  readonly matrix: readonly ComplianceMatrixRow[];
  readonly byNamespace: readonly { readonly namespace: string; readonly count: number }[];
  readonly risks: readonly AcceptedRisk[];
  readonly clusters: readonly ClusterInfo[];
  /** Which policy sources each cluster has (PolicyReports, Gatekeeper). */
  readonly engines: Readonly<Record<string, readonly string[]>>;
}

export interface SessionInfo {
  readonly user?: string;
  readonly groups?: readonly string[];
  /** True when Tower was started without any login configured. */
  readonly readOnly: boolean;
  /** Send as `X-CSRF-Token` with every action (present once logged in). */
  readonly csrf?: string;
}

/** What the live stream sends: which topics changed since the last message. */
export interface LiveUpdate {
  readonly topics: readonly ('apps' | 'changes' | 'images' | 'compliance')[];
  /** Ids of apps that changed (at most 200; more means "many"). */
  readonly apps: readonly string[];
  readonly version: number;
}

export interface ApiError {
  readonly error: string;
  readonly reason: string;
}
