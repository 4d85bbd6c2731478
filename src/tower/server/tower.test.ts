// Tower's server against a local cluster with the controllers running: the API's lists and their
// limits, security (read-only mode, logins, CSRF, headers, Host, listening elsewhere refused),
// Secret masking in every diff, actions recorded as Events, and live updates.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient, type KubeObject } from '../../kube/index.js';
import { startLocalCluster, type LocalCluster } from '../../localcluster/index.js';
import { ResourceManager } from '../../apply/index.js';
import { installCrds, startControllers, type RunningControllers } from '../../controller/index.js';
import {
  FIXTURE_SECRET_VALUE,
  ensureTowerWeb,
  fleetObjects,
  requestFleetFetch,
  startFleetRepo,
  type FleetRepo,
  until as pollUntil,
} from '../../testing/index.js';
import type {
  AppDetail,
  DiffResponse,
  FleetPage,
  RevertPreview,
  SessionInfo,
} from '../api/types.js';
import { startTower, type RunningTower } from './tower.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: {
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

/** Polls until `fn` gives a value (the shared helper, with this suite's longer default wait). */
const until = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> =>
  pollUntil(what, fn, { timeoutMs });

const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;
const APP = 'staging/Kustomization/flux-system/config';
const TOKEN = 'alice-token-3b1f0c';

describe('Tower server', { timeout: 240_000 }, () => {
  let cluster: LocalCluster;
  let client: KubeClient;
  let repo: FleetRepo;
  let controllers: RunningControllers;
  let tower: RunningTower;
  let readOnly: RunningTower;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tower-test-'));
    await ensureTowerWeb();
    cluster = await startLocalCluster({
      port: 0,
      inMemory: true,
      name: 'staging',
      simulationDelayMs: 100,
    });
    client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
    await installCrds(client);
    repo = await startFleetRepo();
    await new ResourceManager(client).applyAll(
      fleetObjects(repo, [
        { name: 'podinfo', path: './apps/staging' },
        { name: 'config', path: './config/staging', dependsOn: ['podinfo'] },
      ]),
    );
    controllers = await startControllers({
      client,
      dataDir: join(dir, 'controller'),
      health: false,
      requeueDependencyMs: 500,
      healthPollMs: 200,
    });
    for (const name of ['podinfo', 'config']) {
      await until(`${name} ready`, async () => {
        const ks = await client.get({ ...KS, namespace: 'flux-system', name });
        const ready = (
          ks['status'] as { conditions?: { type: string; status: string }[] } | undefined
        )?.conditions?.find((c) => c.type === 'Ready');
        return ready?.status === 'True' ? true : undefined;
      });
    }
    const tokens = join(dir, 'tokens.csv');
    writeFileSync(tokens, `${TOKEN},alice,1001,"system:masters"\n`);
    const clusters = [{ name: 'staging', environment: 'staging', client }];
    tower = await startTower({
      clusters,
      dataDir: join(dir, 'tower'),
      auth: { tokenFile: tokens },
      repoIntervalMs: 1000,
    });
    readOnly = await startTower({ clusters, dataDir: join(dir, 'tower-ro') });
  });

  after(async () => {
    await readOnly?.stop();
    await tower?.stop();
    await controllers?.stop();
    client?.close();
    await cluster?.stop();
    await repo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the fleet a page at a time, with filters checked', async () => {
    const all = JSON.parse((await call(tower.url, 'GET', '/api/fleet')).body) as FleetPage;
    assert.deepEqual(
      all.items.map((r) => r.name),
      ['config', 'podinfo'],
    );
    assert.equal(all.counts.ready, 2);
    assert.equal(all.items[0]?.drift, 'synced');
    assert.equal(all.items[0]?.behind, 0);
    const one = JSON.parse(
      (await call(tower.url, 'GET', '/api/fleet?pageSize=1&page=2')).body,
    ) as FleetPage;
    assert.deepEqual([one.total, one.items.length, one.items[0]?.name], [2, 1, 'podinfo']);
    const found = JSON.parse(
      (await call(tower.url, 'GET', '/api/fleet?q=config')).body,
    ) as FleetPage;
    assert.deepEqual(
      found.items.map((r) => r.name),
      ['config'],
    );
    const big = await call(tower.url, 'GET', '/api/fleet?pageSize=5000');
    assert.equal(big.status, 400);
    assert.match(big.body, /pageSize: expected a whole number from 1 to 200/);
    const bad = await call(tower.url, 'GET', '/api/fleet?status=green');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /status: 'green' is not one of ready, failing/);
  });

  it('sends the security headers and answers only to its own host names', async () => {
    for (const path of ['/fleet', '/api/fleet']) {
      const r = await call(tower.url, 'GET', path);
      assert.equal(r.status, 200);
      assert.match(
        String(r.headers['content-security-policy']),
        /default-src 'self'.*frame-ancestors 'none'/,
      );
      assert.equal(r.headers['x-frame-options'], 'DENY');
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
    }
    const rebound = await call(tower.url, 'GET', '/api/fleet', {
      headers: { host: 'evil.example:80' },
    });
    assert.equal(rebound.status, 421);
  });

  it('refuses to listen beyond loopback without a login', async () => {
    await assert.rejects(
      startTower({
        clusters: [{ name: 'x', environment: 'x', client }],
        dataDir: join(dir, 'x'),
        host: '0.0.0.0',
      }),
      /refusing to listen on 0\.0\.0\.0 without authentication/,
    );
  });

  it('is read-only without logins', async () => {
    const session = JSON.parse(
      (await call(readOnly.url, 'GET', '/api/session')).body,
    ) as SessionInfo;
    assert.equal(session.readOnly, true);
    const r = await call(readOnly.url, 'POST', `/api/apps/${APP}/reconcile`, { body: {} });
    assert.equal(r.status, 403);
    assert.match(r.body, /"reason":"ReadOnly"/);
    const login = await call(readOnly.url, 'POST', '/api/login', { body: { token: TOKEN } });
    assert.equal(login.status, 403);
  });

  it('acts only for a logged-in user with the CSRF token, as that user, recorded as an Event', async () => {
    assert.equal(
      (await call(tower.url, 'POST', `/api/apps/${APP}/reconcile`, { body: {} })).status,
      401,
    );
    assert.equal(
      (await call(tower.url, 'POST', '/api/login', { body: { token: 'wrong' } })).status,
      401,
    );
    const login = await call(tower.url, 'POST', '/api/login', { body: { token: TOKEN } });
    assert.equal(login.status, 200);
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    assert.match(String(login.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    const { csrf, user } = JSON.parse(login.body) as SessionInfo;
    assert.equal(user, 'alice');
    const noCsrf = await call(tower.url, 'POST', `/api/apps/${APP}/reconcile`, {
      body: {},
      headers: { cookie },
    });
    assert.equal(noCsrf.status, 403);
    assert.match(noCsrf.body, /CsrfFailed/);
    const crossSite = await call(tower.url, 'POST', `/api/apps/${APP}/reconcile`, {
      body: {},
      headers: { cookie, 'x-csrf-token': csrf ?? '', origin: 'https://evil.example' },
    });
    assert.equal(crossSite.status, 403);
    const ok = await call(tower.url, 'POST', `/api/apps/${APP}/reconcile`, {
      body: { withSource: true },
      headers: { cookie, 'x-csrf-token': csrf ?? '' },
    });
    assert.equal(ok.status, 200, ok.body);
    const ks = await client.get({ ...KS, namespace: 'flux-system', name: 'config' });
    const requested = ks.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
    assert.ok(requested);
    await until('the controller to handle the request', async () => {
      const k = await client.get({ ...KS, namespace: 'flux-system', name: 'config' });
      return (k['status'] as { lastHandledReconcileAt?: string }).lastHandledReconcileAt ===
        requested
        ? true
        : undefined;
    });
    const events = await client.list(
      { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
      { namespace: 'flux-system', fieldSelector: 'regarding.name=config' },
    );
    const mine = events.items.find((e) => e['reason'] === 'ReconcileRequested');
    assert.ok(mine, 'a ReconcileRequested event');
    assert.match(String(mine['note']), /^alice requested a reconcile/);
    assert.equal(mine['reportingController'], 'flotilla/tower');
    // Bearer tokens work for API clients (no cookie, so no CSRF token needed).
    const bearer = await call(tower.url, 'POST', `/api/apps/${APP}/suspend`, {
      body: {},
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(bearer.status, 200, bearer.body);
    const resumed = await call(tower.url, 'POST', `/api/apps/${APP}/resume`, {
      body: {},
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(resumed.status, 200, resumed.body);
  });

  it('never sends a Secret value: live diff, revision diff and rollback preview are masked', async () => {
    const secretRef = {
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'podinfo',
      name: 'podinfo-db',
    };
    const live = await client.get<KubeObject & { data: Record<string, string> }>(secretRef);
    assert.equal(
      Buffer.from(live.data['password'] ?? '', 'base64').toString(),
      FIXTURE_SECRET_VALUE,
    );
    // Someone changes the Secret in the cluster (the app suspended, so the controller leaves the
    // drift alone): the live diff shows it changed, not its values.
    const configRef = { ...KS, namespace: 'flux-system', name: 'config' };
    await client.patch(configRef, 'merge', { spec: { suspend: true } });
    await controllers.idle();
    await client.patch(secretRef, 'merge', {
      data: { password: Buffer.from('changed-live-value-77').toString('base64') },
    });
    const forbidden = [
      FIXTURE_SECRET_VALUE,
      Buffer.from(FIXTURE_SECRET_VALUE).toString('base64'),
      'changed-live-value-77',
      Buffer.from('changed-live-value-77').toString('base64'),
    ];
    const liveDiff = await call(tower.url, 'GET', `/api/apps/${APP}/diff/live`);
    assert.equal(liveDiff.status, 200, liveDiff.body);
    for (const v of forbidden) assert.ok(!liveDiff.body.includes(v), `live diff carries ${v}`);
    const parsed = JSON.parse(liveDiff.body) as DiffResponse;
    const secretDiff = parsed.objects.find((o) => o.subject === 'Secret/podinfo/podinfo-db');
    assert.equal(secretDiff?.change, 'modified');
    assert.match(secretDiff?.left ?? '', /password: "\*\*\* \(before\)"/);
    assert.match(secretDiff?.right ?? '', /password: "\*\*\* \(after\)"/);
    await client.patch(configRef, 'merge', { spec: { suspend: false } });

    // A commit changes the Secret in Git: the revision diff and a rollback preview are masked too.
    const first = await repo.head();
    const second = await repo.commit(
      {
        'config/staging/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: podinfo-db\nstringData:\n  password: rotated-in-git-5521\n`,
      },
      'Rotate the database password',
    );
    await requestFleetFetch(client);
    forbidden.push('rotated-in-git-5521', Buffer.from('rotated-in-git-5521').toString('base64'));
    await until('the commit applied', async () => {
      const d = JSON.parse((await call(tower.url, 'GET', `/api/apps/${APP}`)).body) as AppDetail;
      return d.row.revision.endsWith(second) ? d : undefined;
    });
    const revDiff = await call(
      tower.url,
      'GET',
      `/api/apps/${APP}/diff/revisions?from=${first}&to=${second}`,
    );
    assert.equal(revDiff.status, 200, revDiff.body);
    for (const v of forbidden) assert.ok(!revDiff.body.includes(v), `revision diff carries ${v}`);
    assert.match(revDiff.body, /\*\*\* \(after\)/);
    const branchDiff = await call(
      tower.url,
      'GET',
      `/api/apps/${APP}/diff/revisions?from=${first}&branch=main`,
    );
    assert.equal(branchDiff.status, 200, branchDiff.body);
    assert.equal((JSON.parse(branchDiff.body) as DiffResponse).summary.modified, 1);
    const preview = await call(tower.url, 'POST', `/api/apps/${APP}/rollback/preview`, {
      body: { revision: first },
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(preview.status, 200, preview.body);
    for (const v of forbidden)
      assert.ok(!preview.body.includes(v), `rollback preview carries ${v}`);
    const p = JSON.parse(preview.body) as RevertPreview;
    assert.match(p.patch, /config\/staging\/secret\.yaml holds a Secret: its content is not shown/);
    assert.deepEqual(
      p.commits.map((c) => c.sha),
      [second],
    );
    const detail = await call(tower.url, 'GET', `/api/apps/${APP}`);
    for (const v of forbidden) assert.ok(!detail.body.includes(v), `app detail carries ${v}`);
  });

  it('streams changes to the browser within a second', async () => {
    const messages: string[] = [];
    const url = new URL('/api/stream', tower.url);
    const req = request(url, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => messages.push(c));
    });
    req.end();
    try {
      await until(
        'the stream to open',
        () => Promise.resolve(messages.length > 0 ? true : undefined),
        5000,
      );
      const at = Date.now();
      await client.patch({ ...KS, namespace: 'flux-system', name: 'podinfo' }, 'merge', {
        spec: { suspend: true },
      });
      await until(
        'an apps update',
        () => Promise.resolve(messages.some((m) => m.includes('"apps"')) ? true : undefined),
        5000,
      );
      assert.ok(Date.now() - at < 1000, `update took ${Date.now() - at} ms`);
      const fleet = JSON.parse(
        (await call(tower.url, 'GET', '/api/fleet?status=suspended')).body,
      ) as FleetPage;
      assert.deepEqual(
        fleet.items.map((r) => r.name),
        ['podinfo'],
      );
    } finally {
      req.destroy();
      await client.patch({ ...KS, namespace: 'flux-system', name: 'podinfo' }, 'merge', {
        spec: { suspend: false },
      });
    }
  });
});
