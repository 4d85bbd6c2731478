// Errors of the merge module: patch problems (400/422) and server-side apply conflicts (409).

/**
 * A patch that cannot be applied; the message names the operation and path. `status` is the HTTP
 * code kube-apiserver answers with: 400 BadRequest for a malformed patch document (not decodable
 * as its patch type, bad directive format, managedFields in an apply), 422 otherwise.
 */
export class PatchError extends Error {
  override readonly name = 'PatchError';
  readonly status: 400 | 422 | 500;
  constructor(message: string, status: 400 | 422 | 500 = 422) {
    super(message);
    this.status = status;
  }
}

/** One field that another manager owns with a different value. */
export interface ApplyConflict {
  /** The other manager's name (fieldManager). */
  readonly manager: string;
  /** The field path as kube-apiserver prints it, e.g. '.spec.replicas'. */
  readonly field: string;
}

/** How a conflicting managedFields entry is named in messages. */
export interface ConflictingManager {
  readonly manager: string;
  readonly operation: string;
  readonly apiVersion?: string;
  readonly subresource?: string;
}

/** A metav1.StatusCause of type FieldManagerConflict, as kube-apiserver puts in Status.details.causes. */
export interface ConflictCause {
  readonly reason: 'FieldManagerConflict';
  readonly message: string;
  readonly field: string;
}

/** Raised by serverSideApply when the applied configuration conflicts with other managers (HTTP 409). */
export class ApplyConflictError extends Error {
  override readonly name = 'ApplyConflictError';
  readonly conflicts: ApplyConflict[];
  /** Status.details.causes as kube-apiserver returns them. */
  readonly causes: ConflictCause[];
  constructor(found: readonly { entry: ConflictingManager; field: string }[]) {
    super(conflictMessage(found));
    this.conflicts = found.map((f) => ({ manager: f.entry.manager, field: f.field }));
    this.causes = found.map((f) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${printManager(f.entry)}`,
      field: f.field,
    }));
  }
}

/** kube-apiserver's printManager: Update entries show the apiVersion, subresources are named. */
function printManager(e: ConflictingManager): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource !== undefined && e.subresource !== '')
    s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion ?? ''}`;
  return s;
}

/**
 * Words conflicts like kube-apiserver's fieldmanager getConflictMessage: a single conflict on one
 * line; several grouped by manager (sorted), one '- path' line each.
 */
function conflictMessage(found: readonly { entry: ConflictingManager; field: string }[]): string {
  if (found.length === 1) {
    const f = found[0]!;
    return `Apply failed with 1 conflict: conflict with ${printManager(f.entry)}: ${f.field}`;
  }
  const byManager = new Map<string, string[]>();
  for (const f of found) {
    const key = printManager(f.entry);
    const list = byManager.get(key);
    if (list === undefined) byManager.set(key, [f.field]);
    else list.push(f.field);
  }
  const lines: string[] = [];
  for (const key of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${key}:`);
    for (const field of byManager.get(key)!) lines.push(`- ${field}`);
  }
  return `Apply failed with ${found.length} conflicts: ${lines.join('\n')}`;
}
