// Unified YAML diffs of one object for people: live object versus the dry-run result.
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { KubeObject } from '../kube/index.js';
import { maskSecrets } from './mask.js';

/** Fields that change on every write and say nothing about the desired state. */
export function forDisplay(obj: KubeObject | undefined): string {
  if (!obj) return '';
  const copy = structuredClone(obj);
  const m = copy.metadata;
  delete m.managedFields;
  delete m.resourceVersion;
  delete m.generation;
  delete m.uid;
  delete m.creationTimestamp;
  delete copy['status'];
  try {
    return stringify(copy, { sortMapEntries: true });
  } catch (err) {
    // the YAML printer recurses deeper than JSON's: a deeply nested object is shown as JSON
    if (!(err instanceof RangeError)) throw err;
    return `${JSON.stringify(copy, null, 2)}\n`;
  }
}

/**
 * A unified diff (3 lines of context) from `live` to `merged`, headed by the subject.
 * Secret values are masked. Empty when nothing differs.
 */
export function unifiedDiff(
  subject: string,
  live: KubeObject | undefined,
  merged: KubeObject | undefined,
): string {
  const { before, after } = maskSecrets(live, merged);
  const a = forDisplay(before);
  const b = forDisplay(after);
  if (a === b) return '';
  const patch = createTwoFilesPatch(
    live ? `a/${subject}` : '/dev/null',
    `b/${subject}`,
    a,
    b,
    '',
    '',
    { context: 3 },
  );
  // Drop the `=====` line and the empty tab-separated headers the library adds.
  return patch
    .split('\n')
    .filter((l) => !/^={10,}$/.test(l))
    .map((l) => l.replace(/^(---|\+\+\+) (.*?)\t$/, '$1 $2'))
    .join('\n');
}
