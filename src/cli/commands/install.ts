// `flotilla install [--export]`: the CRDs, RBAC and a Deployment that run Flotilla's controllers
// inside a real cluster — applied with the apply engine, or printed as YAML with --export.
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { KubeObject } from '../../kube/index.js';
import { ResourceManager } from '../../apply/index.js';
import { loadCrds } from '../../controller/index.js';
import { contextFrom } from '../context.js';
import { connect } from '../kube.js';
import { packageInfo } from '../version.js';

const NAME = 'flotilla-controller';

/** The objects of an installation into `namespace`. */
export function installManifests(namespace: string, image: string): KubeObject[] {
  const labels = {
    'app.kubernetes.io/name': 'flotilla',
    'app.kubernetes.io/component': 'controller',
  };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } },
    ...loadCrds(),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: NAME, namespace, labels } },
    {
      // As Flux's kustomize-controller, the reconciler applies arbitrary objects, so it is bound
      // to cluster-admin; narrow it with spec.serviceAccountName impersonation per Kustomization.
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${NAME}-${namespace}`, labels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'cluster-admin',
      },
      subjects: [{ kind: 'ServiceAccount', name: NAME, namespace }],
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: NAME, namespace, labels },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: NAME, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: NAME,
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: 'controller',
                image,
                args: [
                  'controller',
                  '--enable-leader-election',
                  `--leader-election-namespace=${namespace}`,
                  '--data=/data',
                  '--health-addr=0.0.0.0:9440',
                  '--storage-addr=0.0.0.0:9090',
                  `--storage-adv-addr=${NAME}.${namespace}.svc.cluster.local`,
                ],
                // glibc returns freed buffers of 64 KiB and more to the system only with this
                // set before the process starts (docs/local-cluster.md, "Watch memory").
                env: [{ name: 'MALLOC_MMAP_THRESHOLD_', value: '65536' }],
                ports: [
                  { name: 'http', containerPort: 9090, protocol: 'TCP' },
                  { name: 'healthz', containerPort: 9440, protocol: 'TCP' },
                ],
                readinessProbe: { httpGet: { path: '/readyz', port: 'healthz' } },
                livenessProbe: { httpGet: { path: '/healthz', port: 'healthz' } },
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: { memory: '1Gi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                volumeMounts: [
                  { name: 'data', mountPath: '/data' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'data', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    },
  ];
}

export function registerInstallCommand(program: Command): void {
  program
    .command('install')
    .description(
      'install the CRDs, RBAC and controller Deployment into a cluster (or print them with --export)',
    )
    .option('--export', 'print the manifests as YAML instead of applying them', false)
    .option(
      '--image <ref>',
      'controller image',
      `ghcr.io/flotilla-gitops/flotilla:v${packageInfo().version}`,
    )
    .action(async (opts: { export: boolean; image: string }, command: Command) => {
      const ctx = contextFrom(command);
      const objects = installManifests(ctx.options.namespace, opts.image);
      if (opts.export) {
        ctx.stdout.write(objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join(''));
        return;
      }
      const client = await connect(ctx);
      try {
        const changes = await new ResourceManager(client).applyAll(objects);
        ctx.stdout.write(`${changes.toString()}\n`);
      } finally {
        client.close();
      }
    });
}
