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

export interface FieldSupport {
  readonly schemaFor: (info: ResourceInfo) => SchemaNode | undefined;
  readonly tracker: FieldTracker;
  readonly patcher: PatchHandler;
  readonly builtinComponents: (gv: string) => Record<string, unknown> | undefined;
}

export function createFieldSupport(
  _registry: ResourceRegistry,
  crdSchema: (info: ResourceInfo) => SchemaNode | undefined,
  api: () => ObjectApi,
): FieldSupport {
  const builtins = loadBuiltinSchemas();
  const schemaFor = (info: ResourceInfo): SchemaNode | undefined =>
    info.crd !== undefined
      ? crdSchema(info)
      : builtins.schemaFor(groupVersionString(info.group, info.version), info.kind);
  return {
    schemaFor,
    tracker: {
      track: ({ old, updated, manager, apiVersion, info, subresource }) => {
        try {
          return trackUpdate({
            old,
            updated,
            manager,
            apiVersion,
            schema: schemaFor(info),
            now: nowRfc3339(),
            ...(subresource === '' ? {} : { subresource }),
          });
        } catch (err) {
          throw mergeError(err);
        }
      },
    },
    patcher: createPatchHandler(api, schemaFor),
    builtinComponents: (gv) => builtins.componentsFor(gv),
  };
}
