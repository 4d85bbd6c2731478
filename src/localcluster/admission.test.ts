// Admission webhooks over HTTPS: mutation by JSONPatch, validation, warnings, selectors,
// failurePolicy, timeouts, dry run and the user info (with impersonation) in AdmissionReview.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- JSON API responses are read through the `Json` (any) type */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLocalCluster, type LocalCluster } from './index.js';
import { TestClient, type Json } from '../testing/index.js';
import { createServingPki } from './pki.js';
import { asString } from './object-meta.js';

let cluster: LocalCluster;
let c: TestClient;
let hookServer: Server;
let hookUrl = '';
let caBundle = '';
const reviews: Record<string, unknown>[] = [];

type Reviewer = (req: Record<string, Json>) => Record<string, unknown> | 'hang';
const reviewers: Record<string, Reviewer> = {
  // adds a label and a warning
  '/mutate': (req) => ({
    allowed: true,
    patchType: 'JSONPatch',
    patch: Buffer.from(
      JSON.stringify([{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }]),
    ).toString('base64'),
    warnings: [`mutated ${asString(req.name)}`],
  }),
  // refuses ConfigMaps whose data.forbidden is set
  '/validate': (req) =>
    req.object?.data?.forbidden !== undefined
      ? { allowed: false, status: { code: 403, message: 'data.forbidden is not allowed' } }
      : { allowed: true },
  '/slow': () => 'hang',
};

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (b: Buffer) => chunks.push(b));
  req.on('end', () => {
    const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      request: Record<string, Json>;
    };
    reviews.push(review.request);
    const reviewer = reviewers[req.url ?? ''];
    const out = reviewer ? reviewer(review.request) : { allowed: true };
    if (out === 'hang') return;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        response: { uid: review.request.uid, ...out },
      }),
    );
  });
}

function hook(
  name: string,
  path: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    clientConfig: { url: `${hookUrl}${path}`, caBundle },
    rules: [
      {
        operations: ['CREATE', 'UPDATE'],
        apiGroups: [''],
        apiVersions: ['v1'],
        resources: ['configmaps'],
        scope: 'Namespaced',
      },
    ],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...extra,
  };
}

before(async () => {
  const pki = await createServingPki('webhook-test');
  hookServer = createServer({ cert: pki.certPem, key: pki.keyPem }, handle);
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  const addr = hookServer.address();
  hookUrl = `https://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
  caBundle = Buffer.from(pki.caPem).toString('base64');
  cluster = await startLocalCluster({ inMemory: true, simulate: false });
  c = new TestClient(cluster);
  await c.send('POST', '/api/v1/namespaces', {
    body: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'guarded', labels: { guard: 'on' } },
    },
  });
  await c.send('POST', '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations', {
    body: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'm' },
      webhooks: [
        hook('mutate.example.com', '/mutate', {
          namespaceSelector: { matchLabels: { guard: 'on' } },
        }),
      ],
    },
  });
  await c.send('POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', {
    body: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'v' },
      webhooks: [
        hook('validate.example.com', '/validate', {
          namespaceSelector: { matchLabels: { guard: 'on' } },
        }),
        hook('slow.example.com', '/slow', {
          timeoutSeconds: 1,
          failurePolicy: 'Ignore',
          objectSelector: { matchLabels: { slow: 'true' } },
        }),
        hook('down.example.com', 'x', {
          clientConfig: { url: 'https://127.0.0.1:1/nothing', caBundle },
          objectSelector: { matchLabels: { down: 'true' } },
        }),
        hook('dry.example.com', '/validate', {
          sideEffects: 'Unknown',
          objectSelector: { matchLabels: { dry: 'true' } },
        }),
      ],
    },
  });
});

after(async () => {
  c.close();
  await cluster.stop();
  hookServer.closeAllConnections();
  await new Promise((r) => hookServer.close(r));
});

const cm = (
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = {},
) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data });

describe('admission webhooks', () => {
  it('mutates through the JSONPatch, returns warnings as Warning headers and sends user info', async () => {
    // RBAC: the impersonated group may edit in the namespace
    const rb = await c.send(
      'POST',
      '/apis/rbac.authorization.k8s.io/v1/namespaces/guarded/rolebindings',
      {
        body: {
          metadata: { name: 'devs-edit' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
          subjects: [{ kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' }],
        },
      },
    );
    assert.equal(rb.status, 201, rb.text);
    const r = await c.send('POST', '/api/v1/namespaces/guarded/configmaps', {
      body: cm('a'),
      headers: { 'Impersonate-User': 'jane', 'Impersonate-Group': 'devs' },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.metadata.labels.mutated, 'yes');
    assert.equal(r.headers.warning, '299 - "mutated a"');
    const seen = reviews.find((x) => x.name === 'a' && x.operation === 'CREATE') as
      Record<string, Json> | undefined;
    assert.ok(seen);
    assert.equal(seen.userInfo.username, 'jane');
    assert.deepEqual(seen.userInfo.groups, ['devs', 'system:authenticated']);
    assert.deepEqual(seen.kind, { group: '', version: 'v1', kind: 'ConfigMap' });
    assert.equal(seen.namespace, 'guarded');
  });

  it('denies through validating webhooks with the upstream wording', async () => {
    const r = await c.send('POST', '/api/v1/namespaces/guarded/configmaps', {
      body: cm('b', {}, { forbidden: 'x' }),
    });
    assert.equal(r.status, 403);
    assert.equal(
      r.body.message,
      'admission webhook "validate.example.com" denied the request: data.forbidden is not allowed',
    );
    assert.equal((await c.send('GET', '/api/v1/namespaces/guarded/configmaps/b')).status, 404);
  });

  it('skips webhooks whose namespaceSelector does not match', async () => {
    const r = await c.send('POST', '/api/v1/namespaces/default/configmaps', {
      body: cm('free', {}, { forbidden: 'x' }),
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.metadata.labels?.mutated, undefined);
  });

  it('applies failurePolicy on timeouts and unreachable webhooks', async () => {
    const started = Date.now();
    const slow = await c.send('POST', '/api/v1/namespaces/default/configmaps', {
      body: cm('slow', { slow: 'true' }),
    });
    assert.equal(slow.status, 201, 'Ignore lets the request through');
    assert.ok(Date.now() - started >= 900, 'waited for the timeout');
    const down = await c.send('POST', '/api/v1/namespaces/default/configmaps', {
      body: cm('down', { down: 'true' }),
    });
    assert.equal(down.status, 500);
    assert.match(
      asString(down.body.message),
      /^Internal error occurred: failed calling webhook "down\.example\.com": failed to call webhook: Post "https:\/\/127\.0\.0\.1:1\/nothing"/,
    );
  });

  it('refuses dry runs for webhooks with side effects', async () => {
    const r = await c.send('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', {
      body: cm('dry', { dry: 'true' }),
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.message, 'admission webhook "dry.example.com" does not support dry run');
  });
});
