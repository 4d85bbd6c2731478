// Patch and replacement targets: kustomize's Selector (anchored regexes on gvk/name/namespace, label/annotation selectors).
import {
  errorMessage,
  matchesRequirement,
  parseLabelSelector as parseLabelRequirements,
} from '../../core/index.js';
import { isYamlMap } from '../yaml/index.js';
import type { YamlValue } from '../yaml/index.js';
import { effectiveNamespace, scalarString } from './resource.js';
import type { Resource } from './resource.js';

export interface Selector {
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly annotationSelector?: string;
}

export class SelectorError extends Error {}

export function selectorFrom(v: YamlValue | undefined, where: string): Selector | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isYamlMap(v)) throw new SelectorError(`${where}: expected a map`);
  const s: Record<string, string> = {};
  for (const k of [
    'group',
    'version',
    'kind',
    'name',
    'namespace',
    'labelSelector',
    'annotationSelector',
  ]) {
    const x = v[k];
    if (x === undefined || x === null) continue;
    s[k] = scalarString(x);
  }
  return s;
}

function anchored(p: string | undefined): RegExp | undefined {
  if (p === undefined || p === '') return undefined;
  try {
    return new RegExp(`^(?:${p})$`);
  } catch (err) {
    throw new SelectorError(`invalid regular expression '${p}': ${(err as Error).message}`);
  }
}

type Requirement = (labels: Record<string, string>) => boolean;

/** Parses a Kubernetes label selector string ("a=b,c!=d,e in (f,g),!h,i") with core's parser. */
export function parseLabelSelector(sel: string): Requirement[] {
  try {
    return parseLabelRequirements(sel).map((r) => (l) => matchesRequirement(r, l));
  } catch (err) {
    throw new SelectorError(errorMessage(err));
  }
}

function asStrings(m: YamlValue): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!isYamlMap(m)) return out;
  for (const [k, v] of Object.entries(m)) out[k] = scalarString(v);
  return out;
}

/** The resources a selector picks, in order (original or current name/namespace may match). */
export function selectResources(resources: readonly Resource[], s: Selector): Resource[] {
  const g = anchored(s.group);
  const v = anchored(s.version);
  const k = anchored(s.kind);
  const n = anchored(s.name);
  const ns = anchored(s.namespace);
  const ls = s.labelSelector ? parseLabelSelector(s.labelSelector) : [];
  const as = s.annotationSelector ? parseLabelSelector(s.annotationSelector) : [];
  return resources.filter((r) => {
    const cur = r.curId();
    const org = r.orgId();
    if (ns && !ns.test(effectiveNamespace(org)) && !ns.test(effectiveNamespace(cur))) return false;
    if (n && !n.test(org.name) && !n.test(cur.name)) return false;
    const gvk = r.gvk;
    if (g && !g.test(gvk.group)) return false;
    if (v && !v.test(gvk.version)) return false;
    if (k && !k.test(gvk.kind)) return false;
    if (ls.length > 0) {
      const labels = asStrings(r.labels());
      if (!ls.every((req) => req(labels))) return false;
    }
    if (as.length > 0) {
      const ann = asStrings(r.annotations());
      if (!as.every((req) => req(ann))) return false;
    }
    return true;
  });
}
