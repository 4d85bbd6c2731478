// The Helm part of the controller's end-to-end suite (run against the local cluster and a real
// kube-apiserver): a chart repository served on 127.0.0.1 with charts the helm oracle packaged,
// a HelmRepository and a HelmRelease reconciled by the shipped controller, and the real `helm`
// reading — and continuing — the releases Flotilla stored.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { Annotation } from '../../core/index.js';
import {
  helmPackage,
  helmRepoIndex,
  oracleSkip,
  runHelm,
  runHelmAsync,
  startHelmRepoServer,
  type HelmRepoServer,
  type OracleResult,
} from '../../testing/index.js';
import type { HelmRelease } from '../helmrelease/types.js';

const HR = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' } as const;
const HREPO = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository' } as const;
const HCHART = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart' } as const;

/** What the Helm cases need from the suite. */
export interface HelmCaseContext {
  readonly client: () => KubeClient;
  readonly kubeconfigPath: () => string;
  readonly wait: <T>(
    what: string,
    probe: () => Promise<T | undefined | false>,
    ms?: number,
  ) => Promise<T>;
}

function writeDemoChart(dir: string, version: string, broken = false): void {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(
    join(dir, 'Chart.yaml'),
    `apiVersion: v2\nname: demo\nversion: ${version}\nappVersion: "${version}"\n`,
  );
  writeFileSync(join(dir, 'values.yaml'), 'greeting: hello\nextra: false\n');
  writeFileSync(
    join(dir, 'templates', 'cm.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  greeting: {{ .Values.greeting | quote }}\n  version: {{ .Chart.Version | quote }}\n  revision: {{ .Release.Revision | quote }}\n`,
  );
  writeFileSync(
    join(dir, 'templates', 'extra.yaml'),
    `{{- if .Values.extra }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\ndata: {}\n{{- end }}\n`,
  );
  writeFileSync(
    join(dir, 'templates', 'hook.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-hook\n  annotations:\n    helm.sh/hook: post-install,post-upgrade\n    helm.sh/hook-weight: "1"\ndata:\n  revision: {{ .Release.Revision | quote }}\n`,
  );
  writeFileSync(
    join(dir, 'templates', 'test.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-test\n  annotations:\n    helm.sh/hook: test\ndata: {}\n`,
  );
  writeFileSync(join(dir, 'templates', 'NOTES.txt'), 'Thanks for installing {{ .Chart.Name }}.\n');
  if (broken) {
    writeFileSync(
      join(dir, 'templates', 'broken.yaml'),
      'apiVersion: example.com/v1\nkind: Missing\nmetadata:\n  name: broken\n',
    );
  }
}

export function defineHelmCases(c: HelmCaseContext): void {
  describe('Helm: HelmRepository, HelmChart, HelmRelease', { skip: oracleSkip('helm') }, () => {
    let work: string;
    let repoDir: string;
    let repo: HelmRepoServer;
    // Never spawnSync here: the local cluster is served by this very process.
    const helm = (...args: string[]): Promise<OracleResult> =>
      runHelmAsync([...args, '--kubeconfig', c.kubeconfigPath()]);
    const helmJson = async <T>(...args: string[]): Promise<T> => {
      const r = await helm(...args, '-o', 'json');
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as T;
    };
    const getHr = () =>
      c.client().get<KubeObject & HelmRelease>({ ...HR, namespace: 'flux-system', name: 'demo' });
    const cond = (hr: HelmRelease, type: string) =>
      hr.status?.conditions?.find((x) => x.type === type);
    const config = () =>
      c.client().getOrUndefined<KubeObject & { data?: Record<string, string> }>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'apps',
        name: 'demo-config',
      });
    const releasedAt = (version: number, ms?: number) =>
      c.wait(
        `HelmRelease demo released as v${version}`,
        async () => {
          const hr = await getHr();
          const latest = hr.status?.history?.[0];
          return latest?.version === version &&
            latest.status === 'deployed' &&
            cond(hr, 'Ready')?.status === 'True' &&
            hr.status?.observedGeneration === hr.metadata.generation
            ? hr
            : undefined;
        },
        ms,
      );
    const publish = (version: string, broken = false) => {
      const dir = join(work, `demo-${version}`, 'demo');
      writeDemoChart(dir, version, broken);
      helmPackage(dir, repoDir);
      helmRepoIndex(repoDir);
    };
    const requestReconcile = async (ref: { apiVersion: string; kind: string; name: string }) => {
      await c.client().patch({ ...ref, namespace: 'flux-system' }, 'merge', {
        metadata: {
          annotations: { [Annotation.ReconcileRequestedAt]: `${Date.now()}-${Math.random()}` },
        },
      });
    };

    before(async () => {
      work = mkdtempSync(join(tmpdir(), 'flotilla-e2e-helm-'));
      repoDir = join(work, 'repo');
      publish('0.1.0');
      repo = await startHelmRepoServer({ dir: repoDir });
    });
    after(async () => {
      await repo?.close();
      rmSync(work, { recursive: true, force: true });
    });

    it('installs a chart from a HelmRepository; helm list, history and get read the release', async () => {
      await c.client().create({
        ...HREPO,
        metadata: { name: 'charts', namespace: 'flux-system' },
        spec: { url: repo.url, interval: '10m' },
      });
      await c.client().create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'demo-values', namespace: 'flux-system' },
        data: { 'values.yaml': 'greeting: from-configmap\n' },
      });
      await c.client().create({
        ...HR,
        metadata: { name: 'demo', namespace: 'flux-system' },
        spec: {
          interval: '10m',
          releaseName: 'demo',
          targetNamespace: 'apps',
          chart: {
            spec: {
              chart: 'demo',
              version: '0.x',
              sourceRef: { kind: 'HelmRepository', name: 'charts' },
            },
          },
          valuesFrom: [{ kind: 'ConfigMap', name: 'demo-values' }],
          values: { extra: true },
          test: { enable: true },
          upgrade: { remediation: { retries: 1 } },
          driftDetection: { mode: 'enabled' },
        },
      });
      const hr = await releasedAt(1, 90_000);
      assert.equal(
        cond(hr, 'Released')?.message,
        'Helm install succeeded for release apps/demo.v1 with chart demo@0.1.0',
      );
      assert.equal(cond(hr, 'TestSuccess')?.status, 'True');
      assert.equal(hr.status?.helmChart, 'flux-system/flux-system-demo');
      assert.equal(hr.status?.storageNamespace, 'flux-system');
      assert.deepEqual((await config())?.data, {
        greeting: 'from-configmap',
        version: '0.1.0',
        revision: '1',
      });
      const extra = await c.client().getOrUndefined({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'apps',
        name: 'demo-extra',
      });
      assert.ok(extra, 'values override valuesFrom');
      assert.equal(extra.metadata.labels?.['app.kubernetes.io/managed-by'], 'Helm');
      assert.equal(extra.metadata.annotations?.['meta.helm.sh/release-name'], 'demo');
      assert.equal(extra.metadata.labels?.['helm.toolkit.fluxcd.io/name'], 'demo');
      const hook = await c.client().getOrUndefined<KubeObject & { data?: Record<string, string> }>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'apps',
        name: 'demo-hook',
      });
      assert.equal(hook?.data?.['revision'], '1', 'the post-install hook ran');
      const secret = await c.client().get<KubeObject & { type?: string }>({
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: 'flux-system',
        name: 'sh.helm.release.v1.demo.v1',
      });
      assert.equal(secret.type, 'helm.sh/release.v1');
      assert.deepEqual(
        { ...secret.metadata.labels, createdAt: undefined, modifiedAt: undefined },
        {
          name: 'demo',
          owner: 'helm',
          status: 'deployed',
          version: '1',
          createdAt: undefined,
          modifiedAt: undefined,
        },
      );
      // The real helm reads what Flotilla stored.
      const list = await helmJson<
        {
          name: string;
          namespace: string;
          revision: string;
          status: string;
          chart: string;
          app_version: string;
        }[]
      >('list', '-n', 'flux-system');
      assert.deepEqual(
        list.map((r) => [r.name, r.namespace, r.revision, r.status, r.chart, r.app_version]),
        [['demo', 'apps', '1', 'deployed', 'demo-0.1.0', '0.1.0']],
      );
      const manifest = await helm('get', 'manifest', 'demo', '-n', 'flux-system');
      assert.equal(manifest.status, 0, manifest.stderr);
      const expected = runHelm([
        'template',
        'demo',
        join(repoDir, 'demo-0.1.0.tgz'),
        '-n',
        'apps',
        '--set',
        'greeting=from-configmap,extra=true',
        '--kube-version',
        '1.31.0',
      ]).stdout;
      const docs = (s: string) =>
        s
          .split('\n---\n')
          .map((d) => d.trim())
          .filter(
            (d) =>
              d.startsWith('# Source: demo/templates/cm.yaml') ||
              d.startsWith('# Source: demo/templates/extra.yaml'),
          );
      assert.deepEqual(docs(`\n${manifest.stdout}`), docs(`\n${expected}`));
      const values = await helmJson<Record<string, unknown>>(
        'get',
        'values',
        'demo',
        '-n',
        'flux-system',
      );
      assert.deepEqual(values, { extra: true, greeting: 'from-configmap' });
      const notes = await helm('get', 'notes', 'demo', '-n', 'flux-system');
      assert.match(notes.stdout, /Thanks for installing demo\./);
    });

    it('upgrades on a new chart version; helm history shows the superseded release', async () => {
      publish('0.2.0');
      await requestReconcile({ ...HREPO, name: 'charts' });
      const hr = await releasedAt(2, 90_000);
      assert.equal(
        cond(hr, 'Released')?.message,
        'Helm upgrade succeeded for release apps/demo.v2 with chart demo@0.2.0',
      );
      assert.equal((await config())?.data?.['version'], '0.2.0');
      assert.equal((await config())?.data?.['revision'], '2');
      const history = await helmJson<
        { revision: number; status: string; chart: string; description: string }[]
      >('history', 'demo', '-n', 'flux-system');
      assert.deepEqual(
        history.map((r) => [r.revision, r.status, r.chart, r.description]),
        [
          [1, 'superseded', 'demo-0.1.0', 'Install complete'],
          [2, 'deployed', 'demo-0.2.0', 'Upgrade complete'],
        ],
      );
    });

    it('prunes what left the chart and corrects drift', async () => {
      await c.client().patch({ ...HR, namespace: 'flux-system', name: 'demo' }, 'merge', {
        spec: { values: { extra: false } },
      });
      await releasedAt(3, 90_000);
      assert.equal(
        await c.client().getOrUndefined({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          namespace: 'apps',
          name: 'demo-extra',
        }),
        undefined,
      );
      await c
        .client()
        .patch(
          { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'demo-config' },
          'merge',
          { data: { greeting: 'drifted' } },
        );
      await requestReconcile({ ...HR, name: 'demo' });
      await c.wait('drift corrected', async () =>
        (await config())?.data?.['greeting'] === 'from-configmap' ? true : undefined,
      );
    });

    it('a failed upgrade is remediated by a rollback', async () => {
      publish('0.3.0', true);
      await requestReconcile({ ...HREPO, name: 'charts' });
      const hr = await c.wait(
        'the rollback',
        async () => {
          const h = await getHr();
          return cond(h, 'Remediated')?.status === 'True' ? h : undefined;
        },
        90_000,
      );
      assert.equal(cond(hr, 'Remediated')?.reason, 'RollbackSucceeded');
      assert.equal(cond(hr, 'Ready')?.status, 'False');
      assert.equal((await config())?.data?.['version'], '0.2.0');
      const history = await helmJson<{ revision: number; status: string; description: string }[]>(
        'history',
        'demo',
        '-n',
        'flux-system',
      );
      const last = history.slice(-2);
      assert.equal(last[0]?.status, 'failed');
      assert.equal(last[1]?.status, 'deployed');
      assert.equal(last[1]?.description, 'Rollback to 3');
      assert.equal((await config())?.data?.['version'], '0.2.0');
    });

    it('helm itself upgrades a release Flotilla installed', async () => {
      // A release stored in its own namespace, as helm stores them, so helm addresses it with -n.
      await c.client().create({
        ...HR,
        metadata: { name: 'native', namespace: 'apps' },
        spec: {
          interval: '10m',
          chart: {
            spec: {
              chart: 'demo',
              version: '0.2.0',
              sourceRef: { kind: 'HelmRepository', name: 'charts', namespace: 'flux-system' },
            },
          },
        },
      });
      await c.wait(
        'native installed',
        async () => {
          const h = await c
            .client()
            .get<KubeObject & HelmRelease>({ ...HR, namespace: 'apps', name: 'native' });
          return cond(h, 'Ready')?.status === 'True' ? h : undefined;
        },
        90_000,
      );
      const up = await helm(
        'upgrade',
        'native',
        join(repoDir, 'demo-0.2.0.tgz'),
        '-n',
        'apps',
        '--set',
        'greeting=by-helm',
      );
      assert.equal(up.status, 0, up.stderr);
      const cm = await c.client().get<KubeObject & { data?: Record<string, string> }>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'apps',
        name: 'native-config',
      });
      assert.equal(cm.data?.['greeting'], 'by-helm');
      const history = await helmJson<{ revision: number; status: string }[]>(
        'history',
        'native',
        '-n',
        'apps',
      );
      assert.deepEqual(
        history.map((h) => [h.revision, h.status]),
        [
          [1, 'superseded'],
          [2, 'deployed'],
        ],
      );
      await c.client().delete({ ...HR, namespace: 'apps', name: 'native' });
      await c.wait('native uninstalled', async () =>
        (await c.client().getOrUndefined({ ...HR, namespace: 'apps', name: 'native' })) ===
        undefined
          ? true
          : undefined,
      );
    });

    it('uninstalls the release and deletes its HelmChart when the HelmRelease is deleted', async () => {
      await c.client().delete({ ...HR, namespace: 'flux-system', name: 'demo' });
      await c.wait('HelmRelease deleted', async () =>
        (await c.client().getOrUndefined({ ...HR, namespace: 'flux-system', name: 'demo' })) ===
        undefined
          ? true
          : undefined,
      );
      assert.equal(await config(), undefined);
      // The HelmChart's own finalizer runs in the source controller.
      await c.wait('the generated HelmChart deleted', async () =>
        (await c
          .client()
          .getOrUndefined({ ...HCHART, namespace: 'flux-system', name: 'flux-system-demo' })) ===
        undefined
          ? true
          : undefined,
      );
      const secrets = await c
        .client()
        .list(
          { apiVersion: 'v1', kind: 'Secret' },
          { namespace: 'flux-system', labelSelector: 'owner=helm' },
        );
      assert.deepEqual(
        secrets.items.map((x) => x.metadata.name),
        [],
      );
      const list = await helmJson<unknown[]>('list', '-n', 'flux-system', '--all');
      assert.deepEqual(list, []);
    });
  });
}
