// Behaviour of the reconcile work queue: dedup, no concurrent runs of one key, re-runs of keys
// added while processing, backoff on failure, delayed adds, and clean stop.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkQueue } from './work-queue.js';
import { jitter } from './jitter.js';

describe('WorkQueue', () => {
  it('collapses repeated adds of a queued key into one run', async () => {
    const runs: string[] = [];
    const q = new WorkQueue((k) => {
      runs.push(k);
      return Promise.resolve();
    });
    q.add('a');
    q.add('a');
    q.add('b');
    q.add('a');
    q.start();
    await q.idle();
    assert.deepEqual(runs, ['a', 'b']);
    await q.stop();
  });

  it('never runs one key twice at once, and re-runs a key added while it ran', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const q = new WorkQueue(
      async () => {
        active++;
        runs++;
        maxActive = Math.max(maxActive, active);
        await sleep(20);
        active--;
      },
      { concurrency: 4 },
    );
    q.start();
    q.add('x');
    await sleep(5);
    q.add('x');
    q.add('x');
    await sleep(60);
    await q.idle();
    assert.equal(maxActive, 1);
    assert.equal(runs, 2);
    await q.stop();
  });

  it('runs different keys concurrently up to the limit', async () => {
    let active = 0;
    let maxActive = 0;
    const q = new WorkQueue(
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(15);
        active--;
      },
      { concurrency: 3 },
    );
    for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) q.add(k);
    q.start();
    await q.idle();
    assert.equal(maxActive, 3);
    await q.stop();
  });

  it('a parked reconcile frees its worker for other keys and resumes before new keys', async () => {
    // One worker: 'slow' parks on a wait that ends only once 'b' and 'c' ran on that worker.
    const order: string[] = [];
    let release!: () => void;
    const waiting = new Promise<void>((r) => (release = r));
    let active = 0;
    let maxActive = 0;
    const q = new WorkQueue(
      async (key, park) => {
        active++;
        maxActive = Math.max(maxActive, active);
        order.push(`start ${key}`);
        if (key === 'slow') {
          active--;
          await park(waiting);
          active++;
          order.push('resumed slow');
        } else if (key === 'c') {
          release();
          q.add('d');
          await sleep(5);
        }
        order.push(`end ${key}`);
        active--;
      },
      { concurrency: 1 },
    );
    for (const k of ['slow', 'b', 'c']) q.add(k);
    q.start();
    await sleep(1);
    assert.equal(q.parked, 1, 'slow is parked');
    await q.idle();
    assert.equal(maxActive, 1, 'never more reconciles running than workers');
    assert.deepEqual(order, [
      'start slow',
      'start b',
      'end b',
      'start c',
      'end c',
      // Resumed before 'd', which was queued while it waited.
      'resumed slow',
      'end slow',
      'start d',
      'end d',
    ]);
    assert.equal(q.parked, 0);
    await q.stop();
  });

  it('a parked key is not reconciled twice at once: an add while parked runs after it', async () => {
    const runs: string[] = [];
    let release!: () => void;
    const waiting = new Promise<void>((r) => (release = r));
    let first = true;
    const q = new WorkQueue(
      async (key, park) => {
        runs.push(`start ${key}`);
        if (first) {
          first = false;
          q.add('a');
          setTimeout(release, 10);
          await park(waiting);
        }
        runs.push(`end ${key}`);
      },
      { concurrency: 2 },
    );
    q.add('a');
    q.start();
    await sleep(2);
    await q.idle();
    assert.deepEqual(runs, ['start a', 'end a', 'start a', 'end a']);
    await q.stop();
  });

  it('retries a failing key with exponential backoff and resets after success', async () => {
    const times: number[] = [];
    const errors: number[] = [];
    const q = new WorkQueue(
      () => {
        times.push(Date.now());
        return times.length < 4 ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
      {
        minRetryDelayMs: 10,
        maxRetryDelayMs: 1000,
        onError: (_k, _e, retry) => errors.push(retry),
      },
    );
    q.start();
    q.add('k');
    while (times.length < 4) await sleep(5);
    assert.deepEqual(errors, [10, 20, 40]);
    assert.equal(q.failures('k'), 0);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    assert.ok((gaps[2] ?? 0) >= 35, `third retry waited ${gaps[2]} ms`);
    await q.stop();
  });

  it('caps the backoff at the maximum delay', async () => {
    const delays: number[] = [];
    const q = new WorkQueue(() => Promise.reject(new Error('always')), {
      minRetryDelayMs: 1,
      maxRetryDelayMs: 4,
      onError: (_k, _e, d) => delays.push(d),
    });
    q.start();
    q.add('k');
    while (delays.length < 6) await sleep(2);
    await q.stop();
    assert.deepEqual(delays.slice(0, 6), [1, 2, 4, 4, 4, 4]);
  });

  it('requeues after the interval a reconcile returns; the earliest delayed add wins', async () => {
    const runs: number[] = [];
    const start = Date.now();
    const q = new WorkQueue(() => {
      runs.push(Date.now() - start);
      return Promise.resolve(runs.length === 1 ? { requeueAfterMs: 30 } : {});
    });
    q.start();
    q.add('k');
    await sleep(10);
    q.addAfter('k', 500);
    await sleep(60);
    assert.equal(runs.length, 2);
    assert.ok((runs[1] ?? 0) >= 25 && (runs[1] ?? 0) < 200, `second run at ${runs[1]} ms`);
    await q.stop();
  });

  it('an immediate add replaces a pending delayed add', async () => {
    let runs = 0;
    const q = new WorkQueue(() => {
      runs++;
      return Promise.resolve();
    });
    q.start();
    q.addAfter('k', 10_000);
    q.add('k');
    await q.idle();
    assert.equal(runs, 1);
    await q.stop();
  });

  it('stop waits for in-flight work and drops the rest', async () => {
    const done: string[] = [];
    const q = new WorkQueue(
      async (k) => {
        await sleep(20);
        done.push(k);
      },
      { concurrency: 1 },
    );
    q.add('a');
    q.add('b');
    q.start();
    await sleep(5);
    await q.stop();
    assert.deepEqual(done, ['a']);
    q.add('c');
    await sleep(30);
    assert.deepEqual(done, ['a']);
  });
});

describe('jitter', () => {
  it('stays within ±percent', () => {
    assert.equal(
      jitter(1000, 5, () => 0),
      950,
    );
    assert.equal(
      jitter(1000, 5, () => 1),
      1050,
    );
    assert.equal(
      jitter(1000, 5, () => 0.5),
      1000,
    );
  });
  it('leaves the duration alone outside (0, 100)', () => {
    assert.equal(
      jitter(1000, 0, () => 0),
      1000,
    );
    assert.equal(
      jitter(1000, 100, () => 0),
      1000,
    );
  });
});
