// The pure parts of Tower's server, table by table: app rows from Flux objects, the Fleet index
// (filters, search, sort, paging, matrix), object changes of commits, image tags, compliance
// (PolicyReports, Gatekeeper constraints, accepted risks) and static token files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../kube/index.js';
import type { AppRow } from '../api/types.js';
import { AppIndex, type FleetQuery } from './apps/app-index.js';
import { driftOf, statusOf } from './apps/conditions.js';
import { kustomizationProvider } from './apps/kustomization.js';
import { appId, parseAppId, type RowContext } from './apps/provider.js';
import { csrfMatches, parseTokens } from './auth.js';
import { ComplianceIndex } from './compliance/compliance-index.js';
import { gatekeeperProvider, policyReportProvider, readException } from './compliance/providers.js';
import { objectChanges } from './git/object-changes.js';
import { parseLogChunk } from './git/repo-history.js';
import { ImageIndex } from './images/image-index.js';
import { isOutdated, newestTag, parseImageRef } from './images/image-ref.js';
import { commitOf } from './sources.js';

const SHA = 'a'.repeat(40);

function ks(
  name: string,
  status: Record<string, unknown>,
  spec: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system', managedFields: [{ big: true }] },
    spec: { sourceRef: { kind: 'GitRepository', name: 'fleet' }, path: './apps', ...spec },
    status,
  };
}

const ctx = (revision?: string): RowContext => ({
  cluster: 'prod-eu',
  environment: 'production',
  source: (ref) => ({ ...ref, ...(revision ? { revision } : {}) }),
  behind: () => 3,
});

describe('app rows', () => {
  it('derives status, drift and behind from a Kustomization', () => {
    const ready = [
      {
        type: 'Ready',
        status: 'True',
        reason: 'ReconciliationSucceeded',
        message: 'Applied revision: main@sha1:x',
        lastTransitionTime: '2025-01-02T00:00:00Z',
      },
    ];
    const obj = kustomizationProvider.transform(
      ks('apps', {
        conditions: ready,
        lastAppliedRevision: `main@sha1:${SHA}`,
        lastAttemptedRevision: `main@sha1:${SHA}`,
        inventory: {
          entries: [
            { id: 'a', v: 'v1' },
            { id: 'b', v: 'v1' },
          ],
        },
      }),
    );
    assert.equal(obj.metadata.managedFields, undefined);
    const synced = kustomizationProvider.row(obj, ctx(`main@sha1:${SHA}`));
    assert.deepEqual(
      [synced.id, synced.status, synced.drift, synced.behind, synced.objects, synced.lastChange],
      ['prod-eu/Kustomization/flux-system/apps', 'ready', 'synced', 0, 2, '2025-01-02T00:00:00Z'],
    );
    const behind = kustomizationProvider.row(obj, ctx(`main@sha1:${'b'.repeat(40)}`));
    assert.deepEqual([behind.drift, behind.behind], ['behind', 3]);
  });

  it('names each state as users read it', () => {
    const c = (type: string, status: string, reason = '') => ({
      type,
      status,
      reason,
      message: '',
      lastTransitionTime: '',
    });
    const cases: [Parameters<typeof statusOf>, ReturnType<typeof statusOf>][] = [
      [[[c('Ready', 'True')], false], 'ready'],
      [[[c('Ready', 'False', 'BuildFailed')], false], 'failing'],
      [[[c('Ready', 'False', 'DependencyNotReady')], false], 'progressing'],
      [[[c('Ready', 'Unknown'), c('Reconciling', 'True')], false], 'progressing'],
      [[[c('Ready', 'True')], true], 'suspended'],
      [[[], false], 'unknown'],
    ];
    for (const [args, want] of cases) assert.equal(statusOf(...args), want, JSON.stringify(args));
    assert.equal(driftOf('r1', 'r2', 'False', 'r2'), 'failing');
    assert.equal(driftOf('', '', 'Unknown', 'r1'), 'unknown');
    assert.equal(driftOf('r1', 'r1', 'True', undefined), 'unknown');
  });

  it('round-trips app ids with odd characters', () => {
    const id = appId('prod/eu', 'Kustomization', 'ns', 'a b%c');
    assert.equal(id, 'prod%2Feu/Kustomization/ns/a%20b%25c');
    assert.deepEqual(parseAppId(id), {
      cluster: 'prod/eu',
      kind: 'Kustomization',
      namespace: 'ns',
      name: 'a b%c',
    });
    assert.equal(parseAppId('a/b/c'), undefined);
    assert.equal(commitOf(`main@sha1:${SHA}`), SHA);
    assert.equal(commitOf('v1.0@sha256:xyz'), undefined);
  });
});

function row(i: number, over: Partial<AppRow> = {}): AppRow {
  return {
    id: `c${i % 3}/Kustomization/ns${i % 5}/app-${String(i).padStart(5, '0')}`,
    cluster: `c${i % 3}`,
    environment: i % 3 === 0 ? 'production' : 'staging',
    kind: 'Kustomization',
    namespace: `ns${i % 5}`,
    name: `app-${String(i).padStart(5, '0')}`,
    revision: 'main@sha1:1',
    attemptedRevision: 'main@sha1:1',
    ready: 'True',
    status: i % 7 === 0 ? 'failing' : 'ready',
    drift: i % 4 === 0 ? 'behind' : 'synced',
    suspended: false,
    message: i % 7 === 0 ? 'kustomize build failed: boom' : 'Applied revision',
    reason: '',
    lastChange: `2025-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
    objects: 3,
    ...over,
  };
}

const query = (q: Partial<FleetQuery> = {}): FleetQuery => ({
  page: 1,
  pageSize: 50,
  q: '',
  clusters: [],
  environments: [],
  kinds: [],
  statuses: [],
  drift: [],
  namespaces: [],
  sort: 'name',
  desc: false,
  ...q,
});

describe('AppIndex', () => {
  const index = new AppIndex();
  for (let i = 0; i < 1000; i++) index.upsert(row(i));

  it('pages, counts and filters on the server', () => {
    const p = index.query(query({ pageSize: 20, page: 3 }));
    assert.deepEqual([p.total, p.items.length, p.items[0]?.name], [1000, 20, 'app-00040']);
    assert.equal(p.counts.failing, 143);
    const failing = index.query(query({ statuses: ['failing'], clusters: ['c1'] }));
    assert.ok(failing.items.every((r) => r.status === 'failing' && r.cluster === 'c1'));
    assert.equal(failing.total, failing.counts.failing);
    const words = index.query(query({ q: 'BOOM app-0007' }));
    assert.deepEqual(
      words.items.map((r) => r.name),
      ['app-00070', 'app-00077'],
    );
    assert.equal(index.counts().total, 1000);
  });

  it('sorts by status, last change and cluster, either way', () => {
    const s = index.query(query({ sort: 'status', pageSize: 200 }));
    assert.equal(s.items[0]?.status, 'failing');
    const d = index.query(query({ sort: 'status', desc: true, pageSize: 1 }));
    assert.equal(d.items[0]?.status, 'ready');
    const t = index.query(query({ sort: 'lastChange', pageSize: 1 }));
    assert.equal(t.items[0]?.lastChange, '2025-01-01T00:00:59Z');
  });

  it('groups the matrix by app across clusters', () => {
    const m = new AppIndex();
    m.upsert(row(0, { id: 'a/K/ns/x', cluster: 'a', name: 'x', namespace: 'ns' }));
    m.upsert(
      row(0, { id: 'b/K/ns/x', cluster: 'b', name: 'x', namespace: 'ns', status: 'failing' }),
    );
    m.upsert(row(0, { id: 'b/K/ns/y', cluster: 'b', name: 'y', namespace: 'ns' }));
    const page = m.matrix(query());
    assert.deepEqual(
      page.items.map((r) => [r.key, Object.keys(r.cells).sort()]),
      [
        ['Kustomization/ns/x', ['a', 'b']],
        ['Kustomization/ns/y', ['b']],
      ],
    );
    assert.equal(
      m.upsert(row(0, { id: 'b/K/ns/y', cluster: 'b', name: 'y', namespace: 'ns' })),
      false,
    );
    assert.equal(m.remove('b/K/ns/y'), true);
    assert.equal(m.size, 2);
  });
});

describe('object changes of a commit', () => {
  it('matches objects by kind, namespace and name across file versions', () => {
    const dep = (image: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  image: ${image}\n`;
    const changes = objectChanges([
      {
        path: 'apps/web.yaml',
        before: dep('a'),
        after: `${dep('b')}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n`,
        namespaceBefore: 'shop',
        namespaceAfter: 'shop',
      },
      {
        path: 'apps/old.yaml',
        before: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\n  namespace: x\n',
        after: '',
        namespaceBefore: '',
        namespaceAfter: '',
      },
      {
        path: 'apps/kustomization.yaml',
        before: '',
        after: 'resources: [web.yaml]\n',
        namespaceBefore: '',
        namespaceAfter: '',
      },
      { path: 'broken.yaml', before: '', after: 'a: [\n', namespaceBefore: '', namespaceAfter: '' },
    ]);
    assert.deepEqual(
      changes.map((c) => `${c.change} ${c.kind} ${c.namespace}/${c.name}`),
      [
        'modified Deployment shop/web',
        'added Service shop/web',
        'removed ConfigMap x/old',
        'added Kustomization /apps/',
      ],
    );
  });

  it('reads git log --raw -z output', () => {
    const chunk = `${SHA}\x1f${'b'.repeat(40)}\x1fAlice\x1falice@e\x1f2025-01-01T00:00:00+00:00\x1fFix it\0\n:100644 100644 ${'1'.repeat(40)} ${'2'.repeat(40)} M\0a b.yaml\0:000000 100644 ${'0'.repeat(40)} ${'3'.repeat(40)} A\0new.yaml\0`;
    const c = parseLogChunk(chunk);
    assert.deepEqual(
      [c.header.sha, c.header.parents, c.header.author, c.header.subject],
      [SHA, ['b'.repeat(40)], 'Alice', 'Fix it'],
    );
    assert.deepEqual(
      c.entries.map((e) => e.path),
      ['a b.yaml', 'new.yaml'],
    );
  });
});

describe('images', () => {
  it('splits references and orders tags as versions', () => {
    assert.deepEqual(parseImageRef('registry:5000/team/app:1.2'), {
      repository: 'registry:5000/team/app',
      tag: '1.2',
    });
    assert.deepEqual(parseImageRef('nginx'), { repository: 'nginx', tag: 'latest' });
    assert.equal(parseImageRef(`app@sha256:${'f'.repeat(64)}`).tag.startsWith('@sha256:'), true);
    assert.equal(newestTag(['1.2', 'v1.10.0', '1.9.9', 'latest', 'sha-abc']), 'v1.10.0');
    assert.equal(isOutdated('1.2', '1.4'), true);
    assert.equal(isOutdated('latest', '1.4'), false);
    assert.equal(isOutdated('1.4.0', 'v1.4'), false);
  });

  it('marks tags behind the fleet or the ImagePolicy as outdated, environments side by side', () => {
    const idx = new ImageIndex();
    idx.setWorkload('s', {
      cluster: 's1',
      environment: 'staging',
      workload: 'Deployment/a/web',
      containers: [{ name: 'web', image: 'ghcr.io/x/web:1.4' }],
    });
    idx.setWorkload('p', {
      cluster: 'p1',
      environment: 'production',
      workload: 'Deployment/a/web',
      containers: [{ name: 'web', image: 'ghcr.io/x/web:1.2' }],
    });
    let page = idx.query({
      page: 1,
      pageSize: 10,
      q: '',
      environments: [],
      clusters: [],
      outdatedOnly: false,
    });
    assert.equal(page.items[0]?.latest, '1.4');
    assert.deepEqual(
      page.items[0]?.environments['production']?.map((u) => [u.tag, u.outdated]),
      [['1.2', true]],
    );
    assert.deepEqual(
      page.items[0]?.environments['staging']?.map((u) => [u.tag, u.outdated]),
      [['1.4', false]],
    );
    idx.setPolicyLatest('pol', { repository: 'ghcr.io/x/web', tag: '1.5' });
    page = idx.query({
      page: 1,
      pageSize: 10,
      q: '',
      environments: [],
      clusters: [],
      outdatedOnly: true,
    });
    assert.deepEqual(
      [
        page.items[0]?.latest,
        page.items[0]?.latestFrom,
        page.items[0]?.environments['staging']?.[0]?.outdated,
      ],
      ['1.5', 'policy', true],
    );
  });
});

describe('compliance', () => {
  const report: KubeObject = {
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: 'PolicyReport',
    metadata: { name: 'r', namespace: 'shop' },
    results: [
      {
        policy: 'require-labels',
        rule: 'team',
        result: 'fail',
        severity: 'medium',
        message: 'label team is required',
        resources: [{ kind: 'Deployment', name: 'web', namespace: 'shop' }],
      },
      {
        policy: 'require-labels',
        rule: 'team',
        result: 'pass',
        resources: [{ kind: 'Deployment', name: 'api', namespace: 'shop' }],
      },
    ],
  };
  const constraint: KubeObject = {
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind: 'K8sRequiredLabels',
    metadata: { name: 'must-have-owner' },
    spec: { enforcementAction: 'warn' },
    status: {
      totalViolations: 25,
      violations: [
        {
          kind: 'Namespace',
          name: 'shop',
          message: 'you must provide labels: {"owner"}',
          enforcementAction: 'warn',
        },
      ],
    },
  };

  it('reads failing PolicyReport results and Gatekeeper violations', () => {
    const r = policyReportProvider.violations(policyReportProvider.transform(report));
    assert.deepEqual(
      r.map((v) => [v.policy, v.kind, v.namespace, v.name, v.action]),
      [['require-labels/team', 'Deployment', 'shop', 'web', 'fail']],
    );
    const c = gatekeeperProvider.transform(constraint);
    assert.deepEqual(
      gatekeeperProvider.violations(c).map((v) => [v.policy, v.action, v.name]),
      [['K8sRequiredLabels/must-have-owner', 'warn', 'shop']],
    );
    assert.equal(gatekeeperProvider.unlisted(c), 24);
  });

  it('counts what engines counted and applies accepted risks until they expire', () => {
    const idx = new ComplianceIndex();
    const c = gatekeeperProvider.transform(constraint);
    idx.setEntry('a', {
      cluster: 'prod',
      environment: 'production',
      violations: gatekeeperProvider.violations(c),
      unlisted: gatekeeperProvider.unlisted(c),
      policy: 'K8sRequiredLabels/must-have-owner',
    });
    idx.setEntry('b', {
      cluster: 'stage',
      environment: 'staging',
      violations: policyReportProvider.violations(report),
      unlisted: 0,
      policy: '',
    });
    const q = {
      page: 1,
      pageSize: 50,
      q: '',
      clusters: [],
      namespaces: [],
      policies: [],
      includeAccepted: false,
    };
    let page = idx.query(q);
    assert.deepEqual(
      page.matrix.map((m) => [m.policy, m.clusters]),
      [
        ['K8sRequiredLabels/must-have-owner', { prod: 25 }],
        ['require-labels/team', { stage: 1 }],
      ],
    );
    const exception = readException({
      apiVersion: 'policy.flotilla.dev/v1',
      kind: 'PolicyException',
      metadata: { name: 'shop-owner', namespace: 'shop' },
      spec: {
        constraints: ['must-have-owner'],
        match: { kinds: ['Namespace'] },
        justification: 'migrating',
        ticket: 'OPS-1',
        expiresAt: '2099-01-01T00:00:00Z',
      },
      status: { acceptedBy: 'carol' },
    });
    idx.setException('e', { ...exception, cluster: 'prod' });
    page = idx.query(q);
    assert.equal(
      page.items.some((v) => v.policy.startsWith('K8sRequiredLabels')),
      false,
    );
    const withAccepted = idx.query({ ...q, includeAccepted: true });
    assert.equal(
      withAccepted.items.find((v) => v.policy.startsWith('K8sRequiredLabels'))?.acceptedBy,
      'carol',
    );
    // After expiry the violation is back.
    const later = idx.query(q, Date.parse('2100-01-01T00:00:00Z'));
    assert.equal(
      later.items.some((v) => v.policy.startsWith('K8sRequiredLabels')),
      true,
    );
    assert.equal(later.risks[0]?.expired, true);
  });
});

describe('token files', () => {
  it('reads kube-apiserver static token CSV and names bad lines without the token', () => {
    const users = parseTokens(
      '# comment\nt0ken-a,alice,1,"dev,ops"\n\nt0ken-b,bob\n',
      'tokens.csv',
    );
    assert.deepEqual(
      users.map((u) => [u.user, u.uid, u.groups]),
      [
        ['alice', '1', ['dev', 'ops']],
        ['bob', '', []],
      ],
    );
    assert.throws(
      () => parseTokens('secret-token-only\n', 'tokens.csv'),
      (err: Error) => {
        assert.match(err.message, /^tokens\.csv:1: expected token,user/);
        assert.ok(!err.message.includes('secret-token-only'));
        return true;
      },
    );
    const session = { id: 's', user: 'alice', groups: [], csrf: 'abc', expiresAt: 0 };
    assert.equal(csrfMatches(session, 'abc'), true);
    assert.equal(csrfMatches(session, 'abd'), false);
    assert.equal(csrfMatches(session, undefined), false);
  });
});
