// Roll back through Git: the commits that touched an app since the chosen revision are reverted
// in one new commit on top of the source branch (`git revert`), shown first as a preview (the
// commits, the files, the patch and what the app renders to before and after) and pushed only when
// confirmed. The cluster is never written directly: the controller applies the new commit.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FlotillaError } from '../../../core/index.js';
import { parseYamlDocuments } from '../../../render/index.js';
import { runGit } from '../../../source/index.js';
import type { CommitInfo, RevertPreview } from '../../api/types.js';
import { diffSets, pairRenders } from '../diff/object-diff.js';
import type { AppRenderer } from '../diff/renderer.js';
import type { Fleet } from '../fleet.js';
import type { RepoHistory } from '../git/repo-history.js';
import { HttpError } from '../http/errors.js';
import { commitOf } from '../sources.js';
import { readFull, requireApp } from './app-detail.js';

export interface PreparedRollback extends RevertPreview {
  readonly app: string;
  readonly user: string;
  /** The revert commit, in the mirror, not pushed yet. */
  readonly commit: string;
  readonly expiresAt: number;
}

/** Previews expire after this long; a commit needs a fresh preview. */
const PREVIEW_TTL_MS = 15 * 60_000;
const COMMITTER = { name: 'Flotilla Tower', email: 'tower@flotilla.invalid' };

const git = (
  repo: RepoHistory,
  args: readonly string[],
  extra: { cwd?: string; env?: Record<string, string> } = {},
) =>
  runGit(['--git-dir', repo.mirror.dir, ...args], { ...extra, timeoutMs: 120_000 }).then(
    (r) => r.stdout,
  );

/** Whether a manifest text holds a Secret (its content then never leaves the server). */
function holdsSecret(text: string): boolean {
  if (!/\bkind:\s*["']?Secret\b/.test(text)) return false;
  try {
    return parseYamlDocuments(text).some(
      (d) =>
        typeof d === 'object' &&
        d !== null &&
        !Array.isArray(d) &&
        (d as Record<string, unknown>)['kind'] === 'Secret',
    );
  } catch {
    return true;
  }
}

/** The patch between two commits, with the hunks of files holding Secrets replaced by a note. */
async function maskedPatch(
  repo: RepoHistory,
  from: string,
  to: string,
  files: readonly string[],
): Promise<string> {
  const parts: string[] = [];
  for (const path of files) {
    const [before, after] = await Promise.all(
      [from, to].map((c) =>
        runGit(['--git-dir', repo.mirror.dir, 'cat-file', '-p', `${c}:${path}`], {
          okCodes: [0, 128],
        }).then((r) => (r.code === 0 ? r.stdout : '')),
      ),
    );
    if (holdsSecret(before ?? '') || holdsSecret(after ?? '')) {
      parts.push(
        `diff --git a/${path} b/${path}\n# ${path} holds a Secret: its content is not shown\n`,
      );
      continue;
    }
    parts.push(await git(repo, ['diff', '--no-color', '--no-ext-diff', from, to, '--', path]));
  }
  return parts.join('');
}

export class Rollbacks {
  private readonly previews = new Map<string, PreparedRollback>();

  constructor(
    private readonly fleet: Fleet,
    private readonly renderer: AppRenderer,
    private readonly workDir: string,
  ) {}

  /** Prepares the revert commit (not pushed) and what it would change. */
  async preview(id: string, revision: string, user: string): Promise<RevertPreview> {
    const ref = requireApp(this.fleet, id);
    const repo = this.fleet.repoOf(id);
    if (!repo)
      throw new HttpError(
        409,
        'NoGitSource',
        'roll back needs a GitRepository source that tracks a branch',
      );
    const target =
      commitOf(revision) ?? (/^[0-9a-f]{40,64}$/.test(revision) ? revision : undefined);
    if (!target) throw new HttpError(400, 'BadRequest', `'${revision}' is not a revision`);
    await this.fleet.repos.refreshNow(repo);
    const head = repo.head;
    if (!head)
      throw new HttpError(
        409,
        'SourceUnavailable',
        `${repo.url} could not be fetched: ${repo.lastError}`,
      );
    if (!(await repo.mirror.hasCommit(target)) || !(await repo.mirror.isAncestor(target, head))) {
      throw new HttpError(
        409,
        'NotAnAncestor',
        `${target.slice(0, 12)} is not an earlier commit of ${repo.branch}`,
      );
    }
    const path = ref.provider.pathOf(ref.obj);
    const shas = (
      await git(repo, [
        'rev-list',
        '--no-merges',
        `${target}..${head}`,
        '--',
        path === '' ? '.' : path,
      ])
    )
      .split('\n')
      .filter((s) => s !== '');
    if (shas.length === 0) {
      throw new HttpError(
        409,
        'NothingToRevert',
        `no commit after ${target.slice(0, 12)} changed ${path || 'the repository'}`,
      );
    }
    const commits: CommitInfo[] = shas.map((sha) => {
      const c = repo.commit(sha);
      return c
        ? { sha, author: c.author, email: c.email, date: c.date, subject: c.subject }
        : { sha, author: '', email: '', date: '', subject: '' };
    });
    const short = target.slice(0, 7);
    const message = [
      `Roll back ${ref.obj.metadata.namespace ?? ''}/${ref.obj.metadata.name ?? ''} on ${ref.cluster.name} to ${short}`,
      '',
      'This reverts commits:',
      ...commits.map((c) => `  ${c.sha.slice(0, 12)} ${c.subject}`),
      '',
      `Requested-by: ${user} (through Flotilla Tower)`,
      '',
    ].join('\n');
    const commit = await this.revertCommit(repo, head, shas, message, user);
    const files = (await git(repo, ['diff', '--name-status', '--no-renames', head, commit]))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const [status = '', ...rest] = l.split('\t');
        const p = rest.join('\t');
        return {
          path: p,
          status,
          outsideApp: path !== '' && p !== path && !p.startsWith(`${path}/`),
        };
      });
    const full = await readFull(ref);
    const renderTarget = { id, provider: ref.provider, client: ref.cluster.client, full };
    const [now, after] = await Promise.all([
      this.renderer.atCommit(renderTarget, repo, head),
      this.renderer.atCommit(renderTarget, repo, commit),
    ]);
    const previewId = randomBytes(12).toString('hex');
    const prepared: PreparedRollback = {
      id: previewId,
      target: revision,
      branch: repo.branch,
      head,
      commits,
      message,
      files,
      patch: await maskedPatch(
        repo,
        head,
        commit,
        files.map((f) => f.path),
      ),
      diff: diffSets(
        { left: `${repo.branch} now (${head.slice(0, 7)})`, right: `after the revert` },
        pairRenders(now, after),
      ),
      app: id,
      user,
      commit,
      expiresAt: Date.now() + PREVIEW_TTL_MS,
    };
    this.prune();
    this.previews.set(previewId, prepared);
    const { app: _a, user: _u, commit: _c, expiresAt: _e, ...preview } = prepared;
    return preview;
  }

  /** The prepared rollback of a preview, if it is the user's and has not expired. */
  take(previewId: string, id: string, user: string): PreparedRollback {
    this.prune();
    const p = this.previews.get(previewId);
    if (!p || p.app !== id || p.user !== user) {
      throw new HttpError(
        404,
        'PreviewNotFound',
        'no such rollback preview (it may have expired): preview again',
      );
    }
    this.previews.delete(previewId);
    return p;
  }

  /** Pushes a prepared revert commit to the source branch; refused if the branch moved since. */
  async push(p: PreparedRollback): Promise<void> {
    const repo = this.fleet.repoOf(p.app);
    if (!repo) throw new HttpError(409, 'NoGitSource', 'the app no longer has a Git source');
    await this.fleet.repos.refreshNow(repo);
    if (repo.head !== p.head) {
      throw new HttpError(
        409,
        'BranchMoved',
        `${repo.branch} moved to ${repo.head.slice(0, 7)} since the preview: preview again`,
      );
    }
    await repo.withAuth(async (auth) => {
      await runGit(
        [
          '--git-dir',
          repo.mirror.dir,
          'push',
          '--porcelain',
          '--',
          repo.url,
          `${p.commit}:refs/heads/${repo.branch}`,
        ],
        { env: auth?.env ?? {}, secrets: auth?.secrets ?? [], timeoutMs: 120_000 },
      ).catch((err: unknown) => {
        throw new FlotillaError(
          `push to ${repo.url} failed: ${err instanceof Error ? err.message : String(err)}`,
          {
            reason: 'PushFailed',
            category: 'Transient',
          },
        );
      });
    });
    await this.fleet.repos.refreshNow(repo);
  }

  private prune(): void {
    const now = Date.now();
    for (const [k, p] of this.previews) if (p.expiresAt <= now) this.previews.delete(k);
  }

  /** `git revert --no-commit` of the commits (newest first) in a throw-away worktree, committed. */
  private async revertCommit(
    repo: RepoHistory,
    head: string,
    shas: readonly string[],
    message: string,
    user: string,
  ): Promise<string> {
    await mkdir(this.workDir, { recursive: true });
    const dir = await mkdtemp(join(this.workDir, 'revert-'));
    const tree = join(dir, 'tree');
    return repo.mirror.locked(async () => {
      try {
        await git(repo, ['worktree', 'add', '--detach', '--no-checkout', tree, head]);
        await runGit(['reset', '-q', '--hard', head], { cwd: tree });
        const reverted = await runGit(['revert', '--no-commit', '--no-edit', ...shas], {
          cwd: tree,
          okCodes: [0, 1],
        });
        if (reverted.code !== 0) {
          const conflicts = (
            await runGit(['diff', '--name-only', '--diff-filter=U'], { cwd: tree })
          ).stdout.trim();
          throw new HttpError(
            409,
            'RevertConflict',
            `the revert does not apply cleanly${conflicts ? `: conflicts in ${conflicts.split('\n').join(', ')}` : ''}`,
          );
        }
        const author = { GIT_AUTHOR_NAME: user, GIT_AUTHOR_EMAIL: user.includes('@') ? user : '' };
        const env = {
          ...author,
          GIT_COMMITTER_NAME: COMMITTER.name,
          GIT_COMMITTER_EMAIL: COMMITTER.email,
        };
        await runGit(['commit', '-q', '--allow-empty-message', '-F', '-'], {
          cwd: tree,
          env,
          input: message,
        });
        return (await runGit(['rev-parse', 'HEAD'], { cwd: tree })).stdout.trim();
      } finally {
        await git(repo, ['worktree', 'remove', '--force', tree]).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
        await git(repo, ['worktree', 'prune']).catch(() => undefined);
      }
    });
  }
}
