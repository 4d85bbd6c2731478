// Importing core must not load pino or prom-client; the logger and metric classes still work and
// load them on first use.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import * as core from './index.js';

const require = createRequire(import.meta.url);
const loaded = (pkg: string) =>
  Object.keys(require.cache).some((p) => p.includes(`/node_modules/${pkg}/`));

describe('core loads pino and prom-client lazily', () => {
  it('imports neither package when core is imported', () => {
    assert.equal(typeof core.createLogger, 'function');
    assert.equal(loaded('pino'), false, 'pino loaded by importing core');
    assert.equal(loaded('prom-client'), false, 'prom-client loaded by importing core');
  });

  it('creates a working logger on demand', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = core.createLogger({ level: 'info', pretty: false, destination });
    log.info({ n: 1 }, 'hello');
    log.debug('dropped');
    assert.equal(loaded('pino'), true);
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(line['msg'], 'hello');
    assert.equal(line['name'], 'flotilla');
    assert.equal(line['n'], 1);
    assert.equal(core.silentLogger().level, 'silent');
  });

  it('constructs metrics through the lazy classes, with instanceof and subclassing', async () => {
    const registry = core.createMetricsRegistry({ defaults: false });
    assert.ok(registry instanceof core.Registry);
    const counter = new core.Counter({
      name: 'lazy_total',
      help: 'a counter',
      registers: [registry],
    });
    counter.inc(2);
    assert.ok(counter instanceof core.Counter);
    assert.equal(counter instanceof core.Gauge, false);
    const gauge = new core.Gauge({ name: 'lazy_gauge', help: 'a gauge', registers: [registry] });
    gauge.set(7);
    const histogram = new core.Histogram({
      name: 'lazy_seconds',
      help: 'a histogram',
      buckets: [1],
      registers: [registry],
    });
    histogram.observe(0.5);
    class Doubling extends core.Counter {
      double(): void {
        this.inc(2);
      }
    }
    const sub = new Doubling({ name: 'lazy_sub_total', help: 'a subclass', registers: [registry] });
    sub.double();
    assert.ok(sub instanceof Doubling && sub instanceof core.Counter);
    assert.equal(typeof core.Registry.merge, 'function', 'static members reach the real class');
    const { contentType, body } = await core.renderMetrics(registry);
    assert.match(contentType, /^text\/plain/);
    for (const line of [
      'lazy_total 2',
      'lazy_gauge 7',
      'lazy_seconds_count 1',
      'lazy_sub_total 2',
    ]) {
      assert.ok(body.includes(`${line}\n`), `${line} missing from:\n${body}`);
    }
    assert.equal(loaded('prom-client'), true);
  });
});
