// API discovery documents: /api, /api/v1, /apis, /apis/GROUP, /apis/GROUP/VERSION, /version.
import { createHash } from 'node:crypto';
import { groupVersionString, type ResourceInfo, type ResourceRegistry } from './registry.js';

export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0+flotilla' } as const;

export function versionInfo(): Record<string, string> {
  return {
    major: KUBE_VERSION.major,
    minor: KUBE_VERSION.minor,
    gitVersion: KUBE_VERSION.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'flotilla',
    platform: `${process.platform}/${process.arch}`,
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(name: string, versions: string[]): Record<string, unknown> {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupList(registry: ResourceRegistry): Record<string, unknown> {
  const groups = registry
    .groups()
    .filter((g) => g.name !== '')
    .map((g) => groupDoc(g.name, g.versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(
  registry: ResourceRegistry,
  group: string,
): Record<string, unknown> | undefined {
  const g = registry.groups().find((x) => x.name === group);
  if (g === undefined || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g.name, g.versions) };
}

/** The verbs discovery lists: CRDs in the order apiextensions-apiserver uses, namespaces without deletecollection. */
function verbsOf(info: ResourceInfo): string[] {
  if (info.crd !== undefined)
    return ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
  if (info.group === '' && info.kind === 'Namespace')
    return info.verbs.filter((v) => v !== 'deletecollection');
  return [...info.verbs];
}

/** kube-apiserver's storageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind") of storage. */
function storageVersionHash(info: ResourceInfo): string {
  // events.k8s.io Events are stored as core v1 Events; CRDs are still stored as v1beta1
  const group = info.group === 'events.k8s.io' ? '' : info.group;
  const version =
    info.group === 'events.k8s.io'
      ? 'v1'
      : info.group === 'apiextensions.k8s.io'
        ? 'v1beta1'
        : info.storageVersion;
  return createHash('sha256')
    .update(`${group}/${version}/${info.kind}`)
    .digest()
    .subarray(0, 8)
    .toString('base64');
}

interface Subresource {
  readonly name: string;
  readonly group?: string;
  readonly version?: string;
  readonly kind: string;
  readonly verbs: readonly string[];
}

function subresourcesOf(info: ResourceInfo): Subresource[] {
  const out: Subresource[] = [];
  for (const sub of info.subresources) {
    if (sub === 'status')
      out.push({ name: 'status', kind: info.kind, verbs: ['get', 'patch', 'update'] });
    if (sub === 'scale')
      out.push({
        name: 'scale',
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    if (sub === 'token')
      out.push({
        name: 'token',
        group: 'authentication.k8s.io',
        version: 'v1',
        kind: 'TokenRequest',
        verbs: ['create'],
      });
  }
  if (info.group === '' && info.kind === 'Namespace')
    out.push({ name: 'finalize', kind: 'Namespace', verbs: ['update'] });
  // apiextensions-apiserver lists a CRD's status before its scale
  return info.crd !== undefined ? out : out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function resourceEntries(info: ResourceInfo): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: info.resource,
    singularName: info.singular,
    namespaced: info.namespaced,
    kind: info.kind,
    verbs: verbsOf(info),
  };
  if (info.shortNames.length > 0) main.shortNames = [...info.shortNames];
  if (info.categories.length > 0) main.categories = [...info.categories];
  main.storageVersionHash = storageVersionHash(info);
  const subs = subresourcesOf(info).map((s) => ({
    name: `${info.resource}/${s.name}`,
    singularName: '',
    namespaced: info.namespaced,
    ...(s.group === undefined ? {} : { group: s.group, version: s.version }),
    kind: s.kind,
    verbs: [...s.verbs],
  }));
  return [main, ...subs];
}

export function apiResourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const infos = registry.resourcesIn(group, version);
  if (infos.length === 0) return undefined;
  infos.sort((a, b) => (a.resource < b.resource ? -1 : 1));
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersionString(group, version),
    resources: infos.flatMap(resourceEntries),
  };
}

/** The aggregated discovery version a client asks for in Accept (kubectl 1.26+), if any. */
export function wantsAggregated(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const part of (accept ?? '').split(',')) {
    const params = part.split(';').map((p) => p.trim());
    if (!params.includes('as=APIGroupDiscoveryList') || !params.includes('g=apidiscovery.k8s.io'))
      continue;
    if (params.includes('v=v2')) return 'v2';
    if (params.includes('v=v2beta1')) return 'v2beta1';
  }
  return undefined;
}

function discoveryResource(info: ResourceInfo): Record<string, unknown> {
  // responseKind names group and version only when they differ from the resource's own
  const kindOf = (s: { group?: string; version?: string; kind: string }) => ({
    group: s.group ?? '',
    version: s.version ?? '',
    kind: s.kind,
  });
  const subresources = subresourcesOf(info).map((s) => ({
    subresource: s.name,
    responseKind: kindOf(s),
    verbs: [...s.verbs],
  }));
  return {
    resource: info.resource,
    responseKind: kindOf({ kind: info.kind }),
    scope: info.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: info.singular,
    verbs: verbsOf(info),
    ...(info.shortNames.length > 0 ? { shortNames: [...info.shortNames] } : {}),
    ...(info.categories.length > 0 ? { categories: [...info.categories] } : {}),
    ...(subresources.length > 0 ? { subresources } : {}),
  };
}

/** APIGroupDiscoveryList for /api (legacy: the core group) or /apis (every named group). */
export function aggregatedDiscovery(
  registry: ResourceRegistry,
  legacy: boolean,
  version: 'v2' | 'v2beta1',
): Record<string, unknown> {
  const items = registry
    .groups()
    .filter((g) => (legacy ? g.name === '' : g.name !== ''))
    .map((g) => ({
      metadata: { name: g.name },
      versions: g.versions.map((v) => ({
        version: v,
        resources: registry
          .resourcesIn(g.name, v)
          .sort((a, b) => (a.resource < b.resource ? -1 : 1))
          .map(discoveryResource),
        freshness: 'Current',
      })),
    }));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items,
  };
}
