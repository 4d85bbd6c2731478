// Label selectors (equality- and set-based, string and LabelSelector forms) and the field
// selectors every resource supports (metadata.name, metadata.namespace).
import {
  errorMessage,
  labelSelectorRequirements,
  matchesLabels,
  parseLabelSelector as parseLabelRequirements,
  splitSelectorTerms,
  type LabelRequirement,
} from '../core/index.js';
import { badRequest } from './status-errors.js';
import { isQualifiedName, isValidLabelValue } from '../core/index.js';
import { asString, getPath, metaOf, type KubeObject } from './object-meta.js';

export type Matcher = (obj: KubeObject) => boolean;

const MATCH_ALL: Matcher = () => true;

/** Parses `?labelSelector=` (`a=b,c!=d,e in (x,y),f notin (z),g,!h`) with core's parser; 400 when invalid. */
export function parseLabelSelector(s: string | null | undefined): Matcher {
  if (s === null || s === undefined || s.trim() === '') return MATCH_ALL;
  let reqs: LabelRequirement[];
  try {
    reqs = parseLabelRequirements(s);
  } catch (err) {
    throw badRequest(errorMessage(err));
  }
  for (const r of reqs) {
    const problem = requirementProblem(r);
    if (problem !== undefined) throw badRequest(`unable to parse requirement: ${problem}`);
  }
  return (obj) => matchesLabels(reqs, metaOf(obj).labels ?? {});
}

/** labels.NewRequirement's key and value checks, worded as its field errors (no path: `<nil>`). */
function requirementProblem(r: LabelRequirement): string | undefined {
  const keyErrs = isQualifiedName(r.key);
  if (keyErrs.length > 0)
    return `<nil>: Invalid value: ${JSON.stringify(r.key)}: ${keyErrs.join('; ')}`;
  for (const v of r.values) {
    const errs = isValidLabelValue(v);
    if (errs.length > 0)
      return `[${r.key}]: Invalid value: ${JSON.stringify(v)}: ${errs.join('; ')}`;
  }
  return undefined;
}

/** A metav1.LabelSelector (matchLabels + matchExpressions) as a predicate over label maps. */
export function labelSelectorObjectMatcher(
  sel: unknown,
): (labels: Record<string, string>) => boolean {
  const reqs = labelSelectorRequirements(sel);
  return (labels) => matchesLabels(reqs, labels);
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
  const v = getPath(o, `.${field}`);
  // selectable fields of custom resources may be integers or booleans
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : asString(v);
}

/** Parses `?fieldSelector=`: metadata.name and metadata.namespace everywhere, plus the kind's own fields. */
export function parseFieldSelector(
  s: string | null | undefined,
  kind?: {
    readonly group: string;
    readonly kind: string;
    readonly selectableFields?: readonly string[];
  },
): Matcher {
  if (s === null || s === undefined || s.trim() === '') return MATCH_ALL;
  const allowed =
    kind === undefined
      ? []
      : [...(KIND_FIELDS[`${kind.group}/${kind.kind}`] ?? []), ...(kind.selectableFields ?? [])];
  const checks: Matcher[] = [];
  for (const part of splitSelectorTerms(s)) {
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
