// Secret content masked wherever it appears, the one place every output goes through (diffs,
// events, logs, status, and Tower later): `data` and `stringData` values, the manifest kubectl
// keeps in the last-applied-configuration annotation, set values in managedFields, and Secret
// values quoted in messages. Keys stay visible; values never do. Diffs mask as Flux does: equal
// values `***`, changed ones `*** (before)` / `*** (after)`.
import { hasOwnKey, setOwnValue } from '../core/index.js';
import type { KubeObject } from '../kube/index.js';

export const MaskDefault = '***';
export const MaskBefore = '*** (before)';
export const MaskAfter = '*** (after)';

/** The annotation in which client-side `kubectl apply` keeps the whole applied manifest. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

type Data = Record<string, unknown>;

const VALUE_FIELDS = ['data', 'stringData'] as const;

export function isSecret(obj: KubeObject | undefined): boolean {
  return obj?.kind === 'Secret' && (obj.apiVersion === 'v1' || obj.apiVersion === undefined);
}

function mapOf(v: unknown): Data | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Data) : undefined;
}

/** Masked copies of two value maps: keys kept, values compared then replaced. */
function maskPair(
  before: Data | undefined,
  after: Data | undefined,
): [Data | undefined, Data | undefined] {
  const b: Data | undefined = before === undefined ? undefined : {};
  const a: Data | undefined = after === undefined ? undefined : {};
  if (before !== undefined && b !== undefined) {
    for (const k of Object.keys(before)) {
      const changed = after !== undefined && hasOwnKey(after, k) && before[k] !== after[k];
      setOwnValue(b, k, changed ? MaskBefore : MaskDefault);
    }
  }
  if (after !== undefined && a !== undefined) {
    for (const k of Object.keys(after)) {
      const changed = before !== undefined && hasOwnKey(before, k) && before[k] !== after[k];
      setOwnValue(a, k, changed ? MaskAfter : MaskDefault);
    }
  }
  return [b, a];
}

/** The last-applied manifests of both sides, masked and serialised again (whole masks when not JSON). */
function maskLastApplied(
  before: string | undefined,
  after: string | undefined,
): [string | undefined, string | undefined] {
  if (before === undefined && after === undefined) return [undefined, undefined];
  const parse = (text: string | undefined): KubeObject | undefined => {
    if (text === undefined) return undefined;
    try {
      const v = JSON.parse(text) as unknown;
      return mapOf(v) === undefined ? undefined : (v as KubeObject);
    } catch {
      return undefined;
    }
  };
  const pb = parse(before);
  const pa = parse(after);
  if ((before !== undefined && pb === undefined) || (after !== undefined && pa === undefined)) {
    const changed = before !== undefined && after !== undefined && before !== after;
    return [
      before === undefined ? undefined : changed ? MaskBefore : MaskDefault,
      after === undefined ? undefined : changed ? MaskAfter : MaskDefault,
    ];
  }
  const [mb, ma] = maskObjects(pb, pa);
  return [
    mb === undefined ? undefined : JSON.stringify(mb),
    ma === undefined ? undefined : JSON.stringify(ma),
  ];
}

/** managedFields with set-list values (`v:` path elements, the only values they name) masked. */
function maskManagedFields(entries: unknown): unknown {
  if (!Array.isArray(entries)) return entries;
  const maskSet = (node: unknown): unknown => {
    const m = mapOf(node);
    if (m === undefined) return node;
    const out: Data = {};
    for (const [k, v] of Object.entries(m))
      setOwnValue(out, k.startsWith('v:') ? `v:"${MaskDefault}"` : k, maskSet(v));
    return out;
  };
  return entries.map((e: unknown) => {
    const entry = mapOf(e);
    return entry === undefined ? e : { ...entry, fieldsV1: maskSet(entry['fieldsV1']) };
  });
}

/** Masked copies of two versions of one Secret (either may be missing). */
function maskObjects(
  before: KubeObject | undefined,
  after: KubeObject | undefined,
): [KubeObject | undefined, KubeObject | undefined] {
  const b = before === undefined ? undefined : structuredClone(before);
  const a = after === undefined ? undefined : structuredClone(after);
  for (const field of VALUE_FIELDS) {
    const [mb, ma] = maskPair(mapOf(before?.[field]), mapOf(after?.[field]));
    if (b !== undefined && mb !== undefined) b[field] = mb;
    if (a !== undefined && ma !== undefined) a[field] = ma;
  }
  const annotation = (o: KubeObject | undefined): string | undefined => {
    const v = o?.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
    return typeof v === 'string' ? v : undefined;
  };
  const [lb, la] = maskLastApplied(annotation(before), annotation(after));
  if (b?.metadata?.annotations && lb !== undefined)
    b.metadata.annotations[LAST_APPLIED_ANNOTATION] = lb;
  if (a?.metadata?.annotations && la !== undefined)
    a.metadata.annotations[LAST_APPLIED_ANNOTATION] = la;
  for (const o of [b, a])
    if (o?.metadata?.managedFields !== undefined)
      o.metadata.managedFields = maskManagedFields(o.metadata.managedFields) as never;
  return [b, a];
}

/**
 * Returns copies of both versions with Secret content masked, so a diff shows which keys changed
 * without showing any value. Objects that are no Secret come back unchanged.
 */
export function maskSecrets(
  before: KubeObject | undefined,
  after: KubeObject | undefined,
): { before: KubeObject | undefined; after: KubeObject | undefined } {
  if (!isSecret(before) && !isSecret(after)) return { before, after };
  const [b, a] = maskObjects(before, after);
  return { before: b, after: a };
}

/** A copy of a Secret with all its content masked (any other object as it is): for display. */
export function maskSecret(obj: KubeObject): KubeObject {
  if (!isSecret(obj)) return obj;
  return maskObjects(obj, undefined)[0] ?? obj;
}

/** Values shorter than this are not searched for in messages: they would mask ordinary words. */
const MIN_REDACTED_LENGTH = 4;

/** Every form a Secret's values can take in a message: as sent, base64, and decoded. */
function secretValues(obj: KubeObject): string[] {
  const values = new Set<string>();
  const add = (v: unknown, encoded: boolean): void => {
    if (typeof v !== 'string') return;
    values.add(v);
    if (encoded) values.add(Buffer.from(v, 'base64').toString('utf8'));
    else values.add(Buffer.from(v).toString('base64'));
  };
  for (const v of Object.values(mapOf(obj['data']) ?? {})) add(v, true);
  for (const v of Object.values(mapOf(obj['stringData']) ?? {})) add(v, false);
  const annotation = obj.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  if (typeof annotation === 'string') {
    try {
      const applied = JSON.parse(annotation) as unknown;
      if (mapOf(applied) !== undefined)
        for (const v of secretValues(applied as KubeObject)) values.add(v);
    } catch {
      values.add(annotation);
    }
  }
  return [...values].filter((v) => v.length >= MIN_REDACTED_LENGTH);
}

/**
 * `text` with every value of the given Secrets replaced by `***` (other objects are ignored):
 * for messages about a Secret, such as an API server's validation error quoting a value.
 */
export function redactSecretValues(text: string, objects: readonly KubeObject[]): string {
  let out = text;
  const values = objects.filter(isSecret).flatMap(secretValues);
  // longest first, so a value containing another is replaced whole
  for (const v of values.sort((x, y) => y.length - x.length)) out = out.split(v).join(MaskDefault);
  return out;
}
