// Detects rewritten history: a tracked branch whose new head does not descend from the last revision.
import type { GitMirror } from './mirror.js';

/** What is known about how a branch moved from the last fetched commit to the new head. */
export interface HistoryCheck {
  /** True when the new head does not descend from the last commit (a force push). */
  readonly rewritten: boolean;
  /** False when the last commit exists neither in the mirror nor on the remote any more. */
  readonly lastCommitAvailable: boolean;
}

/**
 * Compares the last fetched commit with the new head. The new head must already be in the
 * mirror. A last commit missing from the mirror is fetched by id; if the remote no longer has
 * it either, it was dropped from history, which counts as a rewrite.
 */
export async function checkHistory(
  mirror: GitMirror,
  lastCommit: string,
  newHead: string,
): Promise<HistoryCheck> {
  if (lastCommit === newHead) return { rewritten: false, lastCommitAvailable: true };
  let descends = await mirror.ancestry(lastCommit, newHead);
  if (descends === undefined) {
    await mirror.fetch([lastCommit]).catch(() => undefined);
    descends = await mirror.ancestry(lastCommit, newHead);
    if (descends === undefined) return { rewritten: true, lastCommitAvailable: false };
  }
  return { rewritten: !descends, lastCommitAvailable: true };
}
