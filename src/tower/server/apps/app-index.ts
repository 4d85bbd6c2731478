// The Fleet's rows in memory, with filtering, search, sorting and paging done here on the server,
// so a page of the Fleet screen carries only the rows it shows, whatever the fleet's size.
import type {
  AppRow,
  AppStatus,
  Counts,
  DriftState,
  MatrixCell,
  MatrixRow,
  Page,
} from '../../api/types.js';
import { pageOf, type Paging } from '../paging.js';

export const APP_SORTS = ['name', 'cluster', 'status', 'lastChange', 'behind'] as const;
export type AppSort = (typeof APP_SORTS)[number];

export interface FleetQuery extends Paging {
  /** Words that must all appear in the app's name, namespace, cluster, source or message. */
  readonly q: string;
  readonly clusters: readonly string[];
  readonly environments: readonly string[];
  readonly kinds: readonly string[];
  readonly statuses: readonly AppStatus[];
  readonly drift: readonly DriftState[];
  readonly namespaces: readonly string[];
  readonly sort: AppSort;
  readonly desc: boolean;
}

const STATUS_ORDER: Record<AppStatus, number> = {
  failing: 0,
  progressing: 1,
  unknown: 2,
  suspended: 3,
  ready: 4,
};

/** Code-point order: Kubernetes names are ASCII, and ICU's localeCompare costs ~10× more. */
const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const byName = (a: AppRow, b: AppRow): number =>
  text(a.name, b.name) ||
  text(a.namespace, b.namespace) ||
  text(a.kind, b.kind) ||
  text(a.cluster, b.cluster);

/**
 * The other sorts compare their own key only: they sort rows already in name order, and
 * Array.prototype.sort is stable, so ties stay in name order.
 */
const COMPARE: Record<AppSort, (a: AppRow, b: AppRow) => number> = {
  name: byName,
  cluster: (a, b) => text(a.cluster, b.cluster),
  status: (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status],
  lastChange: (a, b) => text(b.lastChange, a.lastChange),
  behind: (a, b) => (b.behind ?? -1) - (a.behind ?? -1),
};

export function emptyCounts(): Counts {
  return { total: 0, ready: 0, failing: 0, progressing: 0, suspended: 0, behind: 0 };
}

function count(rows: Iterable<AppRow>): Counts {
  const c = { ...emptyCounts() };
  for (const r of rows) {
    c.total++;
    if (r.status === 'ready') c.ready++;
    else if (r.status === 'failing') c.failing++;
    else if (r.status === 'progressing') c.progressing++;
    else if (r.status === 'suspended') c.suspended++;
    if (r.drift === 'behind') c.behind++;
  }
  return c;
}

export class AppIndex {
  private readonly rows = new Map<string, AppRow>();
  /** Each row's search text, by the row itself (identity lookups beat hashing 10,000 ids). */
  private readonly haystacks = new WeakMap<AppRow, string>();
  /** Each row's matrix key, made once (a string made once also hashes once). */
  private readonly matrixKeys = new WeakMap<AppRow, string>();
  private sorted: AppRow[] | undefined;
  private fleetCounts: Counts | undefined;

  get size(): number {
    return this.rows.size;
  }

  get(id: string): AppRow | undefined {
    return this.rows.get(id);
  }

  /** Stores a row; returns false when nothing changed. */
  upsert(row: AppRow): boolean {
    const old = this.rows.get(row.id);
    if (old && sameRow(old, row)) return false;
    this.rows.set(row.id, row);
    this.matrixKeys.set(row, `${row.kind}/${row.namespace}/${row.name}`);
    this.haystacks.set(
      row,
      [
        row.name,
        row.namespace,
        row.cluster,
        row.environment,
        row.kind,
        row.source?.name ?? '',
        row.source?.url ?? '',
        row.revision,
        row.message,
      ]
        .join('\n')
        .toLowerCase(),
    );
    this.sorted = undefined;
    this.fleetCounts = undefined;
    return true;
  }

  remove(id: string): boolean {
    const had = this.rows.delete(id);
    if (had) {
      this.sorted = undefined;
      this.fleetCounts = undefined;
    }
    return had;
  }

  /** Every row, sorted by name. */
  all(): readonly AppRow[] {
    this.sorted ??= [...this.rows.values()].sort(byName);
    return this.sorted;
  }

  counts(): Counts {
    this.fleetCounts ??= count(this.rows.values());
    return this.fleetCounts;
  }

  /** Counts by cluster name. */
  appsByCluster(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.rows.values()) out.set(r.cluster, (out.get(r.cluster) ?? 0) + 1);
    return out;
  }

  filter(q: FleetQuery): AppRow[] {
    const words = q.q
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => w !== '');
    const inSet = <T>(set: readonly T[], v: T) => set.length === 0 || set.includes(v);
    return this.all().filter((r) => {
      if (!inSet(q.clusters, r.cluster)) return false;
      if (!inSet(q.environments, r.environment)) return false;
      if (!inSet(q.kinds, r.kind)) return false;
      if (!inSet(q.statuses, r.status)) return false;
      if (!inSet(q.drift, r.drift)) return false;
      if (!inSet(q.namespaces, r.namespace)) return false;
      if (words.length === 0) return true;
      const hay = this.haystacks.get(r) ?? '';
      return words.every((w) => hay.includes(w));
    });
  }

  /** One page of rows matching the query, with counts over all matching rows. */
  query(q: FleetQuery): Page<AppRow> & { counts: Counts } {
    const rows = this.filter(q);
    if (q.sort !== 'name' || q.desc) {
      rows.sort(COMPARE[q.sort]);
      if (q.desc) rows.reverse();
    }
    return { ...pageOf(rows, q), counts: count(rows) };
  }

  /**
   * The matrix view: rows matching the query grouped by `Kind/namespace/name`, one cell per
   * cluster, a page of keys at a time.
   */
  matrix(q: FleetQuery): Page<MatrixRow> & { counts: Counts } {
    const rows = this.filter(q);
    const groups = new Map<string, AppRow[]>();
    for (const r of rows) {
      const key = this.matrixKeys.get(r) ?? `${r.kind}/${r.namespace}/${r.name}`;
      const g = groups.get(key);
      if (g) g.push(r);
      else groups.set(key, [r]);
    }
    // Keys come in name order (from the sorted rows); a stable sort keeps it among equals.
    let keys = [...groups.keys()];
    if (q.sort === 'status') {
      const worst = new Map<string, number>();
      for (const [key, g] of groups) {
        let w = Infinity;
        for (const r of g) w = Math.min(w, STATUS_ORDER[r.status]);
        worst.set(key, w);
      }
      keys = keys.sort((a, b) => (worst.get(a) ?? 0) - (worst.get(b) ?? 0));
    }
    if (q.desc) keys.reverse();
    const page = pageOf(keys, q);
    // Only the page's rows are built, and their cells carry only what a cell shows.
    const items = page.items.map((key): MatrixRow => {
      const g = groups.get(key) ?? [];
      const first = g[0];
      return {
        key,
        kind: first?.kind ?? 'Kustomization',
        namespace: first?.namespace ?? '',
        name: first?.name ?? '',
        cells: Object.fromEntries(g.map((r) => [r.cluster, cellOf(r)])),
      };
    });
    return { ...page, items, counts: count(rows) };
  }
}

function cellOf(r: AppRow): MatrixCell {
  return {
    id: r.id,
    status: r.status,
    revision: r.revision,
    drift: r.drift,
    suspended: r.suspended,
    ...(r.behind === undefined ? {} : { behind: r.behind }),
  };
}

function sameRow(a: AppRow, b: AppRow): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
