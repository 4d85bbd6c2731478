// The two engines compared with Gatekeeper's: what Rego sees (`input.review` for objects and
// AdmissionReviews, `input.parameters` with schema defaults, `data.inventory`), Rego evaluation
// errors, and K8sNativeValidation (Gatekeeper's variables, matchCondition, messageExpression,
// compile and runtime errors, failure policies). Flotilla's messages are asserted exactly in a
// generated Suite that `gator verify` must pass.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gatorVerifyAgreement, oracleSkip, type AgreementCase } from '../../testing/index.js';
import { ConstraintClient, EnforcementPoint } from '../index.js';

const template = (
  kind: string,
  target: Record<string, unknown>,
  schema?: Record<string, unknown>,
): Record<string, unknown> => ({
  apiVersion: 'templates.gatekeeper.sh/v1',
  kind: 'ConstraintTemplate',
  metadata: { name: kind.toLowerCase() },
  spec: {
    crd: {
      spec: {
        names: { kind },
        ...(schema === undefined ? {} : { validation: { openAPIV3Schema: schema } }),
      },
    },
    targets: [{ target: 'admission.k8s.gatekeeper.sh', ...target }],
  },
});

const constraint = (kind: string, spec: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'constraints.gatekeeper.sh/v1beta1',
  kind,
  metadata: { name: `${kind.toLowerCase()}-c` },
  spec,
});

const review = (request: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request,
});

const CM = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', namespace: 'shop', labels: { app: 'web' } },
  data: { n: '1' },
};
const ROLE = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'reader' },
  rules: [],
};

const SUBJECTS: { name: string; object: unknown; inventory?: unknown[] }[] = [
  { name: 'object', object: CM },
  { name: 'cluster-object', object: ROLE },
  {
    name: 'create-review',
    object: review({
      uid: 'u-1',
      kind: { group: '', version: 'v1', kind: 'ConfigMap' },
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      requestKind: { group: '', version: 'v1', kind: 'ConfigMap' },
      requestResource: { group: '', version: 'v1', resource: 'configmaps' },
      name: 'cfg',
      namespace: 'shop',
      operation: 'CREATE',
      userInfo: { username: 'alice', uid: 'a-1', groups: ['dev', 'system:authenticated'] },
      object: CM,
      dryRun: true,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    }),
  },
  {
    name: 'delete-review',
    object: review({
      uid: 'u-2',
      kind: { group: '', version: 'v1', kind: 'ConfigMap' },
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      name: 'cfg',
      namespace: 'shop',
      operation: 'DELETE',
      userInfo: { username: 'bob' },
      oldObject: CM,
    }),
  },
  {
    name: 'namespace-review',
    object: review({
      kind: { group: '', version: 'v1', kind: 'Namespace' },
      name: 'shop',
      namespace: 'shop',
      operation: 'UPDATE',
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      oldObject: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'shop', labels: { a: 'b' } },
      },
    }),
  },
  {
    name: 'bare-review',
    object: {
      apiVersion: 'admission.k8s.io/v1beta1',
      kind: 'AdmissionReview',
      request: { operation: 'UPDATE', object: CM },
    },
  },
  {
    name: 'inventory',
    object: CM,
    inventory: [
      ROLE,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'shop' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } },
    ],
  },
];

/** Reviews each subject with Flotilla (a fresh client per case, as gator) for the agreement suite. */
function casesFor(
  tmpl: unknown,
  cons: unknown,
  engines?: ('Rego' | 'K8sNativeValidation')[],
): AgreementCase[] {
  return SUBJECTS.map((s) => {
    const client = new ConstraintClient(engines === undefined ? {} : { engines });
    client.addTemplate(tmpl);
    client.addConstraint(cons);
    for (const o of s.inventory ?? []) client.addData(o as Record<string, unknown>);
    const o = s.object as Record<string, unknown>;
    const subject =
      o['kind'] === 'AdmissionReview'
        ? { kind: 'admission' as const, request: o['request'] as Record<string, unknown> }
        : { kind: 'object' as const, object: o };
    const messages = client
      .review(subject, { enforcementPoint: EnforcementPoint.Gator })
      .map((r) => r.msg);
    return {
      name: s.name,
      object: s.object,
      ...(s.inventory ? { inventory: s.inventory } : {}),
      messages,
    };
  });
}

const REGO_PROBE = template(
  'ProbeRego',
  {
    rego: `package probe

default inv = "none"

inv = data.inventory { true }

violation[{"msg": msg}] {
  msg := json.marshal({"review": input.review, "parameters": input.parameters, "inventory": inv})
}
`,
  },
  {
    type: 'object',
    properties: {
      mode: { type: 'string', default: 'strict' },
      n: { type: 'integer' },
      nested: { type: 'object', properties: { flag: { type: 'boolean', default: true } } },
    },
  },
);

describe('engines against gator verify', { skip: oracleSkip('gator') }, () => {
  it('gives Rego the same input.review, parameters (with defaults) and data.inventory', () => {
    const cons = constraint('ProbeRego', { parameters: { n: 3, nested: {} } });
    const cases = casesFor(REGO_PROBE, cons);
    assert.match(
      cases[0]?.messages[0] ?? '',
      /"parameters":\{"mode":"strict","n":3,"nested":\{"flag":true\}\}/,
    );
    const r = gatorVerifyAgreement([
      { name: 'rego-probe', template: REGO_PROBE, constraint: cons, cases },
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  const CEL_CASES: { name: string; source: Record<string, unknown>; parameters?: unknown }[] = [
    {
      name: 'variables-and-messages',
      parameters: { label: 'app', max: 1 },
      source: {
        variables: [
          {
            name: 'labels',
            expression:
              'has(variables.anyObject.metadata.labels) ? variables.anyObject.metadata.labels : {}',
          },
          { name: 'op', expression: 'request.operation' },
        ],
        validations: [
          {
            expression: 'variables.params.label in variables.labels',
            messageExpression:
              '"no " + variables.params.label + " on " + variables.anyObject.metadata.name + " (" + variables.op + ")"',
          },
          {
            expression: 'size(variables.labels) > variables.params.max',
            message: 'need more labels',
          },
          { expression: 'variables.anyObject.kind == "Namespace"' },
          {
            expression: 'false',
            messageExpression: '"has\\nbreak"',
            message: 'fallback for a line break',
          },
          {
            expression: 'false',
            messageExpression: 'variables.nope.x',
            message: 'fallback for an error',
          },
          {
            expression:
              "request.dryRun == false && !has(request.namespace) || request.namespace == 'shop'",
            messageExpression:
              '"kind " + request.kind.kind + " " + string(object == null) + " " + string(oldObject == null)',
          },
        ],
      },
    },
    {
      name: 'match-condition',
      parameters: { label: 'app' },
      source: {
        matchCondition: [
          { name: 'only-configmaps', expression: 'variables.anyObject.kind == "ConfigMap"' },
        ],
        validations: [
          {
            expression: 'false',
            messageExpression: '"matched " + variables.anyObject.metadata.name',
          },
        ],
      },
    },
    {
      name: 'no-parameters',
      source: {
        validations: [
          { expression: 'variables.params == null', message: 'params are set' },
          { expression: 'false', message: 'always' },
        ],
      },
    },
    {
      name: 'errors-fail',
      parameters: { label: 'app' },
      source: {
        validations: [
          { expression: 'variables.anyObject.spec.replicas > 1', message: 'unreachable' },
          { expression: 'variables.params.label', message: 'not a bool' },
          { expression: 'params.spec.parameters.label == "x"', message: 'params hidden' },
        ],
      },
    },
    {
      name: 'errors-ignored',
      parameters: { label: 'app' },
      source: {
        failurePolicy: 'Ignore',
        validations: [
          { expression: 'variables.anyObject.spec.replicas > 1', message: 'unreachable' },
          { expression: 'false', message: 'still denies' },
        ],
      },
    },
  ];

  for (const c of CEL_CASES) {
    it(`runs K8sNativeValidation as Gatekeeper: ${c.name}`, () => {
      const kind = `Cel${c.name.replace(/(^|-)(\w)/g, (_, __, ch: string) => ch.toUpperCase())}`;
      const tmpl = template(
        kind,
        { code: [{ engine: 'K8sNativeValidation', source: c.source }] },
        { type: 'object', properties: { label: { type: 'string' }, max: { type: 'integer' } } },
      );
      const cons = constraint(kind, c.parameters === undefined ? {} : { parameters: c.parameters });
      const cases = casesFor(tmpl, cons);
      assert.ok(
        cases.some((x) => x.messages.length > 0),
        'some case has violations',
      );
      const r = gatorVerifyAgreement([{ name: c.name, template: tmpl, constraint: cons, cases }]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
    });
  }

  it('runs the Rego code of a template with both engines when CEL is disabled', () => {
    const tmpl = template('BothEngines', {
      code: [
        {
          engine: 'K8sNativeValidation',
          source: { validations: [{ expression: 'false', message: 'cel' }] },
        },
        { engine: 'Rego', source: { rego: 'package both\nviolation[{"msg": "rego"}] { true }\n' } },
      ],
    });
    const cons = constraint('BothEngines');
    const cel = casesFor(tmpl, cons);
    assert.deepEqual(cel[0]?.messages, ['cel']);
    const rego = casesFor(tmpl, cons, ['Rego']);
    assert.deepEqual(rego[0]?.messages, ['rego']);
    assert.equal(
      gatorVerifyAgreement([{ name: 'cel', template: tmpl, constraint: cons, cases: cel }]).code,
      0,
    );
    const r = gatorVerifyAgreement(
      [{ name: 'rego', template: tmpl, constraint: cons, cases: rego }],
      ['--enable-k8s-native-validation=false'],
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});
