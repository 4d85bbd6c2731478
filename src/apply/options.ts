// Options of the resource manager's verbs, with Flux's names and defaults.

/** Label or annotation key/value pairs; an object matches if any pair is in its metadata. */
export type Selector = Readonly<Record<string, string>>;

/** Flux's annotations, under kustomize.toolkit.fluxcd.io, that steer single objects. */
export const Annotations = {
  /** `disabled`: never apply, change or prune this object. */
  Reconcile: 'kustomize.toolkit.fluxcd.io/reconcile',
  /** `IfNotPresent` (create only), `Ignore` (leave alone), `Merge` (keep other managers' fields). */
  Ssa: 'kustomize.toolkit.fluxcd.io/ssa',
  /** `disabled`: keep the object when it leaves the inventory. */
  Prune: 'kustomize.toolkit.fluxcd.io/prune',
  /** `enabled`: recreate the object when an immutable field changes. */
  Force: 'kustomize.toolkit.fluxcd.io/force',
} as const;

export interface ApplyOptions {
  /** Recreate objects whose immutable fields changed (Kustomization `spec.force`). @default false */
  readonly force: boolean;
  /** Objects matching this are recreated on immutable changes even without `force`. */
  readonly forceSelector: Selector;
  /** Objects (desired or live) matching this are skipped. */
  readonly exclusionSelector: Selector;
  /** Objects matching this are only created, never updated. */
  readonly ifNotPresentSelector: Selector;
  /** Objects matching this are left alone entirely. */
  readonly ignoreSelector: Selector;
  /** How often wait polls CRDs in the staged apply, in ms. @default 2000 */
  readonly waitInterval: number;
  /** How long to wait for CRDs to be Established, in ms. @default 60000 */
  readonly waitTimeout: number;
  /** Requests in flight at once. @default 16 */
  readonly concurrency: number;
  /** Take ownership of fields other managers own (server-side apply `force`). @default true */
  readonly forceConflicts: boolean;
  /** How the server treats unknown fields in dry-run and apply. @default 'Strict' */
  readonly fieldValidation: 'Ignore' | 'Warn' | 'Strict' | undefined;
  /** Metadata and field managers removed from live objects before apply (Flux's cleanup). */
  readonly cleanup: CleanupOptions;
}

/** A field manager whose fields Flotilla takes over: name prefix and operation. */
export interface FieldManagerMatch {
  readonly name: string;
  readonly operation: 'Apply' | 'Update';
}

/**
 * What kustomize-controller cleans from live objects: kubectl's last-applied annotation,
 * deprecated Flux v1 marks, and fields owned by kubectl or the pre-SSA controller, which are
 * taken over so that a later apply removes what Git no longer has.
 */
export interface CleanupOptions {
  readonly annotations: readonly string[];
  readonly labels: readonly string[];
  readonly fieldManagers: readonly FieldManagerMatch[];
  /** Objects matching this keep other managers' fields (`ssa: Merge`). */
  readonly exclusions: Selector;
}

export function defaultCleanupOptions(): CleanupOptions {
  return {
    annotations: [
      'kubectl.kubernetes.io/last-applied-configuration',
      'kustomize.toolkit.fluxcd.io/checksum',
      'fluxcd.io/sync-checksum',
    ],
    labels: ['fluxcd.io/sync-gc-mark'],
    fieldManagers: [
      { name: 'kubectl', operation: 'Apply' },
      { name: 'kubectl', operation: 'Update' },
      { name: 'before-first-apply', operation: 'Update' },
    ],
    exclusions: { [Annotations.Ssa]: 'Merge' },
  };
}

/** Flux's defaults: no force, the reconcile/ssa/force annotations as selectors. */
export function defaultApplyOptions(): ApplyOptions {
  return {
    force: false,
    forceSelector: { [Annotations.Force]: 'enabled' },
    exclusionSelector: { [Annotations.Reconcile]: 'disabled' },
    ifNotPresentSelector: { [Annotations.Ssa]: 'IfNotPresent' },
    ignoreSelector: { [Annotations.Ssa]: 'Ignore' },
    waitInterval: 2000,
    waitTimeout: 60_000,
    concurrency: 16,
    forceConflicts: true,
    fieldValidation: 'Strict',
    cleanup: defaultCleanupOptions(),
  };
}

export interface DeleteOptions {
  /** @default 'Background' */
  readonly propagationPolicy: 'Background' | 'Foreground' | 'Orphan';
  /** Only objects carrying all of these labels are deleted (the owner labels). */
  readonly inclusions: Selector;
  /** Objects matching any of these are kept (`prune: disabled`, `reconcile: disabled`). */
  readonly exclusions: Selector;
  /** @default 16 */
  readonly concurrency: number;
}

export function defaultDeleteOptions(): DeleteOptions {
  return {
    propagationPolicy: 'Background',
    inclusions: {},
    exclusions: { [Annotations.Prune]: 'disabled', [Annotations.Reconcile]: 'disabled' },
    concurrency: 16,
  };
}

export interface WaitOptions {
  /** Poll interval in ms. @default 1000 */
  readonly interval: number;
  /** Give up after this many ms. @default 300000 */
  readonly timeout: number;
  /** Stop as soon as one object is Degraded instead of waiting for the rest. @default true */
  readonly failFast: boolean;
  /** @default 16 */
  readonly concurrency: number;
}

export function defaultWaitOptions(): WaitOptions {
  return { interval: 1000, timeout: 300_000, failFast: true, concurrency: 16 };
}

/** True if any key/value of the selector is in the object's labels or annotations. */
export function anyInMetadata(
  meta:
    | { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> }
    | undefined,
  selector: Selector,
): boolean {
  if (!meta) return false;
  for (const [k, v] of Object.entries(selector)) {
    if (meta.labels?.[k] === v || meta.annotations?.[k] === v) return true;
  }
  return false;
}

/** True if every key/value of the selector is in the object's labels. */
export function allInLabels(
  meta: { readonly labels?: Record<string, string> } | undefined,
  selector: Selector,
): boolean {
  for (const [k, v] of Object.entries(selector)) {
    if (meta?.labels?.[k] !== v) return false;
  }
  return true;
}
