// Builds the chart package a HelmChart stores, as Flux's chart builders do: the chart's files
// (`.helmignore` honoured) under a folder named after the chart, with the version given metadata
// (reconcileStrategy Revision) and values.yaml replaced by the merged spec.valuesFiles.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FlotillaError, errorMessage, hasOwnKey, setOwnValue } from '../../core/index.js';
import {
  emitYaml,
  parseYaml,
  type ChartFile,
  type YamlMap,
  type YamlValue,
} from '../../render/index.js';

/** What changes between the chart's files and its package. */
export interface PackageChanges {
  /** The version written into Chart.yaml. */
  readonly version?: string;
  /** The merged values replacing values.yaml. */
  readonly values?: YamlMap;
}

/** Writes the package tree (`<dir>/<chart name>/…`) for the artifact store to archive. */
export async function writePackageTree(
  files: readonly ChartFile[],
  name: string,
  dir: string,
  changes: PackageChanges,
): Promise<void> {
  for (const f of files) {
    let data = f.data;
    if (f.name === 'Chart.yaml' && changes.version !== undefined)
      data = Buffer.from(withVersion(data, changes.version));
    if (f.name === 'values.yaml' && changes.values !== undefined) continue;
    const path = join(dir, name, ...f.name.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  }
  if (changes.values !== undefined)
    await writeFile(join(dir, name, 'values.yaml'), emitYaml(changes.values));
}

function withVersion(chartYaml: Buffer, version: string): string {
  const md = parseYaml(chartYaml.toString('utf8'), true);
  if (md === null || typeof md !== 'object' || Array.isArray(md)) return chartYaml.toString('utf8');
  return emitYaml({ ...md, version });
}

/** Flux's VersionMetadata: `1.2.3` with `abc` becomes `1.2.3+abc` (or `1.2.3+x.abc`). */
export function versionWithMetadata(version: string, metadata: string): string {
  return version.includes('+') ? `${version}.${metadata}` : `${version}+${metadata}`;
}

/**
 * Merges values files in order, the later overriding (Flux's MergeMaps: maps merge deeply,
 * anything else is replaced). `read` returns undefined for a missing file.
 */
export function mergeValuesFiles(
  paths: readonly string[],
  read: (path: string) => Buffer | undefined,
  ignoreMissing: boolean,
): YamlMap {
  let out: YamlMap = {};
  for (const path of paths) {
    const data = read(path);
    if (data === undefined) {
      if (ignoreMissing) continue;
      throw new FlotillaError(`no values file found at path '${path}'`, {
        reason: 'ValuesFilesError',
        field: 'spec.valuesFiles',
      });
    }
    let parsed: YamlValue;
    try {
      parsed = parseYaml(data.toString('utf8'), true);
    } catch (err) {
      throw new FlotillaError(`failed to parse values file '${path}': ${errorMessage(err)}`, {
        reason: 'ValuesFilesError',
        file: path,
      });
    }
    if (parsed === null) continue;
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new FlotillaError(`values file '${path}' is not a map`, {
        reason: 'ValuesFilesError',
        file: path,
      });
    }
    out = mergeMaps(out, parsed);
  }
  return out;
}

export function mergeMaps(a: YamlMap, b: YamlMap): YamlMap {
  const out: YamlMap = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = hasOwnKey(out, k) ? out[k] : undefined;
    setOwnValue(out, k, isMap(prev) && isMap(v) ? mergeMaps(prev, v) : v);
  }
  return out;
}

function isMap(v: YamlValue | undefined): v is YamlMap {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}
