// Loader of the shipped OpenAPI data of Kubernetes' built-in kinds: resolved schemas per kind and components per group-version.
import data from './schema-data/builtin-openapi.json' with { type: 'json' };
import type { SchemaNode } from './types.js';

/** Built-in kinds' schemas from the Kubernetes OpenAPI data file the module ships. */
export interface BuiltinSchemas {
  /** Resolved schema of a built-in kind, or undefined for a kind it does not know. */
  schemaFor(apiVersion: string, kind: string): SchemaNode | undefined;
  /**
   * OpenAPI v3 `components.schemas` (unresolved, with $ref) for one group-version, e.g. 'apps/v1'
   * or 'v1', keyed like kube-apiserver does ('io.k8s.api.apps.v1.Deployment'), including the
   * referenced meta types; a fresh copy on every call.
   */
  componentsFor(groupVersion: string): Record<string, unknown> | undefined;
  /** The Kubernetes version the data describes, e.g. 'v1.34.0'. */
  readonly kubernetesVersion: string;
  /** Every known 'apiVersion/Kind' (e.g. 'apps/v1/Deployment') with its definition name. */
  readonly kinds: Readonly<Record<string, string>>;
  /** The definition a resolved node stands for ('io.k8s.api.core.v1.Container'), if any. */
  definitionName(node: SchemaNode): string | undefined;
  /** JSON names of the fields Go always writes (no `omitempty`) of a struct definition. */
  alwaysWritten(definition: string): readonly string[];
  /** JSON names of a struct definition's fields in Go struct order (how kube-apiserver writes them). */
  fieldOrder(definition: string): readonly string[] | undefined;
}

interface SchemaData {
  kubernetesVersion: string;
  kinds: Record<string, string>;
  groupVersions: Record<string, string[]>;
  definitions: Record<string, Record<string, unknown>>;
  goAlwaysWritten: Record<string, string[]>;
  goFieldOrder: Record<string, string[]>;
}

const REF_PREFIX = '#/components/schemas/';
/** Definitions every group-version document carries, as kube-apiserver's do. */
const COMMON_ROOTS = [
  'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
];

const NONE: readonly string[] = [];

let cached: BuiltinSchemas | undefined;

/** Loads (once) the built-in schemas shipped in schema-data/builtin-openapi.json. */
export function loadBuiltinSchemas(): BuiltinSchemas {
  cached ??= createBuiltinSchemas(data);
  return cached;
}

function createBuiltinSchemas(d: SchemaData): BuiltinSchemas {
  const resolved = new Map<string, SchemaNode>();
  const names = new WeakMap<SchemaNode, string>();
  // copies of definitions (a $ref with siblings) are filled once the definitions they copy are
  // complete: a recursive type is still empty while its own fields are being resolved
  let pending: (() => void)[] = [];
  let depth = 0;

  /** A reference: `$ref`, or kube-openapi's `allOf: [{$ref}]` (which lets siblings like `default` sit beside it). */
  const refName = (node: Record<string, unknown>): string | undefined => {
    const all = node.allOf;
    const ref =
      Array.isArray(all) && all.length === 1 && isObject(all[0]) ? all[0].$ref : node.$ref;
    if (typeof ref !== 'string') return undefined;
    if (!ref.startsWith(REF_PREFIX)) throw new Error(`builtin schemas: unsupported $ref ${ref}`);
    return ref.slice(REF_PREFIX.length);
  };

  const resolveNode = (node: Record<string, unknown>): SchemaNode => {
    const name = refName(node);
    if (name !== undefined) {
      const def = resolveDef(name);
      if (Object.keys(node).length === 1) return def;
      // A $ref with sibling extensions: the siblings win, as in kube-openapi's v3 'allOf' form.
      const copy: SchemaNode = {};
      names.set(copy, name);
      pending.push(() => {
        Object.assign(copy, def);
        for (const [k, v] of Object.entries(node)) if (k !== '$ref' && k !== 'allOf') copy[k] = v;
      });
      return copy;
    }
    const out: SchemaNode = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'items' && isObject(v)) out.items = resolveNode(v);
      else if (k === 'additionalProperties' && isObject(v))
        out.additionalProperties = resolveNode(v);
      else if (k === 'properties' && isObject(v)) {
        const props: Record<string, SchemaNode> = {};
        for (const [pk, pv] of Object.entries(v)) if (isObject(pv)) props[pk] = resolveNode(pv);
        out.properties = props;
      } else out[k] = v;
    }
    return out;
  };

  const resolveDef = (name: string): SchemaNode => {
    const done = resolved.get(name);
    if (done !== undefined) return done;
    const def = d.definitions[name];
    if (def === undefined) throw new Error(`builtin schemas: missing definition ${name}`);
    // Registered before its properties are resolved so that recursive types close the cycle.
    const node: SchemaNode = {};
    resolved.set(name, node);
    names.set(node, name);
    depth++;
    try {
      Object.assign(node, resolveNode(def));
    } finally {
      depth--;
    }
    if (depth === 0) {
      const fill = pending;
      pending = [];
      for (const f of fill) f();
    }
    return node;
  };

  const collect = (name: string, into: Record<string, unknown>): void => {
    if (name in into) return;
    const def = d.definitions[name];
    if (def === undefined) throw new Error(`builtin schemas: missing definition ${name}`);
    into[name] = def;
    walkRefs(def, (ref) => collect(ref, into));
  };

  return {
    kubernetesVersion: d.kubernetesVersion,
    kinds: d.kinds,
    definitionName: (node) => names.get(node),
    alwaysWritten: (definition) => d.goAlwaysWritten[definition] ?? NONE,
    fieldOrder: (definition) => d.goFieldOrder[definition],
    schemaFor(apiVersion, kind) {
      const name = d.kinds[`${apiVersion}/${kind}`];
      return name === undefined ? undefined : resolveDef(name);
    },
    componentsFor(groupVersion) {
      const roots = d.groupVersions[groupVersion];
      if (roots === undefined) return undefined;
      const into: Record<string, unknown> = {};
      for (const r of [...roots, ...COMMON_ROOTS]) collect(r, into);
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(into).sort()) sorted[k] = structuredClone(into[k]);
      return sorted;
    },
  };
}

function walkRefs(node: unknown, visit: (name: string) => void): void {
  if (Array.isArray(node)) {
    for (const v of node) walkRefs(v, visit);
    return;
  }
  if (!isObject(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX))
      visit(v.slice(REF_PREFIX.length));
    else walkRefs(v, visit);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
