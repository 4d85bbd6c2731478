// The table of resources the server serves: built-in kinds plus the kinds CRDs add at run time.

export interface PrinterColumn {
  readonly name: string;
  readonly type: string;
  readonly format?: string;
  readonly description?: string;
  readonly priority?: number;
  /** Simple JSONPath like `.spec.replicas` (CRD additionalPrinterColumns) */
  readonly jsonPath: string;
}

export interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** plural, lower case: 'deployments' */
  readonly resource: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly string[];
  readonly subresources: readonly ('status' | 'scale' | 'token')[];
  /** Where the scale subresource reads and writes (CRDs may choose; workloads use .spec.replicas). */
  readonly scale?: {
    readonly specReplicasPath: string;
    readonly statusReplicasPath: string;
    readonly labelSelectorPath?: string;
  };
  /** Version kept in storage; objects of other served versions are rewritten to it. */
  readonly storageVersion: string;
  /** Set for kinds a CRD defines. */
  readonly crd?: string;
  readonly printerColumns?: readonly PrinterColumn[];
  /** For CRD kinds: the version's selectableFields, as field selector labels (`spec.color`). */
  readonly selectableFields?: readonly string[];
  /** For CRD kinds: whether the kind carries generation (always) — built-ins with a spec too. */
  readonly hasSpec: boolean;
  /** Where objects are stored when another group's resource holds them (events.k8s.io Events: core events). */
  readonly storage?: { readonly group: string; readonly resource: string };
}

export const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
] as const;

interface BuiltinRow {
  gv: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  sub?: ('status' | 'scale' | 'token')[];
  spec?: boolean;
  /** Verbs when not all of them: the create-only review kinds. */
  verbs?: readonly string[];
  storage?: { group: string; resource: string };
}

const ALL = ['all'];
const BUILTINS: BuiltinRow[] = [
  {
    gv: 'v1',
    kind: 'Namespace',
    resource: 'namespaces',
    namespaced: false,
    shortNames: ['ns'],
    sub: ['status'],
    spec: false,
  },
  { gv: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespaced: true, shortNames: ['cm'] },
  { gv: 'v1', kind: 'Secret', resource: 'secrets', namespaced: true },
  {
    gv: 'v1',
    kind: 'Service',
    resource: 'services',
    namespaced: true,
    shortNames: ['svc'],
    categories: ALL,
    sub: ['status'],
    spec: false,
  },
  {
    gv: 'v1',
    kind: 'ServiceAccount',
    resource: 'serviceaccounts',
    namespaced: true,
    shortNames: ['sa'],
    sub: ['token'],
  },
  {
    gv: 'v1',
    kind: 'Pod',
    resource: 'pods',
    namespaced: true,
    shortNames: ['po'],
    categories: ALL,
    sub: ['status'],
    spec: false,
  },
  { gv: 'v1', kind: 'Endpoints', resource: 'endpoints', namespaced: true, shortNames: ['ep'] },
  { gv: 'v1', kind: 'Event', resource: 'events', namespaced: true, shortNames: ['ev'] },
  {
    gv: 'v1',
    kind: 'PersistentVolumeClaim',
    resource: 'persistentvolumeclaims',
    namespaced: true,
    shortNames: ['pvc'],
    sub: ['status'],
    spec: false,
  },
  {
    gv: 'v1',
    kind: 'PersistentVolume',
    resource: 'persistentvolumes',
    namespaced: false,
    shortNames: ['pv'],
    sub: ['status'],
    spec: false,
  },
  {
    gv: 'v1',
    kind: 'ResourceQuota',
    resource: 'resourcequotas',
    namespaced: true,
    shortNames: ['quota'],
    sub: ['status'],
    spec: false,
  },
  {
    gv: 'v1',
    kind: 'LimitRange',
    resource: 'limitranges',
    namespaced: true,
    shortNames: ['limits'],
  },
  {
    gv: 'apps/v1',
    kind: 'Deployment',
    resource: 'deployments',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ALL,
    sub: ['status', 'scale'],
    spec: true,
  },
  {
    gv: 'apps/v1',
    kind: 'StatefulSet',
    resource: 'statefulsets',
    namespaced: true,
    shortNames: ['sts'],
    categories: ALL,
    sub: ['status', 'scale'],
    spec: true,
  },
  {
    gv: 'apps/v1',
    kind: 'DaemonSet',
    resource: 'daemonsets',
    namespaced: true,
    shortNames: ['ds'],
    categories: ALL,
    sub: ['status'],
    spec: true,
  },
  {
    gv: 'apps/v1',
    kind: 'ReplicaSet',
    resource: 'replicasets',
    namespaced: true,
    shortNames: ['rs'],
    categories: ALL,
    sub: ['status', 'scale'],
    spec: true,
  },
  {
    gv: 'apps/v1',
    kind: 'ControllerRevision',
    resource: 'controllerrevisions',
    namespaced: true,
  },
  {
    gv: 'batch/v1',
    kind: 'Job',
    resource: 'jobs',
    namespaced: true,
    categories: ALL,
    sub: ['status'],
    spec: true,
  },
  {
    gv: 'batch/v1',
    kind: 'CronJob',
    resource: 'cronjobs',
    namespaced: true,
    shortNames: ['cj'],
    categories: ALL,
    sub: ['status'],
    spec: true,
  },
  {
    gv: 'networking.k8s.io/v1',
    kind: 'Ingress',
    resource: 'ingresses',
    namespaced: true,
    shortNames: ['ing'],
    sub: ['status'],
    spec: true,
  },
  {
    gv: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    resource: 'ingressclasses',
    namespaced: false,
  },
  {
    gv: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    resource: 'networkpolicies',
    namespaced: true,
    shortNames: ['netpol'],
    spec: true,
  },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'Role', resource: 'roles', namespaced: true },
  {
    gv: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    resource: 'rolebindings',
    namespaced: true,
  },
  {
    gv: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    resource: 'clusterroles',
    namespaced: false,
  },
  {
    gv: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    resource: 'clusterrolebindings',
    namespaced: false,
  },
  {
    gv: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    resource: 'customresourcedefinitions',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    sub: ['status'],
    spec: true,
  },
  {
    gv: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    resource: 'validatingwebhookconfigurations',
    namespaced: false,
    categories: ['api-extensions'],
    spec: true,
  },
  {
    gv: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    resource: 'mutatingwebhookconfigurations',
    namespaced: false,
    categories: ['api-extensions'],
    spec: true,
  },
  {
    gv: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    resource: 'validatingadmissionpolicies',
    namespaced: false,
    categories: ['api-extensions'],
    sub: ['status'],
    spec: true,
  },
  {
    gv: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    resource: 'validatingadmissionpolicybindings',
    namespaced: false,
    categories: ['api-extensions'],
    spec: true,
  },
  { gv: 'coordination.k8s.io/v1', kind: 'Lease', resource: 'leases', namespaced: true },
  {
    gv: 'events.k8s.io/v1',
    kind: 'Event',
    resource: 'events',
    namespaced: true,
    shortNames: ['ev'],
    storage: { group: '', resource: 'events' },
  },
  {
    gv: 'policy/v1',
    kind: 'PodDisruptionBudget',
    resource: 'poddisruptionbudgets',
    namespaced: true,
    shortNames: ['pdb'],
    sub: ['status'],
    spec: true,
  },
  {
    gv: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    resource: 'horizontalpodautoscalers',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ALL,
    sub: ['status'],
    spec: true,
  },
  {
    gv: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    resource: 'storageclasses',
    namespaced: false,
    shortNames: ['sc'],
  },
  {
    gv: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    resource: 'priorityclasses',
    namespaced: false,
    shortNames: ['pc'],
  },
  ...[
    ['authentication.k8s.io/v1', 'TokenReview', 'tokenreviews', false],
    ['authentication.k8s.io/v1', 'SelfSubjectReview', 'selfsubjectreviews', false],
    ['authorization.k8s.io/v1', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', true],
    ['authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false],
    ['authorization.k8s.io/v1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false],
    ['authorization.k8s.io/v1', 'SubjectAccessReview', 'subjectaccessreviews', false],
  ].map(([gv, kind, resource, namespaced]): BuiltinRow => ({
    gv: gv as string,
    kind: kind as string,
    resource: resource as string,
    namespaced: namespaced as boolean,
    verbs: ['create'],
  })),
];

/** Kinds that are never stored: a create computes an answer (access reviews, token reviews). */
export function isReview(info: ResourceInfo): boolean {
  return (
    (info.group === 'authorization.k8s.io' || info.group === 'authentication.k8s.io') &&
    info.verbs.length === 1
  );
}

export function splitGroupVersion(gv: string): { group: string; version: string } {
  const i = gv.indexOf('/');
  return i < 0 ? { group: '', version: gv } : { group: gv.slice(0, i), version: gv.slice(i + 1) };
}

export function groupVersionString(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

function builtinInfo(row: BuiltinRow): ResourceInfo {
  const { group, version } = splitGroupVersion(row.gv);
  const sub = row.sub ?? [];
  return {
    group,
    version,
    kind: row.kind,
    resource: row.resource,
    singular: row.kind.toLowerCase(),
    namespaced: row.namespaced,
    shortNames: row.shortNames ?? [],
    categories: row.categories ?? [],
    verbs: row.verbs ?? ALL_VERBS,
    subresources: sub,
    ...(sub.includes('scale')
      ? {
          scale: {
            specReplicasPath: '.spec.replicas',
            statusReplicasPath: '.status.replicas',
            labelSelectorPath: '.status.selector',
          },
        }
      : {}),
    storageVersion: version,
    // generation is tracked for kinds whose spec carries desired state (and for every CRD kind)
    hasSpec: row.spec ?? false,
    ...(row.storage === undefined ? {} : { storage: row.storage }),
  };
}

/** The live registry: looked up on every request; CRDs add and remove entries. */
export class ResourceRegistry {
  private readonly byGvr = new Map<string, ResourceInfo>();
  private listeners: (() => void)[] = [];

  constructor() {
    for (const row of BUILTINS) this.add(builtinInfo(row));
  }

  add(info: ResourceInfo): void {
    this.byGvr.set(`${info.group}/${info.version}/${info.resource}`, info);
    this.changed();
  }

  /** Removes every version a CRD served. */
  removeCrd(crdName: string): void {
    for (const [key, info] of this.byGvr) if (info.crd === crdName) this.byGvr.delete(key);
    this.changed();
  }

  replaceCrd(crdName: string, infos: readonly ResourceInfo[]): void {
    for (const [key, info] of this.byGvr) if (info.crd === crdName) this.byGvr.delete(key);
    for (const info of infos)
      this.byGvr.set(`${info.group}/${info.version}/${info.resource}`, info);
    this.changed();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  lookup(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.byGvr.get(`${group}/${version}/${resource}`);
  }

  byKind(apiVersion: string, kind: string): ResourceInfo | undefined {
    const { group, version } = splitGroupVersion(apiVersion);
    for (const info of this.byGvr.values())
      if (info.group === group && info.version === version && info.kind === kind) return info;
    return undefined;
  }

  /** Every served version of one group/resource (for CRD storage rewrites and GC scans). */
  all(): ResourceInfo[] {
    return [...this.byGvr.values()];
  }

  /** One entry per stored group/resource: its storage version's info. */
  storedResources(): ResourceInfo[] {
    const seen = new Map<string, ResourceInfo>();
    for (const info of this.byGvr.values()) {
      const key = storageKey(info);
      if (info.version === info.storageVersion || !seen.has(key)) seen.set(key, info);
    }
    return [...seen.values()];
  }

  /** Groups with their versions, preferred (storage/first) version first. */
  groups(): { name: string; versions: string[] }[] {
    const groups = new Map<string, string[]>();
    for (const info of this.byGvr.values()) {
      const list = groups.get(info.group) ?? [];
      if (!list.includes(info.version)) list.push(info.version);
      groups.set(info.group, list);
    }
    return [...groups].map(([name, versions]) => ({
      name,
      versions: versions.sort(compareKubeVersions),
    }));
  }

  resourcesIn(group: string, version: string): ResourceInfo[] {
    return [...this.byGvr.values()].filter((i) => i.group === group && i.version === version);
  }
}

/** The key objects of one group/resource are stored under, whatever version served them. */
export function storageKey(info: {
  readonly group: string;
  readonly resource: string;
  readonly storage?: { readonly group: string; readonly resource: string };
}): string {
  const s = info.storage ?? info;
  return s.group === '' ? s.resource : `${s.resource}.${s.group}`;
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (v2 > v1 > v1beta2 > v1beta1 > v1alpha1). */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [-1, 0, 0];
    const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [sa, ma, na] = parse(a);
  const [sb, mb, nb] = parse(b);
  if (sa !== sb) return sb - sa;
  if (ma !== mb) return mb - ma;
  if (na !== nb) return nb - na;
  return a.localeCompare(b);
}
