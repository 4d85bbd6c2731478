// The Changes screen: who changed what and when, from the Git history of every source branch,
// filtered on the server (author, kind, namespace, change type, source, words), each commit linked
// to the apps it reached (their path holds a changed file) and when each cluster applied it.
import type {
  ChangeApp,
  ChangeRow,
  ChangeType,
  ChangesPage,
  ObjectChange,
} from '../../api/types.js';
import type { Fleet } from '../fleet.js';
import { pageOf, type Paging } from '../paging.js';
import { commitOf } from '../sources.js';
import type { RepoCommit, RepoHistory } from './repo-history.js';

export interface ChangesQuery extends Paging {
  readonly q: string;
  readonly authors: readonly string[];
  readonly kinds: readonly string[];
  readonly namespaces: readonly string[];
  readonly types: readonly ChangeType[];
  readonly sources: readonly string[];
  /** Only commits that reached this app. */
  readonly app?: string;
}

/** Apps listed per commit; the rest are counted. */
const MAX_APPS = 20;

interface LinkedApp {
  readonly id: string;
  readonly cluster: string;
  readonly path: string;
  /** Position of the applied commit in the repository's history (0 = head). */
  readonly appliedAt: number | undefined;
  /** When each known applied revision was applied, as positions. */
  readonly records: readonly { readonly position: number; readonly time: string }[];
}

export function sourceLabel(repo: RepoHistory): string {
  return `${repo.url} (${repo.branch})`;
}

function linkedApps(fleet: Fleet, repo: RepoHistory): LinkedApp[] {
  return fleet.appsOfRepo(repo).flatMap((id) => {
    const ref = fleet.appRef(id);
    const row = fleet.apps.get(id);
    if (!ref || !row) return [];
    const sha = commitOf(row.revision);
    const records = fleet.history.appliedOf(id).flatMap((r) => {
      const s = commitOf(r.revision);
      const position = s ? repo.position(s) : undefined;
      return position === undefined ? [] : [{ position, time: r.appliedAt }];
    });
    return [
      {
        id,
        cluster: row.cluster,
        path: ref.provider.pathOf(ref.obj),
        appliedAt: sha ? repo.position(sha) : undefined,
        records,
      },
    ];
  });
}

function reaches(app: LinkedApp, commit: RepoCommit): boolean {
  return (
    app.path === '' || commit.files.some((f) => f === app.path || f.startsWith(`${app.path}/`))
  );
}

function linkOf(app: LinkedApp, position: number): ChangeApp {
  const applied = app.appliedAt !== undefined && app.appliedAt <= position;
  // The first record (oldest first) of a revision at or after the commit is when it arrived.
  const first = app.records.find((r) => r.position <= position && r.time !== '');
  return {
    app: app.id,
    cluster: app.cluster,
    applied,
    appliedAt: applied && first ? first.time : '',
  };
}

function matchObjects(c: RepoCommit, q: ChangesQuery): readonly ObjectChange[] {
  if (q.kinds.length === 0 && q.namespaces.length === 0 && q.types.length === 0) return c.objects;
  return c.objects.filter(
    (o) =>
      (q.kinds.length === 0 || q.kinds.includes(o.kind)) &&
      (q.namespaces.length === 0 || q.namespaces.includes(o.namespace)) &&
      (q.types.length === 0 || q.types.includes(o.change)),
  );
}

export function queryChanges(fleet: Fleet, q: ChangesQuery): ChangesPage {
  const words = q.q
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  const objectFilter = q.kinds.length > 0 || q.namespaces.length > 0 || q.types.length > 0;
  const authors = new Set<string>();
  const kinds = new Set<string>();
  const namespaces = new Set<string>();
  const sources: string[] = [];
  const rows: {
    commit: RepoCommit;
    repo: RepoHistory;
    position: number;
    objects: readonly ObjectChange[];
    apps: LinkedApp[];
  }[] = [];
  for (const repo of fleet.repos.all()) {
    const label = sourceLabel(repo);
    sources.push(label);
    if (q.sources.length > 0 && !q.sources.includes(label)) continue;
    const apps = linkedApps(fleet, repo);
    repo.commits.forEach((c, position) => {
      authors.add(c.author);
      for (const o of c.objects) {
        kinds.add(o.kind);
        if (o.namespace) namespaces.add(o.namespace);
      }
      if (q.authors.length > 0 && !q.authors.includes(c.author) && !q.authors.includes(c.email))
        return;
      const objects = matchObjects(c, q);
      if (objectFilter && objects.length === 0) return;
      if (words.length > 0) {
        const hay =
          `${c.sha} ${c.subject} ${c.author} ${c.email} ${c.files.join(' ')}`.toLowerCase();
        if (!words.every((w) => hay.includes(w))) return;
      }
      if (q.app !== undefined && !apps.some((a) => a.id === q.app && reaches(a, c))) return;
      rows.push({ commit: c, repo, position, objects, apps });
    });
  }
  rows.sort((a, b) => b.commit.date.localeCompare(a.commit.date) || a.position - b.position);
  const page = pageOf(rows, q);
  return {
    ...page,
    items: page.items.map(({ commit: c, repo, position, objects, apps }): ChangeRow => {
      const reached = apps.filter((a) => reaches(a, c));
      const links = reached.map((a) => linkOf(a, position));
      return {
        sha: c.sha,
        source: sourceLabel(repo),
        url: repo.url,
        branch: repo.branch,
        author: c.author,
        email: c.email,
        date: c.date,
        subject: c.subject,
        objects,
        files: c.files.length,
        apps: links.slice(0, MAX_APPS),
        appsTotal: links.length,
        appsApplied: links.filter((l) => l.applied).length,
      };
    }),
    authors: [...authors].sort().slice(0, 200),
    kinds: [...kinds].sort(),
    namespaces: [...namespaces].sort().slice(0, 200),
    sources: sources.sort(),
  };
}
