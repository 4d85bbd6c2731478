// Detects rewritten history: a tracked branch whose new head does not descend from the last revision.
import type { CatFile } from './cat-file.js';
import type { GitMirror } from './mirror.js';

/** What is known about how a branch moved from the last fetched commit to the new head. */
export interface HistoryCheck {
  /** True when the new head does not descend from the last commit (a force push). */
  readonly rewritten: boolean;
  /** False when the last commit exists neither in the mirror nor on the remote any more. */
  readonly lastCommitAvailable: boolean;
}

/** Parent generations walked through `catFile` before asking `git merge-base`. */
const PARENT_WALK_COMMITS = 64;

/**
 * Compares the last fetched commit with the new head. The new head must already be in the
 * mirror. A last commit missing from the mirror is fetched by id; if the remote no longer has
 * it either, it was dropped from history, which counts as a rewrite. With `catFile`, the usual
 * case (the branch moved forward by a few commits) is settled by walking the new head's parents
 * on that process; anything else goes to `git merge-base`.
 */
export async function checkHistory(
  mirror: GitMirror,
  lastCommit: string,
  newHead: string,
  catFile?: CatFile,
): Promise<HistoryCheck> {
  if (lastCommit === newHead) return { rewritten: false, lastCommitAvailable: true };
  if (catFile && (await reachesWithin(catFile, lastCommit, newHead, PARENT_WALK_COMMITS)))
    return { rewritten: false, lastCommitAvailable: true };
  let descends = await mirror.ancestry(lastCommit, newHead);
  if (descends === undefined) {
    await mirror.fetch([lastCommit]).catch(() => undefined);
    descends = await mirror.ancestry(lastCommit, newHead);
    if (descends === undefined) return { rewritten: true, lastCommitAvailable: false };
  }
  return { rewritten: !descends, lastCommitAvailable: true };
}

/** True when `ancestor` is found among the first `limit` commits behind `head` (breadth-first). */
async function reachesWithin(
  cat: CatFile,
  ancestor: string,
  head: string,
  limit: number,
): Promise<boolean> {
  let frontier = [head];
  const seen = new Set(frontier);
  let read = 0;
  while (frontier.length > 0 && read < limit) {
    const commits = await cat.read(frontier);
    read += frontier.length;
    const next: string[] = [];
    for (const c of commits) {
      if (c?.type !== 'commit') return false;
      const text = c.body.toString('latin1');
      const end = text.indexOf('\n\n');
      for (const line of (end < 0 ? text : text.slice(0, end)).split('\n')) {
        if (!line.startsWith('parent ')) continue;
        const parent = line.slice('parent '.length);
        if (parent === ancestor) return true;
        if (!seen.has(parent)) {
          seen.add(parent);
          next.push(parent);
        }
      }
    }
    frontier = next;
  }
  return false;
}
