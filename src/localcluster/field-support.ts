// Connects the server to the merge module: schemas of built-in kinds, managedFields tracking
// for non-apply writes, the patch handler and OpenAPI components.
import { loadBuiltinSchemas } from './merge/index.js';
import { groupVersionString, type ResourceInfo, type ResourceRegistry } from './registry.js';
import type { FieldTracker, ObjectApi } from './object-api.js';
import type { PatchHandler } from './rest-handler.js';
import type { SchemaNode } from './schema-check.js';
import { createPatchHandler } from './patch.js';

export interface FieldSupport {
  readonly schemaFor: (info: ResourceInfo) => SchemaNode | undefined;
  readonly tracker: FieldTracker | undefined;
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
    tracker: undefined,
    patcher: createPatchHandler(api, schemaFor),
    builtinComponents: (gv) => builtins.componentsFor(gv),
  };
}
