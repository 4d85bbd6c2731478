// Tests of the shipped built-in schema data: kinds present, merge extensions faithful, components complete.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadBuiltinSchemas } from './index.js';
import type { SchemaNode } from './index.js';

const KINDS = [
  'v1/Namespace',
  'v1/ConfigMap',
  'v1/Secret',
  'v1/Service',
  'v1/ServiceAccount',
  'v1/Pod',
  'v1/Endpoints',
  'v1/Event',
  'v1/PersistentVolumeClaim',
  'v1/PersistentVolume',
  'v1/ResourceQuota',
  'v1/LimitRange',
  'apps/v1/Deployment',
  'apps/v1/StatefulSet',
  'apps/v1/DaemonSet',
  'apps/v1/ReplicaSet',
  'batch/v1/Job',
  'batch/v1/CronJob',
  'networking.k8s.io/v1/Ingress',
  'networking.k8s.io/v1/IngressClass',
  'networking.k8s.io/v1/NetworkPolicy',
  'rbac.authorization.k8s.io/v1/Role',
  'rbac.authorization.k8s.io/v1/RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'apiextensions.k8s.io/v1/CustomResourceDefinition',
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
  'coordination.k8s.io/v1/Lease',
  'events.k8s.io/v1/Event',
  'policy/v1/PodDisruptionBudget',
  'autoscaling/v2/HorizontalPodAutoscaler',
  'storage.k8s.io/v1/StorageClass',
  'scheduling.k8s.io/v1/PriorityClass',
];

function at(node: SchemaNode | undefined, ...path: string[]): SchemaNode {
  let cur = node;
  for (const p of path) {
    if (p === '[]') cur = cur?.items;
    else cur = cur?.properties?.[p];
  }
  assert.ok(cur, `no schema at ${path.join('.')}`);
  return cur;
}

describe('loadBuiltinSchemas', () => {
  const s = loadBuiltinSchemas();
  it('is cached', () => assert.equal(loadBuiltinSchemas(), s));
  for (const k of KINDS) {
    it(`knows ${k}`, () => {
      const slash = k.lastIndexOf('/');
      const schema = s.schemaFor(k.slice(0, slash), k.slice(slash + 1));
      assert.ok(schema?.properties?.metadata, k);
      assert.equal(at(schema, 'metadata', 'name').type, 'string');
    });
  }
  it('returns undefined for unknown kinds', () => {
    assert.equal(s.schemaFor('example.com/v1', 'Widget'), undefined);
    assert.equal(s.componentsFor('example.com/v1'), undefined);
  });
  const deploy = s.schemaFor('apps/v1', 'Deployment');
  const podSpec = ['spec', 'template', 'spec'];
  const cases: { path: string[]; ext: Record<string, unknown> }[] = [
    {
      path: [...podSpec, 'containers'],
      ext: {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge',
      },
    },
    {
      path: [...podSpec, 'containers', '[]', 'env'],
      ext: { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-patch-merge-key': 'name' },
    },
    {
      path: [...podSpec, 'containers', '[]', 'ports'],
      ext: {
        'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
        'x-kubernetes-patch-merge-key': 'containerPort',
      },
    },
    {
      path: [...podSpec, 'containers', '[]', 'volumeMounts'],
      ext: {
        'x-kubernetes-list-map-keys': ['mountPath'],
        'x-kubernetes-patch-merge-key': 'mountPath',
      },
    },
    {
      path: [...podSpec, 'volumes'],
      ext: {
        'x-kubernetes-patch-strategy': 'merge,retainKeys',
        'x-kubernetes-list-map-keys': ['name'],
      },
    },
    { path: [...podSpec, 'tolerations'], ext: { 'x-kubernetes-list-type': 'atomic' } },
    { path: [...podSpec, 'containers', '[]', 'args'], ext: { 'x-kubernetes-list-type': 'atomic' } },
    { path: ['spec', 'selector'], ext: { 'x-kubernetes-map-type': 'atomic' } },
    {
      path: ['metadata', 'finalizers'],
      ext: { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
    },
    {
      path: ['metadata', 'ownerReferences'],
      ext: { 'x-kubernetes-list-map-keys': ['uid'], 'x-kubernetes-patch-merge-key': 'uid' },
    },
    { path: ['status', 'conditions'], ext: { 'x-kubernetes-list-map-keys': ['type'] } },
    {
      path: ['spec', 'strategy', 'rollingUpdate', 'maxSurge'],
      ext: { format: 'int-or-string' },
    },
    { path: [...podSpec, 'containers', '[]', 'resources', 'limits'], ext: { type: 'object' } },
  ];
  for (const c of cases) {
    it(`Deployment .${c.path.join('.')} has ${JSON.stringify(c.ext)}`, () => {
      const node = at(deploy, ...c.path);
      for (const [k, v] of Object.entries(c.ext)) assert.deepEqual(node[k], v, k);
    });
  }
  it('types Quantity values as string or number', () => {
    const limits = at(deploy, ...podSpec, 'containers', '[]', 'resources', 'limits');
    assert.deepEqual((limits.additionalProperties as SchemaNode).oneOf, [
      { type: 'string' },
      { type: 'number' },
    ]);
  });
  it('carries required fields like the upstream spec', () => {
    assert.deepEqual(at(deploy, 'spec').required, ['selector', 'template']);
    assert.deepEqual(at(deploy, 'spec', 'template', 'spec').required, ['containers']);
    assert.deepEqual(at(deploy, 'spec', 'template', 'spec', 'containers', '[]').required, ['name']);
  });
  it('Service ports are keyed by port and protocol', () => {
    const node = at(s.schemaFor('v1', 'Service'), 'spec', 'ports');
    assert.deepEqual(node['x-kubernetes-list-map-keys'], ['port', 'protocol']);
    assert.equal(node['x-kubernetes-patch-merge-key'], 'port');
  });
  it('CRD JSONSchemaProps is recursive', () => {
    const crd = s.schemaFor('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
    const props = at(crd, 'spec', 'versions', '[]', 'schema', 'openAPIV3Schema');
    // the map's values are the schema itself (beside a `default`, so a copy sharing its fields)
    const values = at(props, 'properties').additionalProperties as SchemaNode;
    assert.equal(values.properties, props.properties);
  });
  it('componentsFor apps/v1 has the kinds, core and meta types, keyed like kube-apiserver', () => {
    const c = s.componentsFor('apps/v1');
    assert.ok(c);
    for (const k of [
      'io.k8s.api.apps.v1.Deployment',
      'io.k8s.api.core.v1.PodSpec',
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
    ])
      assert.ok(k in c, k);
    const d = c['io.k8s.api.apps.v1.Deployment'] as Record<string, unknown>;
    assert.deepEqual(d['x-kubernetes-group-version-kind'], [
      { group: 'apps', version: 'v1', kind: 'Deployment' },
    ]);
    // every $ref resolves inside the document
    const text = JSON.stringify(c);
    for (const m of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g))
      assert.ok(m[1]! in c, m[1]);
    assert.ok(!('io.k8s.api.batch.v1.Job' in c));
  });
  it('componentsFor v1 names core kinds with an empty group', () => {
    const c = s.componentsFor('v1');
    const ns = c?.['io.k8s.api.core.v1.Namespace'] as Record<string, unknown>;
    assert.deepEqual(ns['x-kubernetes-group-version-kind'], [
      { group: '', version: 'v1', kind: 'Namespace' },
    ]);
  });
});
