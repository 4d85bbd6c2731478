// The App screen's data: the app's spec and conditions, its conditions history, the revisions it
// applied with their commits (from Tower's observations and the cluster's Events), the commits of
// its source that touched it, the source's branches, and its Events.
import type { KubeObject } from '../../../kube/index.js';
import type {
  AppDetail,
  AppliedRevision,
  CommitInfo,
  EventRow,
  SourceCommit,
} from '../../api/types.js';
import type { AppRef, Fleet } from '../fleet.js';
import type { RepoHistory } from '../git/repo-history.js';
import { HttpError } from '../http/errors.js';
import { commitOf } from '../sources.js';

/** Events carry the revision they are about in this annotation (Flux's kustomize-controller). */
const REVISION_ANNOTATIONS = [
  'kustomize.toolkit.fluxcd.io/revision',
  'helm.toolkit.fluxcd.io/revision',
];
const MAX_EVENTS = 100;

interface KubeEvent extends KubeObject {
  type?: string;
  reason?: string;
  note?: string;
  eventTime?: string;
  reportingController?: string;
  series?: { count?: number; lastObservedTime?: string };
  deprecatedLastTimestamp?: string;
  deprecatedCount?: number;
}

/** The app an id names, or a 404. */
export function requireApp(fleet: Fleet, id: string): AppRef {
  const ref = fleet.appRef(id);
  if (!ref) throw new HttpError(404, 'NotFound', `no app ${decodeURIComponent(id)} in the fleet`);
  return ref;
}

/** The app object as the cluster has it now (full spec and status). */
export async function readFull(ref: AppRef): Promise<KubeObject> {
  return ref.cluster.client.get({
    apiVersion: ref.provider.apiVersion,
    kind: ref.provider.kind,
    namespace: ref.obj.metadata.namespace,
    name: ref.obj.metadata.name ?? '',
  });
}

function eventTime(e: KubeEvent): string {
  return (
    e.series?.lastObservedTime ??
    e.eventTime ??
    e.deprecatedLastTimestamp ??
    e.metadata.creationTimestamp ??
    ''
  );
}

/** The app's Events (events.k8s.io/v1), newest first. */
export async function appEvents(ref: AppRef): Promise<EventRow[]> {
  const list = await ref.cluster.client.list<KubeEvent>(
    { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
    {
      namespace: ref.obj.metadata.namespace ?? 'default',
      fieldSelector: `regarding.kind=${ref.provider.kind},regarding.name=${ref.obj.metadata.name ?? ''}`,
    },
  );
  return list.items
    .map((e): EventRow => {
      const revision = REVISION_ANNOTATIONS.map((a) => e.metadata.annotations?.[a]).find(Boolean);
      return {
        time: eventTime(e),
        type: e.type ?? '',
        reason: e.reason ?? '',
        message: e.note ?? '',
        count: e.series?.count ?? e.deprecatedCount ?? 1,
        source: e.reportingController ?? '',
        ...(revision ? { revision } : {}),
      };
    })
    .sort((a, b) => b.time.localeCompare(a.time))
    .slice(0, MAX_EVENTS);
}

/** Adds what the Events say about applied revisions to the app's history. */
export function learnFromEvents(fleet: Fleet, id: string, events: readonly EventRow[]): void {
  for (const e of events) {
    if (e.revision && e.type === 'Normal' && e.reason === 'ReconciliationSucceeded') {
      fleet.history.recordApplied(id, e.revision, e.time);
    }
  }
}

function commitInfo(repo: RepoHistory | undefined, revision: string): CommitInfo | undefined {
  const sha = commitOf(revision);
  const c = sha && repo ? repo.commit(sha) : undefined;
  return c
    ? { sha: c.sha, author: c.author, email: c.email, date: c.date, subject: c.subject }
    : undefined;
}

/** Applied revisions, newest first, with their commits. */
export function appliedRevisions(fleet: Fleet, id: string): AppliedRevision[] {
  const repo = fleet.repoOf(id);
  const current = fleet.apps.get(id)?.revision ?? '';
  return [...fleet.history.appliedOf(id)].reverse().map((r) => {
    const commit = commitInfo(repo, r.revision);
    return {
      revision: r.revision,
      appliedAt: r.appliedAt,
      current: r.revision === current,
      ...(commit ? { commit } : {}),
    };
  });
}

/** Commits of the app's source branch that touched its path, newest first. */
export function sourceCommits(fleet: Fleet, id: string, limit = 30): SourceCommit[] {
  const ref = fleet.appRef(id);
  const repo = fleet.repoOf(id);
  if (!ref || !repo) return [];
  const path = ref.provider.pathOf(ref.obj);
  const applied = commitOf(fleet.apps.get(id)?.revision ?? '');
  const appliedAt = applied ? repo.position(applied) : undefined;
  const out: SourceCommit[] = [];
  repo.commits.forEach((c, i) => {
    if (out.length >= limit) return;
    if (path !== '' && !c.files.some((f) => f === path || f.startsWith(`${path}/`))) return;
    out.push({
      sha: c.sha,
      author: c.author,
      email: c.email,
      date: c.date,
      subject: c.subject,
      applied: appliedAt !== undefined && i >= appliedAt,
      current: c.sha === applied,
    });
  });
  return out;
}

const branchCache = new Map<string, { at: number; branches: string[] }>();

/** The branches of the app's source repository (cached for 30 s). */
export async function branchesOf(repo: RepoHistory | undefined): Promise<string[]> {
  if (!repo) return [];
  const cached = branchCache.get(repo.url);
  if (cached && Date.now() - cached.at < 30_000) return cached.branches;
  const branches = await repo.branches().catch(() => [repo.branch]);
  branchCache.set(repo.url, { at: Date.now(), branches });
  return branches;
}

export async function appDetail(fleet: Fleet, id: string): Promise<AppDetail> {
  const ref = requireApp(fleet, id);
  const full = await readFull(ref);
  const events = await appEvents(ref).catch(() => []);
  learnFromEvents(fleet, id, events);
  const row = fleet.apps.get(id);
  if (!row) throw new HttpError(404, 'NotFound', `no app ${decodeURIComponent(id)} in the fleet`);
  const repo = fleet.repoOf(id);
  return {
    row,
    spec: ref.provider.specSummary(full),
    conditions: ref.provider.conditions(full),
    conditionHistory: [...fleet.history.conditionsOf(id)].reverse(),
    history: appliedRevisions(fleet, id),
    branches: await branchesOf(repo),
    actions: { reconcile: true, suspend: true, rollback: repo !== undefined },
    sourceCommits: sourceCommits(fleet, id),
    events,
  };
}
