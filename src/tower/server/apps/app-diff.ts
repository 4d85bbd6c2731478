// The App screen's diffs: live versus desired (the app rendered at its applied revision, dry-run
// against its target cluster as the controller would apply it, plus what prune would delete), and
// any two revisions of its source, or a revision against a branch, rendered and compared.
import {
  ResourceManager,
  formatSubject,
  objMetadataOf,
  parseObjectId,
} from '../../../apply/index.js';
import type { KubeObject } from '../../../kube/index.js';
import type { DiffResponse } from '../../api/types.js';
import { diffSets, pairRenders } from '../diff/object-diff.js';
import type { AppRenderer, RenderTarget } from '../diff/renderer.js';
import type { AppRef, Fleet } from '../fleet.js';
import type { RepoHistory } from '../git/repo-history.js';
import { HttpError } from '../http/errors.js';
import { commitOf } from '../sources.js';
import { readFull, requireApp } from './app-detail.js';

async function renderTarget(ref: AppRef, id: string): Promise<RenderTarget> {
  return { id, provider: ref.provider, client: ref.cluster.client, full: await readFull(ref) };
}

/** What the app renders to at its applied revision: from Git, or its source's artifact. */
async function desiredObjects(
  fleet: Fleet,
  renderer: AppRenderer,
  ref: AppRef,
  target: RenderTarget,
  revision: string,
): Promise<KubeObject[]> {
  const repo = fleet.repoOf(target.id);
  const sha = commitOf(revision);
  if (repo && sha) return renderer.atCommit(target, repo, sha);
  const src = ref.provider.sourceOf(ref.obj);
  if (!src) throw new HttpError(409, 'NoSource', 'the app has no source to render from');
  const source = await ref.cluster.client.get({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: src.kind,
    namespace: src.namespace,
    name: src.name,
  });
  const artifact = (
    source['status'] as { artifact?: { url?: string; digest?: string } } | undefined
  )?.artifact;
  if (!artifact?.url || !artifact.digest) {
    throw new HttpError(
      409,
      'NoArtifact',
      `${src.kind} ${src.namespace}/${src.name} has no artifact yet`,
    );
  }
  return renderer.fromArtifact(target, { url: artifact.url, digest: artifact.digest });
}

export async function liveDiff(
  fleet: Fleet,
  renderer: AppRenderer,
  id: string,
): Promise<DiffResponse> {
  const ref = requireApp(fleet, id);
  const target = await renderTarget(ref, id);
  const status = (target.full['status'] ?? {}) as {
    lastAppliedRevision?: string;
    inventory?: { entries?: { id: string; v: string }[] };
  };
  const revision = status.lastAppliedRevision ?? '';
  if (revision === '')
    throw new HttpError(409, 'NotApplied', 'the app has not applied any revision yet');
  const desired = await desiredObjects(fleet, renderer, ref, target, revision);
  const client = await ref.provider.targetClient(ref.cluster.client, target.full);
  const manager = new ResourceManager(client, {
    ownerLabels: ref.provider.ownerLabels(target.full),
    verifiedTtlMs: 0,
  });
  const { results } = await manager.diff(desired);
  const bySubject = new Map(desired.map((d) => [formatSubject(objMetadataOf(d)), d]));
  const pairs = results.map((r) => ({
    subject: r.entry.subject,
    left: r.live,
    // Skipped objects have no dry-run result; objects waiting for a new kind or namespace are shown as rendered.
    right: r.merged ?? (r.entry.action === 'skipped' ? r.live : bySubject.get(r.entry.subject)),
  }));
  // What prune would delete: in the inventory, not in the render.
  const spec = (target.full['spec'] ?? {}) as { prune?: boolean };
  if (spec.prune) {
    const rendered = new Set(pairs.map((p) => p.subject));
    for (const e of status.inventory?.entries ?? []) {
      const m = parseObjectId(e.id);
      const subject = formatSubject(m);
      if (rendered.has(subject)) continue;
      const apiVersion = m.group === '' ? e.v : `${m.group}/${e.v}`;
      const live = await client.getOrUndefined({
        apiVersion,
        kind: m.kind,
        name: m.name,
        namespace: m.namespace || undefined,
      });
      if (live) pairs.push({ subject, left: live, right: undefined });
    }
  }
  return diffSets({ left: `live on ${ref.cluster.name}`, right: `desired at ${revision}` }, pairs);
}

/** A revision (`main@sha1:…`, a commit id) or `branch:NAME`, as a commit of the repository. */
async function resolveRevision(
  repo: RepoHistory,
  spec: string,
): Promise<{ sha: string; label: string }> {
  if (spec.startsWith('branch:')) {
    const branch = spec.slice('branch:'.length);
    if (!/^[A-Za-z0-9._/-]+$/.test(branch) || branch.includes('..')) {
      throw new HttpError(400, 'BadQuery', `'${branch}' is not a branch name`);
    }
    const local = `refs/tower/branches/${branch}`;
    await repo.fetch([`+refs/heads/${branch}:${local}`]);
    const sha = await repo.mirror.resolveCommit(local);
    if (!sha) throw new HttpError(404, 'NotFound', `branch ${branch} not found in ${repo.url}`);
    return { sha, label: `branch ${branch} (${sha.slice(0, 7)})` };
  }
  const sha =
    commitOf(spec) ??
    (/^[0-9a-f]{7,64}$/.test(spec) ? await repo.mirror.resolveCommit(spec) : undefined);
  if (!sha) throw new HttpError(400, 'BadQuery', `'${spec}' is not a revision of ${repo.url}`);
  return { sha, label: spec.includes('@') ? spec : sha.slice(0, 12) };
}

export async function revisionDiff(
  fleet: Fleet,
  renderer: AppRenderer,
  id: string,
  from: string,
  to: string,
): Promise<DiffResponse> {
  const ref = requireApp(fleet, id);
  const repo = fleet.repoOf(id);
  if (!repo) throw new HttpError(409, 'NoGitSource', 'revision diffs need a GitRepository source');
  const target = await renderTarget(ref, id);
  const [a, b] = await Promise.all([resolveRevision(repo, from), resolveRevision(repo, to)]);
  const [left, right] = await Promise.all([
    renderer.atCommit(target, repo, a.sha),
    renderer.atCommit(target, repo, b.sha),
  ]);
  return diffSets({ left: a.label, right: b.label }, pairRenders(left, right));
}
