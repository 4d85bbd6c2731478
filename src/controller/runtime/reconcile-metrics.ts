// Per-object metrics of every reconciled kind, as Flux's controllers export them
// (gotk_reconcile_condition, gotk_suspend_status), under Flotilla's prefix.
import { Gauge, type Registry } from '../../core/index.js';
import type { FluxObject } from './kind.js';

const STATUSES = ['True', 'False', 'Unknown', 'Deleted'] as const;

/** Gauges of the Ready condition and the suspend flag of each reconciled object. */
export class ReconcileMetrics {
  readonly #condition: Gauge<'kind' | 'name' | 'namespace' | 'type' | 'status'>;
  readonly #suspended: Gauge<'kind' | 'name' | 'namespace'>;

  constructor(registry: Registry) {
    this.#condition = new Gauge({
      name: 'flotilla_reconcile_condition',
      help: 'The Ready condition of each reconciled object: 1 for its current status, 0 for the others.',
      labelNames: ['kind', 'name', 'namespace', 'type', 'status'],
      registers: [registry],
    });
    this.#suspended = new Gauge({
      name: 'flotilla_suspend_status',
      help: 'Whether each reconciled object is suspended (1) or not (0).',
      labelNames: ['kind', 'name', 'namespace'],
      registers: [registry],
    });
  }

  /** Records an object's state after a reconcile (or its deletion). */
  record(kind: string, obj: FluxObject, deleted = false): void {
    const labels = { kind, name: obj.metadata.name, namespace: obj.metadata.namespace ?? '' };
    const ready = deleted
      ? 'Deleted'
      : (obj.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown');
    for (const status of STATUSES)
      this.#condition.set({ ...labels, type: 'Ready', status }, status === ready ? 1 : 0);
    this.#suspended.set(labels, obj.spec.suspend === true && !deleted ? 1 : 0);
  }
}
