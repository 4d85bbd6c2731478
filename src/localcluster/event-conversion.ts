// core/v1 Event and events.k8s.io/v1 Event are one resource served in two groups (as in
// kube-apiserver, where both convert to the same internal type and share storage): objects are
// stored in the core form and converted field by field for events.k8s.io/v1.
import { hasOwnKey, setOwnValue } from '../core/index.js';
import { isPlainObject, type KubeObject } from './object-meta.js';

/** events.k8s.io/v1 field → core/v1 field, for the fields whose names differ. */
const RENAMED: readonly (readonly [string, string])[] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
];

/** The core/v1 fields in Go struct order (how kube-apiserver writes them). */
const CORE_ORDER = [
  'kind',
  'apiVersion',
  'metadata',
  'involvedObject',
  'reason',
  'message',
  'source',
  'firstTimestamp',
  'lastTimestamp',
  'count',
  'type',
  'eventTime',
  'series',
  'action',
  'related',
  'reportingComponent',
  'reportingInstance',
];

const EVENTS_ORDER = [
  'kind',
  'apiVersion',
  'metadata',
  'eventTime',
  'series',
  'reportingController',
  'reportingInstance',
  'action',
  'reason',
  'regarding',
  'related',
  'note',
  'type',
  'deprecatedSource',
  'deprecatedFirstTimestamp',
  'deprecatedLastTimestamp',
  'deprecatedCount',
];

function ordered(o: KubeObject, order: readonly string[]): KubeObject {
  const out: KubeObject = {};
  for (const k of order) if (hasOwnKey(o, k) && o[k] !== undefined) out[k] = o[k];
  for (const [k, v] of Object.entries(o))
    if (!hasOwnKey(out, k) && v !== undefined) setOwnValue(out, k, v);
  return out;
}

/** An events.k8s.io/v1 Event in its core/v1 form. */
export function eventToCore(o: KubeObject): KubeObject {
  const out: KubeObject = { ...o, apiVersion: 'v1', kind: 'Event' };
  for (const [from, to] of RENAMED) {
    delete out[from];
    if (o[from] !== undefined) out[to] = o[from];
  }
  // Go writes these core fields even when empty
  out.involvedObject ??= {};
  out.source ??= {};
  out.firstTimestamp ??= null;
  out.lastTimestamp ??= null;
  out.reportingComponent ??= '';
  out.reportingInstance ??= '';
  out.eventTime ??= null;
  return ordered(out, CORE_ORDER);
}

/** A core/v1 Event in its events.k8s.io/v1 form. */
export function eventFromCore(o: KubeObject, apiVersion: string): KubeObject {
  const out: KubeObject = { ...o, apiVersion, kind: 'Event' };
  for (const [to, from] of RENAMED) {
    delete out[from];
    const v = o[from];
    // empty strings and counts are not written in the events.k8s.io form (omitempty)
    if (v === undefined || v === '' || v === 0) continue;
    out[to] = v;
  }
  if (isPlainObject(out.regarding) === false) out.regarding = {};
  out.deprecatedSource ??= {};
  out.deprecatedFirstTimestamp ??= null;
  out.deprecatedLastTimestamp ??= null;
  out.eventTime ??= null;
  if (out.reportingInstance === '') delete out.reportingInstance;
  return ordered(out, EVENTS_ORDER);
}
