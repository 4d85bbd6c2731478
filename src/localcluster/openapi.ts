// OpenAPI v3 documents per group-version: paths for every resource (with the PATCH
// `fieldValidation` parameter kubectl checks for server-side field validation) and components.
import { createHash } from 'node:crypto';
import { groupVersionString, type ResourceInfo, type ResourceRegistry } from './registry.js';
import type { SchemaNode } from '../core/index.js';
import parameterData from './openapi-parameters.json' with { type: 'json' };

/** Built-in `components.schemas` for a group-version ('v1', 'apps/v1'), from the merge module's data. */
export type ComponentsProvider = (groupVersion: string) => Record<string, unknown> | undefined;

/** Schema of a CRD kind's version (openAPIV3Schema), for the kind's component. */
export type CrdSchemaProvider = (info: ResourceInfo) => SchemaNode | undefined;

function reverseGroup(group: string): string {
  return group.split('.').reverse().join('.');
}

/** The component name kube-apiserver gives a kind ('io.k8s.api.apps.v1.Deployment', 'com.example.v1.Widget'). */
export function componentName(info: ResourceInfo): string {
  if (info.crd !== undefined) return `${reverseGroup(info.group)}.${info.version}.${info.kind}`;
  const pkg = info.group === '' ? 'core' : info.group.replace(/\.k8s\.io$/, '').replace(/\./g, '');
  if (info.group === 'apiextensions.k8s.io')
    return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${info.version}.${info.kind}`;
  return `io.k8s.api.${pkg}.${info.version}.${info.kind}`;
}

type Param = Record<string, unknown>;
const PARAMS = parameterData.parameters as Record<string, Param>;

/** kube-apiserver's definition of an operation parameter (`name` describes the kind). */
function param(name: string, kind = ''): Param {
  const p = PARAMS[name];
  if (p === undefined) throw new Error(`openapi: no parameter ${name}`);
  return name === 'name' ? { ...p, description: String(p.description).replace('{kind}', kind) } : p;
}

const params = (...names: string[]): Param[] => names.map((n) => param(n));
const LIST_PARAMS = params(
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'shardSelector',
  'timeoutSeconds',
  'watch',
);
const WRITE_PARAMS = params('dryRun', 'fieldManager', 'fieldValidation');
const PATCH_PARAMS = params('dryRun', 'fieldManager', 'fieldValidation', 'force');
const DELETE_PARAMS = params(
  'dryRun',
  'gracePeriodSeconds',
  'ignoreStoreReadErrorWithClusterBreakingPotential',
  'orphanDependents',
  'propagationPolicy',
);
const DELETE_COLLECTION_PARAMS = params(
  'continue',
  'dryRun',
  'fieldSelector',
  'gracePeriodSeconds',
  'ignoreStoreReadErrorWithClusterBreakingPotential',
  'labelSelector',
  'limit',
  'orphanDependents',
  'propagationPolicy',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'shardSelector',
  'timeoutSeconds',
);

function op(
  info: ResourceInfo,
  action: string,
  params: Record<string, unknown>[],
  ref: string,
  body: boolean,
  patch = false,
): Record<string, unknown> {
  const content = {
    'application/json': { schema: { $ref: ref } },
    'application/yaml': { schema: { $ref: ref } },
  };
  const o: Record<string, unknown> = {
    tags: [info.group === '' ? 'core_v1' : `${info.group}_${info.version}`],
    operationId: `${action}${info.kind}`,
    parameters: params,
    responses: { '200': { description: 'OK', content } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': {
      group: info.group,
      version: info.version,
      kind: info.kind,
    },
  };
  if (body) {
    const schema = patch
      ? { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' }
      : { $ref: ref };
    o.requestBody = {
      content: patch
        ? {
            'application/json-patch+json': { schema },
            'application/merge-patch+json': { schema },
            'application/strategic-merge-patch+json': { schema },
            'application/apply-patch+yaml': { schema },
          }
        : { '*/*': { schema } },
      required: true,
    };
  }
  return o;
}

function pathsFor(info: ResourceInfo): Record<string, unknown> {
  const prefix = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  const base = info.namespaced
    ? `${prefix}/namespaces/{namespace}/${info.resource}`
    : `${prefix}/${info.resource}`;
  const ref = `#/components/schemas/${componentName(info)}`;
  // path parameters (and pretty) belong to the path item, as in kube-apiserver's documents
  const scope = info.namespaced ? [param('namespace')] : [];
  const named = [param('name', info.kind), ...scope, param('pretty')];
  const paths: Record<string, unknown> = {
    [base]: {
      get: op(info, 'list', LIST_PARAMS, ref, false),
      post: op(info, 'post', WRITE_PARAMS, ref, true),
      delete: op(info, 'deletecollection', DELETE_COLLECTION_PARAMS, ref, false),
      parameters: [...scope, param('pretty')],
    },
    [`${base}/{name}`]: {
      get: op(info, 'get', [], ref, false),
      put: op(info, 'put', WRITE_PARAMS, ref, true),
      delete: op(info, 'delete', DELETE_PARAMS, ref, false),
      patch: op(info, 'patch', PATCH_PARAMS, ref, true, true),
      parameters: named,
    },
  };
  for (const sub of info.subresources) {
    if (sub === 'token') continue;
    const subRef = sub === 'scale' ? '#/components/schemas/io.k8s.api.autoscaling.v1.Scale' : ref;
    paths[`${base}/{name}/${sub}`] = {
      get: op(info, 'get', [], subRef, false),
      put: op(info, 'put', WRITE_PARAMS, subRef, true),
      patch: op(info, 'patch', PATCH_PARAMS, subRef, true, true),
      parameters: named,
    };
  }
  return paths;
}

function crdComponent(info: ResourceInfo, schema: SchemaNode | undefined): Record<string, unknown> {
  const s: Record<string, unknown> = {
    ...(schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
  };
  const props = { ...((s.properties as Record<string, unknown> | undefined) ?? {}) };
  props.apiVersion ??= { type: 'string' };
  props.kind ??= { type: 'string' };
  props.metadata = {
    allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
  };
  s.properties = props;
  s['x-kubernetes-group-version-kind'] = [
    { group: info.group, version: info.version, kind: info.kind },
  ];
  return s;
}

export class OpenApiService {
  private readonly cache = new Map<string, { doc: string; hash: string }>();

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly builtinComponents: ComponentsProvider,
    private readonly crdSchema: CrdSchemaProvider,
  ) {
    registry.onChange(() => this.cache.clear());
  }

  private build(gv: string): { doc: string; hash: string } | undefined {
    const cached = this.cache.get(gv);
    if (cached) return cached;
    const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
    const infos = this.registry.resourcesIn(group, version);
    if (infos.length === 0) return undefined;
    const paths: Record<string, unknown> = {};
    let schemas: Record<string, unknown> = { ...(this.builtinComponents(gv) ?? {}) };
    for (const info of infos) {
      Object.assign(paths, pathsFor(info));
      if (info.crd !== undefined) {
        schemas = { ...(this.builtinComponents('v1') ?? {}), ...schemas };
        schemas[componentName(info)] = crdComponent(info, this.crdSchema(info));
      }
    }
    const doc = JSON.stringify({
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.32.0' },
      paths,
      components: { schemas },
    });
    const hash = createHash('sha512').update(doc).digest('hex').slice(0, 128).toUpperCase();
    const entry = { doc, hash };
    this.cache.set(gv, entry);
    return entry;
  }

  /** The `/openapi/v3` index: one serverRelativeURL (with a content hash) per group-version. */
  root(): Record<string, unknown> {
    const paths: Record<string, unknown> = {};
    for (const g of this.registry.groups()) {
      for (const v of g.versions) {
        const gv = groupVersionString(g.name, v);
        const built = this.build(gv);
        if (built === undefined) continue;
        const key = g.name === '' ? `api/${v}` : `apis/${g.name}/${v}`;
        paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${built.hash}` };
      }
    }
    return { paths };
  }

  /** The document for `api/v1` or `apis/G/V`, as JSON text. */
  document(path: string): string | undefined {
    const m = /^(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (!m) return undefined;
    const gv = m[1] !== undefined ? m[1] : `${m[2] ?? ''}/${m[3] ?? ''}`;
    return this.build(gv)?.doc;
  }
}
