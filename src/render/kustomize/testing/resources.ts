// Kubernetes objects for the differential generator: workloads, services, RBAC, webhooks, CRDs as
// controller-gen writes them, custom resources and Tekton tasks, with cross references by name.
import type { Rng } from './random.js';
import { blockScalar, oddScalar, oddText, word } from './text.js';
import { Styled } from './yaml-writer.js';
import type { GenValue } from './yaml-writer.js';

export type Obj = { [key: string]: GenValue };

/** Names other objects may refer to, so name references (and their fixing) get exercised. */
export interface Refs {
  readonly configMaps: string[];
  readonly secrets: string[];
  readonly serviceAccounts: string[];
  readonly pvcs: string[];
}

export function emptyRefs(): Refs {
  return { configMaps: [], secrets: [], serviceAccounts: [], pvcs: [] };
}

function meta(rng: Rng, name: string, extra: Obj = {}): Obj {
  const m: Obj = { name };
  if (rng.chance(0.25)) m['namespace'] = rng.pick(['default', 'system', 'apps', 'team-a']);
  if (rng.chance(0.4))
    m['labels'] = { app: name, 'app.kubernetes.io/name': rng.pick(['web', 'api']) };
  if (rng.chance(0.25))
    m['annotations'] = rng.pick<Obj>([
      { note: oddScalar(rng) },
      { 'example.com/text': oddText(rng, 3) },
      {},
      { 'kubectl.kubernetes.io/default-container': 'main' },
    ]);
  if (rng.chance(0.15)) m['creationTimestamp'] = null;
  if (rng.chance(0.05)) m['labels'] = {};
  // Now and then a key named like a JavaScript prototype property: it must stay a plain key.
  if (rng.chance(0.05)) m['labels'] = { ...(m['labels'] as Obj | undefined), constructor: 'c' };
  return { ...m, ...extra };
}

function container(rng: Rng, name: string, refs: Refs): Obj {
  const c: Obj = {
    name,
    image: rng.pick([
      'nginx',
      'nginx:1.25',
      'controller:latest',
      'ghcr.io/org/app:v1.2.3',
      'registry.example.com:5000/team/app@sha256:' + 'a'.repeat(64),
      'busybox',
    ]),
  };
  if (rng.chance(0.5))
    c['args'] = rng.some(
      ['--leader-elect', '--v=2', '--port=8080', '$(POD_NAME)', '--name=$(SERVICE_NAME)'],
      1,
      3,
    );
  if (rng.chance(0.3)) c['command'] = ['/manager'];
  if (rng.chance(0.5))
    c['ports'] = [{ containerPort: rng.pick([80, 8080, 9443]), name: 'http', protocol: 'TCP' }];
  if (rng.chance(0.4)) {
    const env: GenValue[] = [{ name: 'MODE', value: oddScalar(rng) }];
    if (refs.configMaps.length > 0 && rng.chance(0.7))
      env.push({
        name: 'FROM_CM',
        valueFrom: { configMapKeyRef: { name: rng.pick(refs.configMaps), key: 'a' } },
      });
    if (refs.secrets.length > 0 && rng.chance(0.7))
      env.push({
        name: 'FROM_SECRET',
        valueFrom: { secretKeyRef: { name: rng.pick(refs.secrets), key: 'password' } },
      });
    if (rng.chance(0.3))
      env.push({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    c['env'] = env;
  }
  if (refs.configMaps.length > 0 && rng.chance(0.3))
    c['envFrom'] = [{ configMapRef: { name: rng.pick(refs.configMaps) } }];
  if (rng.chance(0.4))
    c['resources'] = rng.pick<Obj>([
      {},
      { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '10m', memory: '64Mi' } },
      { requests: { cpu: 0.5, memory: '1Gi' } },
    ]);
  if (rng.chance(0.3))
    c['securityContext'] = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  if (rng.chance(0.3))
    c['livenessProbe'] = { httpGet: { path: '/healthz', port: 8081 }, initialDelaySeconds: 15 };
  if (rng.chance(0.2))
    c['volumeMounts'] = [{ mountPath: '/etc/config', name: 'config', readOnly: true }];
  if (rng.chance(0.1)) c['terminationMessagePolicy'] = 'FallbackToLogsOnError';
  return c;
}

function podSpec(rng: Rng, app: string, refs: Refs): Obj {
  const spec: Obj = { containers: [container(rng, 'main', refs)] };
  if (rng.chance(0.3)) (spec['containers'] as GenValue[]).push(container(rng, 'sidecar', refs));
  if (rng.chance(0.2)) spec['initContainers'] = [container(rng, 'init', refs)];
  const volumes: GenValue[] = [];
  if (refs.configMaps.length > 0 && rng.chance(0.5))
    volumes.push({ name: 'config', configMap: { name: rng.pick(refs.configMaps) } });
  if (refs.secrets.length > 0 && rng.chance(0.4))
    volumes.push({
      name: 'cert',
      secret: { secretName: rng.pick(refs.secrets), defaultMode: 420 },
    });
  if (refs.pvcs.length > 0 && rng.chance(0.3))
    volumes.push({ name: 'data', persistentVolumeClaim: { claimName: rng.pick(refs.pvcs) } });
  if (rng.chance(0.2)) volumes.push({ name: 'tmp', emptyDir: {} });
  if (volumes.length > 0) spec['volumes'] = volumes;
  if (refs.serviceAccounts.length > 0 && rng.chance(0.6))
    spec['serviceAccountName'] = rng.pick(refs.serviceAccounts);
  if (rng.chance(0.2)) spec['securityContext'] = { runAsNonRoot: true };
  if (rng.chance(0.2)) spec['terminationGracePeriodSeconds'] = 10;
  if (rng.chance(0.1)) spec['imagePullSecrets'] = [{ name: refs.secrets[0] ?? 'pull' }];
  if (rng.chance(0.1)) spec['nodeSelector'] = { 'kubernetes.io/os': 'linux' };
  if (rng.chance(0.1))
    spec['tolerations'] = [{ key: 'node-role', operator: 'Exists', effect: 'NoSchedule' }];
  void app;
  return spec;
}

function template(rng: Rng, app: string, refs: Refs): Obj {
  const m: Obj = { labels: { app } };
  if (rng.chance(0.3)) m['annotations'] = { 'kubectl.kubernetes.io/default-container': 'main' };
  if (rng.chance(0.2)) m['creationTimestamp'] = null;
  return { metadata: m, spec: podSpec(rng, app, refs) };
}

export function deployment(rng: Rng, name: string, refs: Refs): Obj {
  const spec: Obj = {
    selector: { matchLabels: { app: name } },
    template: template(rng, name, refs),
  };
  if (rng.chance(0.6)) spec['replicas'] = rng.int(1, 3);
  if (rng.chance(0.2)) spec['strategy'] = {};
  const o: Obj = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(rng, name), spec };
  if (rng.chance(0.1)) o['status'] = {};
  return o;
}

export function statefulSet(rng: Rng, name: string, refs: Refs): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(rng, name),
    spec: {
      serviceName: name,
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: template(rng, name, refs),
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ],
    },
  };
}

export function cronJob(rng: Rng, name: string, refs: Refs): Obj {
  const tpl = template(rng, name, refs);
  (tpl['spec'] as Obj)['restartPolicy'] = 'OnFailure';
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta(rng, name),
    spec: {
      schedule: rng.pick(['*/5 * * * *', '0 0 * * *']),
      jobTemplate: { spec: { template: tpl } },
    },
  };
}

export function service(rng: Rng, name: string): Obj {
  const spec: Obj = {
    selector: { app: name },
    ports: [
      { name: 'http', port: 80, targetPort: rng.pick<GenValue>([8080, 'http']), protocol: 'TCP' },
    ],
  };
  if (rng.chance(0.2)) spec['type'] = rng.pick(['ClusterIP', 'NodePort']);
  if (rng.chance(0.2))
    (spec['ports'] as GenValue[]).push({ name: 'https', port: 443, targetPort: 8443 });
  return { apiVersion: 'v1', kind: 'Service', metadata: meta(rng, name), spec };
}

export function configMap(rng: Rng, name: string): Obj {
  const data: Obj = {};
  for (let i = 0; i < rng.int(0, 4); i++) {
    const k = rng.pick([
      'a',
      'b',
      'config.yaml',
      'script.sh',
      'app.properties',
      'KEY_1',
      'empty',
      '__proto__',
      'constructor',
    ]);
    data[k] = rng.chance(0.4) ? blockScalarOrText(rng) : oddScalar(rng);
  }
  const o: Obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(rng, name) };
  if (Object.keys(data).length > 0 || rng.chance(0.5)) o['data'] = data;
  if (rng.chance(0.05)) o['data'] = null;
  return o;
}

function blockScalarOrText(rng: Rng): GenValue {
  return rng.chance(0.5) ? blockScalar(rng) : oddText(rng, 5);
}

export function secret(rng: Rng, name: string): Obj {
  const o: Obj = { apiVersion: 'v1', kind: 'Secret', metadata: meta(rng, name), type: 'Opaque' };
  if (rng.chance(0.5)) o['data'] = { password: 'cGFzc3dvcmQ=' };
  else o['stringData'] = { password: oddScalar(rng) };
  return o;
}

export function serviceAccount(rng: Rng, name: string): Obj {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(rng, name) };
}

export function pvc(rng: Rng, name: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(rng, name),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
  };
}

export function role(rng: Rng, name: string, cluster: boolean, group = 'apps'): Obj {
  const o: Obj = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: cluster ? 'ClusterRole' : 'Role',
    metadata: meta(rng, name),
    rules: [
      { apiGroups: [group], resources: ['deployments'], verbs: ['get', 'list', 'watch'] },
      {
        apiGroups: [''],
        resources: ['configmaps'],
        verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
      },
    ],
  };
  return o;
}

export function roleBinding(
  rng: Rng,
  name: string,
  roleName: string,
  cluster: boolean,
  sa: string,
): Obj {
  const subject: Obj = { kind: 'ServiceAccount', name: sa };
  if (rng.chance(0.6)) subject['namespace'] = rng.pick(['system', 'default', 'other']);
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: cluster ? 'ClusterRoleBinding' : 'RoleBinding',
    metadata: meta(rng, name),
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: cluster ? 'ClusterRole' : 'Role',
      name: roleName,
    },
    subjects: [subject],
  };
}

export function ingress(rng: Rng, name: string, svc: string): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(rng, name),
    spec: {
      rules: [
        {
          host: 'example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: svc, port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
  };
}

export function hpa(rng: Rng, name: string, target: string): Obj {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta(rng, name),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: 1,
      maxReplicas: 5,
    },
  };
}

export function namespaceObj(rng: Rng, name: string): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: meta(rng, name) };
}

/** A description as controller-gen writes them: long text, block or folded-quoted. */
function description(rng: Rng): GenValue {
  const text = rng.pick([
    'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
    'Kind is a string value representing the REST resource this object represents.',
    'Spec defines the desired state',
    `Size defines the number of instances.\nIt must be positive: "${word(rng)}".`,
    'Condition contains details for one aspect of the current state of this API Resource.\n---\nThis struct is intended for direct use as an array at the field path .status.conditions.  For example,\n\n\n\ttype FooStatus struct{\n\t    // +patchMergeKey=type\n\t}',
    oddText(rng, 4).replace(/\s+$/, ''),
  ]);
  if (text.includes('\n')) return rng.chance(0.7) ? new Styled(text, 'literal') : text;
  return rng.chance(0.5) ? new Styled(text, 'folded-quoted') : text;
}

function schemaProps(rng: Rng, depth: number): Obj {
  const props: Obj = {};
  for (let i = 0; i < rng.int(1, 4); i++) {
    const name = rng.pick([
      'size',
      'image',
      'mode',
      'enabled',
      'config',
      'items',
      'port',
      'selector',
    ]);
    const p: Obj = {};
    if (rng.chance(0.6)) p['description'] = description(rng);
    const t = depth > 2 ? 'string' : rng.pick(['string', 'integer', 'boolean', 'object', 'array']);
    if (t === 'object') {
      p['properties'] = schemaProps(rng, depth + 1);
      if (rng.chance(0.3)) p['x-kubernetes-preserve-unknown-fields'] = true;
    } else if (t === 'array') {
      p['items'] = { type: 'string' };
      if (rng.chance(0.3)) p['x-kubernetes-list-type'] = 'atomic';
    } else if (t === 'integer') {
      p['format'] = 'int32';
      if (rng.chance(0.5)) p['minimum'] = 0;
      if (rng.chance(0.3)) p['default'] = 1;
    } else if (t === 'string') {
      const r = rng.next();
      if (r < 0.3)
        p['pattern'] = rng.pick(['^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$', '^v[0-9]+$']);
      else if (r < 0.5) p['enum'] = ['True', 'False', 'Unknown'];
    }
    p['type'] = t;
    props[name] = p;
  }
  return props;
}

/** A CustomResourceDefinition as controller-gen writes it (old versions: creationTimestamp null and a status stanza). */
export function crd(rng: Rng, group: string, kind: string): Obj {
  const plural = kind.toLowerCase() + 's';
  const old = rng.chance(0.5);
  const md: Obj = {
    annotations: { 'controller-gen.kubebuilder.io/version': old ? 'v0.4.1' : 'v0.16.1' },
    name: `${plural}.${group}`,
  };
  if (old) md['creationTimestamp'] = null;
  const version: Obj = {
    name: 'v1alpha1',
    schema: {
      openAPIV3Schema: {
        description: `${kind} is the Schema for the ${plural} API`,
        properties: {
          apiVersion: { description: description(rng), type: 'string' },
          kind: { description: description(rng), type: 'string' },
          metadata: { type: 'object' },
          spec: { description: description(rng), properties: schemaProps(rng, 0), type: 'object' },
          status: { type: 'object' },
        },
        type: 'object',
      },
    },
    served: true,
    storage: true,
    subresources: { status: {} },
  };
  if (rng.chance(0.3))
    version['additionalPrinterColumns'] = [
      { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
    ];
  const o: Obj = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: md,
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope: 'Namespaced',
      versions: [version],
    },
  };
  if (old)
    o['status'] = { acceptedNames: { kind: '', plural: '' }, conditions: [], storedVersions: [] };
  return o;
}

export function customResource(rng: Rng, group: string, kind: string, name: string): Obj {
  return {
    apiVersion: `${group}/v1alpha1`,
    kind,
    metadata: meta(rng, name),
    spec: {
      size: rng.int(1, 5),
      image: 'nginx',
      mode: oddScalar(rng),
      config: rng.chance(0.3) ? {} : { a: 1 },
    },
  };
}

/** A Tekton Task with long scripts in block scalars and parameters with odd defaults. */
export function tektonTask(rng: Rng, name: string): Obj {
  const steps: GenValue[] = [];
  for (let i = 0; i < rng.int(1, 3); i++) {
    const step: Obj = {
      name: `step-${i}`,
      image: rng.pick(['alpine:3.19', 'gcr.io/kaniko-project/executor:v1.9.0', 'bash']),
    };
    step['script'] = rng.chance(0.8) ? blockScalar(rng, oddText(rng, 20)) : oddText(rng, 8);
    if (rng.chance(0.3)) step['env'] = [{ name: 'HOME', value: '/tekton/home' }];
    if (rng.chance(0.2)) step['workingDir'] = '$(workspaces.source.path)';
    steps.push(step);
  }
  return {
    apiVersion: rng.pick(['tekton.dev/v1beta1', 'tekton.dev/v1']),
    kind: 'Task',
    metadata: meta(rng, name),
    spec: {
      description: rng.chance(0.5) ? blockScalar(rng, oddText(rng, 4)) : 'Builds things.',
      params: [
        {
          name: 'IMAGE',
          type: 'string',
          description: 'Name of the image',
          default: oddScalar(rng),
        },
        { name: 'ARGS', type: 'array', default: [] },
      ],
      workspaces: [{ name: 'source' }],
      results: [{ name: 'IMAGE_DIGEST', description: 'Digest of the image just built.' }],
      steps,
    },
  };
}

export function webhookConfigurations(rng: Rng, group: string, plural: string, svc: string): Obj[] {
  const hook = (prefix: string): Obj => ({
    admissionReviewVersions: ['v1'],
    clientConfig: {
      service: {
        name: svc,
        namespace: 'system',
        path: `/${prefix}-${group.replaceAll('.', '-')}-v1alpha1`,
      },
    },
    failurePolicy: 'Fail',
    name: `${prefix[0] ?? 'm'}${plural}.kb.io`,
    rules: [
      {
        apiGroups: [group],
        apiVersions: ['v1alpha1'],
        operations: ['CREATE', 'UPDATE'],
        resources: [plural],
      },
    ],
    sideEffects: 'None',
  });
  const out: Obj[] = [];
  if (rng.chance(0.8))
    out.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'mutating-webhook-configuration' },
      webhooks: [hook('mutate')],
    });
  out.push({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'validating-webhook-configuration' },
    webhooks: [hook('validate')],
  });
  return out;
}

/** A cert-manager Certificate as kubebuilder scaffolds it (replacement targets in dnsNames). */
export function certificate(rng: Rng): Obj {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: meta(rng, 'serving-cert'),
    spec: {
      dnsNames: [
        'SERVICE_NAME.SERVICE_NAMESPACE.svc',
        'SERVICE_NAME.SERVICE_NAMESPACE.svc.cluster.local',
      ],
      issuerRef: { kind: 'Issuer', name: 'selfsigned-issuer' },
      secretName: 'webhook-server-cert',
    },
  };
}
