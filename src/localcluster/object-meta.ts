// Helpers over a Kubernetes object's metadata: typed access, name validation, cloning.
import { randomBytes } from 'node:crypto';
import { ownValue, rfc3339, setOwnValue } from '../core/index.js';

export { jsonEqual } from '../core/index.js';

export type KubeObject = Record<string, unknown>;

export interface ObjectMeta {
  name?: string | undefined;
  generateName?: string | undefined;
  namespace?: string | undefined;
  uid?: string | undefined;
  resourceVersion?: string | undefined;
  generation?: number | undefined;
  creationTimestamp?: string | undefined;
  deletionTimestamp?: string | undefined;
  deletionGracePeriodSeconds?: number | undefined;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
  finalizers?: string[] | undefined;
  ownerReferences?: OwnerReference[] | undefined;
  managedFields?: unknown[] | undefined;
  [k: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object's metadata, created empty when missing (the object must be a private copy). */
export function meta(obj: KubeObject): ObjectMeta {
  let m = obj.metadata;
  if (!isPlainObject(m)) {
    m = {};
    obj.metadata = m;
  }
  return m as ObjectMeta;
}

/** Read-only view of metadata for objects that must not be changed. */
export function metaOf(obj: KubeObject): Readonly<ObjectMeta> {
  const m = obj.metadata;
  return isPlainObject(m) ? m : {};
}

/** Deep copy of a JSON value: the merge engines' copy, under the name the object code uses. */
export { jsonClone as clone } from './merge/index.js';

let lastSecond = -1;
let lastStamp = '';

/** The current time in RFC 3339 (whole seconds); formatted once per second. */
export function nowRfc3339(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastStamp = rfc3339(new Date(second * 1000));
  }
  return lastStamp;
}

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';
/** The 5-character random suffix generateName gets, from the same alphabet as Kubernetes. */
export function randomSuffix(n = 5): string {
  const bytes = randomBytes(n);
  let s = '';
  for (const b of bytes) s += ALNUM[b % ALNUM.length];
  return s;
}

/** Reads a value by a simple JSONPath (`.spec.replicas`, `.status.conditions[0].type` not supported beyond dots). */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.replace(/^\./, '').split('.')) {
    if (part === '') continue;
    if (!isPlainObject(cur)) return undefined;
    cur = ownValue(cur, part);
  }
  return cur;
}

export function setPath(obj: KubeObject, path: string, value: unknown): void {
  const parts = path
    .replace(/^\./, '')
    .split('.')
    .filter((p) => p !== '');
  let cur: Record<string, unknown> = obj;
  for (const part of parts.slice(0, -1)) {
    let next = ownValue(cur, part);
    if (!isPlainObject(next)) {
      next = {};
      setOwnValue(cur, part, next);
    }
    cur = next as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (last !== undefined) setOwnValue(cur, last, value);
}

/** A JSON value as text for messages and table cells ('' for null/undefined). */
export function asString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === undefined || v === null) return '';
  return JSON.stringify(v);
}
