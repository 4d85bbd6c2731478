// REST semantics of the local cluster over HTTPS: auth, CRUD, selectors, paging, concurrency,
// subresources, dry run, field validation, immutable fields and Status errors.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- JSON API responses are read through the `Json` (any) type */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalCluster, type LocalCluster } from './index.js';
import { TestClient, type Json } from '../testing/index.js';
import { asString } from './object-meta.js';

let cluster: LocalCluster;
let c: TestClient;

const CM = '/api/v1/namespaces/default/configmaps';
const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';

function deployment(
  name: string,
  labels: Record<string, string> = { app: name },
): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    },
  };
}

before(async () => {
  // no workload simulation here: its status writes would race the optimistic-concurrency cases
  cluster = await startLocalCluster({ inMemory: true, simulate: false });
  c = new TestClient(cluster);
});

after(async () => {
  c.close();
  await cluster.stop();
});

describe('serving and identity', () => {
  it('answers health and version without credentials and 401 for anonymous API calls', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const r = await c.send('GET', path, { anonymous: true });
      assert.equal(r.status, 200, path);
      assert.equal(r.text, 'ok');
    }
    const v = await c.send('GET', '/version', { anonymous: true });
    assert.equal(v.body.major, '1');
    const anon = await c.send('GET', '/api/v1/namespaces', { anonymous: true });
    assert.equal(anon.status, 401);
    assert.equal(anon.body.kind, 'Status');
    assert.equal(anon.body.reason, 'Unauthorized');
    const bad = await c.send('GET', '/api/v1/namespaces', {
      anonymous: true,
      headers: { Authorization: 'Bearer nope' },
    });
    assert.equal(bad.status, 401);
  });

  it('creates the system namespaces and a kubeconfig with CA, server and token', async () => {
    const r = await c.send('GET', '/api/v1/namespaces');
    const names = (r.body.items as unknown as Json[]).map((n) => n.metadata.name);
    assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    assert.match(cluster.kubeconfig, /certificate-authority-data: /);
    assert.ok(cluster.kubeconfig.includes(cluster.url));
    assert.ok(cluster.kubeconfig.includes(cluster.token));
  });

  it('answers 413 to a body over the limit and keeps serving the connection', async () => {
    const big = JSON.stringify({ kind: 'ConfigMap', data: { x: 'y'.repeat(7 * 1024 * 1024) } });
    const r = await c.send('POST', '/api/v1/namespaces/default/configmaps', { body: big });
    assert.equal(r.status, 413);
    assert.equal(r.body.reason, 'RequestEntityTooLarge');
    const next = await c.send('GET', '/api/v1/namespaces/default');
    assert.equal(next.status, 200);
  });

  it('routes request targets with query strings, trailing slashes and encoded names', async () => {
    const cases: [string, number][] = [
      ['/api/v1/namespaces/default/', 200],
      ['/api/v1/namespaces?limit=1&labelSelector=', 200],
      ['/api/v1/namespaces/kube%2Dsystem', 200],
      ['/api/v1/namespaces/nope%20x', 404],
      ['/healthz/', 200],
    ];
    for (const [path, status] of cases) {
      const r = await c.send('GET', path);
      assert.equal(r.status, status, path);
    }
  });
});

describe('discovery', () => {
  it('serves /api, /apis, group-versions and OpenAPI v3 with fieldValidation on PATCH', async () => {
    const api = await c.send('GET', '/api');
    assert.deepEqual(api.body.versions, ['v1']);
    const apis = await c.send('GET', '/apis');
    const groups = (apis.body.groups as unknown as Json[]).map((g) => g.name);
    for (const g of [
      'apps',
      'batch',
      'apiextensions.k8s.io',
      'networking.k8s.io',
      'rbac.authorization.k8s.io',
      'admissionregistration.k8s.io',
      'coordination.k8s.io',
      'events.k8s.io',
      'policy',
      'autoscaling',
      'storage.k8s.io',
      'scheduling.k8s.io',
    ]) {
      assert.ok(groups.includes(g), g);
    }
    const apps = await c.send('GET', '/apis/apps/v1');
    const deploy = (apps.body.resources as unknown as Json[]).find((r) => r.name === 'deployments');
    assert.ok(deploy);
    assert.deepEqual(deploy.shortNames, ['deploy']);
    assert.deepEqual(deploy.categories, ['all']);
    assert.equal(deploy.namespaced, true);
    assert.ok(
      (apps.body.resources as unknown as Json[]).some((r) => r.name === 'deployments/scale'),
    );
    const agg = await c.send('GET', '/apis', {
      headers: {
        Accept:
          'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      },
    });
    assert.equal(
      agg.headers['content-type'],
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    assert.equal(agg.body.kind, 'APIGroupDiscoveryList');
    const appsGroup = (agg.body.items as Json[]).find((g) => g.metadata.name === 'apps');
    const aggDeploy = (appsGroup.versions[0].resources as Json[]).find(
      (r) => r.resource === 'deployments',
    );
    assert.deepEqual(aggDeploy.responseKind, { group: '', version: '', kind: 'Deployment' });
    assert.equal(aggDeploy.scope, 'Namespaced');
    assert.deepEqual(
      (aggDeploy.subresources as Json[]).map((x) => x.subresource),
      ['scale', 'status'],
    );
    const core = await c.send('GET', '/api', {
      headers: {
        Accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
      },
    });
    assert.equal(core.body.apiVersion, 'apidiscovery.k8s.io/v2beta1');
    assert.deepEqual(
      (core.body.items as Json[]).map((g) => g.metadata.name),
      [''],
    );
    const root = await c.send('GET', '/openapi/v3');
    const url = asString(root.body.paths['apis/apps/v1'].serverRelativeURL);
    const doc = await c.send('GET', url);
    const patch = doc.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
    });
    assert.ok((patch.parameters as unknown as Json[]).some((p) => p.name === 'fieldValidation'));
    assert.ok(doc.body.components.schemas['io.k8s.api.apps.v1.Deployment']);
  });
});

describe('create, get, update', () => {
  it('sets uid, creationTimestamp, resourceVersion and generation; generateName fills the name', async () => {
    const r = await c.send('POST', DEPLOY, { body: deployment('gen-test') });
    assert.equal(r.status, 201);
    assert.match(asString(r.body.metadata.uid), /^[0-9a-f-]{36}$/);
    assert.match(asString(r.body.metadata.creationTimestamp), /Z$/);
    assert.equal(r.body.metadata.generation, 1);
    const g = await c.send('POST', CM, {
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { generateName: 'cfg-' },
        data: { a: '1' },
      },
    });
    assert.equal(g.status, 201);
    assert.match(asString(g.body.metadata.name), /^cfg-[a-z0-9]{5}$/);
    assert.equal(g.body.metadata.generation, undefined);
  });

  it('rejects duplicates, missing names, bad names and missing namespaces like kube-apiserver', async () => {
    const cases: { path: string; body: unknown; status: number; message: string }[] = [
      {
        path: DEPLOY,
        body: deployment('gen-test'),
        status: 409,
        message: 'deployments.apps "gen-test" already exists',
      },
      {
        path: CM,
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
        status: 422,
        message:
          'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
      },
      {
        path: CM,
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } },
        status: 422,
        message:
          'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain',
      },
      {
        path: '/api/v1/namespaces/nowhere/configmaps',
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
        status: 404,
        message: 'namespaces "nowhere" not found',
      },
      {
        path: CM,
        body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } },
        status: 400,
        message:
          'Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion',
      },
    ];
    for (const tc of cases) {
      const r = await c.send('POST', tc.path, { body: tc.body });
      assert.equal(r.status, tc.status, tc.message);
      assert.equal(r.body.kind, 'Status');
      assert.ok(
        asString(r.body.message).startsWith(tc.message),
        `${asString(r.body.message)} should start with ${tc.message}`,
      );
    }
    const nf = await c.send('GET', `${DEPLOY}/missing`);
    assert.equal(nf.status, 404);
    assert.equal(nf.body.message, 'deployments.apps "missing" not found');
    assert.deepEqual(nf.body.details, { name: 'missing', group: 'apps', kind: 'deployments' });
  });

  it('updates with optimistic concurrency and bumps generation only on spec changes', async () => {
    const created = await c.send('POST', DEPLOY, { body: deployment('occ') });
    const obj = created.body as unknown as Record<string, Record<string, unknown>>;
    const labelled = structuredClone(obj);
    labelled.metadata = { ...labelled.metadata, labels: { team: 'a' } };
    const u1 = await c.send('PUT', `${DEPLOY}/occ`, { body: labelled });
    assert.equal(u1.status, 200);
    assert.equal(u1.body.metadata.generation, 1);
    assert.ok(Number(u1.body.metadata.resourceVersion) > Number(obj.metadata?.resourceVersion));
    const stale = await c.send('PUT', `${DEPLOY}/occ`, { body: labelled });
    assert.equal(stale.status, 409);
    assert.equal(
      stale.body.message,
      'Operation cannot be fulfilled on deployments.apps "occ": the object has been modified; please apply your changes to the latest version and try again',
    );
    const next = structuredClone(u1.body) as unknown as Record<string, Record<string, unknown>>;
    (next.spec as Record<string, unknown>).replicas = 3;
    const u2 = await c.send('PUT', `${DEPLOY}/occ`, { body: next });
    assert.equal(u2.body.metadata.generation, 2);
  });

  it('keeps status out of main-resource writes and spec out of status writes', async () => {
    const d = await c.send('POST', DEPLOY, {
      body: { ...deployment('st'), status: { replicas: 9 } },
    });
    assert.deepEqual(d.body.status, {}); // the empty typed status, as kube-apiserver answers
    const withStatus = {
      ...(d.body as unknown as Record<string, unknown>),
      status: { replicas: 5, observedGeneration: 1 },
      spec: { ...(d.body.spec as unknown as object), replicas: 7 },
    };
    const s = await c.send('PUT', `${DEPLOY}/st/status`, { body: withStatus });
    assert.equal(s.status, 200);
    assert.equal(s.body.status.replicas, 5);
    assert.equal(s.body.spec.replicas, 1);
    assert.equal(s.body.metadata.generation, 1);
  });

  it('folds Secret stringData into base64 data', async () => {
    const r = await c.send('POST', '/api/v1/namespaces/default/secrets', {
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'sd' },
        data: { a: Buffer.from('1').toString('base64') },
        stringData: { b: 'two' },
      },
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.stringData, undefined);
    assert.deepEqual(r.body.data, { a: 'MQ==', b: Buffer.from('two').toString('base64') });
    assert.equal(r.body.type, 'Opaque');
    const bad = await c.send('POST', '/api/v1/namespaces/default/secrets', {
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'bad64' },
        data: { a: 'not base64!' },
      },
    });
    assert.equal(bad.status, 400);
    assert.match(
      asString(bad.body.message),
      /^Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3/,
    );
    const p = await c.send('PATCH', '/api/v1/namespaces/default/secrets/sd', {
      body: { stringData: { a: 'one' } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(p.body.data.a, Buffer.from('one').toString('base64'));
    assert.equal(p.body.stringData, undefined);
  });

  it('reads and writes the scale subresource', async () => {
    await c.send('POST', DEPLOY, { body: deployment('sc') });
    const g = await c.send('GET', `${DEPLOY}/sc/scale`);
    assert.equal(g.body.kind, 'Scale');
    assert.equal(g.body.spec.replicas, 1);
    assert.equal(g.body.status.selector, 'app=sc');
    const p = await c.send('PATCH', `${DEPLOY}/sc/scale`, {
      body: { spec: { replicas: 4 } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(p.status, 200);
    assert.equal(p.body.spec.replicas, 4);
    const d = await c.send('GET', `${DEPLOY}/sc`);
    assert.equal(d.body.spec.replicas, 4);
    assert.equal(d.body.metadata.generation, 2);
  });

  it('writes nothing on dryRun=All', async () => {
    const r = await c.send('POST', `${CM}?dryRun=All`, {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } },
    });
    assert.equal(r.status, 201);
    assert.equal((await c.send('GET', `${CM}/dry`)).status, 404);
    await c.send('POST', CM, {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry2' }, data: { a: '1' } },
    });
    const p = await c.send('PATCH', `${CM}/dry2?dryRun=All`, {
      body: { data: { a: '2' } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(p.body.data.a, '2');
    assert.equal((await c.send('GET', `${CM}/dry2`)).body.data.a, '1');
    const del = await c.send('DELETE', `${CM}/dry2?dryRun=All`);
    assert.equal(del.status, 200);
    assert.equal((await c.send('GET', `${CM}/dry2`)).status, 200);
  });

  it('handles unknown fields per fieldValidation', async () => {
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fv' },
      data: { a: '1' },
      bogus: true,
    };
    const strict = await c.send('POST', `${CM}?fieldValidation=Strict`, { body });
    assert.equal(strict.status, 400);
    assert.equal(
      strict.body.message,
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"',
    );
    const warn = await c.send('POST', `${CM}?fieldValidation=Warn`, { body });
    assert.equal(warn.status, 201);
    assert.equal(warn.headers.warning, '299 - "unknown field \\"bogus\\""');
    assert.equal(warn.body.bogus, undefined);
    const ignore = await c.send('POST', `${CM}?fieldValidation=Ignore`, {
      body: { ...body, metadata: { name: 'fv2' } },
    });
    assert.equal(ignore.status, 201);
    assert.equal(ignore.headers.warning, undefined);
  });
});

describe('list', () => {
  before(async () => {
    const labels: Record<string, string>[] = [
      { tier: 'web', env: 'prod' },
      { tier: 'web', env: 'dev' },
      { tier: 'db', env: 'prod' },
      { tier: 'cache' },
    ];
    for (const [i, l] of labels.entries()) {
      await c.send('POST', '/api/v1/namespaces/kube-public/configmaps', {
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `l${i}`, labels: l } },
      });
    }
  });

  it('filters by label selectors (equality and set-based) and field selectors', async () => {
    const cases: [string, string[]][] = [
      ['labelSelector=tier%3Dweb', ['l0', 'l1']],
      ['labelSelector=tier%3Dweb,env!%3Dprod', ['l1']],
      ['labelSelector=tier%20in%20(db,cache)', ['l2', 'l3']],
      // notin also matches objects without the label: kube-root-ca.crt, which every namespace has
      ['labelSelector=tier%20notin%20(web)', ['kube-root-ca.crt', 'l2', 'l3']],
      ['labelSelector=env', ['l0', 'l1', 'l2']],
      ['labelSelector=!env', ['kube-root-ca.crt', 'l3']],
      ['fieldSelector=metadata.name%3Dl2', ['l2']],
      [
        'fieldSelector=metadata.name!%3Dl2,metadata.namespace%3Dkube-public',
        ['kube-root-ca.crt', 'l0', 'l1', 'l3'],
      ],
    ];
    for (const [q, want] of cases) {
      const r = await c.send('GET', `/api/v1/namespaces/kube-public/configmaps?${q}`);
      assert.equal(r.status, 200, q);
      assert.deepEqual(
        (r.body.items as unknown as Json[]).map((i) => i.metadata.name),
        want,
        q,
      );
    }
    const bad = await c.send('GET', '/api/v1/configmaps?fieldSelector=spec.x%3D1');
    assert.equal(bad.status, 400);
  });

  it('pages with limit and continue', async () => {
    const seen: unknown[] = [];
    let cont = '';
    for (let i = 0; i < 10; i++) {
      const r = await c.send(
        'GET',
        `/api/v1/namespaces/kube-public/configmaps?limit=3${cont === '' ? '' : `&continue=${cont}`}`,
      );
      seen.push(...(r.body.items as unknown as Json[]).map((x) => x.metadata.name));
      cont = asString(r.body.metadata.continue ?? '');
      if (cont === '') break;
    }
    assert.deepEqual(seen, ['kube-root-ca.crt', 'l0', 'l1', 'l2', 'l3']);
  });

  it('returns a Table when kubectl asks for one', async () => {
    const r = await c.send('GET', '/api/v1/namespaces/kube-public/configmaps', {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    assert.equal(r.body.kind, 'Table');
    assert.deepEqual(
      (r.body.columnDefinitions as unknown as Json[]).map((d) => d.name),
      ['Name', 'Data', 'Age'],
    );
    assert.equal(r.body.rows[0].cells[0], 'kube-root-ca.crt');
    assert.equal(r.body.rows[1].cells[0], 'l0');
    assert.equal(r.body.rows[0].object.kind, 'PartialObjectMetadata');
  });
});

describe('delete', () => {
  it('honours preconditions and finalizers, and deletecollection by selector', async () => {
    const cm = await c.send('POST', CM, {
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'fin', finalizers: ['example.com/hold'] },
      },
    });
    const wrong = await c.send('DELETE', `${CM}/fin`, { body: { preconditions: { uid: 'nope' } } });
    assert.equal(wrong.status, 409);
    assert.match(
      asString(wrong.body.message),
      /Operation cannot be fulfilled on ConfigMap "fin": the UID in the precondition \(nope\) does not match the UID in record/,
    );
    const held = await c.send('DELETE', `${CM}/fin`, {
      body: { preconditions: { uid: cm.body.metadata.uid } },
    });
    assert.equal(held.status, 200);
    assert.ok(held.body.metadata.deletionTimestamp);
    const live = await c.send('GET', `${CM}/fin`);
    const released = {
      ...(live.body as unknown as Record<string, unknown>),
      metadata: { ...(live.body.metadata as unknown as object), finalizers: [] },
    };
    const u = await c.send('PUT', `${CM}/fin`, { body: released });
    assert.equal(u.status, 200);
    assert.equal((await c.send('GET', `${CM}/fin`)).status, 404);
    const dc = await c.send(
      'DELETE',
      '/api/v1/namespaces/kube-public/configmaps?labelSelector=tier%3Dweb',
    );
    assert.equal(dc.status, 200);
    assert.equal((dc.body.items as unknown as Json[]).length, 2);
    const left = await c.send('GET', '/api/v1/namespaces/kube-public/configmaps');
    assert.deepEqual(
      (left.body.items as unknown as Json[]).map((i) => i.metadata.name),
      ['kube-root-ca.crt', 'l2', 'l3'],
    );
  });

  it('answers a plain delete with a Success Status', async () => {
    await c.send('POST', CM, {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone' } },
    });
    const r = await c.send('DELETE', `${CM}/gone`);
    assert.equal(r.status, 200);
    assert.equal(r.body.kind, 'Status');
    assert.equal(r.body.status, 'Success');
    assert.equal(r.body.details.name, 'gone');
  });
});

describe('immutable fields', () => {
  it('rejects changes with 422 "field is immutable"', async () => {
    await c.send('POST', DEPLOY, { body: deployment('imm') });
    const sel = await c.send('PATCH', `${DEPLOY}/imm`, {
      body: { spec: { selector: { matchLabels: { app: 'other' } } } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(sel.status, 422);
    assert.equal(sel.body.reason, 'Invalid');
    assert.equal(
      sel.body.message,
      'Deployment.apps "imm" is invalid: [spec.template.metadata.labels: Invalid value: {"app":"imm"}: `selector` does not match template `labels`, spec.selector: Invalid value: {"matchLabels":{"app":"other"}}: field is immutable]',
    );
    assert.equal(sel.body.details.causes[1].field, 'spec.selector');

    await c.send('POST', CM, {
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'frozen' },
        data: { a: '1' },
        immutable: true,
      },
    });
    const cm = await c.send('PATCH', `${CM}/frozen`, {
      body: { data: { a: '2' } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(cm.status, 422);
    assert.equal(
      cm.body.message,
      'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
    );

    const svc = await c.send('POST', '/api/v1/namespaces/default/services', {
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's' },
        spec: { ports: [{ port: 80 }] },
      },
    });
    assert.match(asString(svc.body.spec.clusterIP), /^10\.96\./);
    const ip = await c.send('PATCH', '/api/v1/namespaces/default/services/s', {
      body: { spec: { clusterIP: '10.96.9.9' } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(ip.status, 422);
    assert.match(
      asString(ip.body.message),
      /spec\.clusterIP: Invalid value: "10\.96\.9\.9": field is immutable/,
    );

    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: {
        template: {
          spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] },
        },
      },
    };
    await c.send('POST', '/apis/batch/v1/namespaces/default/jobs', { body: job });
    const jp = await c.send('PATCH', '/apis/batch/v1/namespaces/default/jobs/j', {
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'alpine' }],
      contentType: 'application/json-patch+json',
    });
    assert.equal(jp.status, 422);
    assert.match(
      asString(jp.body.message),
      /spec\.template: Invalid value: .*: field is immutable/,
    );
  });
});

describe('patch', () => {
  it('applies JSON, merge and strategic merge patches', async () => {
    await c.send('POST', DEPLOY, { body: deployment('p') });
    const smp = await c.send('PATCH', `${DEPLOY}/p`, {
      body: { spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    assert.equal(smp.status, 200);
    assert.deepEqual(
      (smp.body.spec.template.spec.containers as unknown as Json[]).map((x) => x.name).sort(),
      ['c', 'side'],
    );
    const jp = await c.send('PATCH', `${DEPLOY}/p`, {
      body: [{ op: 'test', path: '/spec/replicas', value: 5 }],
      contentType: 'application/json-patch+json',
    });
    assert.equal(jp.status, 422);
    const unsupported = await c.send('PATCH', `${DEPLOY}/p`, {
      body: {},
      contentType: 'text/plain',
    });
    assert.equal(unsupported.status, 415);
    const mf = (await c.send('GET', `${DEPLOY}/p`)).body.metadata
      .managedFields as unknown as Json[];
    assert.ok(mf.length >= 1);
  });
});
