// Discovery cache: maps group/version/kind to API resources, refreshing when a kind is unknown.
import { FlotillaError } from '../core/index.js';
import { isNotFound } from './errors.js';
import type { KubeTransport } from './transport.js';
import { apiVersionOf, type GroupVersionKind } from './types.js';

/** One resource the API server serves, as APIResourceList describes it. */
export interface ApiResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The plural path segment, e.g. `deployments`. */
  readonly plural: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
  /** Subresources served, e.g. `status`, `scale`. */
  readonly subresources: readonly string[];
}

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
}

interface GroupEntry {
  fetchedAt: number;
  byKind: Map<string, ApiResource>;
}

/** Thrown when the server has no such kind, even after refreshing discovery. */
export class NoKindMatchError extends FlotillaError {
  constructor(gvk: GroupVersionKind) {
    super(`no matches for kind "${gvk.kind}" in version "${apiVersionOf(gvk)}"`, {
      reason: 'NoKindMatch',
      // A CRD may be installed later: worth retrying.
      category: 'RetryLater',
    });
    this.name = 'NoKindMatchError';
  }
}

/** Lazily fetches one group/version's resource list at a time and caches it. */
export class Discovery {
  private readonly groups = new Map<string, GroupEntry>();
  private readonly inflight = new Map<string, Promise<GroupEntry | undefined>>();

  constructor(private readonly transport: KubeTransport) {}

  /** The resource serving a GVK; refetches its group/version once if the kind is unknown. */
  async resourceFor(gvk: GroupVersionKind): Promise<ApiResource> {
    const gv = apiVersionOf(gvk);
    let entry = this.groups.get(gv);
    let found = entry?.byKind.get(gvk.kind);
    if (found) return found;
    // Unknown here: the cache may predate a CRD, so ask the server again.
    entry = await this.fetch(gv, entry);
    found = entry?.byKind.get(gvk.kind);
    if (!found) throw new NoKindMatchError(gvk);
    return found;
  }

  /** Like resourceFor, but undefined instead of NoKindMatchError. */
  async tryResourceFor(gvk: GroupVersionKind): Promise<ApiResource | undefined> {
    try {
      return await this.resourceFor(gvk);
    } catch (err) {
      if (err instanceof NoKindMatchError) return undefined;
      throw err;
    }
  }

  /**
   * Every namespaced resource that can be listed, in the preferred version of each group (what
   * a namespace's deletion goes through). Asks the server afresh, so new CRDs are included.
   */
  async namespacedResources(): Promise<ApiResource[]> {
    return (await this.listableResources()).filter((r) => r.namespaced);
  }

  /**
   * Every resource (namespaced or not) that can be listed, in the preferred version of each
   * group (what an audit goes through). Asks the server afresh, so new CRDs are included.
   */
  async listableResources(): Promise<ApiResource[]> {
    const core = JSON.parse(
      (await this.transport.request({ method: 'GET', path: '/api' })).body,
    ) as {
      versions?: string[];
    };
    const groups = JSON.parse(
      (await this.transport.request({ method: 'GET', path: '/apis' })).body,
    ) as {
      groups?: { preferredVersion?: { groupVersion?: string } }[];
    };
    const gvs = [
      ...(core.versions ?? []),
      ...(groups.groups ?? []).flatMap((g) => g.preferredVersion?.groupVersion ?? []),
    ];
    const entries = await Promise.all(gvs.map((gv) => this.fetch(gv, undefined)));
    return entries.flatMap((e) =>
      [...(e?.byKind.values() ?? [])].filter((r) => r.verbs.includes('list')),
    );
  }

  /** Forgets everything (or one group/version). */
  invalidate(apiVersion?: string): void {
    if (apiVersion === undefined) this.groups.clear();
    else this.groups.delete(apiVersion);
  }

  private fetch(gv: string, seen: GroupEntry | undefined): Promise<GroupEntry | undefined> {
    const pending = this.inflight.get(gv);
    // Join a fetch that started after the caller's cached view was taken.
    if (pending) return pending;
    const p = this.load(gv, seen).finally(() => this.inflight.delete(gv));
    this.inflight.set(gv, p);
    return p;
  }

  private async load(gv: string, _seen: GroupEntry | undefined): Promise<GroupEntry | undefined> {
    const path = gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`;
    let list: ApiResourceList;
    try {
      const res = await this.transport.request({ method: 'GET', path });
      list = JSON.parse(res.body) as ApiResourceList;
    } catch (err) {
      if (isNotFound(err)) {
        this.groups.delete(gv);
        return undefined;
      }
      throw err;
    }
    const slash = gv.indexOf('/');
    const group = slash < 0 ? '' : gv.slice(0, slash);
    const version = slash < 0 ? gv : gv.slice(slash + 1);
    const byKind = new Map<string, ApiResource>();
    const subs = new Map<string, string[]>();
    for (const r of list.resources ?? []) {
      const [base, sub] = r.name.split('/');
      if (base === undefined) continue;
      if (sub !== undefined) {
        subs.set(base, [...(subs.get(base) ?? []), sub]);
        continue;
      }
      byKind.set(r.kind, {
        group,
        version,
        kind: r.kind,
        plural: base,
        namespaced: r.namespaced,
        verbs: r.verbs ?? [],
        subresources: [],
      });
    }
    for (const [kind, res] of byKind) {
      const s = subs.get(res.plural);
      if (s) byKind.set(kind, { ...res, subresources: s });
    }
    const entry: GroupEntry = { fetchedAt: Date.now(), byKind };
    this.groups.set(gv, entry);
    return entry;
  }
}
