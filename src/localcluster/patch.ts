// The patch verb: JSON patch, merge patch, strategic merge patch and server-side apply, each
// applied to the current object and written through the update path with conflict retries.
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  serverSideApply,
  ApplyConflictError,
  PatchError,
  STRATEGIC_MERGE_PATCH_UNSUPPORTED,
} from './merge/index.js';
import {
  ApiError,
  badRequest,
  conflict,
  invalid,
  methodNotSupported,
  notFound,
  FieldErrorType,
  MODIFIED_CONFLICT,
} from './status-errors.js';
import { decodeBody, rejectTooDeep } from './http-io.js';
import { GoJsonError, parseGoJson } from './go-json.js';
import {
  clone,
  isPlainObject,
  metaOf,
  nowRfc3339,
  asString,
  type KubeObject,
} from './object-meta.js';
import { groupVersionString } from './registry.js';
import { FieldValidation, type ObjectApi, type Target, type WriteOptions } from './object-api.js';
import type { PatchHandler, RestCall } from './rest-handler.js';
import { writeOptions } from './rest-handler.js';
import type { SchemaNode } from '../core/index.js';
import { toScale, updateScale } from './scale.js';
import type { TypedCodec } from './typed-codec.js';
import { appliedTypeErrors } from './apply-validation.js';
import { checkPatchedObject, type PatchKind } from './patch-decode.js';

export const PatchType = {
  Json: 'application/json-patch+json',
  Merge: 'application/merge-patch+json',
  Strategic: 'application/strategic-merge-patch+json',
  Apply: 'application/apply-patch+yaml',
} as const;
export type PatchType = (typeof PatchType)[keyof typeof PatchType];

const MAX_ATTEMPTS = 5;

function unsupportedPatch(info: Target['info']): ApiError {
  const accepted =
    info.crd === undefined
      ? 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json'
      : STRATEGIC_MERGE_PATCH_UNSUPPORTED;
  return new ApiError(415, 'UnsupportedMediaType', accepted);
}

/** Turns merge-module errors into API errors: 409 for apply conflicts, 422 for bad patches. */
export function mergeError(err: unknown): unknown {
  if (err instanceof ApplyConflictError)
    return new ApiError(409, 'Conflict', err.message, {
      causes: err.causes.map((c) => ({ ...c })),
    });
  if (err instanceof PatchError) {
    if (err.status === 500) return new ApiError(500, '', err.message);
    if (err.status === 400) return badRequest(err.message);
    return new ApiError(422, 'Invalid', err.message);
  }
  return err;
}

/** kube-apiserver answers a JSON patch that does not apply with a generic 422 (the reason is not shown). */
const JSON_PATCH_FAILED = new ApiError(
  422,
  'Invalid',
  'the server rejected our request due to an error in our request',
  {},
);

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'boolean' ? 'bool' : typeof v === 'object' ? 'object' : typeof v;
}

/** A patch body as kube-apiserver decodes it: Go's errors, `error decoding patch: ...` (400). */
function decodePatch(body: Buffer, contentType: string): unknown {
  let doc: unknown;
  const text = body.toString('utf8');
  rejectTooDeep(text, 'JSON');
  try {
    doc = parseGoJson(text);
  } catch (err) {
    if (err instanceof GoJsonError) throw badRequest(`error decoding patch: ${err.message}`);
    throw err;
  }
  if (contentType === PatchType.Json) {
    if (!Array.isArray(doc))
      throw badRequest(
        `error decoding patch: json: cannot unmarshal ${jsonKind(doc)} into Go value of type []handlers.jsonPatchOp`,
      );
  } else if (!isPlainObject(doc)) {
    throw badRequest(
      `error decoding patch: json: cannot unmarshal ${jsonKind(doc)} into Go value of type map[string]interface {}`,
    );
  }
  return doc;
}

function runMerge<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw mergeError(err);
  }
}

const PATCH_KINDS: Record<string, PatchKind> = {
  [PatchType.Json]: 'json',
  [PatchType.Merge]: 'merge',
  [PatchType.Strategic]: 'strategic',
};

export function createPatchHandler(
  api: () => ObjectApi,
  schemaFor: (info: Target['info']) => SchemaNode | undefined,
  typed?: TypedCodec,
): PatchHandler {
  const apply = async (
    call: RestCall,
    t: Target,
    body: Buffer,
    opts: WriteOptions,
  ): Promise<{ object: KubeObject; warnings: string[]; created: boolean }> => {
    const fm = call.query.get('fieldManager');
    if (fm === null || fm === '') {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [
        {
          type: FieldErrorType.Required,
          field: 'fieldManager',
          detail: 'is required for apply patch',
        },
      ]);
    }
    if (t.subresource === 'scale')
      throw methodNotSupported(
        { group: t.info.group, resource: `${t.info.resource}/scale` },
        'apply',
      );
    const applied = decodeBody(body, PatchType.Apply);
    if (!isPlainObject(applied)) throw badRequest('the applied configuration must be an object');
    const expected = groupVersionString(t.info.group, t.info.version);
    if (applied.apiVersion !== expected || applied.kind !== t.info.kind) {
      const gv = asString(applied.apiVersion);
      const slash = gv.indexOf('/');
      throw badRequest(
        `invalid object type: ${slash < 0 ? '' : gv.slice(0, slash)}/${slash < 0 ? gv : gv.slice(slash + 1)}, Kind=${asString(applied.kind)}`,
      );
    }
    const appliedName = isPlainObject(applied.metadata) ? applied.metadata.name : undefined;
    if (appliedName !== undefined && appliedName !== t.name) {
      throw badRequest(
        `the name of the object (${asString(appliedName)}) does not match the name on the URL (${t.name})`,
      );
    }
    const force = call.query.get('force') === 'true';
    const schema = schemaFor(t.info);
    const typeErrors = schema === undefined ? [] : appliedTypeErrors(applied, schema);
    if (typeErrors.length > 0) {
      const ns = isPlainObject(applied.metadata) ? asString(applied.metadata.namespace) : '';
      // schema.GroupVersionKind's String(): `group/version, Kind=kind` (`/v1` for the core group)
      const gvk = `${t.info.group}/${t.info.version}, Kind=${t.info.kind}`;
      const list =
        typeErrors.length === 1 ? typeErrors[0] : `errors:\n  ${typeErrors.join('\n  ')}`;
      throw new ApiError(
        500,
        '',
        `failed to create typed patch object (${ns}/${t.name}; ${gvk}): ${list ?? ''}`,
      );
    }
    for (let attempt = 1; ; attempt++) {
      const stored = api().getStored(t);
      // serverSideApply never changes the configuration and shares nothing with its result
      const args = {
        applied,
        manager: fm,
        force,
        schema,
        apiVersion: expected,
        now: nowRfc3339(),
        ...(t.subresource === '' ? {} : { subresource: t.subresource }),
      };
      if (stored === undefined) {
        if (t.subresource !== '') throw notFound(t.info, t.name);
        const { object } = runMerge(() => serverSideApply({ live: undefined, ...args }));
        const r = await api().create(t, object, opts, false);
        return { object: r.object, warnings: r.warnings, created: true };
      }
      const live = api().adoptUnmanaged(t, api().present(t.info, stored));
      const { object } = runMerge(() => serverSideApply({ live, ...args }));
      try {
        const r = await api().update(t, object, opts, false);
        return { object: r.object, warnings: r.warnings, created: false };
      } catch (err) {
        const retryable =
          err instanceof ApiError &&
          err.code === 409 &&
          err.reason === 'Conflict' &&
          metaOf(object).resourceVersion === metaOf(live).resourceVersion;
        if (!retryable || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  };

  return {
    async patch(call: RestCall, t: Target, body: Buffer, contentType: string) {
      const opts = writeOptions(call);
      if (contentType === PatchType.Apply) return apply(call, t, body, opts);
      if (call.query.get('force') !== null) {
        throw invalid('PatchOptions', 'meta.k8s.io', '', [
          {
            type: FieldErrorType.Forbidden,
            field: 'force',
            detail: 'may not be specified for non-apply patch',
          },
        ]);
      }
      if (
        contentType !== PatchType.Json &&
        contentType !== PatchType.Merge &&
        contentType !== PatchType.Strategic
      )
        throw unsupportedPatch(t.info);
      if (contentType === PatchType.Strategic && t.info.crd !== undefined)
        throw unsupportedPatch(t.info);
      const patchDoc = decodePatch(body, contentType);
      const schema = t.subresource === 'scale' ? undefined : schemaFor(t.info);
      for (let attempt = 1; ; attempt++) {
        const current = t.subresource === 'scale' ? toScale(t, api().get(t)) : api().get(t);
        const currentRv = metaOf(current).resourceVersion;
        const patched = runMerge(() => {
          if (contentType === PatchType.Json) {
            try {
              return applyJsonPatch(clone(current), patchDoc);
            } catch (err) {
              if (err instanceof PatchError) throw JSON_PATCH_FAILED;
              throw err;
            }
          }
          if (contentType === PatchType.Merge) return applyMergePatch(clone(current), patchDoc);
          return applyStrategicMergePatch(clone(current), patchDoc, schema);
        });
        if (!isPlainObject(patched)) throw badRequest('the patch did not produce an object');
        if (t.subresource === '')
          checkPatchedObject({
            kind: PATCH_KINDS[contentType] ?? 'merge',
            patchDoc,
            patched,
            info: t.info,
            // a strategic merge patch's type errors come from another decoder (not modelled)
            typed: contentType === PatchType.Strategic ? undefined : typed,
            schema,
            strict: opts.fieldValidation === FieldValidation.Strict,
          });
        try {
          if (t.subresource === 'scale')
            return {
              object: await updateScale(api(), t, patched, opts),
              warnings: [],
              created: false,
            };
          const r = await api().update(t, patched, opts);
          return { object: r.object, warnings: r.warnings, created: false };
        } catch (err) {
          const retryable =
            err instanceof ApiError &&
            err.code === 409 &&
            err.reason === 'Conflict' &&
            metaOf(patched).resourceVersion === currentRv;
          if (!retryable) throw err;
          if (attempt >= MAX_ATTEMPTS) throw conflict(t.info, t.name, MODIFIED_CONFLICT);
        }
      }
    },
  };
}
