// Helm's release record (helm.sh/helm/v3/pkg/release.Release) and its storage as Helm's Secrets
// driver writes it: Secret `sh.helm.release.v1.NAME.vN`, type `helm.sh/release.v1`, labels
// name/owner/status/version, data `release` = base64(gzip(JSON)). `helm list|history|get` and
// `helm rollback|upgrade` read and continue what Flotilla stores, and the other way round.
import { gunzipSync, gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import type { ChartFile } from '../../render/index.js';

export type ReleaseStatus =
  | 'unknown'
  | 'deployed'
  | 'uninstalled'
  | 'superseded'
  | 'failed'
  | 'uninstalling'
  | 'pending-install'
  | 'pending-upgrade'
  | 'pending-rollback';

export interface ReleaseHook {
  name: string;
  kind: string;
  path: string;
  manifest: string;
  events: string[];
  last_run: { started_at: string; completed_at: string; phase: string };
  weight: number;
  delete_policies?: string[];
}

export interface ReleaseChart {
  metadata: Record<string, unknown>;
  lock: unknown;
  templates: { name: string; data: string }[];
  values: Record<string, unknown> | null;
  schema: string | null;
  files: { name: string; data: string }[];
}

export interface Release {
  name: string;
  info: {
    first_deployed: string;
    last_deployed: string;
    deleted: string;
    description: string;
    status: ReleaseStatus;
    notes?: string;
  };
  chart: ReleaseChart;
  config?: Record<string, unknown>;
  manifest: string;
  hooks?: ReleaseHook[];
  version: number;
  namespace: string;
}

export const RELEASE_SECRET_TYPE = 'helm.sh/release.v1';

export const releaseSecretName = (name: string, version: number): string =>
  `sh.helm.release.v1.${name}.v${version}`;

/** base64(gzip(JSON)), as Helm's encodeRelease. */
export function encodeRelease(rls: Release): string {
  return gzipSync(Buffer.from(JSON.stringify(rls)), { level: 9 }).toString('base64');
}

/** Helm's decodeRelease: base64, then gunzip when the gzip magic is there. */
export function decodeRelease(data: string): Release {
  const b = Buffer.from(data, 'base64');
  const raw = b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08 ? gunzipSync(b) : b;
  return JSON.parse(raw.toString('utf8')) as Release;
}

/** The labels Helm's Secrets driver sets. */
export function releaseLabels(rls: Release, now: Date, created: boolean): Record<string, string> {
  return {
    name: rls.name,
    owner: 'helm',
    status: rls.info.status,
    version: String(rls.version),
    [created ? 'createdAt' : 'modifiedAt']: String(Math.floor(now.getTime() / 1000)),
  };
}

// chart.Metadata's JSON field order (helm.sh/helm/v3/pkg/chart).
const METADATA_FIELDS = [
  'name',
  'home',
  'sources',
  'version',
  'description',
  'keywords',
  'maintainers',
  'icon',
  'apiVersion',
  'condition',
  'tags',
  'appVersion',
  'deprecated',
  'annotations',
  'kubeVersion',
  'dependencies',
  'type',
] as const;
const ALWAYS = new Set(['name', 'version', 'apiVersion']);

/** The chart as Helm stores it in a release, from the files of the packaged chart. */
export function releaseChart(files: readonly ChartFile[]): ReleaseChart {
  const text = (name: string): string | undefined =>
    files.find((f) => f.name === name)?.data.toString('utf8');
  const md = (parse(text('Chart.yaml') ?? '{}') ?? {}) as Record<string, unknown>;
  md['apiVersion'] ??= 'v1';
  const metadata: Record<string, unknown> = {};
  for (const k of METADATA_FIELDS) {
    const v = md[k];
    const empty =
      v === undefined ||
      v === null ||
      v === '' ||
      v === false ||
      (Array.isArray(v) && v.length === 0);
    if (!empty || ALWAYS.has(k)) metadata[k] = v ?? '';
  }
  const b64 = (f: ChartFile) => ({ name: f.name, data: f.data.toString('base64') });
  const own = files.filter((f) => !f.name.startsWith('charts/'));
  const special = new Set([
    'Chart.yaml',
    'values.yaml',
    'values.schema.json',
    'Chart.lock',
    'requirements.yaml',
    'requirements.lock',
  ]);
  const values = text('values.yaml');
  const schema = files.find((f) => f.name === 'values.schema.json');
  const lock = text('Chart.lock') ?? text('requirements.lock');
  return {
    metadata,
    lock: lock === undefined ? null : parse(lock),
    templates: own.filter((f) => f.name.startsWith('templates/')).map(b64),
    values: values === undefined ? {} : ((parse(values) ?? {}) as Record<string, unknown>),
    schema: schema ? schema.data.toString('base64') : null,
    files: own.filter((f) => !f.name.startsWith('templates/') && !special.has(f.name)).map(b64),
  };
}

/** Go's time.Time JSON (RFC 3339 with fractional seconds). */
export const helmTime = (d: Date): string => d.toISOString();

/** A Chart.yaml field of a stored chart, as text. */
export function chartField(chart: ReleaseChart, key: string): string {
  const v = chart.metadata[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
