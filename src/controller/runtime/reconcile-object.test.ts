// The reconciler contract without a cluster: a small kind whose sub-reconcilers the tests script,
// run through reconcileObject — what the runtime does the same way for every kind.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FlotillaError, type Condition } from '../../core/index.js';
import { DONE, type FluxObject, type ReconcilerKind, type Step } from './kind.js';
import { failure, stalling, waiting } from './reconcile-error.js';
import { reconcileObject } from './reconcile-object.js';

interface Widget extends FluxObject {
  readonly metadata: FluxObject['metadata'] & { readonly namespace: string };
  readonly spec: FluxObject['spec'] & { readonly size?: number };
  readonly status?: { conditions?: Condition[]; observedGeneration?: number; size?: number };
}

type WidgetStep = Step<Widget, { readonly now: () => Date; fence?: () => void }, { log: string[] }>;

const now = new Date('2026-03-01T10:00:00Z');
const before: Condition = {
  type: 'Ready',
  status: 'True',
  observedGeneration: 1,
  lastTransitionTime: '2026-02-01T00:00:00Z',
  reason: 'Succeeded',
  message: 'size 1',
};

function widget(
  spec: Partial<Widget['spec']> = {},
  meta: Partial<Widget['metadata']> = {},
): Widget {
  return {
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'default', generation: 2, ...meta },
    spec: { interval: '5m', ...spec },
    status: { conditions: [before], observedGeneration: 1, size: 1 },
  };
}

/** A kind whose Ready mirrors its own positive condition Sized (and FetchFailed when True). */
function kind(
  steps: WidgetStep[],
  finalize?: () => Promise<void>,
): ReconcilerKind<Widget, { readonly now: () => Date }, { log: string[] }> {
  return {
    apiVersion: 'test.flotilla.dev/v1',
    kind: 'Widget',
    conditions: { summary: ['FetchFailed', 'Sized'], negative: ['FetchFailed'] },
    work: () => ({ log: [] }),
    steps,
    ...(finalize ? { finalize: () => finalize() } : {}),
  };
}

const sized: WidgetStep = (ctx) => {
  ctx.status.size = ctx.obj.spec.size ?? 0;
  ctx.conditions.markTrue('Sized', 'Succeeded', `size ${ctx.obj.spec.size ?? 0}`);
  return Promise.resolve();
};
const deps = { now: () => now };
const types = (cs: readonly Condition[] | undefined) =>
  (cs ?? []).map((c) => [c.type, c.status, c.reason, c.message]);

describe('reconcileObject', () => {
  it('runs the steps in order and summarises Ready from the kind’s conditions', async () => {
    const order: string[] = [];
    const step =
      (name: string): WidgetStep =>
      (ctx, work) => {
        order.push(name);
        work.log.push(name);
        ctx.defer(() => void order.push(`cleanup ${name}`));
        return Promise.resolve();
      };
    const out = await reconcileObject(
      kind([step('a'), step('b'), sized]),
      widget({ size: 3 }, { annotations: { 'reconcile.fluxcd.io/requestedAt': 'r1' } }),
      deps,
    );
    assert.deepEqual(order, ['a', 'b', 'cleanup b', 'cleanup a']);
    assert.deepEqual(types(out.status.conditions), [
      ['Ready', 'True', 'Succeeded', 'size 3'],
      ['Sized', 'True', 'Succeeded', 'size 3'],
    ]);
    // Ready was True before and is True now: its transition time stays.
    assert.equal(out.status.conditions?.[0]?.lastTransitionTime, '2026-02-01T00:00:00Z');
    assert.equal(out.status.observedGeneration, 2);
    assert.equal(out.status.size, 3);
    assert.equal((out.status as { lastHandledReconcileAt?: string }).lastHandledReconcileAt, 'r1');
    assert.equal(out.requeueAfterMs, 300_000);
    assert.deepEqual(out.events, []);
  });

  it('a failure keeps the generation unobserved, retries after retryInterval, and says so once', async () => {
    const failing: WidgetStep = (ctx) => {
      ctx.progressing('fetching');
      ctx.conditions.markTrue('FetchFailed', 'FetchError', 'no route to host');
      throw failure('FetchError', 'no route to host');
    };
    const first = await reconcileObject(kind([failing]), widget({ retryInterval: '30s' }), deps);
    assert.deepEqual(types(first.status.conditions), [
      ['Reconciling', 'True', 'ProgressingWithRetry', 'fetching'],
      ['Ready', 'False', 'FetchError', 'no route to host'],
      ['FetchFailed', 'True', 'FetchError', 'no route to host'],
    ]);
    assert.equal(first.status.observedGeneration, 1);
    assert.equal(first.requeueAfterMs, 30_000);
    assert.equal(first.error?.reason, 'FetchError');
    assert.deepEqual(first.events, [
      { type: 'Warning', reason: 'FetchError', message: 'no route to host' },
    ]);
    // The same failure again: no second event (events on change only).
    const again = await reconcileObject(
      kind([failing]),
      { ...widget({ retryInterval: '30s' }), status: first.status },
      deps,
    );
    assert.deepEqual(again.events, []);
  });

  it('stalls on an invalid duration or a stalling failure, and waits on a waiting one', async () => {
    const bad = await reconcileObject(kind([sized]), widget({ interval: 'soon' }), deps);
    assert.equal(bad.error?.reason, 'InvalidSpec');
    assert.match(bad.error?.message ?? '', /spec\.interval: invalid duration "soon"/);
    assert.deepEqual(types(bad.status.conditions).slice(0, 2), [
      ['Stalled', 'True', 'InvalidSpec', bad.error?.message],
      ['Ready', 'False', 'InvalidSpec', bad.error?.message],
    ]);
    assert.equal(bad.status.observedGeneration, 2, 'a stall observes the generation');
    assert.equal(bad.requeueAfterMs, undefined);

    const stall = () => Promise.reject(stalling('Unsupported', 'spec.size is not supported'));
    assert.equal((await reconcileObject(kind([stall]), widget(), deps)).requeueAfterMs, undefined);

    const wait = () => Promise.reject(waiting('DependencyNotReady', 'not yet', 2000, 'Normal'));
    const w = await reconcileObject(kind([wait]), widget(), deps);
    assert.equal(w.requeueAfterMs, 2000);
    assert.deepEqual(w.events, [
      { type: 'Normal', reason: 'DependencyNotReady', message: 'not yet' },
    ]);
    assert.equal(
      types(w.status.conditions).find((c) => c[0] === 'Stalled'),
      undefined,
    );
  });

  it('a FlotillaError keeps its reason; anything else gets the kind’s', async () => {
    const flotilla = () =>
      Promise.reject(new FlotillaError('bad object', { reason: 'InvalidObject' }));
    const plain = () => Promise.reject(new Error('boom'));
    assert.equal(
      (await reconcileObject(kind([flotilla]), widget(), deps)).error?.reason,
      'InvalidObject',
    );
    assert.equal(
      (await reconcileObject(kind([plain]), widget(), deps)).error?.reason,
      'ReconciliationFailed',
    );
  });

  it('DONE ends the steps with success; a requeue leaves the status as it was', async () => {
    const never: WidgetStep = () => Promise.reject(new Error('must not run'));
    const done = await reconcileObject(
      kind([(ctx) => sized(ctx, { log: [] }).then(() => DONE), never]),
      widget({ size: 2 }),
      deps,
    );
    assert.equal(done.error, undefined);
    assert.equal(done.status.size, 2);
    const input = widget({ size: 5 }, { annotations: { 'reconcile.fluxcd.io/requestedAt': 'r2' } });
    const later = await reconcileObject(
      kind([() => Promise.resolve({ requeueAfterMs: 1000, message: 'not yet' }), never]),
      input,
      deps,
    );
    assert.deepEqual(later.status, input.status);
    assert.equal(later.requeueAfterMs, 1000);
  });

  it('adds the reconcile’s event annotations to every event, failures included', async () => {
    const out = await reconcileObject(
      kind([
        (ctx) => {
          ctx.annotateEvents({ 'example.dev/revision': 'v2' });
          ctx.event({ type: 'Normal', reason: 'Resized', message: 'to 2' });
          throw failure('Broken', 'then it broke');
        },
      ]),
      widget(),
      deps,
    );
    assert.deepEqual(
      out.events.map((e) => [e.reason, e.annotations]),
      [
        ['Resized', { 'example.dev/revision': 'v2' }],
        ['Broken', { 'example.dev/revision': 'v2' }],
      ],
    );
  });

  it('handles suspend and deletion before any step', async () => {
    const never: WidgetStep = () => Promise.reject(new Error('must not run'));
    const suspended = await reconcileObject(
      kind([never]),
      widget({ suspend: true }, { annotations: { 'reconcile.fluxcd.io/requestedAt': 'r3' } }),
      deps,
    );
    assert.deepEqual(suspended.status, { ...widget().status, lastHandledReconcileAt: 'r3' });
    assert.equal(suspended.requeueAfterMs, undefined);
    let finalized = 0;
    const deleted = await reconcileObject(
      kind([never], () => Promise.resolve(void finalized++)),
      widget({}, { deletionTimestamp: '2026-03-01T09:00:00Z' }),
      deps,
    );
    assert.equal(deleted.deleted, true);
    assert.equal(finalized, 1);
  });

  it('stops without a verdict once the fence refuses: nothing to write, no right to write it', async () => {
    let open = true;
    const fence = () => {
      if (!open) throw new FlotillaError('lease expired', { reason: 'LeaseExpired' });
    };
    const closing: WidgetStep = () => {
      open = false;
      return Promise.resolve();
    };
    await assert.rejects(
      reconcileObject(kind([closing, sized]), widget(), { ...deps, fence }),
      (e: unknown) => e instanceof FlotillaError && e.reason === 'LeaseExpired',
    );
  });
});
