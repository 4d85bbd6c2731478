// Reading and validating kustomization.yaml (kinds Kustomization and Component), with kustomize's deprecated-field fixes.
import { join } from 'node:path';
import { isYamlMap, parseYaml } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { DecodeError, decodeGo, KUSTOMIZATION_TYPE } from './kustomization-schema.js';
import { KustomizeError } from './loader.js';
import type { FileLoader } from './loader.js';

export const KUSTOMIZATION_FILE_NAMES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
] as const;

/** A loaded kustomization: the raw map plus where it came from. */
export interface Kustomization {
  readonly file: string;
  readonly raw: YamlMap;
  readonly kind: 'Kustomization' | 'Component';
}

/** Finds and parses the kustomization file of the loader's directory; undefined when there is none. */
export function loadKustomization(ldr: FileLoader): Kustomization | undefined {
  const present = KUSTOMIZATION_FILE_NAMES.filter((n) => ldr.exists(n));
  if (present.length === 0) return undefined;
  if (present.length > 1) {
    throw new KustomizeError(
      `Found multiple kustomization files under: ${ldr.root}: ${present.map((p) => `'${p}'`).join(', ')}`,
      { file: ldr.root },
    );
  }
  const name = present[0] as string;
  const file = join(ldr.root, name);
  const text = ldr.readFile(name, 'kustomization');
  let v: YamlValue;
  try {
    // sigs.k8s.io/yaml reads kustomization files, so YAML 1.1 scalars apply.
    v = parseYaml(text, true);
  } catch (err) {
    throw new KustomizeError(`${file}: invalid YAML: ${(err as Error).message}`, { file });
  }
  if (v === null) v = Object.create(null) as YamlMap;
  if (!isYamlMap(v))
    throw new KustomizeError(`${file}: a kustomization must be a YAML map`, { file });
  // kustomize decodes the file strictly (encoding/json with unknown fields refused): types are
  // checked at every level and field names match case-insensitively.
  let k: YamlMap;
  try {
    k = decodeGo(v, KUSTOMIZATION_TYPE, '', true) as YamlMap;
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    throw new KustomizeError(`${file}: ${err.field}: invalid Kustomization: ${err.message}`, {
      file,
      field: err.field,
    });
  }
  // As kustomize: a kustomization with nothing but apiVersion/kind (or nothing at all) is an error.
  if (Object.entries(k).every(([k, x]) => k === 'apiVersion' || k === 'kind' || x === null)) {
    throw new KustomizeError(`${file}: ${name} is empty`, { file });
  }
  const kind = k['kind'] ?? 'Kustomization';
  if (kind !== 'Kustomization' && kind !== 'Component') {
    throw new KustomizeError(
      `${file}: kind: unknown kind ${JSON.stringify(kind)} (expected Kustomization or Component)`,
      {
        file,
        field: 'kind',
      },
    );
  }
  return { file, raw: k, kind };
}

/** Typed accessors that fail with the file and field named. */
export class Fields {
  constructor(readonly k: Kustomization) {}

  private fail(field: string, what: string): never {
    throw new KustomizeError(`${this.k.file}: field '${field}': ${what}`, {
      file: this.k.file,
      field,
    });
  }

  string(field: string): string {
    const v = this.k.raw[field];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') this.fail(field, 'expected a string');
    return v;
  }

  stringList(field: string): string[] {
    const v = this.k.raw[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(field, 'expected a list of strings');
    return v.map((x, i) => {
      if (typeof x !== 'string') this.fail(`${field}[${i}]`, 'expected a string');
      return x;
    });
  }

  stringMap(field: string): Record<string, string> {
    return stringMapOf(this.k.raw[field], (what) => this.fail(field, what));
  }

  list(field: string): YamlValue[] {
    const v = this.k.raw[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(field, 'expected a list');
    return v;
  }

  mapList(field: string): YamlMap[] {
    return this.list(field).map((x, i) => {
      if (!isYamlMap(x)) this.fail(`${field}[${i}]`, 'expected a map');
      return x;
    });
  }
}

export function stringMapOf(
  v: YamlValue | undefined,
  fail: (what: string) => never,
): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (v === undefined || v === null) return out;
  if (!isYamlMap(v)) fail('expected a map of strings');
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') fail(`value of '${k}' must be a string (quote it)`);
    out[k] = x;
  }
  return out;
}
