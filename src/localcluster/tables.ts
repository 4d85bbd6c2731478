// Server-side printing: meta.k8s.io/v1 Table responses, which `kubectl get` asks for.
import { isPlainObject, metaOf, type KubeObject } from './object-meta.js';
import { groupVersionString, type PrinterColumn, type ResourceInfo } from './registry.js';
import { evaluate as evaluateJsonPath, parseJsonPath } from './jsonpath.js';
import columnData from './table-columns.json' with { type: 'json' };
import { eventToCore } from './event-conversion.js';

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | boolean | null;

/** Wants the response as a Table? (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`) */
export function wantsTable(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return (
      params.includes('as=Table') &&
      params.includes('g=meta.k8s.io') &&
      (params.includes('v=v1') || params.includes('v=v1beta1'))
    );
  });
}

/** Human age as kubectl shows it: 45s, 3m12s, 5h, 2d3h, 40d. */
export function humanAge(since: string | undefined, now = Date.now()): string {
  if (since === undefined) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return `${d}d`;
}

type ColumnData = Record<string, ColumnDefinition[]>;
const COLUMNS = (columnData as unknown as { columns: ColumnData }).columns;
/** CRD kinds and kinds without a printer: kube-apiserver's default table (Name, Created At). */
const DEFAULT_COLUMNS = COLUMNS['rbac.authorization.k8s.io/v1/Role'] ?? [];
const NAME_COLUMN = DEFAULT_COLUMNS[0] ?? {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: '',
  priority: 0,
};

type CellFn = (o: KubeObject) => Cell[];

/** ObjectMeta.creationTimestamp's documentation, the description of a CRD's default Age column. */
const AGE_DESCRIPTION =
  (COLUMNS['v1/ConfigMap'] ?? []).find((c) => c.name === 'Age')?.description ?? '';

function n(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function s(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function obj(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? v : {};
}

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.map(obj) : [];
}

function name(o: KubeObject): string {
  return metaOf(o).name ?? '';
}

function age(o: KubeObject): string {
  return humanAge(metaOf(o).creationTimestamp);
}

/** layoutContainerCells: container names and images, comma-separated. */
function containerCells(spec: unknown): [string, string] {
  const cs = list(obj(spec).containers);
  return [cs.map((c) => s(c.name)).join(','), cs.map((c) => s(c.image)).join(',')];
}

/** labels.FormatLabels: `k=v,...` sorted, `<none>` when empty. */
function formatLabels(labels: unknown): string {
  const entries = Object.entries(obj(labels)).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${s(v)}`).join(',');
}

/** The selector's String(): requirements sorted by key (`app=web,tier in (a,b)`). */
function selectorString(sel: unknown): string {
  const so = obj(sel);
  const reqs: [string, string][] = Object.entries(obj(so.matchLabels)).map(([k, v]) => [
    k,
    `${k}=${s(v)}`,
  ]);
  for (const e of list(so.matchExpressions)) {
    const key = s(e.key);
    const values = (Array.isArray(e.values) ? e.values.map(s) : []).sort().join(',');
    const op = s(e.operator);
    reqs.push([
      key,
      op === 'In'
        ? `${key} in (${values})`
        : op === 'NotIn'
          ? `${key} notin (${values})`
          : op === 'Exists'
            ? key
            : `!${key}`,
    ]);
  }
  return reqs
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, t]) => t)
    .join(',');
}

/** metav1.FormatLabelSelector: `<none>` for an empty selector. */
function formatSelector(sel: unknown): string {
  const text = selectorString(sel);
  return text === '' ? '<none>' : text;
}

function podStatus(o: KubeObject): string {
  if (metaOf(o).deletionTimestamp !== undefined) return 'Terminating';
  const st = obj(o.status);
  let reason = s(st.reason) || s(st.phase);
  for (const c of list(st.containerStatuses)) {
    const state = obj(c.state);
    const waiting = s(obj(state.waiting).reason);
    const terminated = obj(state.terminated);
    if (waiting !== '') reason = waiting;
    else if (s(terminated.reason) !== '') reason = s(terminated.reason);
  }
  return reason;
}

function jobStatus(o: KubeObject): string {
  const conds = list(obj(o.status).conditions);
  const has = (t: string): boolean => conds.some((c) => c.type === t && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (metaOf(o).deletionTimestamp !== undefined) return 'Terminating';
  if (has('Suspended')) return 'Suspended';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function durationBetween(from: unknown, to: unknown): string {
  if (typeof from !== 'string') return '';
  const end = typeof to === 'string' ? Date.parse(to) : Date.now();
  return humanAge(from, end);
}

function servicePorts(spec: Record<string, unknown>): string {
  const ports = list(spec.ports).map((p) =>
    n(p.nodePort) > 0
      ? `${n(p.port)}:${n(p.nodePort)}/${s(p.protocol)}`
      : `${n(p.port)}/${s(p.protocol)}`,
  );
  return ports.length === 0 ? '<none>' : ports.join(',');
}

function externalIp(o: KubeObject): string {
  const spec = obj(o.spec);
  const ips = Array.isArray(spec.externalIPs) ? spec.externalIPs.map(s) : [];
  switch (s(spec.type)) {
    case 'ClusterIP':
    case 'NodePort':
      return ips.length > 0 ? ips.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = list(obj(obj(o.status).loadBalancer).ingress).map((i) => s(i.ip) || s(i.hostname));
      const all = [...lb, ...ips];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return s(spec.externalName);
    default:
      return '<unknown>';
  }
}

function subjects(o: KubeObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const sub of list(o.subjects)) {
    if (sub.kind === 'User') users.push(s(sub.name));
    else if (sub.kind === 'Group') groups.push(s(sub.name));
    else if (sub.kind === 'ServiceAccount') sas.push(`${s(sub.namespace)}/${s(sub.name)}`);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function eventCells(o: KubeObject): Cell[] {
  const first =
    typeof o.firstTimestamp === 'string'
      ? humanAge(o.firstTimestamp)
      : humanAge(s(o.eventTime) || undefined);
  const series = obj(o.series);
  let last = typeof o.lastTimestamp === 'string' ? humanAge(o.lastTimestamp) : first;
  let count = n(o.count);
  if (o.series !== undefined) {
    last = humanAge(s(series.lastObservedTime) || undefined);
    count = n(series.count);
  } else if (count === 0) count = 1;
  const io = obj(o.involvedObject);
  const target =
    s(io.name) !== '' ? `${s(io.kind).toLowerCase()}/${s(io.name)}` : s(io.kind).toLowerCase();
  const src = obj(o.source);
  const source =
    s(src.component) !== ''
      ? [s(src.component), s(src.host)].filter((x) => x !== '').join(', ')
      : [s(o.reportingComponent), s(o.reportingInstance)].filter((x) => x !== '').join(', ');
  return [
    last,
    s(o.type),
    s(o.reason),
    target,
    s(io.fieldPath),
    source,
    s(o.message).trim(),
    first,
    count,
    name(o),
  ];
}

/** The cells of each kind's row, as kube-apiserver's printers (pkg/printers/internalversion) fill them. */
const CELLS: Record<string, CellFn> = {
  '/ConfigMap': (o) => [
    name(o),
    Object.keys(obj(o.data)).length + Object.keys(obj(o.binaryData)).length,
    age(o),
  ],
  '/Secret': (o) => [name(o), s(o.type), Object.keys(obj(o.data)).length, age(o)],
  '/ServiceAccount': (o) => [name(o), age(o)],
  '/Namespace': (o) => [name(o), s(obj(o.status).phase), age(o)],
  '/Endpoints': (o) => {
    const eps = list(o.subsets).flatMap((ss) =>
      list(ss.addresses).flatMap((a) => list(ss.ports).map((p) => `${s(a.ip)}:${n(p.port)}`)),
    );
    return [
      name(o),
      eps.length === 0
        ? '<none>'
        : eps.slice(0, 3).join(',') + (eps.length > 3 ? ` + ${eps.length - 3} more...` : ''),
      age(o),
    ];
  },
  '/Service': (o) => {
    const spec = obj(o.spec);
    const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs.map(s) : [];
    return [
      name(o),
      s(spec.type),
      ips[0] ?? '<none>',
      externalIp(o),
      servicePorts(spec),
      age(o),
      formatLabels(spec.selector),
    ];
  },
  '/Pod': (o) => {
    const spec = obj(o.spec);
    const st = obj(o.status);
    const statuses = list(st.containerStatuses);
    const ready = statuses.filter((c) => c.ready === true).length;
    const restarts = statuses.reduce((t, c) => t + n(c.restartCount), 0);
    const gates = list(spec.readinessGates);
    return [
      name(o),
      `${ready}/${list(spec.containers).length}`,
      podStatus(o),
      String(restarts),
      age(o),
      s(st.podIP) || '<none>',
      s(spec.nodeName) || '<none>',
      s(st.nominatedNodeName) || '<none>',
      gates.length === 0 ? '<none>' : `0/${gates.length}`,
    ];
  },
  '/PersistentVolumeClaim': (o) => {
    const spec = obj(o.spec);
    const st = obj(o.status);
    const modes = (Array.isArray(st.accessModes) ? st.accessModes.map(s) : []).map(
      (m) =>
        ({
          ReadWriteOnce: 'RWO',
          ReadOnlyMany: 'ROX',
          ReadWriteMany: 'RWX',
          ReadWriteOncePod: 'RWOP',
        })[m] ?? m,
    );
    return [
      name(o),
      s(st.phase),
      s(spec.volumeName),
      s(obj(st.capacity).storage),
      modes.join(','),
      s(spec.storageClassName) || '<unset>',
      s(spec.volumeAttributesClassName) || '<unset>',
      age(o),
      s(spec.volumeMode),
    ];
  },
  'apps/Deployment': (o) => {
    const spec = obj(o.spec);
    const st = obj(o.status);
    const [cs, images] = containerCells(obj(spec.template).spec);
    return [
      name(o),
      `${n(st.readyReplicas)}/${n(spec.replicas)}`,
      n(st.updatedReplicas),
      n(st.availableReplicas),
      age(o),
      cs,
      images,
      selectorString(spec.selector),
    ];
  },
  'apps/ReplicaSet': (o) => {
    const spec = obj(o.spec);
    const st = obj(o.status);
    const [cs, images] = containerCells(obj(spec.template).spec);
    return [
      name(o),
      n(spec.replicas),
      n(st.replicas),
      n(st.readyReplicas),
      age(o),
      cs,
      images,
      formatSelector(spec.selector),
    ];
  },
  'apps/StatefulSet': (o) => {
    const spec = obj(o.spec);
    const [cs, images] = containerCells(obj(spec.template).spec);
    return [name(o), `${n(obj(o.status).readyReplicas)}/${n(spec.replicas)}`, age(o), cs, images];
  },
  'apps/DaemonSet': (o) => {
    const spec = obj(o.spec);
    const st = obj(o.status);
    const tspec = obj(obj(spec.template).spec);
    const [cs, images] = containerCells(tspec);
    return [
      name(o),
      n(st.desiredNumberScheduled),
      n(st.currentNumberScheduled),
      n(st.numberReady),
      n(st.updatedNumberScheduled),
      n(st.numberAvailable),
      formatLabels(tspec.nodeSelector),
      age(o),
      cs,
      images,
      formatSelector(spec.selector),
    ];
  },
  'batch/Job': (o) => {
    const spec = obj(o.spec);
    const st = obj(o.status);
    const completions =
      typeof spec.completions === 'number'
        ? `${n(st.succeeded)}/${spec.completions}`
        : n(spec.parallelism) > 1
          ? `${n(st.succeeded)}/1 of ${n(spec.parallelism)}`
          : `${n(st.succeeded)}/1`;
    const [cs, images] = containerCells(obj(spec.template).spec);
    return [
      name(o),
      jobStatus(o),
      completions,
      durationBetween(st.startTime, st.completionTime),
      age(o),
      cs,
      images,
      formatSelector(spec.selector),
    ];
  },
  'batch/CronJob': (o) => {
    const spec = obj(o.spec);
    const st = obj(o.status);
    const jt = obj(obj(spec.jobTemplate).spec);
    const [cs, images] = containerCells(obj(jt.template).spec);
    return [
      name(o),
      s(spec.schedule),
      s(spec.timeZone) || '<none>',
      spec.suspend === undefined ? '<unset>' : spec.suspend === true ? 'True' : 'False',
      list(st.active).length,
      typeof st.lastScheduleTime === 'string' ? humanAge(st.lastScheduleTime) : '<none>',
      age(o),
      cs,
      images,
      formatSelector(jt.selector),
    ];
  },
  'apps/ControllerRevision': (o) => {
    const owner = (metaOf(o).ownerReferences ?? []).find((r) => r.controller === true);
    const controller =
      owner === undefined
        ? '<none>'
        : `${owner.kind.toLowerCase()}.${owner.apiVersion.split('/')[0] ?? ''}/${owner.name}`;
    return [name(o), controller, n(o.revision), age(o)];
  },
  'rbac.authorization.k8s.io/RoleBinding': (o) => [
    name(o),
    `${s(obj(o.roleRef).kind)}/${s(obj(o.roleRef).name)}`,
    age(o),
    ...subjects(o),
  ],
  'rbac.authorization.k8s.io/ClusterRoleBinding': (o) => [
    name(o),
    `${s(obj(o.roleRef).kind)}/${s(obj(o.roleRef).name)}`,
    age(o),
    ...subjects(o),
  ],
  'coordination.k8s.io/Lease': (o) => [
    name(o),
    s(obj(o.spec).holderIdentity) || '<unknown>',
    age(o),
  ],
  'networking.k8s.io/NetworkPolicy': (o) => [
    name(o),
    formatSelector(obj(o.spec).podSelector),
    age(o),
  ],
  'policy/PodDisruptionBudget': (o) => {
    const spec = obj(o.spec);
    const show = (v: unknown): string =>
      v === undefined ? 'N/A' : typeof v === 'number' ? String(v) : s(v);
    return [
      name(o),
      show(spec.minAvailable),
      show(spec.maxUnavailable),
      n(obj(o.status).disruptionsAllowed),
      age(o),
    ];
  },
  '/Event': eventCells,
  'events.k8s.io/Event': (o) => eventCells(eventToCore(o)),
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': (o) => [
    name(o),
    list(o.webhooks).length,
    age(o),
  ],
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': (o) => [
    name(o),
    list(o.webhooks).length,
    age(o),
  ],
  'scheduling.k8s.io/PriorityClass': (o) => [
    name(o),
    n(o.value),
    o.globalDefault === true,
    age(o),
    s(o.preemptionPolicy),
  ],
  'storage.k8s.io/StorageClass': (o) => {
    const ann = metaOf(o).annotations ?? {};
    const isDefault = ann['storageclass.kubernetes.io/is-default-class'] === 'true';
    return [
      isDefault ? `${name(o)} (default)` : name(o),
      s(o.provisioner),
      s(o.reclaimPolicy),
      s(o.volumeBindingMode),
      o.allowVolumeExpansion === true ? 'true' : 'false',
      age(o),
    ];
  },
};

interface Printer {
  readonly defs: readonly ColumnDefinition[];
  readonly cells: CellFn;
}

/** CRD columns: Name, then additionalPrinterColumns read with JSONPath as apiextensions-apiserver does. */
function crdPrinter(columns: readonly PrinterColumn[]): Printer {
  const parsed = columns.map((c) => {
    try {
      return parseJsonPath(c.jsonPath);
    } catch {
      return undefined;
    }
  });
  return {
    defs: [
      NAME_COLUMN,
      ...columns.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description:
          c.description ?? `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
        priority: c.priority ?? 0,
      })),
    ],
    cells: (o) => [
      name(o),
      ...columns.map((c, i) => {
        const path = parsed[i];
        const found = path === undefined ? [] : evaluateJsonPath(o, path);
        return found.length === 0 ? null : crdCell(c.type, found[0]);
      }),
    ],
  };
}

/** cellForJSONValue, and jsonpath's printing for string columns (objects as JSON). */
function crdCell(type: string, v: unknown): Cell {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'string':
      return typeof v === 'string'
        ? v
        : typeof v === 'number' || typeof v === 'boolean'
          ? String(v)
          : JSON.stringify(sortKeys(v));
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date':
      return typeof v === 'string'
        ? Number.isNaN(Date.parse(v))
          ? '<invalid>'
          : humanAge(v)
        : null;
    default:
      return null;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

function printerFor(info: ResourceInfo): Printer {
  if (info.crd !== undefined) {
    const columns = info.printerColumns ?? [];
    return crdPrinter(
      columns.length > 0
        ? columns
        : [
            {
              name: 'Age',
              type: 'date',
              jsonPath: '.metadata.creationTimestamp',
              description: AGE_DESCRIPTION,
            },
          ],
    );
  }
  const defs = COLUMNS[`${groupVersionString(info.group, info.version)}/${info.kind}`];
  const cells = CELLS[`${info.group}/${info.kind}`];
  if (defs !== undefined && cells !== undefined) return { defs, cells };
  // the default table: name and creation time (RFC 3339)
  return { defs: DEFAULT_COLUMNS, cells: (o) => [name(o), metaOf(o).creationTimestamp ?? null] };
}

/** Partial object metadata, as `includeObject=Metadata` (kubectl's default) embeds in rows. */
function partialMetadata(o: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function toTable(
  info: ResourceInfo,
  items: readonly KubeObject[],
  listMeta: Record<string, unknown>,
  include: IncludeObject,
  withHeaders = true,
): KubeObject {
  const printer = printerFor(info);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withHeaders ? printer.defs : [],
    rows: items.map((o) => ({
      cells: printer.cells(o),
      object: include === 'None' ? null : include === 'Object' ? o : partialMetadata(o),
    })),
  };
}
