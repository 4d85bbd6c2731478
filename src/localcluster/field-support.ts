// Connects the server to the merge module: schemas of built-in kinds, managedFields tracking
// for non-apply writes, the patch handler and OpenAPI components.
import { loadBuiltinSchemas, trackUpdate } from './merge/index.js';
import { nowRfc3339 } from './object-meta.js';
import { mergeError } from './patch.js';
import { groupVersionString, type ResourceInfo, type ResourceRegistry } from './registry.js';
import type { FieldTracker, ObjectApi } from './object-api.js';
import type { PatchHandler } from './rest-handler.js';
import type { SchemaNode } from '../core/index.js';
import { createPatchHandler } from './patch.js';
import { createTypedCodec, type TypedCodec } from './typed-codec.js';

export interface FieldSupport {
  readonly schemaFor: (info: ResourceInfo) => SchemaNode | undefined;
  readonly tracker: FieldTracker;
  readonly patcher: PatchHandler;
  readonly builtinComponents: (gv: string) => Record<string, unknown> | undefined;
  readonly typed: TypedCodec;
}

/** Top-level fields each kind of write resets (status on the main resource, the rest on /status). */
function resetFieldsFor(info: ResourceInfo, subresource: string): string[][] | undefined {
  if (!info.subresources.includes('status')) return undefined;
  if (subresource === '') return [['f:status']];
  if (subresource !== 'status') return undefined;
  if (info.crd !== undefined) return [['f:metadata'], ['f:spec']];
  return info.group === 'apps' ? [['f:spec'], ['f:metadata', 'f:labels']] : [['f:spec']];
}

export function createFieldSupport(
  _registry: ResourceRegistry,
  crdSchema: (info: ResourceInfo) => SchemaNode | undefined,
  api: () => ObjectApi,
): FieldSupport {
  const builtins = loadBuiltinSchemas();
  const typed = createTypedCodec(builtins);
  const schemaFor = (info: ResourceInfo): SchemaNode | undefined =>
    info.crd !== undefined
      ? crdSchema(info)
      : builtins.schemaFor(groupVersionString(info.group, info.version), info.kind);
  return {
    schemaFor,
    tracker: {
      track: ({ old, updated, manager, apiVersion, info, subresource }) => {
        try {
          const reset = resetFieldsFor(info, subresource);
          return trackUpdate({
            // a create is compared against the kind's empty typed object, as kube-apiserver does
            old: old ?? typed.zero(info),
            updated,
            manager,
            apiVersion,
            schema: schemaFor(info),
            now: nowRfc3339(),
            ...(subresource === '' ? {} : { subresource }),
            ...(reset === undefined ? {} : { resetFields: reset }),
          });
        } catch (err) {
          throw mergeError(err);
        }
      },
    },
    patcher: createPatchHandler(api, schemaFor, typed),
    builtinComponents: (gv) => builtins.componentsFor(gv),
    typed,
  };
}
