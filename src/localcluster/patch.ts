// The patch verb: JSON patch, merge patch, strategic merge patch and server-side apply, each
// applied to the current object and written through the update path with conflict retries.
import { applyJsonPatch, applyMergePatch, PatchError } from './merge/index.js';
import {
  ApiError,
  badRequest,
  conflict,
  invalid,
  FieldErrorType,
  MODIFIED_CONFLICT,
} from './status-errors.js';
import { decodeBody } from './http-io.js';
import { clone, isPlainObject, metaOf, type KubeObject } from './object-meta.js';
import type { ObjectApi, Target } from './object-api.js';
import type { PatchHandler, RestCall } from './rest-handler.js';
import { writeOptions } from './rest-handler.js';
import type { SchemaNode } from './schema-check.js';
import { toScale, updateScale } from './scale.js';

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
      ? 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json'
      : 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted}`,
  );
}

function patchFailed(err: unknown): ApiError {
  const msg = err instanceof Error ? err.message : String(err);
  return new ApiError(422, 'Invalid', msg);
}

export function createPatchHandler(
  api: () => ObjectApi,
  _schemaFor: (info: Target['info']) => SchemaNode | undefined,
): PatchHandler {
  return {
    async patch(call: RestCall, t: Target, body: Buffer, contentType: string) {
      const opts = writeOptions(call);
      const force = call.query.get('force');
      if (contentType !== PatchType.Apply && force !== null) {
        throw invalid('PatchOptions', 'meta.k8s.io', '', [
          {
            type: FieldErrorType.Forbidden,
            field: 'force',
            detail: 'may not be specified for non-apply patch',
          },
        ]);
      }
      let patchDoc: unknown;
      switch (contentType) {
        case PatchType.Json:
        case PatchType.Merge:
          patchDoc = decodeBody(body, 'application/json');
          break;
        case PatchType.Strategic:
        case PatchType.Apply:
          throw unsupportedPatch(t.info);
        default:
          throw unsupportedPatch(t.info);
      }
      if (patchDoc === undefined) throw badRequest('the body of the request was empty');
      for (let attempt = 1; ; attempt++) {
        const current = t.subresource === 'scale' ? toScale(t, api().get(t)) : api().get(t);
        const currentRv = metaOf(current).resourceVersion;
        let patched: KubeObject;
        try {
          patched =
            contentType === PatchType.Json
              ? applyJsonPatch(clone(current), patchDoc)
              : applyMergePatch(clone(current), patchDoc);
        } catch (err) {
          if (err instanceof PatchError) throw patchFailed(err);
          throw err;
        }
        if (!isPlainObject(patched)) throw badRequest('the patch did not produce an object');
        try {
          if (t.subresource === 'scale') {
            const object = await updateScale(api(), t, patched, opts);
            return { object, warnings: [], created: false };
          }
          const r = await api().update(t, patched, opts);
          return { object: r.object, warnings: r.warnings, created: false };
        } catch (err) {
          const retryable =
            err instanceof ApiError &&
            err.code === 409 &&
            err.reason === 'Conflict' &&
            metaOf(patched).resourceVersion === currentRv;
          if (!retryable || attempt >= MAX_ATTEMPTS) {
            if (retryable) throw conflict(t.info, t.name, MODIFIED_CONFLICT);
            throw err;
          }
        }
      }
    },
  };
}
