// Patch and replacement targets: kustomize's Selector (anchored regexes on gvk/name/namespace, label/annotation selectors).
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

/** Parses a Kubernetes label selector string ("a=b,c!=d,e in (f,g),!h,i"). */
export function parseLabelSelector(sel: string): Requirement[] {
  const out: Requirement[] = [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of sel) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (p === '') continue;
    let m = /^(\S+?)\s+(in|notin)\s+\((.*)\)$/.exec(p);
    if (m) {
      const key = m[1] as string;
      const values = new Set((m[3] as string).split(',').map((x) => x.trim()));
      if (m[2] === 'in') out.push((l) => key in l && values.has(l[key] as string));
      else out.push((l) => !(key in l) || !values.has(l[key] as string));
      continue;
    }
    m = /^(.+?)\s*(==|!=|=)\s*(.*)$/.exec(p);
    if (m) {
      const key = (m[1] as string).trim();
      const value = (m[3] as string).trim();
      if (m[2] === '!=') out.push((l) => l[key] !== value);
      else out.push((l) => key in l && l[key] === value);
      continue;
    }
    if (p.startsWith('!')) {
      const key = p.slice(1).trim();
      out.push((l) => !(key in l));
      continue;
    }
    if (!/^[A-Za-z0-9._/-]+$/.test(p))
      throw new SelectorError(`unable to parse requirement: '${p}'`);
    out.push((l) => p in l);
  }
  return out;
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
