// Object identity in Flux's form: ObjMetadata and the `<ns>_<name>_<group>_<kind>` inventory id.
import { FlotillaError } from '../core/index.js';
import { parseApiVersion, type KubeObject } from '../kube/index.js';

/** Which object, independent of API version (cli-utils' ObjMetadata). */
export interface ObjMetadata {
  readonly namespace: string;
  readonly name: string;
  readonly group: string;
  readonly kind: string;
}

export function objMetadataOf(obj: KubeObject): ObjMetadata {
  return {
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    group: parseApiVersion(obj.apiVersion).group,
    kind: obj.kind,
  };
}

/** `<namespace>_<name>_<group>_<kind>`, the id Flux stores in status.inventory.entries. */
export function formatObjectId(m: ObjMetadata): string {
  return `${m.namespace}_${m.name}_${m.group}_${m.kind}`;
}

/**
 * Parses an inventory id. Names and namespaces cannot contain `_`, but groups and kinds
 * cannot either, so the split is unambiguous: exactly four fields.
 */
export function parseObjectId(id: string): ObjMetadata {
  const parts = id.split('_');
  if (parts.length !== 4 || !parts[1] || !parts[3]) {
    throw new FlotillaError(
      `invalid inventory id "${id}": want <namespace>_<name>_<group>_<kind>`,
      {
        reason: 'InvalidInventory',
        field: 'status.inventory.entries.id',
      },
    );
  }
  const [namespace = '', name = '', group = '', kind = ''] = parts;
  return { namespace, name, group, kind };
}

/** `Kind/namespace/name` or `Kind/name`, as Flux formats subjects. */
export function formatSubject(m: ObjMetadata): string {
  return m.namespace ? `${m.kind}/${m.namespace}/${m.name}` : `${m.kind}/${m.name}`;
}
