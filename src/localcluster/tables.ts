// Server-side printing: meta.k8s.io/v1 Table responses, which `kubectl get` asks for.
import { asString, getPath, isPlainObject, metaOf, type KubeObject } from './object-meta.js';
import type { PrinterColumn, ResourceInfo } from './registry.js';

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | boolean | null;
interface Column {
  def: ColumnDefinition;
  cell: (o: KubeObject) => Cell;
}

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

function col(
  name: string,
  type: string,
  cell: (o: KubeObject) => Cell,
  description = '',
  priority = 0,
  format = '',
): Column {
  return { def: { name, type, format, description, priority }, cell };
}

const NAME = col(
  'Name',
  'string',
  (o) => metaOf(o).name ?? '',
  'Name must be unique within a namespace.',
  0,
  'name',
);
const AGE = col(
  'Age',
  'string',
  (o) => humanAge(metaOf(o).creationTimestamp),
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

function num(o: KubeObject, path: string): number {
  const v = getPath(o, path);
  return typeof v === 'number' ? v : 0;
}

function str(o: KubeObject, path: string): string {
  const v = getPath(o, path);
  return typeof v === 'string' ? v : '';
}

function count(v: unknown): number {
  return isPlainObject(v) ? Object.keys(v).length : 0;
}

function servicePorts(o: KubeObject): string {
  const ports = getPath(o, '.spec.ports');
  if (!Array.isArray(ports) || ports.length === 0) return '<none>';
  return ports
    .map((p) =>
      isPlainObject(p)
        ? `${asString(p.port)}${p.nodePort !== undefined ? `:${asString(p.nodePort)}` : ''}/${asString(p.protocol ?? 'TCP')}`
        : '',
    )
    .join(',');
}

function externalIp(o: KubeObject): string {
  const ing = getPath(o, '.status.loadBalancer.ingress');
  if (Array.isArray(ing) && ing.length > 0)
    return ing.map((i) => (isPlainObject(i) ? asString(i.ip ?? i.hostname) : '')).join(',');
  return str(o, '.spec.type') === 'LoadBalancer' ? '<pending>' : '<none>';
}

function conditionStatus(o: KubeObject, type: string): boolean {
  const conds = getPath(o, '.status.conditions');
  return (
    Array.isArray(conds) &&
    conds.some((c) => isPlainObject(c) && c.type === type && c.status === 'True')
  );
}

const BUILTIN_COLUMNS: Record<string, Column[]> = {
  '/Namespace': [NAME, col('Status', 'string', (o) => str(o, '.status.phase')), AGE],
  '/ConfigMap': [NAME, col('Data', 'string', (o) => count(o.data) + count(o.binaryData)), AGE],
  '/Secret': [
    NAME,
    col('Type', 'string', (o) => asString(o.type)),
    col('Data', 'string', (o) => count(o.data)),
    AGE,
  ],
  '/Service': [
    NAME,
    col('Type', 'string', (o) => str(o, '.spec.type')),
    col('Cluster-IP', 'string', (o) => str(o, '.spec.clusterIP') || '<none>'),
    col('External-IP', 'string', externalIp),
    col('Port(s)', 'string', servicePorts),
    AGE,
  ],
  '/Pod': [
    NAME,
    col('Ready', 'string', (o) => {
      const statuses = getPath(o, '.status.containerStatuses');
      const containers = getPath(o, '.spec.containers');
      const ready = Array.isArray(statuses)
        ? statuses.filter((c) => isPlainObject(c) && c.ready === true).length
        : 0;
      return `${ready}/${Array.isArray(containers) ? containers.length : 0}`;
    }),
    col('Status', 'string', (o) => {
      const statuses = getPath(o, '.status.containerStatuses');
      const waiting = Array.isArray(statuses)
        ? statuses
            .map((c) => getPath(c, '.state.waiting.reason'))
            .find((r) => typeof r === 'string')
        : undefined;
      return typeof waiting === 'string' ? waiting : str(o, '.status.phase');
    }),
    col('Restarts', 'string', () => '0'),
    AGE,
  ],
  '/PersistentVolumeClaim': [
    NAME,
    col('Status', 'string', (o) => str(o, '.status.phase')),
    col('Volume', 'string', (o) => str(o, '.spec.volumeName')),
    AGE,
  ],
  'apps/Deployment': [
    NAME,
    col('Ready', 'string', (o) => `${num(o, '.status.readyReplicas')}/${num(o, '.spec.replicas')}`),
    col('Up-to-date', 'integer', (o) => num(o, '.status.updatedReplicas')),
    col('Available', 'integer', (o) => num(o, '.status.availableReplicas')),
    AGE,
  ],
  'apps/StatefulSet': [
    NAME,
    col('Ready', 'string', (o) => `${num(o, '.status.readyReplicas')}/${num(o, '.spec.replicas')}`),
    AGE,
  ],
  'apps/ReplicaSet': [
    NAME,
    col('Desired', 'integer', (o) => num(o, '.spec.replicas')),
    col('Current', 'integer', (o) => num(o, '.status.replicas')),
    col('Ready', 'integer', (o) => num(o, '.status.readyReplicas')),
    AGE,
  ],
  'apps/DaemonSet': [
    NAME,
    col('Desired', 'integer', (o) => num(o, '.status.desiredNumberScheduled')),
    col('Current', 'integer', (o) => num(o, '.status.currentNumberScheduled')),
    col('Ready', 'integer', (o) => num(o, '.status.numberReady')),
    AGE,
  ],
  'batch/Job': [
    NAME,
    col('Status', 'string', (o) =>
      conditionStatus(o, 'Complete')
        ? 'Complete'
        : conditionStatus(o, 'Failed')
          ? 'Failed'
          : 'Running',
    ),
    col(
      'Completions',
      'string',
      (o) => `${num(o, '.status.succeeded')}/${num(o, '.spec.completions')}`,
    ),
    AGE,
  ],
  'apiextensions.k8s.io/CustomResourceDefinition': [
    NAME,
    col('Created At', 'date', (o) => metaOf(o).creationTimestamp ?? ''),
  ],
};

function crdColumns(columns: readonly PrinterColumn[]): Column[] {
  return columns.map((c) =>
    col(
      c.name,
      c.type,
      (o) => {
        const v = getPath(o, c.jsonPath);
        if (c.type === 'date' && typeof v === 'string') return humanAge(v);
        if (v === undefined || v === null) return null;
        if (typeof v === 'object') return JSON.stringify(v);
        return v as Cell;
      },
      c.description ?? '',
      c.priority ?? 0,
      c.format ?? '',
    ),
  );
}

function columnsFor(info: ResourceInfo): Column[] {
  if (info.crd !== undefined) {
    const extra = crdColumns(info.printerColumns ?? []);
    return extra.some((c) => c.def.name === 'Age') ? [NAME, ...extra] : [NAME, ...extra, AGE];
  }
  return BUILTIN_COLUMNS[`${info.group}/${info.kind}`] ?? [NAME, AGE];
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
  const cols = columnsFor(info);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withHeaders ? cols.map((c) => c.def) : [],
    rows: items.map((o) => ({
      cells: cols.map((c) => c.cell(o)),
      ...(include === 'None' ? {} : { object: include === 'Object' ? o : partialMetadata(o) }),
    })),
  };
}
