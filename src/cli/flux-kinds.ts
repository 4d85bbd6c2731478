// The Flux kinds the command line works with, one row each: how flux names them on its command
// line and in its messages, what `get` shows and `reconcile` reports, and what export needs to
// know of their Go types. get, reconcile, suspend, resume, export, delete, events and trace are
// written over this table, so a kind Flotilla learns to serve (HelmRelease, OCIRepository, …) is
// one more row here.
import type { KubeObject } from '../kube/index.js';

export interface SourceReference {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

export interface FluxKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** How flux names the kind in its messages: `source git`, `kustomization`. */
  readonly humanKind: string;
  /** The words naming the kind after a verb: `source git`, `kustomization`. */
  readonly words: readonly string[];
  /** Other names of the last word (`ks`). */
  readonly aliases: readonly string[];
  /** The last word under `get` and its aliases (`kustomizations`, `ks`, `kustomization`). */
  readonly getWord: { readonly name: string; readonly aliases: readonly string[] };
  /** `source` kinds are listed by `get sources all` (before the others in `get all`). */
  readonly category: 'source' | 'applier';
  /** The REVISION column of `get`. */
  revision(obj: KubeObject): string;
  /** What `reconcile` and `resume` print once the object is ready. */
  successMessage(obj: KubeObject): string;
  /** The source this object reads from (events --for, trace). */
  sourceRef?(obj: KubeObject): SourceReference | undefined;
  /** The Secret holding its credentials (`export --with-credentials`). */
  secretRef?(obj: KubeObject): string | undefined;
  /**
   * What export must know of the Go type flux marshals: fields of type metav1.Duration (printed
   * in Go's form, `10m0s`), and fields written even when zero (not `omitempty`, or pointers).
   */
  readonly goFields: {
    readonly durations: readonly string[];
    readonly keepZero: readonly string[];
  };
}

type Status = {
  artifact?: { revision?: string };
  lastAppliedRevision?: string;
};
const statusOf = (obj: KubeObject): Status => (obj['status'] as Status | undefined) ?? {};
const specOf = (obj: KubeObject): Record<string, unknown> =>
  (obj['spec'] as Record<string, unknown> | undefined) ?? {};

const artifactRevision = (obj: KubeObject): string => statusOf(obj).artifact?.revision ?? '';
const secretRefName = (obj: KubeObject): string | undefined =>
  (specOf(obj)['secretRef'] as { name?: string } | undefined)?.name;

export const GitRepositoryKind: FluxKind = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  humanKind: 'source git',
  words: ['source', 'git'],
  aliases: [],
  getWord: { name: 'git', aliases: [] },
  category: 'source',
  revision: artifactRevision,
  successMessage: (obj) => `fetched revision ${artifactRevision(obj)}`,
  secretRef: secretRefName,
  goFields: { durations: ['spec.interval', 'spec.timeout'], keepZero: ['spec.ignore'] },
};

export const BucketKind: FluxKind = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'Bucket',
  humanKind: 'source bucket',
  words: ['source', 'bucket'],
  aliases: [],
  getWord: { name: 'bucket', aliases: [] },
  category: 'source',
  revision: artifactRevision,
  successMessage: (obj) => `fetched revision ${artifactRevision(obj)}`,
  secretRef: secretRefName,
  goFields: { durations: ['spec.interval', 'spec.timeout'], keepZero: ['spec.ignore'] },
};

export const KustomizationKind: FluxKind = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  humanKind: 'kustomization',
  words: ['kustomization'],
  aliases: ['ks'],
  getWord: { name: 'kustomizations', aliases: ['ks', 'kustomization'] },
  category: 'applier',
  revision: (obj) => statusOf(obj).lastAppliedRevision ?? '',
  successMessage: (obj) => `applied revision ${statusOf(obj).lastAppliedRevision ?? ''}`,
  sourceRef(obj) {
    const ref = specOf(obj)['sourceRef'] as
      { kind?: string; name?: string; namespace?: string } | undefined;
    if (!ref?.kind || !ref.name) return undefined;
    return {
      kind: ref.kind,
      name: ref.name,
      namespace: ref.namespace || (obj.metadata.namespace ?? ''),
    };
  },
  goFields: {
    durations: ['spec.interval', 'spec.retryInterval', 'spec.timeout'],
    keepZero: ['spec.prune', 'spec.timeout', 'spec.retryInterval'],
  },
};

/** Every kind Flotilla serves, in the order flux lists them (`get all`, `get sources all`). */
export const FLUX_KINDS: readonly FluxKind[] = [BucketKind, GitRepositoryKind, KustomizationKind];

/** The kind's `apiVersion` and `kind`, for an object of it (the descriptor holds more). */
export function typeMeta(kind: FluxKind): { apiVersion: string; kind: string } {
  return { apiVersion: kind.apiVersion, kind: kind.kind };
}

/** The kind named `kind` (case-insensitive), if Flotilla serves it. */
export function fluxKindNamed(kind: string): FluxKind | undefined {
  return FLUX_KINDS.find((k) => k.kind.toLowerCase() === kind.toLowerCase());
}

/**
 * Every kind of Flux's APIs with its preferred version, in the order `flux stats` reports them;
 * `stats` lists the ones Flotilla does not serve (yet) with zeros, as flux does where a
 * controller is not installed.
 */
export const FLUX_API_KINDS: readonly { readonly apiVersion: string; readonly kind: string }[] = [
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' },
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository' },
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository' },
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart' },
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'Bucket' },
  { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
  { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' },
  { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Alert' },
  { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider' },
  { apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver' },
  { apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImageUpdateAutomation' },
  { apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImagePolicy' },
  { apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImageRepository' },
];
