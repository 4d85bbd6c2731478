// The controller's end-to-end suite, defined once and run against each target cluster — the local
// cluster and a real kube-apiserver — with the same tests and the same assertions. It drives the
// shipped `flotilla controller` (bin/flotilla.js over the bundle) in child processes, a Git
// repository served over smart HTTP, and the cluster over its HTTP API. A behaviour that differs
// between the targets is a bug in the local cluster or in the controller, never a reason to fork a
// test: a target may only say that it cannot run Pods (and then only where the oracles are missing).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeClient, type KubeObject } from '../../kube/index.js';
import { startLocalCluster } from '../../localcluster/index.js';
import {
  gpgAvailable,
  newAgeKey,
  newPgpHome,
  oracleSkip,
  realClusterSkip,
  sopsEncrypt,
  startControllerProcess,
  startRealCluster,
  startServedGitRepo,
  until,
  type ControllerProcess,
  type ServedGitRepo,
  type UntilOptions,
} from '../../testing/index.js';
import { installCrds } from '../crds.js';
import { Annotation } from '../../core/index.js';
import type { Kustomization } from '../kustomization/types.js';
import { defineHelmCases } from './helm-cases.js';

/** A cluster the suite runs against, started for one test file. */
export interface E2eCluster {
  readonly kubeconfigPath: string;
  /** The admin's client. */
  readonly client: KubeClient;
  /** Whether Deployments' Pods become Ready (simulated, or on kwok's fake node). */
  readonly runsPods: boolean;
  /**
   * Why the rollout case is skipped here, or false: only when the programs that run Pods are not
   * built (under CI this is false and the case fails instead).
   */
  readonly podsSkip: string | false;
  /** The server's log tail, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export interface E2eTarget {
  readonly name: string;
  /** The suite's `skip` option: the reason when the target's programs are missing, else false. */
  readonly skip: string | false;
  start(): Promise<E2eCluster>;
}

/** Flotilla's own local cluster, in this process. */
export const localClusterTarget: E2eTarget = {
  name: 'the local cluster',
  skip: false,
  async start() {
    const cluster = await startLocalCluster({ port: 0, inMemory: true, simulationDelayMs: 50 });
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-e2e-local-'));
    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, cluster.kubeconfig, { mode: 0o600 });
    const client = await KubeClient.fromKubeConfig({ path: kubeconfigPath });
    return {
      kubeconfigPath,
      client,
      runsPods: true,
      podsSkip: false,
      logs: () => '',
      async stop() {
        client.close();
        await cluster.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** etcd, kube-apiserver, kube-controller-manager and, where built, kube-scheduler with kwok. */
export const realClusterTarget: E2eTarget = {
  name: 'kube-apiserver',
  skip: realClusterSkip(),
  async start() {
    const cluster = await startRealCluster();
    const client = await KubeClient.fromKubeConfig({ path: cluster.kubeconfigPath });
    return {
      kubeconfigPath: cluster.kubeconfigPath,
      client,
      runsPods: cluster.fakeNodes,
      podsSkip: cluster.fakeNodes ? false : oracleSkip('kube-scheduler', 'kwok'),
      logs: () =>
        ['kube-apiserver', 'kube-controller-manager']
          .map((c) => `--- ${c}\n${cluster.logTail(c, 15)}`)
          .join('\n'),
      async stop() {
        client.close();
        await cluster.stop();
      },
    };
  },
};

const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;
const GR = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' } as const;
const LEASE = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  namespace: 'flux-system',
  name: 'flotilla-controller-leader',
} as const;
const SA_USER = 'system:serviceaccount:flux-system:deployer';

type ConfigMap = KubeObject & { data?: Record<string, string> };
type Deployment = KubeObject & {
  spec?: { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
  };
};

const cm = (name: string, value: string, namespace = 'apps') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  value: "${value}"\n`;

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: ${image}
`;

const ready = (ks: Kustomization) => ks.status?.conditions?.find((c) => c.type === 'Ready');
const condition = (ks: Kustomization, type: string) =>
  ks.status?.conditions?.find((c) => c.type === type);

/** What the cases share: the cluster, the repository, the controller processes. */
interface SuiteState {
  cluster: E2eCluster;
  client: KubeClient;
  repo: ServedGitRepo;
  readonly processes: ControllerProcess[];
}

/** The suite's helpers over its state (filled in by `before`). */
function helpers(s: SuiteState) {
  /** What a failure message shows: every Kustomization's and GitRepository's status, the logs. */
  const state = async (): Promise<string> => {
    const objects = await Promise.all(
      [KS, GR].map((t) => s.client.list(t, { namespace: 'flux-system' })),
    );
    const statuses = objects
      .flatMap((l) => l.items)
      .map((o) => `${o.kind}/${o.metadata.name}: ${JSON.stringify(o['status'])}`);
    const logs = s.processes.map((p) => `--- controller ${p.identity}\n${p.tail(20)}`);
    return [...statuses, ...logs, s.cluster.logs()].join('\n');
  };
  const wait = <T>(what: string, probe: () => Promise<T | undefined | false>, ms = 60_000) =>
    until(what, probe, { timeoutMs: ms, state } satisfies UntilOptions);
  const getKs = (name: string) =>
    s.client.get<Kustomization>({ ...KS, namespace: 'flux-system', name });
  const h = {
    wait,
    getKs,
    getCm: (name: string, namespace = 'apps') =>
      s.client.getOrUndefined<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name }),
    /** Sets reconcile.fluxcd.io/requestedAt to a new value, and returns it. */
    async annotate(ref: { apiVersion: string; kind: string; name: string }) {
      const value = `${new Date().toISOString()}-${Math.random().toString(36).slice(2, 8)}`;
      await s.client.patch({ ...ref, namespace: 'flux-system' }, 'merge', {
        metadata: { annotations: { [Annotation.ReconcileRequestedAt]: value } },
      });
      return value;
    },
    appliedRevision: (name: string, sha: string, ms?: number) =>
      wait(
        `Kustomization ${name} Ready at ${sha.slice(0, 7)}`,
        async () => {
          const ks = await getKs(name);
          return ks.status?.lastAppliedRevision?.endsWith(sha) && ready(ks)?.status === 'True'
            ? ks
            : undefined;
        },
        ms,
      ),
    /** The Kustomization once it finished a reconcile of `sha`, and failed. */
    async failedAt(name: string, sha: string) {
      const ks = await wait(`Kustomization ${name} to finish ${sha.slice(0, 7)}`, async () => {
        const k = await getKs(name);
        const r = ready(k)?.status;
        return k.status?.lastAttemptedRevision?.endsWith(sha) && (r === 'True' || r === 'False')
          ? k
          : undefined;
      });
      assert.equal(ready(ks)?.status, 'False', `${name} should fail: ${JSON.stringify(ready(ks))}`);
      return ks;
    },
    gone: (ref: { apiVersion: string; kind: string; name: string; namespace?: string }) =>
      wait(`${ref.kind} ${ref.name} deleted`, async () =>
        (await s.client.getOrUndefined(ref)) === undefined ? true : undefined,
      ),
    createKs: (name: string, spec: Record<string, unknown>) =>
      s.client.create({
        ...KS,
        metadata: { name, namespace: 'flux-system' },
        spec: {
          interval: '10m',
          prune: true,
          sourceRef: { kind: 'GitRepository', name: 'repo' },
          ...spec,
        },
      }),
    /** Who holds the leader Lease. */
    holder: async () =>
      (await s.client.getOrUndefined<KubeObject & { spec?: { holderIdentity?: string } }>(LEASE))
        ?.spec?.holderIdentity || undefined,
    /** Starts another `flotilla controller` campaigning for the Lease. */
    async controller(): Promise<ControllerProcess> {
      const p = await startControllerProcess({
        kubeconfigPath: s.cluster.kubeconfigPath,
        leaderElection: true,
      });
      s.processes.push(p);
      return p;
    },
  };
  return h;
}

/** Defines the suite against one target: one cluster and one Git server for the whole file. */
export function defineControllerSuite(target: E2eTarget): void {
  describe(`flotilla controller end to end, against ${target.name}`, { skip: target.skip }, () => {
    const s = { processes: [] } as unknown as SuiteState;
    const h = helpers(s);
    let leader: ControllerProcess;
    let first = '';

    before(async () => {
      s.cluster = await target.start();
      s.client = s.cluster.client;
      s.repo = await startServedGitRepo();
      await installCrds(s.client);
      for (const name of ['flux-system', 'apps']) {
        await s.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      }
      leader = await h.controller();
      await h.wait('the first controller to lead', async () =>
        (await h.holder()) === leader.identity ? true : undefined,
      );
    });

    after(async () => {
      for (const p of s.processes) await p.stop();
      await s.repo?.close();
      await s.cluster?.stop();
    });

    it('applies a commit and reports Ready with the revision and an inventory', async () => {
      first = s.repo.commit({
        'deploy/a.yaml': cm('a', 'one'),
        'deploy/b.yaml': cm('b', 'one'),
        'other/kustomization.yaml': 'resources:\n- c.yaml\n',
        'other/c.yaml': cm('c', 'dependent'),
      });
      await s.client.create({
        ...GR,
        metadata: { name: 'repo', namespace: 'flux-system' },
        spec: { url: s.repo.url, interval: '10m', ref: { branch: 'main' } },
      });
      await h.createKs('app', { path: './deploy' });
      const ks = await h.appliedRevision('app', first);
      assert.equal(ks.status?.lastAppliedRevision, `main@sha1:${first}`);
      assert.equal(ready(ks)?.reason, 'ReconciliationSucceeded');
      assert.equal(ready(ks)?.message, `Applied revision: main@sha1:${first}`);
      assert.deepEqual(ks.status?.inventory?.entries, [
        { id: 'apps_a__ConfigMap', v: 'v1' },
        { id: 'apps_b__ConfigMap', v: 'v1' },
      ]);
      assert.ok(ks.metadata.finalizers?.includes('finalizers.fluxcd.io'));
      const a = await h.getCm('a');
      assert.equal(a?.data?.['value'], 'one');
      assert.equal(a?.metadata.labels?.['kustomize.toolkit.fluxcd.io/name'], 'app');
      assert.equal(a?.metadata.labels?.['kustomize.toolkit.fluxcd.io/namespace'], 'flux-system');
      assert.ok(
        (a?.metadata.managedFields as { manager?: string; operation?: string }[] | undefined)?.some(
          (f) => f.manager === 'flotilla' && f.operation === 'Apply',
        ),
        'applied server-side by the field manager flotilla',
      );
      type Event = KubeObject & {
        regarding?: { kind?: string; name?: string };
        reason?: string;
        reportingController?: string;
        note?: string;
      };
      const event = await h.wait('the ReconciliationSucceeded Event', async () => {
        const events = await s.client.list<Event>(
          { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
          { namespace: 'flux-system' },
        );
        return events.items.find(
          (e) =>
            e.regarding?.kind === 'Kustomization' &&
            e.regarding.name === 'app' &&
            e.reason === 'ReconciliationSucceeded',
        );
      });
      assert.equal(event.reportingController, 'flotilla/kustomize-controller');
      assert.equal(
        event.metadata.annotations?.['kustomize.toolkit.fluxcd.io/revision'],
        `main@sha1:${first}`,
      );
      assert.match(event.note ?? '', /ConfigMap\/apps\/a created/);
    });

    it('applies a change and prunes what a commit removed', async () => {
      const sha = s.repo.commit({ 'deploy/a.yaml': cm('a', 'two'), 'deploy/b.yaml': null });
      await h.annotate({ ...GR, name: 'repo' });
      const ks = await h.appliedRevision('app', sha);
      assert.deepEqual(ks.status?.inventory?.entries, [{ id: 'apps_a__ConfigMap', v: 'v1' }]);
      assert.equal((await h.getCm('a'))?.data?.['value'], 'two');
      assert.equal(await h.getCm('b'), undefined, 'b was pruned');
    });

    it('rolls out a new image of a Deployment and waits until it is healthy (wait: true)', async (t) => {
      if (s.cluster.podsSkip) {
        t.skip(s.cluster.podsSkip);
        return;
      }
      assert.ok(s.cluster.runsPods, `${target.name} runs no Pods: kwok or kube-scheduler missing`);
      const v1 = s.repo.commit({ 'web/deployment.yaml': deployment('registry.example/web:1.0') });
      await h.annotate({ ...GR, name: 'repo' });
      await h.createKs('web', { path: './web', wait: true, timeout: '3m' });
      await h.appliedRevision('web', v1, 180_000);
      const v2 = s.repo.commit({ 'web/deployment.yaml': deployment('registry.example/web:2.0') });
      await h.annotate({ ...GR, name: 'repo' });
      const ks = await h.appliedRevision('web', v2, 180_000);
      assert.equal(condition(ks, 'Healthy')?.status, 'True');
      assert.match(condition(ks, 'Healthy')?.message ?? '', /^Health check passed in /);
      // Ready only after the rollout finished: the new ReplicaSet's Pods are all available.
      const d = await s.client.get<Deployment>({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'apps',
        name: 'web',
      });
      assert.equal(d.spec?.template?.spec?.containers?.[0]?.image, 'registry.example/web:2.0');
      assert.equal(d.status?.observedGeneration, d.metadata.generation);
      assert.equal(d.status?.updatedReplicas, 2, JSON.stringify(d.status));
      assert.equal(d.status?.availableReplicas, 2, JSON.stringify(d.status));
      assert.equal(d.status?.replicas, 2, 'old Pods gone');
      await s.client.delete({ ...KS, namespace: 'flux-system', name: 'web' });
      await h.gone({ ...KS, namespace: 'flux-system', name: 'web' });
    });

    it('corrects drift at the next reconcile', async () => {
      await s.client.patch(
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'a' },
        'merge',
        { data: { value: 'edited by hand' } },
      );
      await h.annotate({ ...KS, name: 'app' });
      await h.wait('drift corrected', async () =>
        (await h.getCm('a'))?.data?.['value'] === 'two' ? true : undefined,
      );
    });

    it('a broken commit leaves Ready=False naming the file, and changes nothing', async () => {
      const sha = s.repo.commit({
        'deploy/a.yaml': cm('a', 'three'),
        'deploy/broken.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n  namespace: apps\ndata: [oops\n',
      });
      await h.annotate({ ...GR, name: 'repo' });
      const ks = await h.failedAt('app', sha);
      assert.equal(ready(ks)?.reason, 'BuildFailed');
      assert.match(ready(ks)?.message ?? '', /broken\.yaml/);
      assert.equal((await h.getCm('a'))?.data?.['value'], 'two', 'nothing applied');
      assert.equal(await h.getCm('broken'), undefined);
      assert.ok(ks.status?.lastAppliedRevision?.endsWith(sha) === false);
    });

    it('a commit failing the dry-run applies nothing, and names the object', async () => {
      const sha = s.repo.commit({
        'deploy/broken.yaml': null,
        'deploy/a.yaml': cm('a', 'four'),
        'deploy/bad.yaml': cm('bad', '1', 'missing-namespace'),
      });
      await h.annotate({ ...GR, name: 'repo' });
      const ks = await h.failedAt('app', sha);
      assert.match(ready(ks)?.message ?? '', /ConfigMap\/missing-namespace\/bad/);
      assert.match(ready(ks)?.message ?? '', /namespaces "missing-namespace" not found/);
      assert.equal((await h.getCm('a'))?.data?.['value'], 'two', 'a was not written');
      const fixed = s.repo.commit({ 'deploy/bad.yaml': null });
      await h.annotate({ ...GR, name: 'repo' });
      await h.appliedRevision('app', fixed);
      assert.equal((await h.getCm('a'))?.data?.['value'], 'four');
    });

    it('a commit an admission policy denies at the dry-run applies nothing, naming object and policy', async () => {
      const client = s.cluster.client;
      const ar = 'admissionregistration.k8s.io/v1';
      await client.create({
        apiVersion: ar,
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'no-forbidden-values' },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              {
                apiGroups: [''],
                apiVersions: ['v1'],
                operations: ['CREATE', 'UPDATE'],
                resources: ['configmaps'],
              },
            ],
          },
          validations: [
            {
              expression: "!has(object.data) || object.data.value != 'forbidden'",
              messageExpression: "'value of ' + object.metadata.name + ' is forbidden'",
            },
          ],
        },
      });
      await client.create({
        apiVersion: ar,
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: 'no-forbidden-values' },
        spec: { policyName: 'no-forbidden-values', validationActions: ['Deny'] },
      });
      // kube-apiserver enforces a new policy once its admission plugin has loaded it (about a
      // second): wait until a dry-run create of a forbidden ConfigMap is refused.
      await until('the policy to be enforced', async () => {
        try {
          await client.create(
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'probe', namespace: 'apps' },
              data: { value: 'forbidden' },
            },
            { dryRun: true },
          );
          return false;
        } catch (err) {
          return /no-forbidden-values/.test(String(err));
        }
      });
      try {
        const sha = s.repo.commit({
          'deploy/a.yaml': cm('a', 'four-b'),
          'deploy/denied.yaml': cm('denied', 'forbidden'),
        });
        await h.annotate({ ...GR, name: 'repo' });
        const ks = await h.failedAt('app', sha);
        assert.match(ready(ks)?.message ?? '', /ConfigMap\/apps\/denied/);
        assert.match(
          ready(ks)?.message ?? '',
          /ValidatingAdmissionPolicy 'no-forbidden-values' with binding 'no-forbidden-values' denied request: value of denied is forbidden/,
        );
        assert.equal((await h.getCm('a'))?.data?.['value'], 'four', 'a was not written');
        assert.equal(await h.getCm('denied'), undefined);
        const fixed = s.repo.commit({ 'deploy/denied.yaml': null });
        await h.annotate({ ...GR, name: 'repo' });
        await h.appliedRevision('app', fixed);
        assert.equal((await h.getCm('a'))?.data?.['value'], 'four-b');
      } finally {
        for (const kind of ['ValidatingAdmissionPolicyBinding', 'ValidatingAdmissionPolicy'])
          await client.delete({ apiVersion: ar, kind, name: 'no-forbidden-values' });
      }
    });

    it('applies a Kustomization after the one it dependsOn is Ready', async () => {
      const sha = s.repo.head();
      await h.createKs('dependent', { path: './other', dependsOn: [{ name: 'app' }] });
      const app = await h.appliedRevision('app', sha);
      const dependent = await h.appliedRevision('dependent', sha);
      const appReady = Date.parse(ready(app)?.lastTransitionTime ?? '');
      const depReady = Date.parse(ready(dependent)?.lastTransitionTime ?? '');
      assert.ok(depReady >= appReady, 'dependent became Ready after its dependency');
      assert.equal((await h.getCm('c'))?.data?.['value'], 'dependent');

      // A dependency that is not Ready holds the dependent back.
      await s.client.create({
        ...KS,
        metadata: { name: 'held', namespace: 'flux-system' },
        spec: {
          interval: '10m',
          path: './other',
          prune: false,
          dependsOn: [{ name: 'missing' }],
          sourceRef: { kind: 'GitRepository', name: 'repo' },
        },
      });
      const held = await h.wait('DependencyNotReady', async () => {
        const ks = await h.getKs('held');
        return ready(ks)?.reason === 'DependencyNotReady' ? ks : undefined;
      });
      assert.equal(ready(held)?.status, 'False');
      assert.match(ready(held)?.message ?? '', /flux-system\/missing/);
      assert.equal(held.status?.lastAppliedRevision, undefined);
      await s.client.delete({ ...KS, namespace: 'flux-system', name: 'held' });
      await h.gone({ ...KS, namespace: 'flux-system', name: 'held' });
    });

    it('suspend stops reconciling; resume applies the latest revision', async () => {
      const before = (await h.getCm('a'))?.data?.['value'];
      await s.client.patch({ ...KS, namespace: 'flux-system', name: 'app' }, 'merge', {
        spec: { suspend: true },
      });
      const sha = s.repo.commit({ 'deploy/a.yaml': cm('a', 'five') });
      await h.annotate({ ...GR, name: 'repo' });
      await h.wait('the source at the new revision', async () => {
        const gr = await s.client.get<
          KubeObject & { status?: { artifact?: { revision?: string } } }
        >({ ...GR, namespace: 'flux-system', name: 'repo' });
        return gr.status?.artifact?.revision?.endsWith(sha) ? true : undefined;
      });
      await h.annotate({ ...KS, name: 'app' });
      await sleep(1500);
      assert.equal((await h.getCm('a'))?.data?.['value'], before, 'suspended: not applied');
      assert.ok(!(await h.getKs('app')).status?.lastAttemptedRevision?.endsWith(sha));
      await s.client.patch({ ...KS, namespace: 'flux-system', name: 'app' }, 'merge', {
        spec: { suspend: false },
      });
      await h.appliedRevision('app', sha);
      assert.equal((await h.getCm('a'))?.data?.['value'], 'five');
    });

    it('reconciles on reconcile.fluxcd.io/requestedAt and echoes it in lastHandledReconcileAt', async () => {
      const sha = s.repo.commit({ 'deploy/a.yaml': cm('a', 'six') });
      // The GitRepository's interval is 10 minutes: only the request makes it fetch now.
      const grAt = await h.annotate({ ...GR, name: 'repo' });
      await h.appliedRevision('app', sha);
      // A reconcile already running when the annotation landed may have fetched the commit: the
      // annotated one follows and echoes it.
      await h.wait('the GitRepository to echo requestedAt', async () => {
        const gr = await s.client.get<
          KubeObject & { status?: { lastHandledReconcileAt?: string } }
        >({ ...GR, namespace: 'flux-system', name: 'repo' });
        return gr.status?.lastHandledReconcileAt === grAt;
      });
      const ksAt = await h.annotate({ ...KS, name: 'app' });
      const ks = await h.wait('lastHandledReconcileAt', async () => {
        const k = await h.getKs('app');
        return k.status?.lastHandledReconcileAt === ksAt ? k : undefined;
      });
      assert.equal(ready(ks)?.status, 'True');
    });

    it('applies to a remote cluster through spec.kubeConfig, and prunes there on deletion', async () => {
      const remote = await startLocalCluster({ port: 0, inMemory: true });
      const remoteClient = await KubeClient.fromKubeConfig({ yaml: remote.kubeconfig });
      try {
        await remoteClient.create({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'apps' },
        });
        await s.client.create({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'remote-kubeconfig', namespace: 'flux-system' },
          stringData: { value: remote.kubeconfig },
        });
        const sha = s.repo.head();
        await h.createKs('remote', {
          path: './other',
          kubeConfig: { secretRef: { name: 'remote-kubeconfig' } },
        });
        await h.appliedRevision('remote', sha);
        const there = await remoteClient.get<ConfigMap>({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          namespace: 'apps',
          name: 'c',
        });
        assert.equal(there.data?.['value'], 'dependent');
        assert.equal(there.metadata.labels?.['kustomize.toolkit.fluxcd.io/name'], 'remote');
        await s.client.delete({ ...KS, namespace: 'flux-system', name: 'remote' });
        await h.gone({ ...KS, namespace: 'flux-system', name: 'remote' });
        const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'c' };
        assert.equal(await remoteClient.getOrUndefined(ref), undefined, 'pruned in the remote');
        assert.ok(await h.getCm('c'), 'the management cluster keeps its own copy');
      } finally {
        remoteClient.close();
        await remote.stop();
      }
    });

    it('impersonates spec.serviceAccountName: RBAC denies what the account may not do', async (t) => {
      await s.client.create({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'deployer', namespace: 'flux-system' },
      });
      await s.client.create({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'deployer', namespace: 'apps' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }],
      });
      await s.client.create({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'deployer', namespace: 'apps' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
        subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'flux-system' }],
      });
      t.after(async () => {
        // A failed run leaves nothing reconciling for the cases after it.
        const ref = { ...KS, namespace: 'flux-system', name: 'limited' };
        if (await s.client.getOrUndefined(ref)) {
          await s.client.delete(ref);
          await h.gone(ref);
        }
      });
      const denied = s.repo.commit({
        'limited/allowed.yaml': cm('allowed', 'yes'),
        'limited/outside.yaml': cm('outside', 'no', 'flux-system'),
      });
      await h.annotate({ ...GR, name: 'repo' });
      await h.createKs('limited', { path: './limited', serviceAccountName: 'deployer' });
      const ks = await h.failedAt('limited', denied);
      const message = ready(ks)?.message ?? '';
      assert.match(message, /ConfigMap\/flux-system\/outside/);
      assert.match(message, /forbidden/);
      assert.ok(message.includes(SA_USER), message);
      assert.equal(
        await h.getCm('allowed'),
        undefined,
        'nothing applied when one object is denied',
      );
      assert.equal(await h.getCm('outside', 'flux-system'), undefined);

      const allowed = s.repo.commit({ 'limited/outside.yaml': null });
      await h.annotate({ ...GR, name: 'repo' });
      await h.appliedRevision('limited', allowed);
      assert.equal((await h.getCm('allowed'))?.data?.['value'], 'yes');
      await s.client.delete({ ...KS, namespace: 'flux-system', name: 'limited' });
      await h.gone({ ...KS, namespace: 'flux-system', name: 'limited' });
      assert.equal(await h.getCm('allowed'), undefined, 'pruned as the service account');
    });

    it('deleting a Kustomization with prune deletes what it applied', async () => {
      await s.client.delete({ ...KS, namespace: 'flux-system', name: 'dependent' });
      await h.gone({ ...KS, namespace: 'flux-system', name: 'dependent' });
      assert.equal(await h.getCm('c'), undefined);
    });

    // spec.decryption (issue 16): files encrypted by the real sops for an age key and an OpenPGP
    // key are decrypted with the keys of the referenced Secret; no plaintext reaches the status,
    // the Events or the controller's log; a wrong key fails naming the file and the recipients.
    it('decrypts SOPS-encrypted Secrets and generator envs with age and OpenPGP keys', async (t) => {
      const skip = oracleSkip('sops') || (gpgAvailable() ? false : 'gpg is not installed');
      if (skip) return t.skip(skip);
      const age = await newAgeKey();
      const pgp = newPgpHome();
      const wrong = await newAgeKey();
      try {
        const secret = `apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: e2e-age-secret-value
`;
        const files = {
          'secrets/kustomization.yaml':
            'resources:\n- secret.yaml\nsecretGenerator:\n- name: env\n  envs:\n  - app.env\n',
          'secrets/secret.yaml': sopsEncrypt(secret, 'secret.yaml', {
            age: [age.recipient],
            flags: ['--encrypted-regex', '^(data|stringData)$'],
          }).toString(),
          'secrets/app.env': sopsEncrypt('API_TOKEN=e2e-pgp-secret-value\n', 'app.env', {
            pgp: [pgp.fingerprint],
            gnupgHome: pgp.home,
          }).toString(),
        };
        const sha = s.repo.commit(files);
        const keys = (name: string, data: Record<string, string>) =>
          s.client.create({
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name, namespace: 'flux-system' },
            stringData: data,
          });
        await keys('sops-keys', {
          'identity.agekey': age.identity,
          'key.asc': pgp.armoredPrivateKey,
        });
        await keys('wrong-keys', { 'identity.agekey': wrong.identity });
        await h.annotate({ ...GR, name: 'repo' });
        const decryption = (name: string) => ({ provider: 'sops', secretRef: { name } });
        await h.createKs('sops', {
          path: './secrets',
          targetNamespace: 'apps',
          decryption: decryption('sops-keys'),
        });
        await h.createKs('sops-wrong', {
          path: './secrets',
          targetNamespace: 'apps',
          nameSuffix: '-wrong',
          decryption: decryption('wrong-keys'),
        });
        const ks = await h.appliedRevision('sops', sha);
        type Secret = KubeObject & { data?: Record<string, string> };
        const db = await s.client.get<Secret>({
          apiVersion: 'v1',
          kind: 'Secret',
          namespace: 'apps',
          name: 'db',
        });
        assert.equal(
          Buffer.from(db.data?.['password'] ?? '', 'base64').toString(),
          'e2e-age-secret-value',
        );
        const generated = (
          await s.client.list<Secret>({ apiVersion: 'v1', kind: 'Secret' }, { namespace: 'apps' })
        ).items.find((x) => (x.metadata.name ?? '').startsWith('env-'));
        assert.equal(
          Buffer.from(generated?.data?.['API_TOKEN'] ?? '', 'base64').toString(),
          'e2e-pgp-secret-value',
        );
        const failed = await h.failedAt('sops-wrong', sha);
        const message = ready(failed)?.message ?? '';
        assert.equal(ready(failed)?.reason, 'BuildFailed');
        // The generator's env file is decrypted first (before the build): it names the file
        // and the key it is encrypted for.
        assert.match(message, /failed to decrypt 'secrets\/app\.env'/);
        assert.match(message, new RegExp(pgp.fingerprint));
        // No plaintext in any status, Event or log line.
        const events = await s.client.list(
          { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
          { namespace: 'flux-system' },
        );
        const seen = [
          JSON.stringify(ks.status),
          JSON.stringify(failed.status),
          JSON.stringify(events.items),
          ...s.processes.map((p) => p.tail(100_000)),
        ].join('\n');
        for (const value of ['e2e-age-secret-value', 'e2e-pgp-secret-value', age.identity]) {
          assert.ok(!seen.includes(value), `a decrypted value or key leaked: ${value.slice(0, 8)}`);
        }
        for (const name of ['sops', 'sops-wrong']) {
          await s.client.delete({ ...KS, namespace: 'flux-system', name });
          await h.gone({ ...KS, namespace: 'flux-system', name });
        }
      } finally {
        pgp.close();
      }
    });

    // Pruning a Namespace never destroys what it should not (issue 22 item 5): one holding
    // objects of the current revision is never pruned; one holding objects the Kustomization does
    // not manage or must not prune only with the opt-in annotation; what went with it is reported.
    describe('namespace prune safety', () => {
      const NS = 'team-x';
      const nsYaml = (annotations = '') =>
        `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NS}\n${annotations}`;
      const inNs = (name: string, extra = '') =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${NS}\n${extra}data:\n  value: "x"\n`;
      const namespaceRef = { apiVersion: 'v1', kind: 'Namespace', name: NS };
      const cmRef = (name: string) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: NS,
        name,
      });
      const nsrepo = { ...GR, name: 'nsrepo' };
      const reconciled = async (sha: string, ok: boolean) => {
        await h.annotate(nsrepo);
        return ok ? h.appliedRevision('nsprune', sha) : h.failedAt('nsprune', sha);
      };

      it('sets up a Namespace with objects in it', async () => {
        const sha = s.repo.commit({
          'nsprune/ns.yaml': nsYaml(),
          'nsprune/declared.yaml': inNs('declared'),
          // keeps the path in the revision when the files under test are gone
          'nsprune/anchor.yaml': cm('nsprune-anchor', 'x'),
        });
        await s.client.create({
          ...GR,
          metadata: { name: 'nsrepo', namespace: 'flux-system' },
          spec: { url: s.repo.url, interval: '10m', ref: { branch: 'main' } },
        });
        await h.createKs('nsprune', {
          path: './nsprune',
          sourceRef: { kind: 'GitRepository', name: 'nsrepo' },
        });
        await reconciled(sha, true);
        assert.ok(await s.client.getOrUndefined(cmRef('declared')));
      });

      it('never prunes a Namespace holding objects of the current revision', async () => {
        const sha = s.repo.commit({ 'nsprune/ns.yaml': null });
        const message = ready(await reconciled(sha, false))?.message ?? '';
        assert.match(message, new RegExp(`Namespace/${NS}`));
        assert.match(message, new RegExp(`ConfigMap/${NS}/declared`));
        assert.ok(await s.client.getOrUndefined(namespaceRef), 'the Namespace is kept');
        assert.ok(await s.client.getOrUndefined(cmRef('declared')), 'what is in it is kept');
      });

      it('never prunes a Namespace holding unmanaged or prune-disabled objects without the opt-in', async () => {
        let sha = s.repo.commit({
          'nsprune/ns.yaml': nsYaml(),
          'nsprune/declared.yaml': null,
          'nsprune/kept.yaml': inNs(
            'kept',
            '  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n',
          ),
        });
        await reconciled(sha, true);
        assert.equal(await s.client.getOrUndefined(cmRef('declared')), undefined, 'pruned');
        await s.client.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'handmade', namespace: NS },
          data: { value: 'made by hand' },
        });
        sha = s.repo.commit({ 'nsprune/ns.yaml': null, 'nsprune/kept.yaml': null });
        const message = ready(await reconciled(sha, false))?.message ?? '';
        assert.match(message, new RegExp(`ConfigMap/${NS}/handmade`));
        assert.match(message, new RegExp(`ConfigMap/${NS}/kept`));
        assert.match(message, /flotilla\.dev\/prune-namespace-contents/);
        assert.ok(await s.client.getOrUndefined(namespaceRef), 'the Namespace is kept');
        assert.ok(await s.client.getOrUndefined(cmRef('handmade')), 'the unmanaged object is kept');
        assert.ok(
          await s.client.getOrUndefined(cmRef('kept')),
          'the prune-disabled object is kept',
        );
      });

      it('with the opt-in annotation prunes the Namespace and reports what went with it', async () => {
        let sha = s.repo.commit({
          'nsprune/ns.yaml': nsYaml(
            '  annotations:\n    flotilla.dev/prune-namespace-contents: "true"\n',
          ),
        });
        await reconciled(sha, true);
        sha = s.repo.commit({ 'nsprune/ns.yaml': null });
        await reconciled(sha, true);
        await h.gone(namespaceRef);
        const events = await s.client.list(
          { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
          { namespace: 'flux-system' },
        );
        const notes = events.items
          .filter((e) => (e['regarding'] as { name?: string } | undefined)?.name === 'nsprune')
          .map((e) => (typeof e['note'] === 'string' ? e['note'] : ''))
          .join('\n');
        assert.match(notes, new RegExp(`Namespace/${NS} deleted`));
        assert.match(notes, new RegExp(`ConfigMap/${NS}/handmade deleted`));
        assert.match(notes, new RegExp(`ConfigMap/${NS}/kept deleted`));
      });
    });

    defineHelmCases({
      client: () => s.client,
      kubeconfigPath: () => s.cluster.kubeconfigPath,
      wait: h.wait,
    });

    it('a standby controller takes over within 15 s when the leader is killed', async () => {
      const standby = await h.controller();
      await sleep(2000);
      assert.equal(await h.holder(), leader.identity, 'the leader keeps the Lease while alive');
      const killedAt = Date.now();
      await leader.kill();
      await h.wait('the standby to take the Lease', async () =>
        (await h.holder()) === standby.identity ? true : undefined,
      );
      const tookMs = Date.now() - killedAt;
      assert.ok(tookMs < 15_000, `takeover took ${tookMs} ms`);
      // The new leader reconciles.
      const sha = s.repo.commit({ 'deploy/a.yaml': cm('a', 'seven') });
      await h.annotate({ ...GR, name: 'repo' });
      await h.appliedRevision('app', sha);
      assert.equal((await h.getCm('a'))?.data?.['value'], 'seven');
    });
  });
}
