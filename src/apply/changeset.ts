// The result of an apply, diff or prune: one entry per object with the action taken.
import type { ObjMetadata } from './object-id.js';

/** What happened to an object (Flux's ssa.Action). */
export const Action = {
  Created: 'created',
  Configured: 'configured',
  Unchanged: 'unchanged',
  Deleted: 'deleted',
  Skipped: 'skipped',
} as const;
export type Action = (typeof Action)[keyof typeof Action];

export interface ChangeSetEntry {
  readonly objMetadata: ObjMetadata;
  /** e.g. `apps/v1`. */
  readonly groupVersion: string;
  /** `Kind/namespace/name` or `Kind/name`. */
  readonly subject: string;
  readonly action: Action;
  /** Human diff (unified YAML, Secrets masked), filled by diff. */
  readonly diff?: string;
}

/** An ordered list of entries. */
export class ChangeSet {
  readonly entries: ChangeSetEntry[] = [];

  add(entry: ChangeSetEntry): void {
    this.entries.push(entry);
  }

  append(entries: readonly ChangeSetEntry[]): void {
    this.entries.push(...entries);
  }

  /** Entries with the given action. */
  withAction(action: Action): ChangeSetEntry[] {
    return this.entries.filter((e) => e.action === action);
  }

  /** subject → action. */
  toMap(): Record<string, Action> {
    return Object.fromEntries(this.entries.map((e) => [e.subject, e.action]));
  }

  /** `Kind/ns/name action` lines, as Flux logs and events print them. */
  toString(): string {
    return this.entries.map((e) => `${e.subject} ${e.action}`).join('\n');
  }
}
