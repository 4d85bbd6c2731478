// ValidatingAdmissionPolicy against the real kube-apiserver: each scenario (a policy, a binding,
// params, then requests) runs on both servers; status codes, reasons, messages and warnings must
// be identical. Each scenario lives in its own namespace, selected by the namespace's name label.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- JSON API responses are read through the `Json` (any) type */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  clusterPair,
  realClusterSkip,
  type TestClient,
  type Json,
  type TestResponse,
} from '../testing/index.js';

const AR = '/apis/admissionregistration.k8s.io/v1';

interface Request {
  readonly label: string;
  readonly method: 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: Json;
  readonly user?: string;
}

interface Scenario {
  readonly name: string;
  readonly policy: Json;
  readonly bindings: readonly Json[];
  /** objects created before the policy (params, namespaces' contents) */
  readonly setup?: readonly { path: string; body: Json }[];
  readonly requests: readonly Request[];
}

const cm = (
  ns: string,
  name: string,
  data: Record<string, string> = {},
  labels: Record<string, string> = {},
): Json => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels },
  data,
});
const cms = (ns: string): string => `/api/v1/namespaces/${ns}/configmaps`;
const create = (
  ns: string,
  name: string,
  data: Record<string, string> = {},
  labels: Record<string, string> = {},
): Request => ({
  label: `create ${name}`,
  method: 'POST',
  path: cms(ns),
  body: cm(ns, name, data, labels),
});

/** Matches CREATE and UPDATE of ConfigMaps in the scenario's namespace. */
const matchConfigMaps = (ns: string, operations = ['CREATE', 'UPDATE']): Json => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
  resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations, resources: ['configmaps'] }],
});

const policy = (name: string, spec: Json): Json => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name },
  spec,
});
const binding = (name: string, policyName: string, spec: Json = {}): Json => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name },
  spec: { policyName, validationActions: ['Deny'], ...spec },
});

const SCENARIOS: Scenario[] = [
  {
    name: 'vap-deny',
    policy: policy('vap-deny', {
      matchConstraints: matchConfigMaps('vap-deny'),
      validations: [
        { expression: "has(object.data) && 'owner' in object.data", message: 'owner is required' },
        {
          expression:
            "!has(object.data) || !('color' in object.data) || object.data.color in ['red', 'blue']",
        },
        {
          expression: "object.metadata.name.startsWith('app-')",
          messageExpression: "'name ' + object.metadata.name + ' must start with app-'",
          reason: 'Forbidden',
        },
      ],
    }),
    bindings: [binding('vap-deny', 'vap-deny')],
    requests: [
      create('vap-deny', 'app-ok', { owner: 'me' }),
      create('vap-deny', 'app-no-owner'),
      create('vap-deny', 'app-green', { owner: 'me', color: 'green' }),
      create('vap-deny', 'web', { owner: 'me' }),
      create('vap-deny', 'other', { color: 'green' }),
    ],
  },
  {
    name: 'vap-warn',
    policy: policy('vap-warn', {
      matchConstraints: matchConfigMaps('vap-warn'),
      validations: [
        {
          expression: "has(object.data) && 'owner' in object.data",
          message: 'owner is recommended',
        },
      ],
      auditAnnotations: [{ key: 'name', valueExpression: "'cm ' + object.metadata.name" }],
    }),
    bindings: [
      binding('vap-warn', 'vap-warn', { validationActions: ['Warn', 'Audit'] }),
      binding('vap-warn-2', 'vap-warn', { validationActions: ['Audit'] }),
    ],
    requests: [create('vap-warn', 'a', { owner: 'x' }), create('vap-warn', 'b')],
  },
  {
    name: 'vap-params',
    setup: [
      {
        path: cms('vap-params'),
        body: cm('vap-params', 'limits', { max: '2' }, { role: 'limits' }),
      },
      {
        path: cms('vap-params'),
        body: cm('vap-params', 'limits-2', { max: '3' }, { role: 'limits' }),
      },
    ],
    policy: policy('vap-params', {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      matchConstraints: matchConfigMaps('vap-params'),
      matchConditions: [
        {
          name: 'not-params',
          expression: "!has(object.metadata.labels) || !('role' in object.metadata.labels)",
        },
      ],
      validations: [
        {
          expression: '!has(object.data) || size(object.data) <= int(params.data.max)',
          messageExpression:
            "'at most ' + params.data.max + ' entries (' + params.metadata.name + ')'",
        },
      ],
    }),
    bindings: [
      binding('vap-params-name', 'vap-params', {
        paramRef: { name: 'limits', namespace: 'vap-params', parameterNotFoundAction: 'Deny' },
      }),
      binding('vap-params-selector', 'vap-params', {
        paramRef: {
          selector: { matchLabels: { role: 'limits' } },
          parameterNotFoundAction: 'Allow',
        },
      }),
      binding('vap-params-missing', 'vap-params', {
        paramRef: { name: 'nope', parameterNotFoundAction: 'Deny' },
        matchResources: {
          objectSelector: { matchLabels: { strict: 'yes' } },
          resourceRules: [
            {
              apiGroups: [''],
              apiVersions: ['v1'],
              operations: ['CREATE'],
              resources: ['configmaps'],
            },
          ],
        },
      }),
    ],
    requests: [
      create('vap-params', 'two', { a: '1', b: '2' }),
      create('vap-params', 'three', { a: '1', b: '2', c: '3' }),
      create('vap-params', 'four', { a: '1', b: '2', c: '3', d: '4' }),
      create('vap-params', 'strict', {}, { strict: 'yes' }),
    ],
  },
  {
    name: 'vap-variables',
    policy: policy('vap-variables', {
      matchConstraints: matchConfigMaps('vap-variables', ['CREATE', 'UPDATE', 'DELETE']),
      variables: [
        { name: 'obj', expression: 'request.operation == "DELETE" ? oldObject : object' },
        {
          name: 'team',
          expression:
            "has(variables.obj.metadata.labels) && 'team' in variables.obj.metadata.labels ? variables.obj.metadata.labels.team : ''",
        },
        {
          name: 'nsTeam',
          expression:
            "has(namespaceObject.metadata.labels) && 'team' in namespaceObject.metadata.labels ? namespaceObject.metadata.labels.team : ''",
        },
      ],
      validations: [
        {
          expression: 'variables.team == variables.nsTeam',
          messageExpression:
            "request.operation + ' of ' + request.name + ' by ' + (request.userInfo.username == '' ? 'nobody' : 'a user') + ': team ' + variables.team + ' is not ' + variables.nsTeam",
        },
        {
          expression: "request.operation != 'DELETE' || variables.obj.metadata.name != 'keep'",
          message: 'keep stays',
        },
      ],
    }),
    bindings: [binding('vap-variables', 'vap-variables')],
    setup: [
      { path: cms('vap-variables'), body: cm('vap-variables', 'keep', {}, { team: 'blue' }) },
    ],
    requests: [
      create('vap-variables', 'x', {}, { team: 'blue' }),
      create('vap-variables', 'y', {}, { team: 'red' }),
      { label: 'delete keep', method: 'DELETE', path: `${cms('vap-variables')}/keep` },
    ],
  },
  {
    name: 'vap-errors',
    policy: policy('vap-errors', {
      matchConstraints: matchConfigMaps('vap-errors'),
      failurePolicy: 'Fail',
      validations: [
        { expression: "object.data.missing == 'x'", message: 'unreachable' },
        {
          expression: 'object.metadata.name.size() < 3',
          messageExpression: 'string(object.data.nope)',
          message: 'short names only',
        },
      ],
    }),
    bindings: [binding('vap-errors', 'vap-errors')],
    requests: [create('vap-errors', 'ab', { k: 'v' }), create('vap-errors', 'abc', { k: 'v' })],
  },
  {
    name: 'vap-ignore',
    policy: policy('vap-ignore', {
      matchConstraints: matchConfigMaps('vap-ignore'),
      failurePolicy: 'Ignore',
      validations: [
        { expression: "object.data.missing == 'x'", message: 'unreachable' },
        { expression: "object.metadata.name != 'bad'", message: 'bad name' },
      ],
    }),
    bindings: [binding('vap-ignore', 'vap-ignore')],
    requests: [create('vap-ignore', 'good', { k: 'v' }), create('vap-ignore', 'bad', { k: 'v' })],
  },
  {
    name: 'vap-exclude',
    policy: policy('vap-exclude', {
      matchConstraints: {
        ...matchConfigMaps('vap-exclude'),
        excludeResourceRules: [
          {
            apiGroups: [''],
            apiVersions: ['v1'],
            operations: ['CREATE'],
            resources: ['configmaps'],
            resourceNames: ['allowed'],
          },
        ],
      },
      validations: [{ expression: 'false', message: 'no configmaps here' }],
    }),
    bindings: [binding('vap-exclude', 'vap-exclude')],
    requests: [create('vap-exclude', 'allowed'), create('vap-exclude', 'other')],
  },
];

/** What must be identical: code, reason, message (and causes) of failures; warnings always. */
function comparable(r: TestResponse): string {
  const w = r.headers.warning;
  const warnings = (Array.isArray(w) ? w : w === undefined ? [] : [w]).sort();
  if (r.status < 300) return JSON.stringify({ code: r.status, warnings });
  const b = r.body ?? {};
  return JSON.stringify({
    code: r.status,
    reason: b.reason,
    message: b.message,
    causes: b.details?.causes,
    warnings,
  });
}

async function must(c: TestClient, method: string, path: string, body: Json): Promise<void> {
  const r = await c.send(method, path, { body });
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
}

/** Sets a scenario up and waits until its sentinel binding denies (the policies are loaded). */
async function setUp(c: TestClient, s: Scenario): Promise<void> {
  await must(c, 'POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: s.name, labels: { team: 'blue' } },
  });
  for (const o of s.setup ?? []) await must(c, 'POST', o.path, o.body);
  await must(c, 'POST', `${AR}/validatingadmissionpolicies`, s.policy);
  for (const b of s.bindings) await must(c, 'POST', `${AR}/validatingadmissionpolicybindings`, b);
  const sentinel = `${s.name}-sentinel`;
  await must(
    c,
    'POST',
    `${AR}/validatingadmissionpolicies`,
    policy(sentinel, {
      matchConstraints: {
        ...matchConfigMaps(s.name, ['CREATE']),
        objectSelector: { matchLabels: { sentinel: 'yes' } },
      },
      validations: [{ expression: 'false', message: 'sentinel' }],
    }),
  );
  await must(c, 'POST', `${AR}/validatingadmissionpolicybindings`, binding(sentinel, sentinel));
  for (let i = 0; i < 200; i++) {
    const r = await c.send('POST', `${cms(s.name)}?dryRun=All`, {
      body: cm(s.name, 'sentinel', {}, { sentinel: 'yes' }),
    });
    if (r.status === 422) return;
    await sleep(100);
  }
  throw new Error(`${s.name}: the policies never took effect`);
}

async function run(c: TestClient, s: Scenario): Promise<{ label: string; result: string }[]> {
  await setUp(c, s);
  // param informers of the real server may trail the policy ones
  await sleep(300);
  const out: { label: string; result: string }[] = [];
  for (const r of s.requests) {
    const res = await c.send(r.method, r.path, {
      ...(r.body === undefined ? {} : { body: r.body }),
    });
    out.push({ label: `${s.name}: ${r.label}`, result: comparable(res) });
  }
  return out;
}

describe(
  'ValidatingAdmissionPolicy: local cluster against kube-apiserver',
  { skip: realClusterSkip() },
  () => {
    const clusters = clusterPair();

    it('answers every scenario as kube-apiserver does', async () => {
      const { local: lc, real: rc } = clusters();
      const diffs: string[] = [];
      let denials = 0;
      for (const s of SCENARIOS) {
        const [l, r] = await Promise.all([run(lc, s), run(rc, s)]);
        l.forEach((x, i) => {
          const want = r[i]?.result ?? '(missing)';
          if (x.result.includes('"code":4')) denials++;
          if (x.result !== want) diffs.push(`${x.label}\n  local: ${x.result}\n  real:  ${want}`);
        });
      }
      for (const d of diffs) console.log(`DIFF ${d}`);
      assert.ok(denials >= 10, `${denials} denials`);
      assert.deepEqual(diffs, []);
    });
  },
);
