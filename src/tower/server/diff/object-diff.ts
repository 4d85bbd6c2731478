// Side-by-side diffs of objects for the browser: both sides as YAML with Secret values masked by
// the apply engine's masking (the one place masking lives), matched by kind, namespace and name.
import {
  LAST_APPLIED_ANNOTATION,
  forDisplay,
  formatSubject,
  maskSecrets,
  objMetadataOf,
} from '../../../apply/index.js';
import type { KubeObject } from '../../../kube/index.js';
import type { DiffResponse, ObjectDiff } from '../../api/types.js';

/** Both sides masked (when either is a Secret) and printed for people. */
export function displayPair(
  left: KubeObject | undefined,
  right: KubeObject | undefined,
): { left: string; right: string } {
  const { before, after } = maskSecrets(left, right);
  return { left: forDisplay(withoutCopy(before)), right: forDisplay(withoutCopy(after)) };
}

/** Without the annotation in which `kubectl apply` keeps a copy of the whole manifest (noise here). */
function withoutCopy(obj: KubeObject | undefined): KubeObject | undefined {
  if (!obj?.metadata.annotations?.[LAST_APPLIED_ANNOTATION]) return obj;
  const copy = structuredClone(obj);
  delete copy.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  return copy;
}

export function subjectOf(obj: KubeObject): string {
  return formatSubject(objMetadataOf(obj));
}

/** One object's diff; unchanged objects carry no YAML (the page shows only their names). */
export function objectDiff(
  subject: string,
  left: KubeObject | undefined,
  right: KubeObject | undefined,
): ObjectDiff {
  const shown = displayPair(left, right);
  const change = !left
    ? 'added'
    : !right
      ? 'removed'
      : shown.left === shown.right
        ? 'unchanged'
        : 'modified';
  return change === 'unchanged'
    ? { subject, change, left: '', right: '' }
    : { subject, change, left: shown.left, right: shown.right };
}

const ORDER: Record<ObjectDiff['change'], number> = {
  modified: 0,
  added: 1,
  removed: 2,
  unchanged: 3,
};

/** Diffs two sets of objects (two renders, or live against desired). */
export function diffSets(
  labels: { left: string; right: string },
  pairs: Iterable<{ subject: string; left: KubeObject | undefined; right: KubeObject | undefined }>,
): DiffResponse {
  const objects = [...pairs]
    .map((p) => objectDiff(p.subject, p.left, p.right))
    .sort((a, b) => ORDER[a.change] - ORDER[b.change] || a.subject.localeCompare(b.subject));
  const summary = { added: 0, removed: 0, modified: 0, unchanged: 0 };
  for (const o of objects) summary[o.change]++;
  return { left: labels.left, right: labels.right, objects, summary };
}

/** Pairs two renders by subject. */
export function pairRenders(
  left: readonly KubeObject[],
  right: readonly KubeObject[],
): { subject: string; left: KubeObject | undefined; right: KubeObject | undefined }[] {
  const byLeft = new Map(left.map((o) => [subjectOf(o), o]));
  const byRight = new Map(right.map((o) => [subjectOf(o), o]));
  const subjects = new Set([...byLeft.keys(), ...byRight.keys()]);
  return [...subjects].map((subject) => ({
    subject,
    left: byLeft.get(subject),
    right: byRight.get(subject),
  }));
}
