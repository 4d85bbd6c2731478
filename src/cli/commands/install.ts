// `flotilla install [--export] [--image REF]`: the CRDs, RBAC and a Deployment that run Flotilla's
// controller inside a real cluster — applied with the apply engine (then waiting until the
// controller is ready), or printed as YAML with --export. The image is built from the Dockerfile
// at the root of the repository (docs/install.md); --image points anywhere it was pushed.
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { KubeObject } from '../../kube/index.js';
import { ResourceManager } from '../../apply/index.js';
import { loadCrds } from '../../controller/index.js';
import { contextFrom } from '../context.js';
import { fluxLog } from '../flux-log.js';
import { connect } from '../kube.js';
import { packageInfo } from '../version.js';

/** The controller's Deployment, ServiceAccount and Service. */
export const CONTROLLER_NAME = 'flotilla-controller';
const NAME = CONTROLLER_NAME;

/** The label every installed object carries; `check` and `uninstall` select by it. */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const PART_OF = 'flotilla';

/** The image `install` names by default: the tag docs/install.md builds it under. */
export function defaultImage(): string {
  return `flotilla:v${packageInfo().version}`;
}

export interface InstallOptions {
  readonly namespace: string;
  readonly image: string;
  /** A docker-registry Secret in the namespace to pull the image with. */
  readonly imagePullSecret?: string;
}

/** The objects of an installation into `namespace`. */
export function installManifests(o: InstallOptions): KubeObject[] {
  const namespace = o.namespace;
  const common = {
    'app.kubernetes.io/instance': namespace,
    [PART_OF_LABEL]: PART_OF,
    'app.kubernetes.io/version': `v${packageInfo().version}`,
  };
  const selector = {
    'app.kubernetes.io/name': 'flotilla',
    'app.kubernetes.io/component': 'controller',
  };
  const labels = { ...common, ...selector };
  const crds = loadCrds().map((crd) => ({
    ...crd,
    metadata: { ...crd.metadata, labels: { ...(crd.metadata.labels ?? {}), ...common } },
  }));
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: common } },
    ...crds,
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
      spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: NAME, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: NAME,
            terminationGracePeriodSeconds: 30,
            ...(o.imagePullSecret ? { imagePullSecrets: [{ name: o.imagePullSecret }] } : {}),
            containers: [
              {
                name: 'controller',
                image: o.image,
                imagePullPolicy: 'IfNotPresent',
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

/** `--image` and `--image-pull-secret`, of `install` and `bootstrap git`. */
export function addImageOptions(command: Command): Command {
  return command
    .option(
      '--image <ref>',
      'controller image (build it from the Dockerfile, see docs/install.md)',
      defaultImage(),
    )
    .option(
      '--image-pull-secret <name>',
      'a docker-registry Secret in the namespace to pull the image with',
    );
}

export function registerInstallCommand(program: Command): void {
  const install = program
    .command('install')
    .description(
      'install the CRDs, RBAC and controller Deployment into a cluster (or print them with --export)',
    )
    .option('--export', 'print the manifests as YAML instead of applying them', false);
  addImageOptions(install).action(
    async (
      opts: { export: boolean; image: string; imagePullSecret?: string },
      command: Command,
    ) => {
      const ctx = contextFrom(command);
      const objects = installManifests({
        namespace: ctx.options.namespace,
        image: opts.image,
        ...(opts.imagePullSecret ? { imagePullSecret: opts.imagePullSecret } : {}),
      });
      if (opts.export) {
        ctx.stdout.write(manifestsYaml(objects));
        return;
      }
      const log = fluxLog(ctx);
      log.action(`installing components in ${ctx.options.namespace} namespace`);
      const client = await connect(ctx);
      try {
        const manager = new ResourceManager(client);
        const changes = await manager.applyAll(objects);
        ctx.stdout.write(`${changes.toString()}\n`);
        log.waiting('verifying installation');
        await waitForController(ctx, manager);
        log.success('install finished');
      } finally {
        client.close();
      }
    },
  );
}

/** The manifests as one YAML stream. */
export function manifestsYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
}

/** Waits until the controller Deployment is ready; `✔ flotilla-controller: deployment ready`. */
export async function waitForController(
  ctx: Parameters<typeof fluxLog>[0] & { options: { namespace: string; timeoutMs: number } },
  manager: ResourceManager,
): Promise<void> {
  const log = fluxLog(ctx);
  try {
    await manager.wait(
      [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ctx.options.namespace, name: NAME }],
      { timeout: ctx.options.timeoutMs, interval: 1000 },
    );
  } catch (err) {
    log.failure(`${NAME}: deployment not ready`);
    throw err;
  }
  log.success(`${NAME}: deployment ready`);
}
