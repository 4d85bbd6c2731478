// Protobuf request bodies: the k8s envelope and the kinds kubectl's generators send.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtobuf } from './protobuf.js';
import { ApiError } from './status-errors.js';

// a minimal protobuf writer for building test bodies
function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}
const bytesField = (no: number, b: Buffer): Buffer =>
  Buffer.concat([varint((no << 3) | 2), varint(b.length), b]);
const strField = (no: number, s: string): Buffer => bytesField(no, Buffer.from(s));
const intField = (no: number, n: number): Buffer => Buffer.concat([varint(no << 3), varint(n)]);
const msg = (...parts: Buffer[]): Buffer => Buffer.concat(parts);
const entry = (no: number, k: string, v: string | Buffer): Buffer =>
  bytesField(no, msg(strField(1, k), typeof v === 'string' ? strField(2, v) : bytesField(2, v)));

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from('k8s\0', 'binary'),
    bytesField(1, msg(strField(1, apiVersion), strField(2, kind))),
    bytesField(2, raw),
    strField(3, ''),
    strField(4, ''),
  ]);
}

const meta = (name: string, labels: Record<string, string> = {}) =>
  bytesField(
    1,
    msg(
      strField(1, name),
      strField(2, ''),
      ...Object.entries(labels).map(([k, v]) => entry(11, k, v)),
    ),
  );

describe('decodeProtobuf', () => {
  it('decodes a ConfigMap with string and binary data, dropping empty fields', () => {
    const body = envelope(
      'v1',
      'ConfigMap',
      msg(meta('cfg', { app: 'x' }), entry(2, 'a', '1'), entry(3, 'bin', Buffer.from([0, 1, 2]))),
    );
    assert.deepEqual(decodeProtobuf(body), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', labels: { app: 'x' } },
      data: { a: '1' },
      binaryData: { bin: 'AAEC' },
    });
  });

  it('decodes a Secret (bytes map as base64) and a Namespace', () => {
    const secret = envelope(
      'v1',
      'Secret',
      msg(meta('pw'), entry(2, 'password', Buffer.from('s3cret')), strField(3, 'Opaque')),
    );
    assert.deepEqual(decodeProtobuf(secret), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'pw' },
      data: { password: Buffer.from('s3cret').toString('base64') },
      type: 'Opaque',
    });
    const ns = envelope(
      'v1',
      'Namespace',
      msg(meta('demo'), bytesField(2, Buffer.alloc(0)), bytesField(3, Buffer.alloc(0))),
    );
    assert.deepEqual(decodeProtobuf(ns), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo' },
      spec: {},
    });
  });

  it('decodes a Deployment: pointer ints kept, zero non-pointer ints dropped, nested containers', () => {
    const container = msg(
      strField(1, 'web'),
      strField(2, 'nginx:1.27'),
      bytesField(6, msg(intField(2, 0), intField(3, 80))),
      bytesField(8, Buffer.alloc(0)),
    );
    const template = msg(
      bytesField(1, msg(entry(11, 'app', 'web'))),
      bytesField(2, msg(bytesField(2, container))),
    );
    const spec = msg(
      intField(1, 0),
      bytesField(2, msg(entry(1, 'app', 'web'))),
      bytesField(3, template),
      intField(5, 0),
    );
    const d = decodeProtobuf(
      envelope('apps/v1', 'Deployment', msg(meta('web'), bytesField(2, spec))),
    );
    assert.deepEqual(d, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: {} },
            ],
          },
        },
      },
    });
  });

  it('refuses other kinds with 415 and garbage with 400', () => {
    assert.throws(
      () => decodeProtobuf(envelope('batch/v1', 'Job', Buffer.alloc(0))),
      (e: unknown) => e instanceof ApiError && e.code === 415 && e.message.includes('for Job'),
    );
    assert.throws(
      () => decodeProtobuf(Buffer.from('{"kind":"x"}')),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
    assert.throws(
      () =>
        decodeProtobuf(
          Buffer.concat([Buffer.from('k8s\0', 'binary'), Buffer.from([0x0a, 0x05, 0x01])]),
        ),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
  });
});
