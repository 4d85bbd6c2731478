// The policy webhook end to end, on the local cluster and on a real kube-apiserver: the runtime
// syncs a template and its constraints, registers the webhook, and each cluster calls it over
// HTTPS. A denied create, `warn`, `dryrun`, scoped actions, an exempt namespace, a template that
// does not compile (status byPod errors), a constraint rejected by the webhook, and the webhook
// down (failurePolicy Ignore: the cluster keeps working). Both clusters must answer alike.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { silentLogger } from '../../core/index.js';
import { KubeClient, isForbidden, type KubeObject } from '../../kube/index.js';
import { startLocalCluster } from '../../localcluster/index.js';
import { realClusterSkip, startRealCluster, until } from '../../testing/index.js';
import { startPolicyRuntime, type PolicyRuntime } from './index.js';

const TEMPLATE = {
  apiVersion: 'templates.gatekeeper.sh/v1',
  kind: 'ConstraintTemplate',
  metadata: { name: 'k8srequiredlabels' },
  spec: {
    crd: {
      spec: {
        names: { kind: 'K8sRequiredLabels' },
        validation: {
          openAPIV3Schema: {
            type: 'object',
            properties: { labels: { type: 'array', items: { type: 'string' } } },
          },
        },
      },
    },
    targets: [
      {
        target: 'admission.k8s.gatekeeper.sh',
        rego: `package k8srequiredlabels
violation[{"msg": msg, "details": {"missing_labels": missing}}] {
  provided := {label | input.review.object.metadata.labels[label]}
  required := {label | label := input.parameters.labels[_]}
  missing := required - provided
  count(missing) > 0
  msg := sprintf("you must provide labels: %v", [missing])
}`,
      },
    ],
  },
};

/** A referential template: a ConfigMap's value must be unique among the synced ConfigMaps. */
const UNIQUE = {
  apiVersion: 'templates.gatekeeper.sh/v1',
  kind: 'ConstraintTemplate',
  metadata: { name: 'k8suniquevalue' },
  spec: {
    crd: { spec: { names: { kind: 'K8sUniqueValue' } } },
    targets: [
      {
        target: 'admission.k8s.gatekeeper.sh',
        rego: `package k8suniquevalue
violation[{"msg": msg}] {
  value := input.review.object.data.value
  other := data.inventory.namespace[ns][_].ConfigMap[name]
  other.data.value == value
  not same(ns, name)
  msg := sprintf("value %v is already used by %v/%v", [value, ns, name])
}
same(ns, name) {
  ns == input.review.object.metadata.namespace
  name == input.review.object.metadata.name
}`,
      },
    ],
  },
};

const BROKEN = {
  apiVersion: 'templates.gatekeeper.sh/v1',
  kind: 'ConstraintTemplate',
  metadata: { name: 'k8sbroken' },
  spec: {
    crd: { spec: { names: { kind: 'K8sBroken' } } },
    targets: [
      {
        target: 'admission.k8s.gatekeeper.sh',
        rego: 'package k8sbroken\nviolation[{"msg": msg}] { msg := undefined_thing }',
      },
    ],
  },
};

const constraint = (
  name: string,
  namespace: string,
  labels: string[],
  extra: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: 'constraints.gatekeeper.sh/v1beta1',
  kind: 'K8sRequiredLabels',
  metadata: { name },
  spec: {
    match: {
      kinds: [{ apiGroups: [''], kinds: ['ConfigMap'] }],
      namespaces: [namespace],
    },
    parameters: { labels },
    ...extra,
  },
});

const configMap = (namespace: string, name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels },
  data: { k: 'v' },
});

interface Outcome {
  readonly step: string;
  readonly result: string;
}

/** Creates an object and describes the answer: created (with warnings) or the error. */
async function attempt(kube: KubeClient, obj: KubeObject, warnings: string[]): Promise<string> {
  const before = warnings.length;
  try {
    await kube.create(obj);
    return `created${warnings.length > before ? ` warnings=${JSON.stringify(warnings.slice(before))}` : ''}`;
  } catch (err) {
    const e = err as { code?: number; message?: string };
    // the client prefixes the server's message with the request
    return `${e.code ?? '?'}: ${(e.message ?? String(err)).replace(/^[A-Z]+ \S+: /, '')}`;
  }
}

/** Keys sorted: kube-apiserver stores custom objects' free-form fields so, the local cluster not. */
const sortKeys = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));

/** A constraint's audit status; keys sorted (kube-apiserver stores custom objects so). */
async function auditStatus(
  kube: KubeClient,
  name: string,
): Promise<{ total?: number; violations?: unknown[] }> {
  const c = (await kube.get({
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind: 'K8sRequiredLabels',
    name,
  })) as { status?: { totalViolations?: number; violations?: Record<string, unknown>[] } };
  return {
    ...(c.status?.totalViolations === undefined ? {} : { total: c.status.totalViolations }),
    ...(c.status?.violations === undefined
      ? {}
      : { violations: c.status.violations.map(sortKeys) }),
  };
}

async function scenario(kubeconfig: string): Promise<Outcome[]> {
  const warnings: string[] = [];
  const kube = await KubeClient.fromKubeConfig(
    { yaml: kubeconfig },
    { onWarning: (w) => warnings.push(w) },
  );
  const out: Outcome[] = [];
  // a template that was there before the webhook: its compile errors go to its status
  const unregistered = await startPolicyRuntime({
    kube,
    logger: silentLogger(),
    register: false,
    auditIntervalMs: 0,
  });
  try {
    await kube.create(BROKEN);
    const broken = await until(
      'the broken template has errors in its status',
      async () => {
        const t = (await kube.get({
          apiVersion: 'templates.gatekeeper.sh/v1',
          kind: 'ConstraintTemplate',
          name: 'k8sbroken',
        })) as { status?: { created?: boolean; byPod?: { errors?: { code: string }[] }[] } };
        return t.status?.byPod?.[0]?.errors?.[0]?.code === undefined ? undefined : t.status;
      },
      { timeoutMs: 30_000 },
    );
    out.push({
      step: 'broken template status',
      result: JSON.stringify({
        created: broken.created,
        code: broken.byPod?.[0]?.errors?.[0]?.code,
      }),
    });
  } finally {
    await unregistered.stop();
  }
  await kube.delete({
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    name: 'k8sbroken',
  });
  const runtime: PolicyRuntime = await startPolicyRuntime({
    kube,
    logger: silentLogger(),
    auditIntervalMs: 300,
    violationsLimit: 2,
  });
  try {
    for (const ns of ['deny', 'warn', 'dryrun', 'scoped', 'audited'])
      await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    // Every namespace holds kube-root-ca.crt (kube-controller-manager publishes it a moment after
    // the namespace is made; the local cluster with the namespace): audit once it is there.
    for (const ns of ['deny', 'warn', 'dryrun', 'scoped', 'audited'])
      await until(`kube-root-ca.crt in ${ns}`, () =>
        kube.getOrUndefined({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          namespace: ns,
          name: 'kube-root-ca.crt',
        }),
      );
    // objects that violate before their constraint exists: only the audit can find them
    for (const [name, labels] of [
      ['x3', { audit: 'yes' }],
      ['x1', { audit: 'yes' }],
      ['x0', { audit: 'yes', owner: 'me' }],
      ['x2', { audit: 'yes' }],
      ['y', {}],
    ] as const)
      await kube.create(configMap('audited', name, labels));
    await kube.create(TEMPLATE);
    // the webhook refuses a template that does not compile
    out.push({ step: 'broken template', result: await attempt(kube, BROKEN, warnings) });
    const rt = runtime;
    await until(
      'the template is compiled',
      () => rt.client.template('K8sRequiredLabels') !== undefined,
      { timeoutMs: 30_000 },
    );
    // Gatekeeper's signal that the constraint kind is served and watched
    await until('the template is created', async () => {
      const t = (await kube.get({
        apiVersion: 'templates.gatekeeper.sh/v1',
        kind: 'ConstraintTemplate',
        name: 'k8srequiredlabels',
      })) as { status?: { created?: boolean } };
      return t.status?.created === true;
    });
    // a constraint the CRD schema accepts but Gatekeeper does not (In without values) is
    // rejected by the webhook itself
    out.push({
      step: 'invalid constraint',
      result: await attempt(
        kube,
        constraint('bad-selector', 'deny', ['owner'], {
          match: { labelSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } },
        }),
        warnings,
      ),
    });
    const constraints = [
      constraint('must-have-owner', 'deny', ['owner']),
      constraint('should-have-team', 'warn', ['team'], { enforcementAction: 'warn' }),
      constraint('would-need-cost', 'dryrun', ['cost'], { enforcementAction: 'dryrun' }),
      constraint('audit-only-app', 'scoped', ['app'], {
        enforcementAction: 'scoped',
        scopedEnforcementActions: [
          { action: 'deny', enforcementPoints: [{ name: 'audit.gatekeeper.sh' }] },
          { action: 'warn', enforcementPoints: [{ name: 'validation.gatekeeper.sh' }] },
        ],
      }),
      constraint('system-too', 'kube-system', ['owner']),
      constraint('audit-owner', 'audited', ['owner'], {
        match: {
          kinds: [{ apiGroups: [''], kinds: ['ConfigMap'] }],
          namespaces: ['audited'],
          labelSelector: { matchLabels: { audit: 'yes' } },
        },
      }),
    ];
    for (const c of constraints) await kube.create(c);
    await until(
      'every constraint is synced',
      () => rt.client.listConstraints().length === constraints.length,
      {
        timeoutMs: 30_000,
      },
    );
    // the API server's webhook configuration cache may trail the registration
    await until('the webhook denies', () =>
      kube.create(configMap('deny', 'probe'), { dryRun: true }).then(
        () => false,
        (err: unknown) => isForbidden(err),
      ),
    );
    const steps: [string, KubeObject][] = [
      ['deny: missing label', configMap('deny', 'a')],
      ['deny: labelled', configMap('deny', 'b', { owner: 'me' })],
      ['warn: missing label', configMap('warn', 'c')],
      ['dryrun: missing label', configMap('dryrun', 'd')],
      ['scoped: warn at the webhook', configMap('scoped', 'e')],
      ['exempt kube-system', configMap('kube-system', 'f')],
    ];
    for (const [step, obj] of steps) out.push({ step, result: await attempt(kube, obj, warnings) });
    const dry = await kube.create(configMap('deny', 'dry'), { dryRun: true }).then(
      () => 'created',
      (err: unknown) => (isForbidden(err) ? 'forbidden' : String(err)),
    );
    out.push({ step: 'deny: server-side dry run', result: dry });
    const enforced = (await kube.get({
      apiVersion: 'constraints.gatekeeper.sh/v1beta1',
      kind: 'K8sRequiredLabels',
      name: 'must-have-owner',
    })) as { status?: { byPod?: { enforced?: boolean }[] } };
    out.push({
      step: 'constraint status',
      result: `enforced=${enforced.status?.byPod?.[0]?.enforced}`,
    });
    // the continuous audit finds the objects that predate their constraint
    await until('an audit pass', async () => (await auditStatus(kube, 'audit-owner')).total === 3);
    // then a pass that has seen every object above
    await rt.auditor?.runOnce();
    // exact totals, violations capped at 2 in a stable order, scoped and dryrun
    for (const name of ['audit-owner', 'would-need-cost', 'audit-only-app', 'should-have-team'])
      out.push({ step: `audit ${name}`, result: JSON.stringify(await auditStatus(kube, name)) });
    // and PolicyReports per namespace: every violation, fail for deny, warn otherwise
    for (const ns of ['audited', 'warn', 'scoped']) {
      const r = (await kube.get({
        apiVersion: 'wgpolicyk8s.io/v1alpha2',
        kind: 'PolicyReport',
        name: 'flotilla-policy',
        namespace: ns,
      })) as {
        summary?: unknown;
        results?: { rule: string; result: string; resources: { name: string }[] }[];
      };
      out.push({
        step: `report ${ns}`,
        result: JSON.stringify({
          summary: sortKeys(r.summary as Record<string, unknown>),
          results: (r.results ?? [])
            .map((x) => `${x.rule} ${x.result} ${x.resources[0]?.name ?? ''}`)
            .sort(),
        }),
      });
    }
    // Config: ConfigMaps synced into data.inventory; excluded-* exempt from the webhook
    await kube
      .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flotilla-system' } })
      .catch(() => undefined);
    for (const ns of ['inventory', 'excluded-ns'])
      await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await kube.create({
      apiVersion: 'config.gatekeeper.sh/v1alpha1',
      kind: 'Config',
      metadata: { name: 'config', namespace: 'flotilla-system' },
      spec: {
        sync: { syncOnly: [{ group: '', version: 'v1', kind: 'ConfigMap' }] },
        match: [{ excludedNamespaces: ['excluded-*'], processes: ['webhook'] }],
      },
    });
    await kube.create(UNIQUE);
    await until('the unique template is created', async () => {
      const t = (await kube.get({
        apiVersion: 'templates.gatekeeper.sh/v1',
        kind: 'ConstraintTemplate',
        name: 'k8suniquevalue',
      })) as { status?: { created?: boolean } };
      return t.status?.created === true;
    });
    await kube.create({
      apiVersion: 'constraints.gatekeeper.sh/v1beta1',
      kind: 'K8sUniqueValue',
      metadata: { name: 'unique-value' },
      spec: {
        match: {
          kinds: [{ apiGroups: [''], kinds: ['ConfigMap'] }],
          namespaces: ['inventory', 'excluded-ns'],
        },
      },
    });
    const valued = (ns: string, name: string): KubeObject => ({
      ...configMap(ns, name),
      data: { value: 'same' },
    });
    await kube.create(valued('inventory', 'inv-1'));
    await until('the inventory denies a duplicate', () =>
      kube.create(valued('inventory', 'probe'), { dryRun: true }).then(
        () => false,
        (err: unknown) => isForbidden(err),
      ),
    );
    out.push({
      step: 'inventory: duplicate',
      result: await attempt(kube, valued('inventory', 'inv-2'), warnings),
    });
    out.push({
      step: 'Config: webhook-excluded namespace',
      result: await attempt(kube, valued('excluded-ns', 'inv-3'), warnings),
    });
    // the webhook goes away without unregistering: failurePolicy Ignore keeps the cluster working
    await runtime.webhook.stop();
    out.push({
      step: 'webhook down',
      result: await attempt(kube, configMap('deny', 'while-down'), warnings),
    });
  } finally {
    await runtime.stop();
    kube.close();
  }
  return out;
}

describe('policy webhook: local cluster and kube-apiserver', () => {
  const expected = (results: Outcome[]): void => {
    const get = (step: string): string => results.find((r) => r.step === step)?.result ?? '';
    assert.match(
      get('invalid constraint'),
      /^422: admission webhook "validation\.gatekeeper\.sh" denied the request: /,
    );
    assert.equal(
      get('deny: missing label'),
      '403: admission webhook "validation.gatekeeper.sh" denied the request: [must-have-owner] you must provide labels: {"owner"}',
    );
    assert.equal(get('deny: labelled'), 'created');
    assert.equal(
      get('warn: missing label'),
      'created warnings=["[should-have-team] you must provide labels: {\\"team\\"}"]',
    );
    assert.equal(get('dryrun: missing label'), 'created');
    assert.equal(
      get('scoped: warn at the webhook'),
      'created warnings=["[audit-only-app] you must provide labels: {\\"app\\"}"]',
    );
    assert.equal(get('exempt kube-system'), 'created');
    assert.equal(get('deny: server-side dry run'), 'forbidden');
    assert.equal(get('broken template status'), '{"created":false,"code":"ingest_error"}');
    assert.equal(
      get('broken template'),
      '422: admission webhook "validation.gatekeeper.sh" denied the request: unable to compile modules: 1 error occurred: template:2: rego_unsafe_var_error: var undefined_thing is unsafe',
    );
    assert.equal(get('constraint status'), 'enforced=true');
    assert.equal(get('webhook down'), 'created');
    assert.equal(
      get('inventory: duplicate'),
      '403: admission webhook "validation.gatekeeper.sh" denied the request: [unique-value] value same is already used by inventory/inv-1',
    );
    assert.equal(get('Config: webhook-excluded namespace'), 'created');
    const summary = (fail: number, warn: number) => ({ pass: 0, fail, warn, error: 0, skip: 0 });
    assert.deepEqual(JSON.parse(get('report audited')), {
      summary: summary(3, 0),
      results: ['audit-owner fail x1', 'audit-owner fail x2', 'audit-owner fail x3'],
    });
    // kube-root-ca.crt, in every namespace, has none of the labels either.
    assert.deepEqual(JSON.parse(get('report warn')), {
      summary: summary(0, 2),
      results: ['should-have-team warn c', 'should-have-team warn kube-root-ca.crt'],
    });
    assert.deepEqual(JSON.parse(get('report scoped')), {
      summary: summary(2, 0),
      results: ['audit-only-app fail e', 'audit-only-app fail kube-root-ca.crt'],
    });
    const v = (name: string, ns: string, msg: string, action = 'deny', extra = {}) => ({
      message: `you must provide labels: {"${msg}"}`,
      enforcementAction: action,
      ...extra,
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      name,
      namespace: ns,
    });
    assert.deepEqual(JSON.parse(get('audit audit-owner')), {
      total: 3,
      violations: [v('x1', 'audited', 'owner'), v('x2', 'audited', 'owner')],
    });
    assert.deepEqual(JSON.parse(get('audit would-need-cost')), {
      total: 2,
      violations: [
        v('d', 'dryrun', 'cost', 'dryrun'),
        v('kube-root-ca.crt', 'dryrun', 'cost', 'dryrun'),
      ],
    });
    assert.deepEqual(JSON.parse(get('audit audit-only-app')), {
      total: 2,
      violations: [
        v('e', 'scoped', 'app', 'scoped', { enforcementActions: ['deny'] }),
        v('kube-root-ca.crt', 'scoped', 'app', 'scoped', { enforcementActions: ['deny'] }),
      ],
    });
    assert.deepEqual(JSON.parse(get('audit should-have-team')), {
      total: 2,
      violations: [v('c', 'warn', 'team', 'warn'), v('kube-root-ca.crt', 'warn', 'team', 'warn')],
    });
  };

  let local: Outcome[] | undefined;
  it('on the local cluster', async () => {
    const cluster = await startLocalCluster({ inMemory: true, simulate: false });
    try {
      local = await scenario(cluster.kubeconfig);
    } finally {
      await cluster.stop();
    }
    expected(local);
  });

  describe('on a real kube-apiserver', { skip: realClusterSkip() }, () => {
    let real: Awaited<ReturnType<typeof startRealCluster>>;
    before(async () => {
      real = await startRealCluster({ controllerManager: true, fakeNodes: false });
    });
    after(async () => {
      await real?.stop();
    });
    it('answers as the local cluster does', async () => {
      const results = await scenario(readFileSync(real.kubeconfigPath, 'utf8'));
      expected(results);
      if (local !== undefined) assert.deepEqual(results, local);
    });
  });
});
