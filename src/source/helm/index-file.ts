// A Helm repository's index.yaml (helm.sh/helm/v3/pkg/repo IndexFile): parsed, checked and the
// chart URLs resolved against the repository URL.
import { parse } from 'yaml';
import { FlotillaError, errorMessage } from '../../core/index.js';

/** One entry of index.yaml's `entries.<name>` list (repo.ChartVersion, the fields used). */
export interface ChartVersion {
  readonly name: string;
  readonly version: string;
  readonly appVersion?: string;
  readonly urls: readonly string[];
  readonly digest?: string;
  readonly created?: string;
}

export interface IndexFile {
  readonly apiVersion: string;
  readonly entries: Readonly<Record<string, readonly ChartVersion[]>>;
}

/** Parses an index (YAML or JSON); throws IndexationFailed with Helm's words when invalid. */
export function parseIndexFile(data: Buffer | string, source: string): IndexFile {
  let doc: unknown;
  try {
    doc = parse(typeof data === 'string' ? data : data.toString('utf8'), {
      maxAliasCount: 100,
    });
  } catch (err) {
    throw indexError(`error unmarshaling JSON: ${errorMessage(err)}`, source);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw indexError('no API version specified', source);
  const { apiVersion, entries } = doc as { apiVersion?: unknown; entries?: unknown };
  if (typeof apiVersion !== 'string' || apiVersion === '')
    throw indexError('no API version specified', source);
  const out: Record<string, ChartVersion[]> = {};
  if (entries !== null && typeof entries === 'object' && !Array.isArray(entries)) {
    for (const [name, list] of Object.entries(entries as Record<string, unknown>)) {
      if (!Array.isArray(list)) continue;
      out[name] = list
        .filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object')
        .map((v) => ({
          name: typeof v['name'] === 'string' ? v['name'] : name,
          version: versionText(v['version']),
          urls: Array.isArray(v['urls'])
            ? v['urls'].filter((u): u is string => typeof u === 'string')
            : [],
          ...(typeof v['appVersion'] === 'string' ? { appVersion: v['appVersion'] } : {}),
          ...(typeof v['digest'] === 'string' ? { digest: v['digest'] } : {}),
          ...(typeof v['created'] === 'string' ? { created: v['created'] } : {}),
        }));
    }
  }
  return { apiVersion, entries: out };
}

function indexError(message: string, source: string): FlotillaError {
  return new FlotillaError(`failed to load Helm repository from index '${source}': ${message}`, {
    reason: 'IndexationFailed',
  });
}

/** The index URL of a repository URL (Helm appends `/index.yaml`). */
export function indexUrlOf(repositoryUrl: string): string {
  return `${repositoryUrl.replace(/\/+$/, '')}/index.yaml`;
}

/** A chart's download URL: absolute as given, else relative to the repository URL. */
export function chartUrlOf(repositoryUrl: string, chart: ChartVersion): string {
  const first = chart.urls[0];
  if (first === undefined) {
    throw new FlotillaError(
      `chart '${chart.name}' version '${chart.version}' has no downloadable URLs`,
      {
        reason: 'ChartPullError',
      },
    );
  }
  return new URL(first, `${repositoryUrl.replace(/\/+$/, '')}/`).href;
}

/** A version as YAML gives it (a string, or a number such as `1.0` that Helm reads as text). */
function versionText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
