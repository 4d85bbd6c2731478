// A patched object that does not decode, answered as kube-apiserver's patch handler does: a 422
// on the field `patch` whose value is what the handler decoded — the patched JSON for JSON and
// merge patches (evanphx/json-patch v4: maps the patch went through re-marshalled with sorted
// keys, untouched parts as they were), `map[...]` (Go's %+v of the patch) for strategic merge
// patches — with Go's type error, or the strict decoding error of unknown fields.
import { hasOwnKey } from '../core/index.js';
import { clone, isPlainObject, type KubeObject } from './object-meta.js';
import { pruneUnknown, type SchemaNode } from '../core/index.js';
import { FieldErrorType, invalid } from './status-errors.js';
import type { TypedCodec } from './typed-codec.js';
import { TypeDecodeError } from './typed-decode.js';
import type { ResourceInfo } from './registry.js';

/** Which containers a patch went into (true: the whole subtree was rewritten). */
type Touched = { readonly [key: string]: Touched } | true;

function escapeHtml(json: string): string {
  return json.replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function marshal(v: unknown, touched: Touched | undefined): string {
  if (touched === undefined) return JSON.stringify(v);
  if (Array.isArray(v))
    return `[${v.map((x) => marshal(x, touched === true ? true : undefined)).join(',')}]`;
  if (!isPlainObject(v)) return JSON.stringify(v);
  const parts = Object.keys(v)
    .sort()
    .map((k) => {
      const sub = touched === true ? true : hasOwnKey(touched, k) ? touched[k] : undefined;
      return `${JSON.stringify(k)}:${marshal(v[k], sub)}`;
    });
  return `{${parts.join(',')}}`;
}

/** The maps a JSON merge patch goes into: where both the patch and the result have an object. */
function mergeTouched(patch: unknown): Touched {
  if (!isPlainObject(patch)) return true;
  const out: Record<string, Touched> = {};
  for (const [k, v] of Object.entries(patch)) if (isPlainObject(v)) out[k] = mergeTouched(v);
  return out;
}

/** The containers along each JSON patch operation's paths (RFC 6901 pointers). */
function jsonPatchTouched(ops: unknown): Touched {
  const root: Record<string, Touched> = {};
  for (const op of Array.isArray(ops) ? ops : []) {
    if (!isPlainObject(op)) continue;
    for (const p of [op.path, op.from]) {
      if (typeof p !== 'string' || p === '') continue;
      const parts = p
        .split('/')
        .slice(1, -1)
        .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
      let node = root;
      for (const part of parts) {
        const next = hasOwnKey(node, part) ? node[part] : undefined;
        if (next === true) break;
        const child: Record<string, Touched> = next ?? {};
        node[part] = child;
        node = child;
      }
    }
  }
  return root;
}

/** Go's %+v of a decoded JSON value: `map[a:1 b:[x y]]`, keys sorted. */
export function goPlusV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goPlusV).join(' ')}]`;
  if (isPlainObject(v))
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goPlusV(v[k])}`)
      .join(' ')}]`;
  if (typeof v === 'number' && !Number.isInteger(v))
    return String(v)
      .replace(/e\+?(-?)(\d)$/, 'e+$10$2')
      .replace('e+-', 'e-');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export type PatchKind = 'json' | 'merge' | 'strategic';

/** The value kube-apiserver shows for the `patch` field of a failed patch decode. */
function shownPatch(kind: PatchKind, patchDoc: unknown, patched: KubeObject): string {
  if (kind === 'strategic') return goPlusV(patchDoc);
  const touched = kind === 'merge' ? mergeTouched(patchDoc) : jsonPatchTouched(patchDoc);
  return escapeHtml(marshal(patched, touched));
}

function patchInvalid(
  kind: PatchKind,
  patchDoc: unknown,
  patched: KubeObject,
  detail: string,
): Error {
  return invalid('', '', '', [
    {
      type: FieldErrorType.Invalid,
      field: 'patch',
      value: shownPatch(kind, patchDoc, patched),
      detail,
    },
  ]);
}

/**
 * Decodes a patched object as the patch handler does before the update: Go's type errors
 * (built-in kinds), then with fieldValidation=Strict the unknown fields; both answer 422.
 */
export function checkPatchedObject(args: {
  readonly kind: PatchKind;
  readonly patchDoc: unknown;
  readonly patched: KubeObject;
  readonly info: ResourceInfo;
  readonly typed: TypedCodec | undefined;
  readonly schema: SchemaNode | undefined;
  readonly strict: boolean;
}): void {
  const { kind, patchDoc, patched, info, typed, schema } = args;
  if (typed !== undefined && info.crd === undefined) {
    try {
      typed.decode(info, clone(patched));
    } catch (err) {
      if (!(err instanceof TypeDecodeError)) throw err;
      throw patchInvalid(kind, patchDoc, patched, err.message);
    }
  }
  if (!args.strict || schema === undefined) return;
  const unknown = pruneUnknown(clone(patched), schema);
  if (unknown.length > 0)
    throw patchInvalid(
      kind,
      patchDoc,
      patched,
      `strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}`,
    );
}
