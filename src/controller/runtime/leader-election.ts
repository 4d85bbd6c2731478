// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it: the
// holder renews the lease every retry period; others take over once they have seen no renewal
// for a whole lease duration (measured on their own clock, so clock skew does not matter).
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../kube/index.js';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../core/index.js';
import { ErrorCategory, FlotillaError, errorMessage, silentLogger } from '../../core/index.js';
import { microTime } from './micro-time.js';

export interface LeaderElectionOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  /** Lease name. */
  readonly name: string;
  /** This process's identity (e.g. hostname + random suffix). */
  readonly identity: string;
  /** How long a lease is valid without renewal. @default 8_000 */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it gives up leadership. @default 6_000 */
  readonly renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew. @default 1_000 */
  readonly retryPeriodMs?: number;
  /** Called once when this process becomes leader; the signal aborts when leadership is lost. */
  readonly onStartedLeading: (signal: AbortSignal) => void;
  /** Called when leadership is lost or released. */
  readonly onStoppedLeading?: () => void;
  readonly logger?: Logger;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

const LEASE_TYPE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;

export class LeaderElector {
  readonly #o: Required<Omit<LeaderElectionOptions, 'onStoppedLeading' | 'logger'>> &
    Pick<LeaderElectionOptions, 'onStoppedLeading'>;
  readonly #log: Logger;
  #observed: { record: string; at: number } | undefined;
  #leading: AbortController | undefined;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  /** performance.now() until which no other candidate can have taken the lease. */
  #validUntil = 0;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(options: LeaderElectionOptions) {
    this.#o = {
      // Shorter than Flux's 35/30/5 s so that a standby takes over within ~10 s.
      leaseDurationMs: 8_000,
      renewDeadlineMs: 6_000,
      retryPeriodMs: 1_000,
      ...options,
    };
    this.#log = options.logger ?? silentLogger();
    if (this.#o.renewDeadlineMs >= this.#o.leaseDurationMs) {
      throw new FlotillaError(
        'leader election: renewDeadlineMs must be shorter than leaseDurationMs',
        {
          reason: 'InvalidOption',
          field: 'renewDeadlineMs',
        },
      );
    }
  }

  get isLeader(): boolean {
    return this.#leading !== undefined;
  }

  /**
   * Fencing: throws unless this process leads and its last successful renewal was sent less than
   * renewDeadlineMs ago. Others take the lease only after a whole leaseDurationMs without a
   * renewal (measured from when they saw it, which is after it was sent), so a write checked
   * here lands before any other leader's first write, with leaseDurationMs − renewDeadlineMs of
   * margin for the request to reach the server. A process that was paused (SIGSTOP, a long GC,
   * a suspended VM) past that point refuses every write until it has renewed again.
   */
  checkLease(): void {
    if (this.#leading && performance.now() < this.#validUntil) return;
    throw new FlotillaError(
      `not writing: the leader lease '${this.#o.namespace}/${this.#o.name}' may have been taken over (no renewal for ${this.#o.renewDeadlineMs} ms)`,
      { reason: 'LeaseExpired', category: ErrorCategory.Transient },
    );
  }

  /** Starts campaigning; returns at once. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /**
   * Stops campaigning. When leading, the lease is released so another process takes over at
   * once, unless `release` is false (Flux's `--leader-election-release-on-cancel=false`): then
   * others wait for the lease to expire, as after a crash.
   */
  async stop(options: { readonly release?: boolean } = {}): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#wake?.();
    await this.#loop;
    if (this.#leading && options.release === false) {
      this.#lose();
      return;
    }
    if (this.#leading) {
      await this.#release().catch((err: unknown) =>
        this.#log.warn({ err: errorMessage(err) }, 'could not release the leader lease'),
      );
      this.#lose();
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        const sent = performance.now();
        const ok = await this.#tryAcquireOrRenew();
        if (ok) {
          this.#validUntil = sent + this.#o.renewDeadlineMs;
          if (!this.#leading) {
            this.#leading = new AbortController();
            this.#log.info({ lease: this.#o.name, identity: this.#o.identity }, 'became leader');
            this.#o.onStartedLeading(this.#leading.signal);
          }
        } else if (this.#leading) {
          this.#log.warn({ lease: this.#o.name }, 'lease taken by another holder');
          this.#lose();
        }
      } catch (err) {
        this.#log.debug({ err: errorMessage(err) }, 'leader election attempt failed');
      }
      if (this.#leading && performance.now() >= this.#validUntil) {
        this.#log.warn({ lease: this.#o.name }, 'failed to renew the lease in time');
        this.#lose();
      }
      if (this.#stopped) break;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, this.#o.retryPeriodMs);
      });
    }
  }

  #lose(): void {
    const leading = this.#leading;
    if (!leading) return;
    this.#leading = undefined;
    leading.abort();
    this.#o.onStoppedLeading?.();
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name, identity } = this.#o;
    const now = new Date();
    const durationSeconds = Math.max(1, Math.round(this.#o.leaseDurationMs / 1000));
    let lease: Lease;
    try {
      lease = await client.get<Lease>({ ...LEASE_TYPE, namespace, name });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await client.create<Lease>({
          ...LEASE_TYPE,
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: durationSeconds,
            acquireTime: microTime(now),
            renewTime: microTime(now),
            leaseTransitions: 0,
          },
        });
        return true;
      } catch (createErr) {
        if (isAlreadyExists(createErr)) return false;
        throw createErr;
      }
    }
    const spec = lease.spec ?? {};
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds]);
    if (this.#observed?.record !== record) this.#observed = { record, at: Date.now() };
    const holder = spec.holderIdentity ?? '';
    const leaseMs = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (holder !== '' && holder !== identity && this.#observed.at + leaseMs > Date.now()) {
      return false;
    }
    const transitions = (spec.leaseTransitions ?? 0) + (holder === identity ? 0 : 1);
    const next: Lease = {
      ...lease,
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: holder === identity && spec.acquireTime ? spec.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: transitions,
      },
    };
    try {
      await client.update<Lease>(next);
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  async #release(): Promise<void> {
    const { client, namespace, name, identity } = this.#o;
    const lease = await client.get<Lease>({ ...LEASE_TYPE, namespace, name });
    if (lease.spec?.holderIdentity !== identity) return;
    await client.update<Lease>({
      ...lease,
      spec: {
        ...lease.spec,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: microTime(new Date()),
      },
    });
  }
}
