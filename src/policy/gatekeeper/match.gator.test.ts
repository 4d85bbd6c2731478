// Constraint matching compared with Gatekeeper's: every combination of a set of `match` blocks
// (kinds, scope, namespaces and excludedNamespaces globs, label and namespace selectors, name
// globs) and objects (namespaced, cluster-scoped, Namespaces, in a namespace nobody synced) is
// reviewed by Flotilla, written as a gator Suite asserting exactly those violations and
// autoreject messages, and checked with `gator verify` (gator test is not the oracle here: it
// reviews cluster-scoped objects as if they were in a nameless namespace).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gatorVerifyAgreement, oracleSkip } from '../../testing/index.js';
import { ConstraintClient, EnforcementPoint } from '../index.js';

const TEMPLATE = {
  apiVersion: 'templates.gatekeeper.sh/v1',
  kind: 'ConstraintTemplate',
  metadata: { name: 'k8salways' },
  spec: {
    crd: { spec: { names: { kind: 'K8sAlways' } } },
    targets: [
      {
        target: 'admission.k8s.gatekeeper.sh',
        rego: 'package k8salways\n\nviolation[{"msg": "always"}] { true }\n',
      },
    ],
  },
};

const MATCHES: Record<string, unknown>[] = [
  {},
  { kinds: [{ apiGroups: [''], kinds: ['ConfigMap'] }] },
  { kinds: [{ apiGroups: ['*'], kinds: ['*'] }] },
  { kinds: [{ apiGroups: ['apps'] }] },
  {
    kinds: [
      { kinds: ['Namespace'] },
      { apiGroups: ['rbac.authorization.k8s.io'], kinds: ['ClusterRole'] },
    ],
  },
  { kinds: [{ apiGroups: [''], kinds: [] }] },
  { scope: 'Cluster' },
  { scope: 'Namespaced' },
  { scope: '*' },
  { namespaces: ['shop'] },
  { namespaces: ['sh*'] },
  { namespaces: ['*-system'] },
  { namespaces: ['*o*'] },
  { excludedNamespaces: ['kube-*'] },
  { excludedNamespaces: ['shop', 'dev'] },
  { labelSelector: { matchLabels: { app: 'web' } } },
  { labelSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] } },
  { labelSelector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] } },
  { labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } },
  { labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } },
  { namespaceSelector: { matchLabels: { env: 'prod' } } },
  { namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] } },
  { name: 'web-*' },
  { name: '*-db' },
  { name: 'cfg' },
  { name: '*' },
  { scope: 'Namespaced', namespaces: ['shop'], labelSelector: { matchLabels: { app: 'web' } } },
  { kinds: [{ apiGroups: [''], kinds: ['ConfigMap'] }], excludedNamespaces: ['*'] },
];

const ns = (name: string, labels: Record<string, string> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
const obj = (
  apiVersion: string,
  kind: string,
  meta: Record<string, unknown>,
): Record<string, unknown> => ({ apiVersion, kind, metadata: meta });

const OBJECTS: Record<string, unknown>[] = [
  ns('shop', { env: 'prod' }),
  ns('kube-system'),
  ns('dev', { env: 'dev' }),
  obj('v1', 'ConfigMap', { name: 'cfg', namespace: 'shop', labels: { app: 'web' } }),
  obj('v1', 'ConfigMap', { name: 'web-1', namespace: 'dev', labels: { app: 'api', tier: 'db' } }),
  obj('v1', 'ConfigMap', { name: 'main-db', namespace: 'kube-system' }),
  obj('apps/v1', 'Deployment', { name: 'web-front', namespace: 'shop', labels: { app: 'web' } }),
  obj('apps/v1', 'Deployment', { name: 'lone', namespace: 'ghost', labels: { tier: 'db' } }),
  obj('rbac.authorization.k8s.io/v1', 'ClusterRole', { name: 'web-admin', labels: { app: 'web' } }),
  obj('v1', 'PersistentVolume', { name: 'pv-db' }),
];

describe('constraint match against gator verify', { skip: oracleSkip('gator') }, () => {
  it('gives the same violations and autorejects for every match and object', () => {
    const namespaces = OBJECTS.filter((o) => o['kind'] === 'Namespace');
    const client = new ConstraintClient();
    client.addTemplate(TEMPLATE);
    for (const n of namespaces) client.addData(n);
    let violations = 0;
    const tests = MATCHES.map((match, i) => {
      const constraint = {
        apiVersion: 'constraints.gatekeeper.sh/v1beta1',
        kind: 'K8sAlways',
        metadata: { name: `c-${i}` },
        spec: { match },
      };
      client.addConstraint(constraint);
      const cases = OBJECTS.map((object, j) => {
        const messages = client
          .review({ kind: 'object', object }, { enforcementPoint: EnforcementPoint.Gator })
          .filter((r) => r.constraint.name === `c-${i}`)
          .map((r) => r.msg);
        violations += messages.length;
        return { name: `object-${j}`, object, inventory: namespaces, messages };
      });
      client.removeConstraint('K8sAlways', `c-${i}`);
      return { name: `c-${i}`, template: TEMPLATE, constraint, cases };
    });
    assert.ok(violations > 100, `Flotilla found ${violations} violations`);
    const r = gatorVerifyAgreement(tests);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});
