// Gatekeeper's constraint `match` (pkg/mutation/match): kinds, scope, namespaces and
// excludedNamespaces with prefix/suffix globs, labelSelector, namespaceSelector, name glob, source.
// Every criterion must hold; a missing criterion holds.
import { parseLabelSelector, selectorMatches, type LabelSelector } from './label-selector.js';
import { asString, field, isRecord, labelsOf, splitApiVersion } from './object-access.js';

export interface MatchKinds {
  readonly apiGroups: readonly string[];
  readonly kinds: readonly string[];
}

export interface Match {
  readonly source: string;
  readonly kinds: readonly MatchKinds[];
  readonly scope: string;
  readonly namespaces: readonly string[];
  readonly excludedNamespaces: readonly string[];
  readonly labelSelector: LabelSelector | undefined;
  readonly namespaceSelector: LabelSelector | undefined;
  readonly name: string;
}

/** What a match is evaluated against: the object and, for a namespaced one, its Namespace. */
export interface Matchable {
  readonly object: Readonly<Record<string, unknown>>;
  /** The object's Namespace object; undefined when unknown (or the object is cluster-scoped). */
  readonly namespace: Readonly<Record<string, unknown>> | undefined;
  /** Original (a real object) or Generated (an expansion's resultant); @default 'Original' */
  readonly source?: string;
}

/** A match error: Gatekeeper answers these with an autoreject result. */
export class MatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MatchError';
  }
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** Reads `spec.match` (already validated against the constraint schema). */
export function parseMatch(m: Readonly<Record<string, unknown>>): Match {
  const kinds = Array.isArray(m['kinds'])
    ? m['kinds'].filter(isRecord).map((k) => ({
        apiGroups: strings(k['apiGroups']),
        kinds: strings(k['kinds']),
      }))
    : [];
  return {
    source: asString(m['source']),
    kinds,
    scope: asString(m['scope']),
    namespaces: strings(m['namespaces']),
    excludedNamespaces: strings(m['excludedNamespaces']),
    labelSelector: isRecord(m['labelSelector'])
      ? parseLabelSelector(m['labelSelector'])
      : undefined,
    namespaceSelector: isRecord(m['namespaceSelector'])
      ? parseLabelSelector(m['namespaceSelector'])
      : undefined,
    name: asString(m['name']),
  };
}

/** pkg/wildcard: `kube-*` prefix, `*-system` suffix, `*x*` contains, else equality. */
export function wildcardMatches(pattern: string, candidate: string): boolean {
  const pre = pattern.startsWith('*');
  const suf = pattern.endsWith('*') && pattern.length > 1;
  if (pre && suf) return candidate.includes(pattern.slice(1, -1));
  if (pre) return candidate.endsWith(pattern.slice(1));
  if (suf) return candidate.startsWith(pattern.slice(0, -1));
  return pattern === candidate;
}

function gvkOf(o: Readonly<Record<string, unknown>>): { group: string; kind: string } {
  return { group: splitApiVersion(asString(o['apiVersion'])).group, kind: asString(o['kind']) };
}

export function isNamespaceObject(o: Readonly<Record<string, unknown>>): boolean {
  const { group, kind } = gvkOf(o);
  return group === '' && kind === 'Namespace';
}

type Criterion = (m: Match, t: Matchable) => boolean;

const sourceMatches: Criterion = (m, t) =>
  m.source === '' || m.source === 'All' || m.source === (t.source ?? 'Original');

const kindsMatch: Criterion = (m, t) => {
  if (m.kinds.length === 0) return true;
  const { group, kind } = gvkOf(t.object);
  return m.kinds.some(
    (k) =>
      (k.kinds.length === 0 || k.kinds.includes('*') || k.kinds.includes(kind)) &&
      (k.apiGroups.length === 0 || k.apiGroups.includes('*') || k.apiGroups.includes(group)),
  );
};

/** The namespace an object is in for namespace criteria; undefined for cluster-scoped objects. */
function namespaceName(t: Matchable): string | undefined {
  if (isNamespaceObject(t.object)) return asString(field(t.object, 'metadata', 'name'));
  const ns = asString(field(t.object, 'metadata', 'namespace'));
  return ns === '' ? undefined : ns;
}

const scopeMatches: Criterion = (m, t) => {
  const clusterScoped =
    isNamespaceObject(t.object) || asString(field(t.object, 'metadata', 'namespace')) === '';
  if (m.scope === 'Cluster') return clusterScoped;
  if (m.scope === 'Namespaced') return !clusterScoped;
  return true;
};

const namespacesMatch: Criterion = (m, t) => {
  if (m.namespaces.length === 0) return true;
  const ns = namespaceName(t);
  return ns === undefined || m.namespaces.some((p) => wildcardMatches(p, ns));
};

const excludedNamespacesMatch: Criterion = (m, t) => {
  if (m.excludedNamespaces.length === 0) return true;
  const ns = namespaceName(t);
  return ns === undefined || !m.excludedNamespaces.some((p) => wildcardMatches(p, ns));
};

const labelSelectorMatches: Criterion = (m, t) =>
  m.labelSelector === undefined || selectorMatches(m.labelSelector, labelsOf(t.object));

const namespaceSelectorMatches: Criterion = (m, t) => {
  if (m.namespaceSelector === undefined) return true;
  if (isNamespaceObject(t.object)) return selectorMatches(m.namespaceSelector, labelsOf(t.object));
  if (asString(field(t.object, 'metadata', 'namespace')) === '') return true;
  if (t.namespace === undefined) {
    throw new MatchError('namespace selector for namespace-scoped object but missing Namespace');
  }
  return selectorMatches(m.namespaceSelector, labelsOf(t.namespace));
};

const nameMatches: Criterion = (m, t) => {
  if (m.name === '') return true;
  const name = asString(field(t.object, 'metadata', 'name'));
  const generateName = asString(field(t.object, 'metadata', 'generateName'));
  if (generateName !== '' && m.name.endsWith('*') && wildcardMatches(m.name, generateName))
    return true;
  return wildcardMatches(m.name, name);
};

const CRITERIA: readonly Criterion[] = [
  sourceMatches,
  kindsMatch,
  scopeMatches,
  namespacesMatch,
  excludedNamespacesMatch,
  labelSelectorMatches,
  namespaceSelectorMatches,
  nameMatches,
];

/** Whether the object matches every criterion; throws MatchError when one cannot be decided. */
export function matches(m: Match | undefined, t: Matchable): boolean {
  if (m === undefined) return true;
  return CRITERIA.every((c) => c(m, t));
}
