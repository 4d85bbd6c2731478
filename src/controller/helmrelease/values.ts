// HelmRelease sub-reconciler: the release's values, as Flux composes them — each valuesFrom
// reference in order (a ConfigMap's or Secret's key, whole or at a targetPath), then spec.values
// on top — and their digest (sha256 of the JSON with sorted keys, Flux's DigestValues).
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { ErrorCategory, FlotillaError, errorMessage, setOwnValue } from '../../core/index.js';
import { isNotFound, type KubeObject } from '../../kube/index.js';
import type { YamlMap } from '../../render/index.js';
import { mergeMaps } from '../helmchart/package.js';
import { failure } from '../runtime/reconcile-error.js';
import type { ValuesReference } from './types.js';
import type { HelmReleaseContext, HelmReleaseWork } from './work.js';

export async function reconcileValues(
  ctx: HelmReleaseContext,
  work: HelmReleaseWork,
): Promise<void> {
  let values: YamlMap = {};
  for (const ref of ctx.obj.spec.valuesFrom ?? []) {
    try {
      values = await mergeReference(ctx, values, ref);
    } catch (err) {
      throw failure('InitFailed', `could not resolve values: ${errorMessage(err)}`, err);
    }
  }
  values = mergeMaps(values, (ctx.obj.spec.values ?? {}) as YamlMap);
  work.values = values;
  work.configDigest = `sha256:${createHash('sha256').update(sortedJson(values)).digest('hex')}`;
}

async function mergeReference(
  ctx: HelmReleaseContext,
  values: YamlMap,
  ref: ValuesReference,
): Promise<YamlMap> {
  const ns = ctx.obj.metadata.namespace;
  const key = ref.valuesKey ?? 'values.yaml';
  const what = `${ref.kind}/${ns}/${ref.name}`;
  if (ref.kind !== 'ConfigMap' && ref.kind !== 'Secret')
    throw new FlotillaError(`unsupported values kind '${String(ref.kind)}'`, {
      reason: 'InitFailed',
      field: 'spec.valuesFrom',
    });
  const obj = await ctx.deps.client
    .get<KubeObject & { data?: Record<string, string> }>({
      apiVersion: 'v1',
      kind: ref.kind,
      namespace: ns,
      name: ref.name,
    })
    .catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
  if (!obj) {
    if (ref.optional) return values;
    throw new FlotillaError(`could not find ${what}`, {
      reason: 'InitFailed',
      category: ErrorCategory.RetryLater,
      object: what,
    });
  }
  const raw = obj.data?.[key];
  if (raw === undefined) {
    if (ref.optional) return values;
    throw new FlotillaError(`missing key '${key}' in ${what}`, {
      reason: 'InitFailed',
      object: what,
    });
  }
  const text = ref.kind === 'Secret' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (ref.targetPath) {
    const next = structuredClone(values);
    setPath(next, ref.targetPath, text.replace(/\n$/, ''));
    return next;
  }
  const parsed = parse(text) as unknown;
  if (parsed === null || parsed === undefined) return values;
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new FlotillaError(`unable to read values from key '${key}' in ${what}: not a map`, {
      reason: 'InitFailed',
      object: what,
    });
  return mergeMaps(values, parsed as YamlMap);
}

/** Sets a dotted path (Helm's --set path syntax, without list indexes) to a string value. */
function setPath(values: YamlMap, path: string, value: string): void {
  const parts = path.split(/(?<!\\)\./).map((p) => p.replace(/\\\./g, '.'));
  let cur: YamlMap = values;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const fresh: YamlMap = {};
      setOwnValue(cur, p, fresh);
      cur = fresh;
    } else cur = next;
  }
  setOwnValue(cur, parts.at(-1) ?? path, value);
}

/** JSON with map keys sorted, as Go's encoding/json writes maps. */
export function sortedJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}
