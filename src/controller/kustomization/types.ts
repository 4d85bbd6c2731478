// The Flux Kustomization API (kustomize.toolkit.fluxcd.io/v1) as TypeScript types; the schema
// itself is Flux's CRD, installed from config/crd/.
import type { Condition } from '../../core/index.js';
import type { KubeObject, ObjectMeta } from '../../kube/index.js';

export const KUSTOMIZATION_API_VERSION = 'kustomize.toolkit.fluxcd.io/v1';
export const KUSTOMIZATION_KIND = 'Kustomization';
export { FINALIZER } from '../runtime/finalizers.js';

export interface CrossNamespaceSourceReference {
  readonly apiVersion?: string;
  readonly kind: 'GitRepository' | 'Bucket' | 'OCIRepository' | 'ExternalArtifact';
  readonly name: string;
  readonly namespace?: string;
}

export interface DependencyReference {
  readonly name: string;
  readonly namespace?: string;
}

export interface NamespacedObjectKindReference {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface SubstituteReference {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  readonly optional?: boolean;
}

export interface KustomizationPatch {
  readonly patch: string;
  readonly target?: {
    readonly group?: string;
    readonly version?: string;
    readonly kind?: string;
    readonly name?: string;
    readonly namespace?: string;
    readonly labelSelector?: string;
    readonly annotationSelector?: string;
  };
}

export interface KustomizationImage {
  readonly name: string;
  readonly newName?: string;
  readonly newTag?: string;
  readonly digest?: string;
}

export interface KustomizationSpec {
  readonly sourceRef: CrossNamespaceSourceReference;
  readonly path?: string;
  readonly interval: string;
  readonly retryInterval?: string;
  readonly timeout?: string;
  readonly prune: boolean;
  readonly deletionPolicy?: 'MirrorPrune' | 'Delete' | 'WaitForTermination' | 'Orphan';
  readonly wait?: boolean;
  readonly healthChecks?: readonly NamespacedObjectKindReference[];
  readonly dependsOn?: readonly DependencyReference[];
  readonly targetNamespace?: string;
  readonly namePrefix?: string;
  readonly nameSuffix?: string;
  readonly commonMetadata?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly patches?: readonly KustomizationPatch[];
  readonly images?: readonly KustomizationImage[];
  readonly components?: readonly string[];
  readonly postBuild?: {
    readonly substitute?: Readonly<Record<string, string>>;
    readonly substituteFrom?: readonly SubstituteReference[];
  };
  readonly serviceAccountName?: string;
  readonly kubeConfig?: { readonly secretRef: { readonly name: string; readonly key?: string } };
  readonly decryption?: {
    readonly provider: string;
    readonly secretRef?: { readonly name: string };
  };
  readonly force?: boolean;
  readonly suspend?: boolean;
}

export interface InventoryEntry {
  /** `<namespace>_<name>_<group>_<kind>` */
  readonly id: string;
  /** The version of the object's apiVersion. */
  readonly v: string;
}

export interface KustomizationStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  lastHandledReconcileAt?: string;
  inventory?: { entries: InventoryEntry[] };
}

export interface Kustomization extends KubeObject {
  /** Objects read from the API always have a name. */
  metadata: ObjectMeta & { name: string };
  spec: KustomizationSpec;
  status?: KustomizationStatus;
}
