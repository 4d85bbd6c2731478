// Actions on apps, performed through the Kubernetes API as the logged-in user (impersonation, so
// the cluster's RBAC decides and its audit log names the user) and recorded as Events on the app:
// reconcile now (optionally its source first), suspend, resume, and roll back through Git.
import { Annotation, errorMessage } from '../../../core/index.js';
import { isForbidden, type KubeClient, type KubeObject } from '../../../kube/index.js';
import { EventRecorder } from '../../../controller/index.js';
import type { ActionResult, RevertPreview } from '../../api/types.js';
import type { AppRef, Fleet } from '../fleet.js';
import { HttpError } from '../http/errors.js';
import { SOURCE_API_VERSION } from '../sources.js';
import { readFull, requireApp } from './app-detail.js';
import type { Rollbacks } from './rollback.js';

/** Who acts: the logged-in user's name and groups. */
export interface Actor {
  readonly user: string;
  readonly groups: readonly string[];
}

/** The reportingController of Tower's Events. */
export const TOWER_CONTROLLER = 'flotilla/tower';

export class AppActions {
  private readonly recorders = new Map<string, EventRecorder>();
  private readonly clients = new Map<string, KubeClient>();

  constructor(
    private readonly fleet: Fleet,
    private readonly rollbacks: Rollbacks,
    private readonly instance: string,
  ) {}

  async reconcile(id: string, actor: Actor, withSource: boolean): Promise<ActionResult> {
    const ref = requireApp(this.fleet, id);
    const client = this.as(ref, actor);
    const requestedAt = new Date().toISOString();
    const src = ref.provider.sourceOf(ref.obj);
    await this.guard(async () => {
      if (withSource && src) {
        await client.patch(
          {
            apiVersion: SOURCE_API_VERSION,
            kind: src.kind,
            namespace: src.namespace,
            name: src.name,
          },
          'merge',
          { metadata: { annotations: { [Annotation.ReconcileRequestedAt]: requestedAt } } },
        );
      }
      await ref.provider.requestReconcile(client, ref.obj, requestedAt);
    });
    const what =
      withSource && src ? `reconcile of ${src.kind}/${src.name} and the app` : 'reconcile';
    await this.record(
      ref,
      actor,
      'ReconcileRequested',
      `${actor.user} requested a ${what} through Tower`,
    );
    return { ok: true, message: `requested a ${what} at ${requestedAt}` };
  }

  async setSuspended(id: string, actor: Actor, suspended: boolean): Promise<ActionResult> {
    const ref = requireApp(this.fleet, id);
    await this.guard(() => ref.provider.setSuspended(this.as(ref, actor), ref.obj, suspended));
    const verb = suspended ? 'suspended' : 'resumed';
    await this.record(
      ref,
      actor,
      suspended ? 'SuspendRequested' : 'ResumeRequested',
      `${actor.user} ${verb} reconciliation through Tower`,
    );
    return { ok: true, message: `${ref.provider.kind} ${verb}` };
  }

  previewRollback(id: string, actor: Actor, revision: string): Promise<RevertPreview> {
    return this.rollbacks.preview(id, revision, actor.user);
  }

  /** Pushes the previewed revert commit, then asks the source and the app to reconcile. */
  async rollback(id: string, actor: Actor, previewId: string): Promise<ActionResult> {
    const ref = requireApp(this.fleet, id);
    const prepared = this.rollbacks.take(previewId, id, actor.user);
    // The user must be allowed to change the app; a server-side dry-run asks the cluster's RBAC.
    const full = await readFull(ref);
    await this.guard(() =>
      this.as(ref, actor).patch(
        {
          apiVersion: full.apiVersion,
          kind: full.kind,
          namespace: full.metadata.namespace,
          name: full.metadata.name ?? '',
        },
        'merge',
        {
          metadata: {
            annotations: { [Annotation.ReconcileRequestedAt]: new Date().toISOString() },
          },
        },
        { dryRun: true },
      ),
    );
    await this.rollbacks.push(prepared);
    const short = prepared.commit.slice(0, 7);
    await this.record(
      ref,
      actor,
      'RollbackCommitted',
      `${actor.user} rolled back to ${prepared.target} through Tower: revert commit ${short} pushed to ${prepared.branch}`,
    );
    await this.reconcile(id, actor, true).catch(() => undefined);
    return {
      ok: true,
      message: `revert commit ${short} pushed to ${prepared.branch}`,
      commit: prepared.commit,
    };
  }

  /** A client of the app's cluster acting as the user. */
  private as(ref: AppRef, actor: Actor): KubeClient {
    const key = `${ref.cluster.name}\u0000${actor.user}\u0000${actor.groups.join(',')}`;
    let c = this.clients.get(key);
    if (!c) {
      c = ref.cluster.client.impersonating(actor.user, actor.groups);
      this.clients.set(key, c);
    }
    return c;
  }

  /** Runs a write; the cluster refusing the user becomes a 403 naming why. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isForbidden(err))
        throw new HttpError(403, 'Forbidden', `the cluster refused: ${errorMessage(err)}`);
      throw err;
    }
  }

  private async record(ref: AppRef, actor: Actor, reason: string, note: string): Promise<void> {
    let recorder = this.recorders.get(ref.cluster.name);
    if (!recorder) {
      recorder = new EventRecorder({
        client: ref.cluster.client,
        controller: TOWER_CONTROLLER,
        instance: this.instance,
      });
      this.recorders.set(ref.cluster.name, recorder);
    }
    const obj: KubeObject = await readFull(ref).catch(() => ref.obj);
    await recorder.record(obj, {
      type: 'Normal',
      reason,
      note,
      action: 'TowerAction',
      annotations: { 'tower.flotilla.dev/user': actor.user },
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
