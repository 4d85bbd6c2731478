// The runtime's status write: a reconcile that ends where it started still writes its final
// status when it patched progress on the way (else Ready=Unknown "Reconciliation in progress"
// stays behind), and one that patched nothing and changed nothing writes nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeClient, KubeObject, ObjectRef } from '../../kube/index.js';
import type { Condition } from '../../core/index.js';
import type { FluxObject, ReconcilerKind, Step } from './kind.js';
import { reconcilerFor } from './reconciler.js';

interface Gadget extends FluxObject {
  readonly status?: { conditions?: Condition[]; observedGeneration?: number };
}

const ready: Condition = {
  type: 'Ready',
  status: 'True',
  observedGeneration: 1,
  lastTransitionTime: '2026-02-01T00:00:00Z',
  reason: 'Succeeded',
  message: 'done',
};

/** The two calls the runtime makes, on one object kept in memory; status writes recorded. */
function memoryClient(obj: KubeObject): { client: KubeClient; writes: unknown[] } {
  const writes: unknown[] = [];
  let current = obj;
  const client = {
    getOrUndefined: () => Promise.resolve(structuredClone(current)),
    patch: (_ref: ObjectRef, _type: string, body: unknown, opts?: { subresource?: string }) => {
      if (opts?.subresource === 'status') {
        const value = (body as { value: unknown }[])[0]?.value;
        writes.push(value);
        current = { ...current, status: value };
      }
      return Promise.resolve(structuredClone(current));
    },
  } as unknown as KubeClient;
  return { client, writes };
}

function kind(progress: boolean): ReconcilerKind<Gadget, { now: () => Date }, object> {
  const step: Step<Gadget, { now: () => Date }, object> = async (ctx) => {
    if (progress) {
      ctx.conditions.markUnknown('Ready', 'Progressing', 'Reconciliation in progress');
      await ctx.patch();
    }
    ctx.conditions.markTrue('Done', 'Succeeded', 'done');
  };
  return {
    apiVersion: 'test.flotilla.dev/v1',
    kind: 'Gadget',
    conditions: { summary: ['Done'], negative: [] },
    work: () => ({}),
    steps: [step],
  };
}

describe('reconcilerFor status writes', () => {
  const gadget = (): KubeObject => ({
    apiVersion: 'test.flotilla.dev/v1',
    kind: 'Gadget',
    metadata: {
      name: 'g',
      namespace: 'default',
      generation: 1,
      finalizers: ['finalizers.fluxcd.io'],
    },
    spec: { interval: '5m' },
    status: {
      conditions: [{ ...ready, type: 'Done' }, ready],
      observedGeneration: 1,
    },
  });

  const key = { namespace: 'default', name: 'g' };
  const signal = new AbortController().signal;

  it('writes the final status after a progress patch, even when it equals the one read', async () => {
    const { client, writes } = memoryClient(gadget());
    const r = reconcilerFor({ kind: kind(true), client, deps: { now: () => new Date() } });
    await r.reconcile(key, signal);
    const settled = writes.at(-1);
    // The next reconcile ends with the same status it read, having patched progress meanwhile.
    await r.reconcile(key, signal);
    assert.equal(writes.length, 4, 'twice the progress patch and the final status');
    assert.deepEqual(writes.at(-1), settled);
    const last = writes.at(-1) as { conditions: Condition[] };
    assert.equal(last.conditions.find((c) => c.type === 'Ready')?.status, 'True');
  });

  it('writes nothing when nothing was patched and nothing changed', async () => {
    const { client, writes } = memoryClient(gadget());
    const r = reconcilerFor({ kind: kind(false), client, deps: { now: () => new Date() } });
    await r.reconcile(key, signal);
    const first = writes.length;
    await r.reconcile(key, signal);
    assert.equal(writes.length, first);
  });
});
