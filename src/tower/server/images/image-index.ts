// Every container image the fleet runs, from the pod templates of its workloads, grouped by image
// repository with the tags each environment and cluster runs side by side. A tag is outdated when
// it is behind the newest version seen in the fleet, or behind an ImagePolicy's latest where image
// automation tells it.
import type { KubeObject } from '../../../kube/index.js';
import type { ImageRow, ImageUse, ImagesPage } from '../../api/types.js';
import { pageOf, type Paging } from '../paging.js';
import { isOutdated, newestTag, parseImageRef } from './image-ref.js';

/** A workload's images, as the watch cache keeps them. */
export interface WorkloadImages {
  readonly cluster: string;
  readonly environment: string;
  /** `Kind/namespace/name` */
  readonly workload: string;
  /** The app that applied the workload, when its owner labels say. */
  readonly app?: string;
  readonly containers: readonly { readonly name: string; readonly image: string }[];
}

export interface ImagesQuery extends Paging {
  readonly q: string;
  readonly environments: readonly string[];
  readonly clusters: readonly string[];
  readonly outdatedOnly: boolean;
}

/** The containers of a workload's pod template (Deployment, StatefulSet, DaemonSet, CronJob, Pod). */
export function containersOf(obj: KubeObject): { name: string; image: string }[] {
  const spec = obj['spec'] as Record<string, unknown> | undefined;
  const podSpec = (
    obj.kind === 'Pod'
      ? spec
      : obj.kind === 'CronJob'
        ? (
            (spec?.['jobTemplate'] as Record<string, unknown> | undefined)?.['spec'] as
              Record<string, unknown> | undefined
          )?.['template']
        : spec?.['template']
  ) as Record<string, unknown> | undefined;
  const pod = (obj.kind === 'Pod' ? podSpec : podSpec?.['spec']) as
    Record<string, unknown> | undefined;
  const out: { name: string; image: string }[] = [];
  for (const field of ['initContainers', 'containers']) {
    const list = pod?.[field];
    if (!Array.isArray(list)) continue;
    for (const c of list as Record<string, unknown>[]) {
      if (typeof c['image'] === 'string')
        out.push({ name: typeof c['name'] === 'string' ? c['name'] : '', image: c['image'] });
    }
  }
  return out;
}

export class ImageIndex {
  private readonly workloads = new Map<string, WorkloadImages>();
  /** Image repository → latest tag by an ImagePolicy, by policy key. */
  private readonly policies = new Map<string, { repository: string; tag: string }>();
  private rows: ImageRow[] | undefined;

  setWorkload(key: string, w: WorkloadImages | undefined): boolean {
    const old = this.workloads.get(key);
    if (w === undefined) {
      if (!old) return false;
      this.workloads.delete(key);
    } else {
      if (old && JSON.stringify(old) === JSON.stringify(w)) return false;
      this.workloads.set(key, w);
    }
    this.rows = undefined;
    return true;
  }

  setPolicyLatest(key: string, latest: { repository: string; tag: string } | undefined): boolean {
    const old = this.policies.get(key);
    if (latest === undefined) {
      if (!old) return false;
      this.policies.delete(key);
    } else {
      if (old?.repository === latest.repository && old.tag === latest.tag) return false;
      this.policies.set(key, latest);
    }
    this.rows = undefined;
    return true;
  }

  /** Every image repository's row, by repository name. */
  all(): readonly ImageRow[] {
    this.rows ??= this.build();
    return this.rows;
  }

  query(q: ImagesQuery): ImagesPage {
    const words = q.q
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => w !== '');
    const inSet = (set: readonly string[], v: string) => set.length === 0 || set.includes(v);
    const rows: ImageRow[] = [];
    const environments = new Set<string>();
    for (const row of this.all()) {
      const envs: Record<string, ImageUse[]> = {};
      for (const [env, uses] of Object.entries(row.environments)) {
        environments.add(env);
        if (!inSet(q.environments, env)) continue;
        const kept = uses.filter((u) => inSet(q.clusters, u.cluster));
        if (kept.length > 0) envs[env] = kept;
      }
      if (Object.keys(envs).length === 0) continue;
      const outdated = Object.values(envs).some((uses) => uses.some((u) => u.outdated));
      if (q.outdatedOnly && !outdated) continue;
      if (words.length > 0) {
        const hay = [
          row.image,
          ...Object.values(envs).flatMap((u) =>
            u.map((x) => `${x.tag} ${x.app ?? ''} ${x.workload}`),
          ),
        ]
          .join(' ')
          .toLowerCase();
        if (!words.every((w) => hay.includes(w))) continue;
      }
      rows.push({ ...row, environments: envs, outdated });
    }
    return {
      ...pageOf(rows, q),
      environments: [...environments].sort(),
      outdated: rows.filter((r) => r.outdated).length,
    };
  }

  private build(): ImageRow[] {
    const byRepo = new Map<string, { env: string; use: Omit<ImageUse, 'outdated'> }[]>();
    for (const w of this.workloads.values()) {
      for (const c of w.containers) {
        const ref = parseImageRef(c.image);
        const list = byRepo.get(ref.repository) ?? [];
        list.push({
          env: w.environment,
          use: {
            tag: ref.tag,
            cluster: w.cluster,
            ...(w.app === undefined ? {} : { app: w.app }),
            workload: w.workload,
            container: c.name,
          },
        });
        byRepo.set(ref.repository, list);
      }
    }
    const policyLatest = new Map<string, string>();
    for (const p of this.policies.values()) policyLatest.set(p.repository, p.tag);
    const rows: ImageRow[] = [];
    for (const [repository, uses] of byRepo) {
      const fromPolicy = policyLatest.get(repository);
      const latest = fromPolicy ?? newestTag(uses.map((u) => u.use.tag)) ?? '';
      const environments: Record<string, ImageUse[]> = {};
      let outdated = false;
      for (const { env, use } of uses) {
        const o = isOutdated(use.tag, latest || undefined);
        outdated ||= o;
        (environments[env] ??= []).push({ ...use, outdated: o });
      }
      for (const list of Object.values(environments)) {
        list.sort(
          (a, b) => a.cluster.localeCompare(b.cluster) || a.workload.localeCompare(b.workload),
        );
      }
      rows.push({
        image: repository,
        latest,
        latestFrom: fromPolicy === undefined ? 'fleet' : 'policy',
        environments,
        outdated,
      });
    }
    return rows.sort((a, b) => a.image.localeCompare(b.image));
  }
}
