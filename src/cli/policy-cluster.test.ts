// `flotilla policy serve` and `flotilla policy audit`, run from the shipped bundle against the
// local cluster: the served webhook denies a create; the audit prints the violations of objects
// that predate their constraint and exits 1; JSON output carries the same totals.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient, isForbidden } from '../kube/index.js';
import { startLocalCluster, type LocalCluster } from '../localcluster/index.js';
import { runCli, startCli, until, type CliProcess } from '../testing/index.js';

const TEMPLATE = {
  apiVersion: 'templates.gatekeeper.sh/v1',
  kind: 'ConstraintTemplate',
  metadata: { name: 'k8sdisallowedname' },
  spec: {
    crd: {
      spec: {
        names: { kind: 'K8sDisallowedName' },
        validation: {
          openAPIV3Schema: { type: 'object', properties: { name: { type: 'string' } } },
        },
      },
    },
    targets: [
      {
        target: 'admission.k8s.gatekeeper.sh',
        code: [
          {
            engine: 'K8sNativeValidation',
            source: {
              validations: [
                {
                  expression: 'object.metadata.name != variables.params.name',
                  messageExpression: '"name " + object.metadata.name + " is not allowed"',
                },
              ],
            },
          },
        ],
        rego: `package k8sdisallowedname
violation[{"msg": msg}] {
  input.review.object.metadata.name == input.parameters.name
  msg := sprintf("name %v is not allowed", [input.review.object.metadata.name])
}`,
      },
    ],
  },
};

const cm = (name: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
});

describe('flotilla policy serve and audit (shipped CLI, local cluster)', () => {
  let cluster: LocalCluster;
  let dir: string;
  let kubeconfig: string;
  let kube: KubeClient;
  let serve: CliProcess | undefined;
  before(async () => {
    cluster = await startLocalCluster({ inMemory: true, simulate: false });
    dir = mkdtempSync(join(tmpdir(), 'flotilla-policy-cli-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeconfig);
    kube = await KubeClient.fromKubeConfig({ path: kubeconfig });
  });
  after(async () => {
    await serve?.stop();
    kube?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the webhook, then audits what predates the constraint', async () => {
    // an object created before any policy
    await kube.create(cm('forbidden'));
    serve = await startCli([
      'policy',
      'serve',
      '--kubeconfig',
      kubeconfig,
      '--port',
      '0',
      '--audit-interval',
      '0',
    ]);
    await serve.waitFor(/policy webhook serving/, 60_000);
    await kube.create(TEMPLATE);
    await until('the template is created', async () => {
      const t = (await kube.get({
        apiVersion: 'templates.gatekeeper.sh/v1',
        kind: 'ConstraintTemplate',
        name: 'k8sdisallowedname',
      })) as { status?: { created?: boolean } };
      return t.status?.created === true;
    });
    await kube.create({
      apiVersion: 'constraints.gatekeeper.sh/v1beta1',
      kind: 'K8sDisallowedName',
      metadata: { name: 'no-forbidden' },
      spec: {
        match: { kinds: [{ apiGroups: [''], kinds: ['ConfigMap'] }] },
        parameters: { name: 'forbidden' },
      },
    });
    const denied: string = await until<string>('the webhook denies', () =>
      kube
        .create(
          { ...cm('forbidden'), metadata: { name: 'forbidden', namespace: 'kube-public' } },
          { dryRun: true },
        )
        .then(
          () => false,
          (err: unknown) => (isForbidden(err) ? (err as Error).message : false),
        ),
    );
    // the CEL engine is Gatekeeper's default where a template has both
    assert.match(
      denied,
      /admission webhook "validation\.gatekeeper\.sh" denied the request: \[no-forbidden\] name forbidden is not allowed$/,
    );
    const table = await runCli(['policy', 'audit', '--kubeconfig', kubeconfig]);
    assert.equal(table.code, 1, table.stderr);
    assert.equal(
      table.stdout,
      'K8sDisallowedName/no-forbidden (deny): 1 violation\n  ConfigMap default/forbidden: name forbidden is not allowed\n',
    );
    const json = await runCli(['policy', 'audit', '--kubeconfig', kubeconfig, '-o', 'json']);
    assert.equal(json.code, 1, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), [
      {
        kind: 'K8sDisallowedName',
        name: 'no-forbidden',
        enforcementAction: 'deny',
        totalViolations: 1,
        violations: [
          {
            message: 'name forbidden is not allowed',
            enforcementAction: 'deny',
            group: '',
            version: 'v1',
            kind: 'ConfigMap',
            name: 'forbidden',
            namespace: 'default',
          },
        ],
      },
    ]);
    const bad = await runCli(['policy', 'audit', '--kubeconfig', kubeconfig, '--limit', 'x']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--limit: expected a whole number of at least 0, got 'x'/);
    // stopping removes the registration: the cluster no longer calls the webhook
    assert.equal(await serve.stop(), 0);
    serve = undefined;
    await kube.create({
      ...cm('forbidden'),
      metadata: { name: 'forbidden', namespace: 'kube-public' },
    });
  });
});
