// Label selectors (equality- and set-based, string and LabelSelector forms) and the field
// selectors every resource supports (metadata.name, metadata.namespace).
import { badRequest } from './status-errors.js';
import { asString, getPath, isPlainObject, metaOf, type KubeObject } from './object-meta.js';

type Op = 'in' | 'notin' | 'exists' | '!exists' | '=' | '!=';
interface Requirement {
  readonly key: string;
  readonly op: Op;
  readonly values: readonly string[];
}

export type Matcher = (obj: KubeObject) => boolean;

const MATCH_ALL: Matcher = () => true;

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseRequirement(part: string): Requirement {
  let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (m) {
    const values = (m[3] ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    return { key: m[1] ?? '', op: m[2] as Op, values };
  }
  m = /^!\s*([^=!\s]+)$/.exec(part);
  if (m) return { key: m[1] ?? '', op: '!exists', values: [] };
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
  if (m) return { key: m[1] ?? '', op: m[2] === '!=' ? '!=' : '=', values: [m[3] ?? ''] };
  m = /^([^=!\s()]+)$/.exec(part);
  if (m) return { key: m[1] ?? '', op: 'exists', values: [] };
  throw badRequest(`unable to parse requirement: found '${part}', expected: valid label selector`);
}

function matches(reqs: readonly Requirement[], labels: Record<string, string>): boolean {
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case '=':
      case 'in':
        if (!has || !r.values.includes(v ?? '')) return false;
        break;
      case '!=':
      case 'notin':
        if (has && r.values.includes(v ?? '')) return false;
        break;
    }
  }
  return true;
}

/** Parses `?labelSelector=` (`a=b,c!=d,e in (x,y),f notin (z),g,!h`). */
export function parseLabelSelector(s: string | null | undefined): Matcher {
  if (s === null || s === undefined || s.trim() === '') return MATCH_ALL;
  const reqs = splitTopLevel(s).map(parseRequirement);
  return (obj) => matches(reqs, metaOf(obj).labels ?? {});
}

/** A metav1.LabelSelector (matchLabels + matchExpressions) as a predicate over label maps. */
export function labelSelectorObjectMatcher(
  sel: unknown,
): (labels: Record<string, string>) => boolean {
  if (!isPlainObject(sel)) return () => true;
  const reqs: Requirement[] = [];
  if (isPlainObject(sel.matchLabels)) {
    for (const [k, v] of Object.entries(sel.matchLabels))
      reqs.push({ key: k, op: '=', values: [String(v)] });
  }
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions as unknown[]) {
      if (!isPlainObject(e)) continue;
      const op = String(e.operator);
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      const mapped: Op =
        op === 'In' ? 'in' : op === 'NotIn' ? 'notin' : op === 'Exists' ? 'exists' : '!exists';
      reqs.push({ key: String(e.key), op: mapped, values });
    }
  }
  return (labels) => matches(reqs, labels);
}

/** Field labels beyond metadata.name/namespace that kube-apiserver supports, per group/Kind. */
const KIND_FIELDS: Record<string, readonly string[]> = {
  '/Event': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  '/Pod': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  '/Secret': ['type'],
  '/Namespace': ['status.phase'],
  'apps/ReplicaSet': ['status.replicas'],
  'batch/Job': ['status.successful'],
  'events.k8s.io/Event': [
    'regarding.kind',
    'regarding.namespace',
    'regarding.name',
    'regarding.uid',
    'reason',
    'reportingController',
    'type',
  ],
};

function readField(o: KubeObject, field: string): string {
  if (field === 'source') return asString(getPath(o, '.source.component'));
  if (field === 'status.successful') return asString(getPath(o, '.status.succeeded') ?? 0);
  return asString(getPath(o, `.${field}`));
}

/** Parses `?fieldSelector=`: metadata.name and metadata.namespace everywhere, plus the kind's own fields. */
export function parseFieldSelector(
  s: string | null | undefined,
  kind?: { readonly group: string; readonly kind: string },
): Matcher {
  if (s === null || s === undefined || s.trim() === '') return MATCH_ALL;
  const allowed = kind === undefined ? [] : (KIND_FIELDS[`${kind.group}/${kind.kind}`] ?? []);
  const checks: Matcher[] = [];
  for (const part of splitTopLevel(s)) {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    const field = m[1] ?? '';
    const negate = m[2] === '!=';
    const value = m[3] ?? '';
    let read: (obj: KubeObject) => string;
    if (field === 'metadata.name') read = (o) => metaOf(o).name ?? '';
    else if (field === 'metadata.namespace') read = (o) => metaOf(o).namespace ?? '';
    else if (allowed.includes(field)) read = (o) => readField(o, field);
    else throw badRequest(`field label not supported: ${field}`);
    checks.push((o) => (read(o) === value) !== negate);
  }
  return (obj) => checks.every((c) => c(obj));
}
