// The typed form of built-in kinds, from their v1.36 OpenAPI schemas: decoding (Go's type errors),
// defaulting (always-written fields, declared defaults, SetDefaults_*) and the empty typed object
// a create is compared against for managedFields. Custom resources have no typed form.
import type { BuiltinSchemas } from './merge/index.js';
import type { KubeObject } from './object-meta.js';
import { groupVersionString, type ResourceInfo } from './registry.js';
import type { SchemaNode } from '../core/index.js';
import { decodeTyped } from './typed-decode.js';
import { applyTypedDefaults, orderTyped, sortKeysDeep, zeroObject } from './typed-defaults.js';

export interface TypedCodec {
  /** The resolved schema of a built-in kind (undefined for custom resources). */
  schemaOf(info: ResourceInfo): SchemaNode | undefined;
  /** Decodes a built-in object in place; throws TypeDecodeError with Go's message. */
  decode(info: ResourceInfo, o: KubeObject): void;
  /** Fills the typed form of a built-in object in place (defaults included). */
  fill(info: ResourceInfo, o: KubeObject): void;
  /** The empty typed object of a built-in kind (a fresh copy), or undefined. */
  zero(info: ResourceInfo): KubeObject | undefined;
  /** Puts the fields in the order kube-apiserver writes them (custom resources: sorted keys). */
  order(info: ResourceInfo, o: KubeObject): void;
}

export function createTypedCodec(builtins: BuiltinSchemas): TypedCodec {
  const zeros = new Map<string, string>();
  const schemaOf = (info: ResourceInfo): SchemaNode | undefined =>
    info.crd !== undefined
      ? undefined
      : builtins.schemaFor(groupVersionString(info.group, info.version), info.kind);
  return {
    schemaOf,
    decode(info, o) {
      const s = schemaOf(info);
      if (s !== undefined) decodeTyped(o, s, builtins);
    },
    fill(info, o) {
      const s = schemaOf(info);
      if (s !== undefined) applyTypedDefaults(o, s, builtins);
    },
    order(info, o) {
      const s = schemaOf(info);
      if (s === undefined) sortKeysDeep(o);
      else orderTyped(o, s, builtins);
    },
    zero(info) {
      const s = schemaOf(info);
      if (s === undefined) return undefined;
      const key = `${info.group}/${info.version}/${info.kind}`;
      let text = zeros.get(key);
      if (text === undefined) {
        text = JSON.stringify(zeroObject(s, builtins));
        zeros.set(key, text);
      }
      return JSON.parse(text) as KubeObject;
    },
  };
}
