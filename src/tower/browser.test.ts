// Tower end to end, as users see it: the shipped `flotilla tower` (bin/flotilla.js over the
// bundle) serving two local clusters whose controllers run, driven in Debian's Chromium through
// playwright-core. Every screen loads, filters work, a commit shows up live in Changes and Fleet,
// reconcile-now works, a rollback preview and its revert commit work, Secrets stay masked, and a
// read-only Tower refuses actions. With TOWER_SCREENSHOTS=DIR, each screen is saved there as PNG.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { KubeClient, type KubeObject } from '../kube/index.js';
import { startLocalCluster, type LocalCluster } from '../localcluster/index.js';
import { ResourceManager } from '../apply/index.js';
import { installCrds, startControllers, type RunningControllers } from '../controller/index.js';
import {
  FIXTURE_SECRET_VALUE,
  chromiumSkip,
  ensureTowerWeb,
  fleetObjects,
  mergedKubeconfig,
  openChromium,
  openCrd,
  requestFleetFetch,
  startCli,
  startFleetRepo,
  type Chromium,
  type CliProcess,
  type FleetRepo,
  until as pollUntil,
} from '../testing/index.js';

const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;
const TOKEN = 'alice-browser-token-77c1';
const LIVE_SECRET = 'edited-in-cluster-4410';
const SHOTS = process.env['TOWER_SCREENSHOTS'];

interface Site {
  readonly name: string;
  readonly cluster: LocalCluster;
  readonly client: KubeClient;
  readonly controllers: RunningControllers;
}

/** Polls until `fn` gives a value (the shared helper, with this suite's longer default wait). */
const until = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> =>
  pollUntil(what, fn, { timeoutMs });

const readyOf = (o: KubeObject) =>
  (
    o['status'] as { conditions?: { type: string; status: string }[] } | undefined
  )?.conditions?.find((c) => c.type === 'Ready')?.status;

async function startSite(
  name: string,
  repo: FleetRepo,
  dir: string,
  apps: Parameters<typeof fleetObjects>[1],
): Promise<Site> {
  const cluster = await startLocalCluster({
    port: 0,
    inMemory: true,
    name,
    simulationDelayMs: 200,
  });
  const client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
  await installCrds(client);
  const manager = new ResourceManager(client);
  await manager.applyAll([
    openCrd({
      group: 'wgpolicyk8s.io',
      version: 'v1alpha2',
      plural: 'policyreports',
      kind: 'PolicyReport',
    }),
    openCrd({
      group: 'constraints.gatekeeper.sh',
      version: 'v1beta1',
      plural: 'k8srequiredlabels',
      kind: 'K8sRequiredLabels',
      namespaced: false,
    }),
  ]);
  await manager.applyAll(fleetObjects(repo, apps));
  const controllers = await startControllers({
    client,
    dataDir: join(dir, `controller-${name}`),
    health: false,
    requeueDependencyMs: 500,
    healthPollMs: 250,
  });
  for (const a of apps) {
    await until(`${name}/${a.name} ready`, async () => {
      const o = await client.get({ ...KS, namespace: 'flux-system', name: a.name });
      return readyOf(o) === 'True' ? true : undefined;
    });
  }
  return { name, cluster, client, controllers };
}

/** Waits until the page shows exactly `n` elements matching `selector` (the page's CSP forbids eval). */
function waitCount(page: Page, selector: string, n: number): Promise<boolean> {
  return until(
    `${n} × ${selector}`,
    async () => ((await page.locator(selector).count()) === n ? true : undefined),
    30_000,
  );
}

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

async function towerUrl(p: CliProcess): Promise<string> {
  await p.waitFor(/Tower serving http:\/\/\S+/, 120_000);
  return /Tower serving (http:\/\/\S+)/.exec(p.stdout())?.[1] ?? '';
}

describe('Tower in Chromium', { skip: chromiumSkip(), timeout: 900_000 }, () => {
  let dir: string;
  let repo: FleetRepo;
  let staging: Site;
  let production: Site;
  let tower: CliProcess;
  let readOnly: CliProcess;
  let url: string;
  let readOnlyUrl: string;
  let browser: Chromium;
  let page: Page;
  const bodies: string[] = [];
  const origins = new Set<string>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tower-browser-'));
    await ensureTowerWeb();
    repo = await startFleetRepo();
    staging = await startSite('staging', repo, dir, [
      { name: 'podinfo', path: './apps/staging' },
      { name: 'config', path: './config/staging', dependsOn: ['podinfo'] },
    ]);
    production = await startSite('production', repo, dir, [
      { name: 'podinfo', path: './apps/production' },
    ]);
    // Policy results as Gatekeeper's audit and a PolicyReport writer leave them.
    await staging.client.create({
      apiVersion: 'constraints.gatekeeper.sh/v1beta1',
      kind: 'K8sRequiredLabels',
      metadata: { name: 'must-have-owner' },
      spec: { enforcementAction: 'deny' },
      status: {
        totalViolations: 2,
        violations: [
          {
            kind: 'Namespace',
            name: 'podinfo',
            message: 'you must provide labels: {"owner"}',
            enforcementAction: 'deny',
          },
          {
            kind: 'Namespace',
            name: 'flux-system',
            message: 'you must provide labels: {"owner"}',
            enforcementAction: 'deny',
          },
        ],
      },
    });
    await production.client.create({
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      metadata: { name: 'podinfo-audit', namespace: 'podinfo' },
      results: [
        {
          policy: 'disallow-latest-tag',
          rule: 'require-image-tag',
          result: 'fail',
          severity: 'medium',
          message: 'an image tag is required',
          resources: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo', namespace: 'podinfo' },
          ],
        },
      ],
    });
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      mergedKubeconfig(
        [staging, production].map((s) => s.cluster.kubeconfig),
        'staging',
      ),
      { mode: 0o600 },
    );
    const tokens = join(dir, 'tokens.csv');
    writeFileSync(tokens, `${TOKEN},alice,1001,"system:masters"\n`);
    const common = [
      'tower',
      '--kubeconfig',
      kubeconfig,
      '--context',
      'staging',
      '--context',
      'production',
      '--environment',
      'staging=staging',
      '--environment',
      'production=production',
      '--listen',
      '127.0.0.1:0',
    ];
    tower = await startCli([...common, '--auth-token-file', tokens, '--data', join(dir, 'tower')]);
    readOnly = await startCli([...common, '--data', join(dir, 'tower-ro')]);
    url = await towerUrl(tower);
    readOnlyUrl = await towerUrl(readOnly);
    browser = await openChromium();
    page = await browser.context.newPage();
    browser.context.on('request', (req) => {
      if (!req.url().startsWith('data:')) origins.add(new URL(req.url()).origin);
    });
    browser.context.on('response', (res) => {
      if (res.url().includes('/api/') && !res.url().endsWith('/api/stream')) {
        res.text().then(
          (t) => bodies.push(t),
          () => undefined,
        );
      }
    });
  });

  after(async () => {
    await browser?.close();
    await readOnly?.stop();
    await tower?.stop();
    for (const s of [staging, production]) {
      await s?.controllers.stop();
      s?.client.close();
      await s?.cluster.stop();
    }
    await repo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the fleet, interactive at once, in a list and a matrix', async () => {
    const started = Date.now();
    await page.goto(`${url}/fleet`);
    await page.waitForSelector('body[data-ready="fleet"]');
    const loadMs = Date.now() - started;
    assert.equal(await page.locator('tr[data-app]').count(), 3);
    assert.equal(await page.locator('[data-count="total"] .count-value').textContent(), '3');
    assert.equal(await page.locator('[data-count="ready"] .count-value').textContent(), '3');
    console.log(`# fleet interactive ${loadMs} ms after navigation`);
    await shot(page, 'fleet');
    await page.click('.view-switch >> text=Matrix');
    await page.waitForSelector('table.matrix');
    assert.equal(await page.locator('table.matrix tbody tr').count(), 2);
    assert.deepEqual(await page.locator('table.matrix thead th').allTextContents(), [
      'App',
      'productionproduction',
      'stagingstaging',
    ]);
    await shot(page, 'fleet-matrix');
  });

  it('filters and searches on the server, with the filters in a shareable URL', async () => {
    await page.goto(`${url}/fleet`);
    await page.click('[data-filter="cluster=production"]');
    await waitCount(page, 'tr[data-app]', 1);
    assert.match(page.url(), /cluster=production/);
    assert.equal(
      await page.locator('tr[data-app]').getAttribute('data-app'),
      'production/Kustomization/flux-system/podinfo',
    );
    await page.goto(`${url}/fleet?q=config`);
    await waitCount(page, 'tr[data-app]', 1);
    assert.equal(
      await page.locator('tr[data-app]').getAttribute('data-app'),
      'staging/Kustomization/flux-system/config',
    );
    await page.fill('input.search', 'podinfo');
    await waitCount(page, 'tr[data-app]', 2);
    assert.match(page.url(), /q=podinfo/);
  });

  it('shows an app: resource tree with health, conditions and events', async () => {
    await page.goto(`${url}/apps/staging/Kustomization/flux-system/podinfo`);
    await page.waitForSelector('text=Conditions history');
    assert.match((await page.locator('.summary').textContent()) ?? '', /Ready/);
    await shot(page, 'app');
    await page.click('a.tab >> text=Resources');
    await page.waitForSelector('tr[data-object="Deployment/podinfo/podinfo"]');
    assert.match(
      (await page.locator('tr[data-object="Deployment/podinfo/podinfo"]').textContent()) ?? '',
      /Healthy/,
    );
    await shot(page, 'app-tree');
  });

  it('masks Secrets in the live diff', async () => {
    const configRef = { ...KS, namespace: 'flux-system', name: 'config' };
    await staging.client.patch(configRef, 'merge', { spec: { suspend: true } });
    await staging.controllers.idle();
    await staging.client.patch(
      { apiVersion: 'v1', kind: 'Secret', namespace: 'podinfo', name: 'podinfo-db' },
      'merge',
      {
        data: { password: Buffer.from(LIVE_SECRET).toString('base64') },
      },
    );
    await page.goto(`${url}/apps/staging/Kustomization/flux-system/config?tab=diff`);
    await page.waitForSelector('[data-subject="Secret/podinfo/podinfo-db"]');
    const text =
      (await page.locator('[data-subject="Secret/podinfo/podinfo-db"]').textContent()) ?? '';
    assert.match(text, /\*\*\* \(before\)/);
    assert.match(text, /\*\*\* \(after\)/);
    const html = await page.content();
    for (const v of [
      FIXTURE_SECRET_VALUE,
      LIVE_SECRET,
      Buffer.from(LIVE_SECRET).toString('base64'),
    ])
      assert.ok(!html.includes(v));
    await shot(page, 'app-diff');
    await staging.client.patch(configRef, 'merge', { spec: { suspend: false } });
  });

  it('shows every image per environment, the ones behind marked outdated', async () => {
    await page.goto(`${url}/images`);
    const row = page.locator('tr[data-image="ghcr.io/stefanprodan/podinfo"]');
    await row.waitFor();
    assert.equal(await row.locator('.tag-latest').textContent(), '6.7.0');
    assert.deepEqual(await row.locator('[data-outdated="true"]').allTextContents(), ['6.5.0']);
    assert.deepEqual(await row.locator('[data-outdated="false"]').allTextContents(), ['6.7.0']);
    await page.click('input[name="outdated"]');
    await page.waitForURL(/outdated=true/);
    await shot(page, 'images');
  });

  it('shows a new commit live in Changes and Fleet', async () => {
    const fleetPage = await browser.context.newPage();
    await fleetPage.goto(`${url}/fleet?cluster=staging`);
    await fleetPage.waitForSelector('tr[data-app="staging/Kustomization/flux-system/podinfo"]');
    await page.goto(`${url}/changes`);
    await page.waitForSelector('article.change-row');
    const sha = await repo.commit(
      {
        'apps/staging/kustomization.yaml':
          'namespace: podinfo\nresources:\n  - namespace.yaml\n  - ../base/podinfo\nimages:\n  - name: ghcr.io/stefanprodan/podinfo\n    newTag: 6.7.1\n',
      },
      'Roll podinfo 6.7.1 out to staging',
      'Bob <bob@example.com>',
    );
    // As a push webhook would: the sources fetch now rather than at their next interval.
    await Promise.all([staging, production].map((s) => requestFleetFetch(s.client)));
    // No reload: the live stream brings the commit to both pages.
    await page.waitForSelector(`article[data-commit="${sha}"]`, { timeout: 90_000 });
    const article = page.locator(`article[data-commit="${sha}"]`);
    assert.match((await article.textContent()) ?? '', /modified.*Kustomization/);
    assert.match((await article.locator('.author').textContent()) ?? '', /Bob/);
    await fleetPage.waitForSelector(
      `tr[data-app="staging/Kustomization/flux-system/podinfo"] code.rev >> text=main@${sha.slice(0, 7)}`,
      { timeout: 90_000 },
    );
    await page.waitForSelector(
      `article[data-commit="${sha}"] a.applied[href="/apps/staging/Kustomization/flux-system/podinfo"]`,
      { timeout: 90_000 },
    );
    await shot(page, 'changes');
    await page.click('[data-filter="author=Bob"]');
    await page.waitForURL(/author=Bob/);
    await until("only Bob's commits", async () =>
      (await page.locator('article .author').allTextContents()).every((a) => a === 'Bob')
        ? true
        : undefined,
    );
    await fleetPage.close();
  });

  it('reconciles now for a logged-in user', async () => {
    await page.goto(`${url}/apps/staging/Kustomization/flux-system/podinfo`);
    await page.click('[data-action="login"]');
    await page.fill('input[name="token"]', TOKEN);
    await page.click('form.login button[type="submit"]');
    await page.waitForSelector('.user >> text=alice');
    await page.waitForSelector('[data-action="reconcile"]:not([disabled])');
    await page.click('[data-action="reconcile"]');
    await page.waitForSelector('.notice >> text=requested a reconcile');
    const ks = await staging.client.get({ ...KS, namespace: 'flux-system', name: 'podinfo' });
    const requested = ks.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
    assert.ok(requested);
    await until('the controller to handle it', async () => {
      const k = await staging.client.get({ ...KS, namespace: 'flux-system', name: 'podinfo' });
      return (k['status'] as { lastHandledReconcileAt?: string }).lastHandledReconcileAt ===
        requested
        ? true
        : undefined;
    });
    const events = await staging.client.list(
      { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
      { namespace: 'flux-system', fieldSelector: 'regarding.name=podinfo' },
    );
    assert.ok(
      events.items.some(
        (e) => e['reason'] === 'ReconcileRequested' && String(e['note']).startsWith('alice '),
      ),
    );
  });

  it('rolls back through a revert commit, previewed first', async () => {
    const before = await repo.head();
    await page.goto(`${url}/apps/staging/Kustomization/flux-system/podinfo?tab=history`);
    await page.waitForSelector('text=Source commits touching this app');
    const older = page.locator('tr[data-commit] [data-action="rollback"]').first();
    await older.click();
    await page.waitForSelector('[data-preview]', { timeout: 60_000 });
    assert.match(
      (await page.locator('.rollback .files').textContent()) ?? '',
      /apps\/staging\/kustomization\.yaml/,
    );
    assert.match(
      (await page.locator('.commit-message').textContent()) ?? '',
      /This reverts commits:\n {2}\w+ Roll podinfo 6\.7\.1 out to staging/,
    );
    assert.equal(await repo.head(), before, 'nothing is pushed by a preview');
    await shot(page, 'rollback-preview');
    await page.click('[data-action="commit-rollback"]');
    await page.waitForSelector('.rollback .notice >> text=pushed to main', { timeout: 60_000 });
    const head = await repo.head();
    assert.notEqual(head, before);
    await until('the revert to be applied', async () => {
      const k = await staging.client.get({ ...KS, namespace: 'flux-system', name: 'podinfo' });
      return (k['status'] as { lastAppliedRevision?: string }).lastAppliedRevision ===
        `main@sha1:${head}`
        ? true
        : undefined;
    });
    const dep = await staging.client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'podinfo',
      name: 'podinfo',
    });
    assert.match(JSON.stringify(dep['spec']), /podinfo:6\.7\.0"/);
  });

  it('compares clusters on compliance', async () => {
    await page.goto(`${url}/compliance`);
    const gk = page.locator('tr[data-policy="K8sRequiredLabels/must-have-owner"]');
    await gk.waitFor();
    // Columns in the order of the --context flags: staging, then production.
    assert.deepEqual(await gk.locator('td.cell').allTextContents(), ['2', '0']);
    const pr = page.locator('tr[data-policy="disallow-latest-tag/require-image-tag"]');
    assert.deepEqual(await pr.locator('td.cell').allTextContents(), ['0', '1']);
    await shot(page, 'compliance');
  });

  it('refuses actions when read-only', async () => {
    const ro = await browser.context.newPage();
    await ro.goto(`${readOnlyUrl}/apps/staging/Kustomization/flux-system/podinfo`);
    await ro.waitForSelector('.badge-readonly');
    assert.equal(await ro.locator('[data-action="reconcile"]').isDisabled(), true);
    const status = await ro.evaluate(async () => {
      const r = await fetch('/api/apps/staging/Kustomization/flux-system/podinfo/reconcile', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return `${r.status} ${await r.text()}`;
    });
    assert.match(status, /^403 .*ReadOnly/);
    await ro.close();
  });

  it('fetched nothing from anywhere but Tower itself (no CDN, no network)', () => {
    assert.deepEqual(
      [...origins].sort(),
      [new URL(url).origin, new URL(readOnlyUrl).origin].sort(),
    );
  });

  it('never sent a Secret value to the browser', () => {
    assert.ok(bodies.length > 20, `${bodies.length} API answers seen`);
    const values = [
      FIXTURE_SECRET_VALUE,
      Buffer.from(FIXTURE_SECRET_VALUE).toString('base64'),
      LIVE_SECRET,
      Buffer.from(LIVE_SECRET).toString('base64'),
    ];
    for (const body of bodies)
      for (const v of values) assert.ok(!body.includes(v), `an API answer carried ${v}`);
  });
});
