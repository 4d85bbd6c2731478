// Annotation keys Flux's objects and events carry, and Flotilla's own, defined once for every layer.

/** Annotations of the reconciled objects themselves. */
export const Annotation = {
  /**
   * Flux's request-a-reconcile annotation (`flux reconcile` sets it to a timestamp); a new value
   * triggers a reconcile and is echoed in `status.lastHandledReconcileAt`.
   */
  ReconcileRequestedAt: 'reconcile.fluxcd.io/requestedAt',
  /** Flotilla's opt-in on a GitRepository: refuse to advance a branch whose history was rewritten. */
  ImmutableHistory: 'flotilla.dev/immutable-history',
} as const;
export type Annotation = (typeof Annotation)[keyof typeof Annotation];

/** Annotations of the Events controllers record (Flux's event metadata). */
export const EventAnnotation = {
  /** The revision of a source artifact an event is about. */
  SourceRevision: 'source.toolkit.fluxcd.io/revision',
  /** The digest of a source artifact an event is about. */
  SourceDigest: 'source.toolkit.fluxcd.io/digest',
  /** The revision a Kustomization applied or attempted. */
  KustomizeRevision: 'kustomize.toolkit.fluxcd.io/revision',
} as const;
export type EventAnnotation = (typeof EventAnnotation)[keyof typeof EventAnnotation];
