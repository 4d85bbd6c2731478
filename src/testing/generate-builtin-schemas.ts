// Regenerates src/localcluster/merge/schema-data/builtin-openapi.json, the OpenAPI v3 component
// schemas of the built-in kinds the local cluster serves, from the kube-apiserver oracle: starts a
// real API server, reads /openapi/v3/<group-version>, keeps the definitions the listed kinds
// reach, drops descriptions and writes `allOf: [{$ref}]` as `$ref` with its siblings.
//
// Run: node --import tsx src/testing/generate-builtin-schemas.ts
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './oracles.js';
import { startRealCluster } from './real-cluster.js';
import { getJson as get } from './get-json.js';

type Json = Record<string, unknown>;

/** Served kinds as [group-version, kind, document when not the group-version's own]. */
const KINDS: readonly (readonly [string, string, string?])[] = [
  ['v1', 'Namespace'],
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'Service'],
  ['v1', 'ServiceAccount'],
  ['v1', 'Pod'],
  ['v1', 'PodTemplate'],
  ['v1', 'Endpoints'],
  ['v1', 'Event'],
  ['v1', 'PersistentVolumeClaim'],
  ['v1', 'PersistentVolume'],
  ['v1', 'ResourceQuota'],
  ['v1', 'LimitRange'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['apps/v1', 'ReplicaSet'],
  ['apps/v1', 'ControllerRevision'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
  ['networking.k8s.io/v1', 'Ingress'],
  ['networking.k8s.io/v1', 'IngressClass'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
  ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
  ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
  ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy'],
  ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicyBinding'],
  ['coordination.k8s.io/v1', 'Lease'],
  ['events.k8s.io/v1', 'Event'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler'],
  ['autoscaling/v1', 'Scale', 'apps/v1'],
  ['storage.k8s.io/v1', 'StorageClass'],
  ['scheduling.k8s.io/v1', 'PriorityClass'],
  ['authentication.k8s.io/v1', 'TokenRequest', 'v1'],
  ['authentication.k8s.io/v1', 'TokenReview'],
  ['authentication.k8s.io/v1', 'SelfSubjectReview'],
  ['authorization.k8s.io/v1', 'SubjectAccessReview'],
  ['authorization.k8s.io/v1', 'SelfSubjectAccessReview'],
  ['authorization.k8s.io/v1', 'LocalSubjectAccessReview'],
  ['authorization.k8s.io/v1', 'SelfSubjectRulesReview'],
];

/** Definitions every group-version document carries (the loader adds them to each). */
const COMMON = [
  'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
];
const REF = '#/components/schemas/';

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Without descriptions (the data is served as kube-apiserver serves it otherwise). */
function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(compact);
  if (!isObject(v)) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'description') continue;
    // properties are named by the API, not keywords: keep a field called `description`
    out[k] = k === 'properties' && isObject(x) ? mapValues(x, compact) : compact(x);
  }
  return out;
}

function mapValues(o: Json, f: (v: unknown) => unknown): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) out[k] = f(v);
  return out;
}

function refsOf(v: unknown, into: Set<string>): void {
  if (Array.isArray(v)) for (const x of v) refsOf(x, into);
  else if (isObject(v))
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string' && x.startsWith(REF)) into.add(x.slice(REF.length));
      else refsOf(x, into);
    }
}

interface GoField {
  readonly json: string;
  /** Left out when empty (omitempty, or omitzero: Go 1.24). */
  readonly omitempty: boolean;
  /** Embedded struct whose fields are inlined (`json:",inline"`). */
  readonly inline?: string;
}

/** The struct types of a Go package (its types*.go files): fields with JSON names and omitempty. */
function goStructs(dir: string): Map<string, GoField[]> {
  const out = new Map<string, GoField[]>();
  for (const f of readdirSync(dir).filter((n) => /^types.*\.go$/.test(n))) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
      const fields: GoField[] = [];
      for (const line of (m[2] ?? '').split('\n')) {
        const t = /^\t(\S+)(?:\s+(\S+))?\s+`[^`]*json:"([^"]*)"/.exec(line);
        if (t === null) continue;
        const [name, opts = ''] = (t[3] ?? '').split(/,(.*)/s);
        if (name === '-') continue;
        const options = opts.split(',');
        const embedded = t[2] === undefined ? (t[1] ?? '') : undefined;
        if (options.includes('inline') && embedded !== undefined)
          fields.push({ json: '', omitempty: true, inline: embedded.replace(/^.*\./, '') });
        else {
          // encoding/json never omits a struct: a zero metav1.Time (not a pointer) is written
          // as null despite omitempty; only omitzero leaves it out
          const zeroTime = /^(?:metav1\.)?(?:Micro)?Time$/.test(t[2] ?? '');
          const omitted =
            options.includes('omitzero') || (options.includes('omitempty') && !zeroTime);
          fields.push({ json: name ?? '', omitempty: omitted });
        }
      }
      out.set(m[1] ?? '', fields);
    }
  }
  return out;
}

/** Where the Go types of a definition live, under the module cache. */
function goPackageDir(modcache: string, definition: string, kube: string): string | undefined {
  const v = `v0.${kube.replace(/^v1\./, '')}`;
  const parts = definition.split('.');
  parts.pop();
  if (definition.startsWith('io.k8s.api.'))
    return join(modcache, `k8s.io/api@${v}`, parts.slice(3).join('/'));
  if (definition.startsWith('io.k8s.apimachinery.'))
    return join(modcache, `k8s.io/apimachinery@${v}`, parts.slice(3).join('/'));
  if (definition.startsWith('io.k8s.apiextensions-apiserver.'))
    return join(modcache, `k8s.io/apiextensions-apiserver@${v}`, parts.slice(3).join('/'));
  return undefined;
}

/**
 * The fields Go always writes (no `omitempty`) of each struct definition, from the Go sources of
 * k8s.io/api, apimachinery and apiextensions-apiserver in the module cache (where the oracles
 * were built): a typed object has them even when a client left them out.
 */
function goFieldTables(
  definitions: Record<string, Json>,
  kube: string,
): { always: Record<string, string[]>; order: Record<string, string[]> } {
  const modcache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const packages = new Map<string, Map<string, GoField[]>>();
  const metaDir = goPackageDir(modcache, 'io.k8s.apimachinery.pkg.apis.meta.v1.X', kube)!;
  const structsIn = (dir: string): Map<string, GoField[]> => {
    let p = packages.get(dir);
    if (p === undefined) {
      p = goStructs(dir);
      packages.set(dir, p);
    }
    return p;
  };
  const fieldsOf = (dir: string, type: string): GoField[] => {
    const own = structsIn(dir).get(type) ?? structsIn(metaDir).get(type);
    if (own === undefined) return [];
    return own.flatMap((f) => (f.inline !== undefined ? fieldsOf(dir, f.inline) : [f]));
  };
  const out: Record<string, string[]> = {};
  const order: Record<string, string[]> = {};
  for (const [name, def] of Object.entries(definitions)) {
    const props = def.properties;
    if (!isObject(props)) continue;
    const dir = goPackageDir(modcache, name, kube);
    if (dir === undefined) continue;
    const type = name.slice(name.lastIndexOf('.') + 1);
    const fields = fieldsOf(dir, type);
    if (fields.length === 0) throw new Error(`no Go struct ${type} in ${dir}`);
    const always = fields
      .filter((f) => !f.omitempty && f.json !== '' && f.json in props)
      .map((f) => f.json);
    if (always.length > 0) out[name] = always;
    order[name] = fields.filter((f) => f.json !== '' && f.json in props).map((f) => f.json);
  }
  return { always: out, order };
}

function gvPath(gv: string): string {
  return gv.includes('/') ? `apis/${gv}` : `api/${gv}`;
}

async function main(): Promise<void> {
  const cluster = await startRealCluster({ controllerManager: false, fakeNodes: false });
  try {
    const docs = new Map<string, Json>();
    for (const gv of new Set(KINDS.map(([g, , doc]) => doc ?? g)))
      docs.set(
        gv,
        await get(cluster.server, cluster.caPem, cluster.token, `/openapi/v3/${gvPath(gv)}`),
      );
    const version = await get(cluster.server, cluster.caPem, cluster.token, '/version');
    const definitions: Record<string, Json> = {};
    const kinds: Record<string, string> = {};
    const groupVersions: Record<string, string[]> = {};
    for (const [gv, kind, doc] of KINDS) {
      const schemas = (docs.get(doc ?? gv)?.components as Json | undefined)?.schemas as Json;
      const name = Object.keys(schemas).find((n) => {
        const gvk = (schemas[n] as Json)['x-kubernetes-group-version-kind'];
        const slash = gv.indexOf('/');
        return (
          Array.isArray(gvk) &&
          gvk.some(
            (e: Json) =>
              e.kind === kind &&
              e.version === (slash < 0 ? gv : gv.slice(slash + 1)) &&
              e.group === (slash < 0 ? '' : gv.slice(0, slash)),
          )
        );
      });
      if (name === undefined) throw new Error(`no definition of ${gv} ${kind}`);
      kinds[`${gv}/${kind}`] = name;
      (groupVersions[gv] ??= []).push(name);
      const todo = [name, ...COMMON];
      while (todo.length > 0) {
        const n = todo.pop()!;
        if (n in definitions) continue;
        const def = schemas[n];
        if (!isObject(def)) throw new Error(`${gv}: missing definition ${n}`);
        definitions[n] = compact(def) as Json;
        const refs = new Set<string>();
        refsOf(definitions[n], refs);
        todo.push(...refs);
      }
    }
    const sorted: Record<string, Json> = {};
    for (const k of Object.keys(definitions).sort()) sorted[k] = definitions[k]!;
    const kube = String(version.gitVersion);
    const tables = goFieldTables(sorted, kube);
    const data = {
      source: `Generated by src/testing/generate-builtin-schemas.ts from the OpenAPI v3 documents of kube-apiserver ${kube}; descriptions stripped. goAlwaysWritten: fields without omitempty in the Go types; goFieldOrder: the Go struct order of each definition's fields (how kube-apiserver writes them).`,
      kubernetesVersion: kube,
      kinds,
      groupVersions,
      definitions: sorted,
      goAlwaysWritten: tables.always,
      goFieldOrder: tables.order,
    };
    const out = join(projectRoot, 'src/localcluster/merge/schema-data/builtin-openapi.json');
    writeFileSync(out, JSON.stringify(data) + '\n');
    console.log(
      `wrote ${out}: ${Object.keys(kinds).length} kinds, ${Object.keys(sorted).length} definitions`,
    );
  } finally {
    await cluster.stop();
  }
}

await main();
