// The differential generator's scenarios: whole kustomization trees (kubebuilder scaffolds, Tekton
// tasks, generators with awkward files, nested overlays with components, CRDs) made from a seed.
import {
  addGenerators,
  addTransformers,
  jsonPatchText,
  randomReplacements,
  smPatch,
  smpStress,
} from './features.js';
import type { Files, Known } from './features.js';
import { Rng } from './random.js';
import * as R from './resources.js';
import { blockScalar, TRICKY_PLAIN } from './text.js';
import type { Obj, Refs } from './resources.js';
import { RawScalar, writeDocuments, writeYaml } from './yaml-writer.js';
import type { GenValue } from './yaml-writer.js';

export interface GeneratedCase {
  /** `family-seed`, enough to make the same case again. */
  readonly name: string;
  readonly family: string;
  /** File contents by path relative to the case root. */
  readonly files: Files;
  /** The directory to build, relative to the case root. */
  readonly target: string;
}

function kustomization(rng: Rng, k: Obj): string {
  const header = rng.chance(0.5)
    ? 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n'
    : '';
  return header + writeYaml(k, rng, { comments: 0.15 });
}

function docs(rng: Rng, objs: readonly GenValue[]): string {
  let text = writeDocuments(objs, rng, { comments: 0.1 });
  if (rng.chance(0.05)) text = text.replace(/\n/g, '\r\n');
  return text;
}

/** A base of related objects: config and credentials, a workload using them, its service and RBAC. */
function baseObjects(rng: Rng, app: string): Obj[] {
  const refs: Refs = R.emptyRefs();
  const out: Obj[] = [];
  if (rng.chance(0.6)) {
    refs.configMaps.push(`${app}-config`);
    out.push(R.configMap(rng, `${app}-config`));
  }
  if (rng.chance(0.4)) {
    refs.secrets.push(`${app}-secret`);
    out.push(R.secret(rng, `${app}-secret`));
  }
  if (rng.chance(0.5)) {
    refs.serviceAccounts.push(`${app}-sa`);
    out.push(R.serviceAccount(rng, `${app}-sa`));
  }
  if (rng.chance(0.2)) {
    refs.pvcs.push(`${app}-data`);
    out.push(R.pvc(rng, `${app}-data`));
  }
  const workload = rng.pick([R.deployment, R.deployment, R.statefulSet, R.cronJob]);
  out.push(workload(rng, app, refs));
  if (rng.chance(0.6)) out.push(R.service(rng, app));
  if (rng.chance(0.2)) out.push(R.ingress(rng, `${app}-ing`, app));
  if (rng.chance(0.2)) out.push(R.hpa(rng, `${app}-hpa`, app));
  if (refs.serviceAccounts.length > 0 && rng.chance(0.5)) {
    const cluster = rng.chance(0.5);
    out.push(R.role(rng, `${app}-role`, cluster));
    out.push(
      R.roleBinding(
        rng,
        `${app}-binding`,
        `${app}-role`,
        cluster,
        refs.serviceAccounts[0] as string,
      ),
    );
  }
  if (rng.chance(0.1)) out.push(R.namespaceObj(rng, `${app}-ns`));
  return out;
}

/** Nested overlays over a base, sometimes with components and generators that merge into the base's. */
function overlays(rng: Rng): { files: Files; target: string } {
  const files: Files = {};
  const app = rng.pick(['web', 'api', 'worker', 'shop']);
  const objs = baseObjects(rng, app);
  const baseK: Obj = {};
  const split = rng.chance(0.5);
  if (split) {
    baseK['resources'] = objs.map((o, i) => {
      const f = `${i}-${String((o['kind'] as string).toLowerCase())}.yaml`;
      files[`base/${f}`] = docs(rng, [o]);
      return f;
    });
  } else {
    files['base/resources.yaml'] = docs(rng, objs);
    baseK['resources'] = ['resources.yaml'];
  }
  let known: Known = { objects: objs, generated: [] };
  const gens = rng.chance(0.5) ? addGenerators(rng, baseK, files, 'base', known) : [];
  known = { objects: objs, generated: gens };
  if (rng.chance(0.4)) addTransformers(rng, baseK, files, 'base', known);
  files['base/kustomization.yaml'] = kustomization(rng, baseK);

  let prev = 'base';
  const levels = rng.int(1, 3);
  for (let l = 0; l < levels; l++) {
    const dir = `overlays/o${l}`;
    const rel = l === 0 ? '../../base' : `../o${l - 1}`;
    const k: Obj = { resources: [rel] };
    if (rng.chance(0.25)) {
      const extra = R.configMap(rng, `extra-${l}`);
      files[`${dir}/extra.yaml`] = docs(rng, [extra]);
      (k['resources'] as GenValue[]).push('extra.yaml');
    }
    if (rng.chance(0.25)) {
      const comp = `components/c${l}`;
      const ck: Obj = {
        apiVersion: 'kustomize.config.k8s.io/v1alpha1',
        kind: 'Component',
      };
      if (rng.chance(0.4)) {
        files[`${comp}/added.yaml`] = docs(rng, [R.serviceAccount(rng, `comp-sa-${l}`)]);
        ck['resources'] = ['added.yaml'];
      }
      addTransformers(rng, ck, files, comp, known);
      if (rng.chance(0.3)) addGenerators(rng, ck, files, comp, known);
      files[`${comp}/kustomization.yaml`] = writeYaml(ck, rng, { comments: 0.1 });
      k['components'] = [`../../${comp}`];
    }
    if (rng.chance(0.4)) {
      const made = addGenerators(rng, k, files, dir, known);
      known = { objects: known.objects, generated: [...known.generated, ...made] };
    }
    addTransformers(rng, k, files, dir, known);
    files[`${dir}/kustomization.yaml`] = kustomization(rng, k);
    prev = dir;
  }
  // Sometimes build a component on its own, or the base.
  if (rng.chance(0.05)) return { files, target: 'base' };
  return { files, target: prev };
}

/** Tekton tasks with long scripts, transformed the ways people do. */
function tekton(rng: Rng): { files: Files; target: string } {
  const files: Files = {};
  const tasks = Array.from({ length: rng.int(1, 3) }, (_, i) => R.tektonTask(rng, `task-${i}`));
  files['tasks.yaml'] = docs(rng, tasks);
  const k: Obj = { resources: ['tasks.yaml'] };
  if (rng.chance(0.5)) k['namePrefix'] = 'ci-';
  if (rng.chance(0.4)) k['commonLabels'] = { 'app.kubernetes.io/part-of': 'ci' };
  if (rng.chance(0.4)) k['namespace'] = 'tekton-pipelines';
  if (rng.chance(0.5)) {
    const t = rng.pick(tasks);
    k['patches'] = [
      rng.chance(0.5)
        ? { target: { kind: 'Task' }, patch: jsonPatchText(rng, t) }
        : { patch: writeDocuments([smPatch(rng, t, true)], rng) },
    ];
  }
  if (rng.chance(0.3)) {
    const t = rng.pick(tasks);
    k['patches'] = [
      ...((k['patches'] as GenValue[] | undefined) ?? []),
      {
        target: { kind: 'Task', name: (t['metadata'] as Obj)['name'] as string },
        patch: writeYaml(
          [{ op: 'replace', path: '/spec/steps/0/image', value: 'alpine:edge' }],
          rng,
        ),
      },
    ];
  }
  if (rng.chance(0.4)) {
    // A step added by a JSON patch whose script is the last thing in the patch text: written as
    // `patch: |-`, the inner block scalar then ends without a line break.
    const patch = writeYaml(
      [
        {
          op: 'add',
          path: '/spec/steps/-',
          value: { name: 'added', image: 'alpine', script: blockScalar(rng) },
        },
      ],
      rng,
    );
    k['patches'] = [
      ...((k['patches'] as GenValue[] | undefined) ?? []),
      { target: { kind: 'Task' }, patch: rng.chance(0.7) ? patch.replace(/\n+$/, '') : patch },
    ];
  }
  files['kustomization.yaml'] = kustomization(rng, k);
  return { files, target: '.' };
}

/** Generators alone: files, env files and literals with odd text; sometimes merged in an overlay. */
function generators(rng: Rng): { files: Files; target: string } {
  const files: Files = {};
  const k: Obj = {};
  const made = addGenerators(rng, k, files, 'base', { objects: [], generated: [] });
  if (rng.chance(0.4)) {
    const d = R.deployment(rng, 'app', {
      configMaps: made.filter((m) => m.kind === 'ConfigMap').map((m) => m.name),
      secrets: made.filter((m) => m.kind === 'Secret').map((m) => m.name),
      serviceAccounts: [],
      pvcs: [],
    });
    files['base/app.yaml'] = docs(rng, [d]);
    k['resources'] = ['app.yaml'];
  }
  files['base/kustomization.yaml'] = kustomization(rng, k);
  if (rng.chance(0.5)) {
    const ok: Obj = { resources: ['../base'] };
    addGenerators(rng, ok, files, 'overlay', { objects: [], generated: made });
    if (rng.chance(0.5)) ok['namePrefix'] = 'o-';
    files['overlay/kustomization.yaml'] = kustomization(rng, ok);
    return { files, target: 'overlay' };
  }
  return { files, target: 'base' };
}

/** A kubebuilder (go/v4, sometimes v3 with vars) config/ tree, built at config/default. */
function kubebuilder(rng: Rng): { files: Files; target: string } {
  const files: Files = {};
  const group = rng.pick(['cache.example.com', 'apps.my.domain', 'batch.tutorial.kubebuilder.io']);
  const kinds = rng.some(['Memcached', 'CronJob', 'Guestbook', 'Foo'], 1, 3);
  const project = rng.pick(['project', 'memcached-operator', 'tutorial']);
  const v3 = rng.chance(0.3);
  const webhook = rng.chance(0.6);
  const certmanager = webhook && rng.chance(0.7);
  const metrics = rng.chance(0.7);

  // config/crd
  const crdRes: string[] = [];
  const crdPatches: GenValue[] = [];
  for (const kind of kinds) {
    const plural = kind.toLowerCase() + 's';
    const f = `bases/${group}_${plural}.yaml`;
    crdRes.push(f);
    files[`config/crd/${f}`] = docs(rng, [R.crd(rng, group, kind)]);
    if (webhook && rng.chance(0.6)) {
      files[`config/crd/patches/webhook_in_${plural}.yaml`] =
        '# The following patch enables a conversion webhook for the CRD\n' +
        writeYaml(
          {
            apiVersion: 'apiextensions.k8s.io/v1',
            kind: 'CustomResourceDefinition',
            metadata: { name: `${plural}.${group}` },
            spec: {
              conversion: {
                strategy: 'Webhook',
                webhook: {
                  clientConfig: {
                    service: { namespace: 'system', name: 'webhook-service', path: '/convert' },
                  },
                  conversionReviewVersions: ['v1'],
                },
              },
            },
          },
          rng,
        );
      crdPatches.push({ path: `patches/webhook_in_${plural}.yaml` });
    }
    if (certmanager && rng.chance(0.5)) {
      files[`config/crd/patches/cainjection_in_${plural}.yaml`] =
        '# The following patch adds a directive for certmanager to inject CA into the CRD\n' +
        writeYaml(
          {
            apiVersion: 'apiextensions.k8s.io/v1',
            kind: 'CustomResourceDefinition',
            metadata: {
              annotations: {
                'cert-manager.io/inject-ca-from': v3
                  ? '$(CERTIFICATE_NAMESPACE)/$(CERTIFICATE_NAME)'
                  : 'CERTIFICATE_NAMESPACE/CERTIFICATE_NAME',
              },
              name: `${plural}.${group}`,
            },
          },
          rng,
        );
      crdPatches.push(
        v3 && rng.chance(0.5)
          ? `patches/cainjection_in_${plural}.yaml`
          : { path: `patches/cainjection_in_${plural}.yaml` },
      );
    }
  }
  const crdK: Obj = { resources: crdRes };
  const smList = crdPatches.filter((p) => typeof p === 'string');
  const pList = crdPatches.filter((p) => typeof p !== 'string');
  if (pList.length > 0) crdK['patches'] = pList;
  if (smList.length > 0) crdK['patchesStrategicMerge'] = smList;
  if (rng.chance(0.7)) {
    crdK['configurations'] = ['kustomizeconfig.yaml'];
    files['config/crd/kustomizeconfig.yaml'] =
      '# This file is for teaching kustomize how to substitute name and namespace reference in CRD\n' +
      'nameReference:\n- kind: Service\n  version: v1\n  fieldSpecs:\n  - kind: CustomResourceDefinition\n    version: v1\n    group: apiextensions.k8s.io\n    path: spec/conversion/webhook/clientConfig/service/name\n\n' +
      'namespace:\n- kind: CustomResourceDefinition\n  version: v1\n  group: apiextensions.k8s.io\n  path: spec/conversion/webhook/clientConfig/service/namespace\n  create: false\n\n' +
      'varReference:\n- path: metadata/annotations\n';
  }
  files['config/crd/kustomization.yaml'] =
    '# This kustomization.yaml is not intended to be run by itself,\n# since it depends on service name and namespace that are out of this kustomize package.\n# It should be run by config/default\n' +
    writeYaml(crdK, rng, { comments: 0.2 });

  // config/rbac
  const rbacRes = [
    'service_account.yaml',
    'role.yaml',
    'role_binding.yaml',
    'leader_election_role.yaml',
    'leader_election_role_binding.yaml',
  ];
  files['config/rbac/service_account.yaml'] = docs(rng, [
    R.serviceAccount(rng, 'controller-manager'),
  ]);
  const roleObj = R.role(rng, 'manager-role', true, group);
  if (rng.chance(0.5)) (roleObj['metadata'] as Obj)['creationTimestamp'] = null;
  files['config/rbac/role.yaml'] = '---\n' + writeYaml(roleObj, rng);
  files['config/rbac/role_binding.yaml'] = docs(rng, [
    R.roleBinding(rng, 'manager-rolebinding', 'manager-role', true, 'controller-manager'),
  ]);
  files['config/rbac/leader_election_role.yaml'] = docs(rng, [
    R.role(rng, 'leader-election-role', false, 'coordination.k8s.io'),
  ]);
  files['config/rbac/leader_election_role_binding.yaml'] = docs(rng, [
    R.roleBinding(
      rng,
      'leader-election-rolebinding',
      'leader-election-role',
      false,
      'controller-manager',
    ),
  ]);
  for (const kind of kinds) {
    const f = `${kind.toLowerCase()}_editor_role.yaml`;
    files[`config/rbac/${f}`] = docs(rng, [
      R.role(rng, `${kind.toLowerCase()}-editor-role`, true, group),
    ]);
    rbacRes.push(f);
  }
  files['config/rbac/kustomization.yaml'] = writeYaml({ resources: rbacRes }, rng, {
    comments: 0.3,
  });

  // config/manager
  const mgr = R.deployment(rng, 'controller-manager', {
    configMaps: [],
    secrets: [],
    serviceAccounts: ['controller-manager'],
    pvcs: [],
  });
  const mgrMeta = mgr['metadata'] as Obj;
  mgrMeta['namespace'] = 'system';
  mgrMeta['labels'] = {
    'control-plane': 'controller-manager',
    'app.kubernetes.io/name': project,
    'app.kubernetes.io/managed-by': 'kustomize',
  };
  const tpl = (mgr['spec'] as Obj)['template'] as Obj;
  const c0 = ((tpl['spec'] as Obj)['containers'] as Obj[])[0] as Obj;
  c0['name'] = 'manager';
  c0['image'] = 'controller:latest';
  c0['args'] = ['--leader-elect', '--health-probe-bind-address=:8081'];
  const ns: Obj = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { labels: { 'control-plane': 'controller-manager' }, name: 'system' },
  };
  files['config/manager/manager.yaml'] = docs(rng, [ns, mgr]);
  files['config/manager/kustomization.yaml'] = writeYaml(
    {
      resources: ['manager.yaml'],
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      images: [{ name: 'controller', newName: `example.com/${project}`, newTag: 'v0.0.1' }],
    },
    rng,
  );

  const defaultK: Obj = {
    namespace: `${project}-system`,
    namePrefix: `${project}-`,
    resources: ['../crd', '../rbac', '../manager'],
  };
  const patches: GenValue[] = [];
  const resources = defaultK['resources'] as GenValue[];
  if (webhook) {
    resources.push('../webhook');
    const hooks = R.webhookConfigurations(
      rng,
      group,
      (kinds[0] as string).toLowerCase() + 's',
      'webhook-service',
    );
    files['config/webhook/manifests.yaml'] =
      '---\n' + hooks.map((h) => writeYaml(h, rng)).join('---\n');
    files['config/webhook/service.yaml'] = docs(rng, [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'webhook-service', namespace: 'system' },
        spec: {
          ports: [{ port: 443, protocol: 'TCP', targetPort: 9443 }],
          selector: { 'control-plane': 'controller-manager' },
        },
      },
    ]);
    files['config/webhook/kustomizeconfig.yaml'] =
      '# the following config is for teaching kustomize where to look at when substituting nameReference.\n# It requires kustomize v2.1.0 or newer to work properly.\n' +
      'nameReference:\n- kind: Service\n  version: v1\n  fieldSpecs:\n  - kind: MutatingWebhookConfiguration\n    group: admissionregistration.k8s.io\n    path: webhooks/clientConfig/service/name\n  - kind: ValidatingWebhookConfiguration\n    group: admissionregistration.k8s.io\n    path: webhooks/clientConfig/service/name\n\n' +
      'namespace:\n- kind: MutatingWebhookConfiguration\n  group: admissionregistration.k8s.io\n  path: webhooks/clientConfig/service/namespace\n  create: true\n- kind: ValidatingWebhookConfiguration\n  group: admissionregistration.k8s.io\n  path: webhooks/clientConfig/service/namespace\n  create: true\n';
    files['config/webhook/kustomization.yaml'] =
      'resources:\n- manifests.yaml\n- service.yaml\n\nconfigurations:\n- kustomizeconfig.yaml\n';
    files['config/default/manager_webhook_patch.yaml'] = writeYaml(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'controller-manager', namespace: 'system' },
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'manager',
                  ports: [{ containerPort: 9443, name: 'webhook-server', protocol: 'TCP' }],
                  volumeMounts: [
                    {
                      mountPath: '/tmp/k8s-webhook-server/serving-certs',
                      name: 'cert',
                      readOnly: true,
                    },
                  ],
                },
              ],
              volumes: [{ name: 'cert', secret: { secretName: 'webhook-server-cert' } }],
            },
          },
        },
      },
      rng,
    );
    patches.push({ path: 'manager_webhook_patch.yaml' });
  }
  if (certmanager) {
    resources.push('../certmanager');
    files['config/certmanager/certificate.yaml'] =
      '# The following manifests contain a self-signed issuer CR and a certificate CR.\n# More document can be found at https://docs.cert-manager.io\n' +
      writeYaml(
        {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Issuer',
          metadata: { name: 'selfsigned-issuer', namespace: 'system' },
          spec: { selfSigned: {} },
        },
        rng,
      ) +
      '---\n' +
      writeYaml(
        {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name: 'serving-cert', namespace: 'system' },
          spec: {
            dnsNames: v3
              ? [
                  '$(SERVICE_NAME).$(SERVICE_NAMESPACE).svc',
                  '$(SERVICE_NAME).$(SERVICE_NAMESPACE).svc.cluster.local',
                ]
              : [
                  'SERVICE_NAME.SERVICE_NAMESPACE.svc',
                  'SERVICE_NAME.SERVICE_NAMESPACE.svc.cluster.local',
                ],
            issuerRef: { kind: 'Issuer', name: 'selfsigned-issuer' },
            secretName: 'webhook-server-cert',
          },
        },
        rng,
        { comments: 0.3 },
      );
    files['config/certmanager/kustomizeconfig.yaml'] =
      '# This configuration is for teaching kustomize how to update name ref substitution\nnameReference:\n- kind: Issuer\n  group: cert-manager.io\n  fieldSpecs:\n  - kind: Certificate\n    group: cert-manager.io\n    path: spec/issuerRef/name\n' +
      (v3
        ? '\nvarReference:\n- kind: Certificate\n  group: cert-manager.io\n  path: spec/commonName\n- kind: Certificate\n  group: cert-manager.io\n  path: spec/dnsNames\n'
        : '');
    files['config/certmanager/kustomization.yaml'] =
      'resources:\n- certificate.yaml\n\nconfigurations:\n- kustomizeconfig.yaml\n';
    if (v3) {
      defaultK['vars'] = [
        {
          name: 'CERTIFICATE_NAMESPACE',
          objref: {
            kind: 'Certificate',
            group: 'cert-manager.io',
            version: 'v1',
            name: 'serving-cert',
          },
          fieldref: { fieldpath: 'metadata.namespace' },
        },
        {
          name: 'CERTIFICATE_NAME',
          objref: {
            kind: 'Certificate',
            group: 'cert-manager.io',
            version: 'v1',
            name: 'serving-cert',
          },
        },
        {
          name: 'SERVICE_NAMESPACE',
          objref: { kind: 'Service', version: 'v1', name: 'webhook-service' },
          fieldref: { fieldpath: 'metadata.namespace' },
        },
        {
          name: 'SERVICE_NAME',
          objref: { kind: 'Service', version: 'v1', name: 'webhook-service' },
        },
      ];
    } else {
      const rep = (
        src: Obj,
        kind: string,
        paths: string[],
        delimiter: string,
        index: number,
        group?: string,
      ): Obj => ({
        source: src,
        targets: [
          {
            select: group ? { kind, group, version: 'v1' } : { kind },
            fieldPaths: paths,
            options: { delimiter, index, create: true },
          },
        ],
      });
      const svc = (fp: string): Obj => ({
        kind: 'Service',
        version: 'v1',
        name: 'webhook-service',
        fieldPath: fp,
      });
      const cert = (fp: string): Obj => ({
        kind: 'Certificate',
        group: 'cert-manager.io',
        version: 'v1',
        name: 'serving-cert',
        fieldPath: fp,
      });
      const reps: GenValue[] = [
        rep(
          svc('.metadata.name'),
          'Certificate',
          ['.spec.dnsNames.0', '.spec.dnsNames.1'],
          '.',
          0,
          'cert-manager.io',
        ),
        rep(
          svc('.metadata.namespace'),
          'Certificate',
          ['.spec.dnsNames.0', '.spec.dnsNames.1'],
          '.',
          1,
          'cert-manager.io',
        ),
        rep(
          cert('.metadata.namespace'),
          'ValidatingWebhookConfiguration',
          ['.metadata.annotations.[cert-manager.io/inject-ca-from]'],
          '/',
          0,
        ),
        rep(
          cert('.metadata.name'),
          'ValidatingWebhookConfiguration',
          ['.metadata.annotations.[cert-manager.io/inject-ca-from]'],
          '/',
          1,
        ),
      ];
      if (rng.chance(0.5))
        reps.push(
          rep(
            cert('.metadata.namespace'),
            'CustomResourceDefinition',
            ['.metadata.annotations.[cert-manager.io/inject-ca-from]'],
            '/',
            0,
          ),
          rep(
            cert('.metadata.name'),
            'CustomResourceDefinition',
            ['.metadata.annotations.[cert-manager.io/inject-ca-from]'],
            '/',
            1,
          ),
        );
      defaultK['replacements'] = reps;
    }
  }
  if (metrics) {
    resources.push('metrics_service.yaml');
    files['config/default/metrics_service.yaml'] = docs(rng, [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          labels: { 'control-plane': 'controller-manager', 'app.kubernetes.io/name': project },
          name: 'controller-manager-metrics-service',
          namespace: 'system',
        },
        spec: {
          ports: [{ name: 'https', port: 8443, protocol: 'TCP', targetPort: 8443 }],
          selector: { 'control-plane': 'controller-manager' },
        },
      },
    ]);
    files['config/default/manager_metrics_patch.yaml'] =
      '# This patch adds the args to allow exposing the metrics endpoint using HTTPS\n' +
      writeYaml(
        [
          {
            op: 'add',
            path: '/spec/template/spec/containers/0/args/0',
            value: '--metrics-bind-address=:8443',
          },
        ],
        rng,
      );
    patches.unshift({ path: 'manager_metrics_patch.yaml', target: { kind: 'Deployment' } });
  }
  if (rng.chance(0.2))
    defaultK['labels'] = [{ includeSelectors: true, pairs: { someName: 'someValue' } }];
  if (patches.length > 0) defaultK['patches'] = patches;
  files['config/default/kustomization.yaml'] =
    '# Adds namespace to all resources.\n' + kustomization(rng, defaultK);
  // Samples, sometimes built on their own.
  files['config/samples/kustomization.yaml'] =
    '## Append samples of your project ##\nresources:\n' +
    kinds.map((k) => `- ${group.split('.')[0]}_v1alpha1_${k.toLowerCase()}.yaml\n`).join('') +
    '# +kubebuilder:scaffold:manifestskustomizesamples\n';
  for (const kind of kinds)
    files[`config/samples/${group.split('.')[0]}_v1alpha1_${kind.toLowerCase()}.yaml`] = docs(rng, [
      R.customResource(rng, group, kind, `${kind.toLowerCase()}-sample`),
    ]);
  return { files, target: rng.chance(0.1) ? 'config/samples' : 'config/default' };
}

/** CRDs and their instances with patches and the `crds`-free transformations around them. */
function crds(rng: Rng): { files: Files; target: string } {
  const files: Files = {};
  const group = 'example.com';
  const kinds = rng.some(['Foo', 'Bar', 'Widget'], 1, 2);
  const objs: Obj[] = [];
  for (const kind of kinds) {
    objs.push(R.crd(rng, group, kind));
    if (rng.chance(0.7)) objs.push(R.customResource(rng, group, kind, `${kind.toLowerCase()}-1`));
  }
  files['crds.yaml'] = docs(rng, objs);
  const k: Obj = { resources: ['crds.yaml'] };
  addTransformers(rng, k, files, '.', { objects: objs, generated: [] });
  files['kustomization.yaml'] = kustomization(rng, k);
  return { files, target: '.' };
}

/** A Component directory built on its own (kustomize builds it like a Kustomization). */
function component(rng: Rng): { files: Files; target: string } {
  const files: Files = {};
  const objs = baseObjects(rng, 'comp');
  files['res.yaml'] = docs(rng, objs);
  const k: Obj = {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    resources: ['res.yaml'],
  };
  addTransformers(rng, k, files, '.', { objects: objs, generated: [] });
  if (rng.chance(0.3)) addGenerators(rng, k, files, '.', { objects: objs, generated: [] });
  files['kustomization.yaml'] = writeYaml(k, rng);
  return { files, target: '.' };
}

/** Strategic merges of lists merged by one or several keys, directives and nulls, through each patch field. */
function strategicMerges(rng: Rng): { files: Files; target: string } {
  const files: Files = {};
  const { objects, patches } = smpStress(rng);
  files['res.yaml'] = docs(rng, objects);
  const k: Obj = { resources: ['res.yaml'] };
  const how = rng.pick(['patches', 'patches-target', 'psm', 'psm-inline']);
  if (how === 'psm' || how === 'psm-inline') {
    k['patchesStrategicMerge'] = patches.map((p, i) => {
      if (how === 'psm-inline') return writeYaml(p, rng);
      files[`p${i}.yaml`] = writeYaml(p, rng);
      return `p${i}.yaml`;
    });
  } else {
    k['patches'] = patches.map((p) =>
      how === 'patches'
        ? { patch: writeYaml(p, rng) }
        : { target: { kind: p['kind'] as string }, patch: writeYaml(p, rng) },
    );
  }
  files['kustomization.yaml'] = kustomization(rng, k);
  return { files, target: '.' };
}

/** Replacements between a few objects (including numbers written as hex, nulls and lists). */
function replacements(rng: Rng): { files: Files; target: string } {
  const files: Files = {};
  const objs: Obj[] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'src',
        labels: { app: 'src' },
        annotations: { 'example.com/text': 'a.b/c-d' },
      },
      data: {
        a: rng.pick(['x.y.z', 'plain', '8080']),
        port: '8080',
        num: new RawScalar(() => ' 0x1F'),
      },
    },
    R.deployment(rng, 'web', { configMaps: ['src'], secrets: [], serviceAccounts: [], pvcs: [] }),
    R.service(rng, 'web'),
  ];
  if (rng.chance(0.4)) objs.push(R.certificate(rng));
  files['res.yaml'] = docs(rng, objs);
  const k: Obj = { resources: ['res.yaml'], replacements: randomReplacements(rng, objs) };
  if (rng.chance(0.3)) k['namePrefix'] = 'p-';
  files['kustomization.yaml'] = kustomization(rng, k);
  return { files, target: '.' };
}

/**
 * YAML the way people and tools write it at the edges: anchors, aliases and merge keys, explicit
 * tags, numbers and dates in every form, odd keys, flow collections, List kinds, comments and
 * document markers, CRLF and a byte order mark.
 */
function yamlEdges(rng: Rng): { files: Files; target: string } {
  const files: Files = {};
  // Infinities and NaN make kustomize fail (encoding/json refuses them): only in some cases.
  const scalars = rng.chance(0.15) ? TRICKY_PLAIN : TRICKY_PLAIN.filter((t) => !/inf|nan/i.test(t));
  const plain = (): string => rng.pick(scalars);
  const lines: string[] = [
    ...(rng.chance(0.2) ? ['# leading comment', '---'] : []),
    'apiVersion: example.com/v1',
    'kind: Widget',
    'metadata:',
    '  name: w1',
    '  labels: &labels',
    '    app: w',
    '  annotations:',
    `    note: ${plain()}`,
    `    "yes": ${plain()}`,
    'spec:',
    '  defaults: &defaults',
    `    replicas: ${plain()}`,
    `    mode: ${plain()}`,
    '  merged:',
    '    <<: *defaults',
    `    mode: ${plain()}`,
    '  aliased: *labels',
    `  tagged: !!str ${rng.pick(['123', 'true', '1e3', 'null'])}`,
    `  float: !!float ${rng.pick(['1', '2.5', '-3'])}`,
    `  int: !!int ${rng.pick(['07', '0x10', '12'])}`,
    `  flow: {a: ${plain()}, b: [${plain()}, ${plain()}], "c d": e}`,
    `  list: [${plain()}, ${plain()}]`,
    `  "1": numeric key`,
    `  "null": null key`,
    `  ? complex key`,
    `  : complex value`,
    `  'single ''quoted'' key': v`,
    `  key with spaces: ${plain()}`,
    '  emptyMap: {}',
    '  emptyList: []',
    '  emptyValue:',
    '  tilde: ~',
    `  date: ${rng.pick(['2001-12-14', '2024-02-30', '2001-12-14T21:59:43Z'])}`,
    `  big: ${rng.pick(['12345678901234567890', '1e400', '-1e-400'])}`,
    '  binary: !!binary aGVsbG8=',
    `  unicode: ${rng.pick(['ünïcødé', '"\\u00e9\\t\\u2028"', "'日本語'"])}`,
    '...',
    '---',
    '# an empty document follows',
    '---',
    'apiVersion: v1',
    'kind: ConfigMapList',
    'items:',
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  metadata:',
    '    name: from-list',
    '  data:',
    `    a: ${rng.pick(['x', '"1"', "'yes'"])}`,
    `    folded: >`,
    '      one',
    '        two',
    '      three',
  ];
  let text = lines.join('\n') + '\n';
  if (rng.chance(0.2)) text = text.replace(/\n/g, '\r\n');
  if (rng.chance(0.1)) text = '\uFEFF' + text;
  files['r.yaml'] = text;
  const k: Obj = { resources: ['r.yaml'] };
  const r = rng.next();
  if (r < 0.3) k['namePrefix'] = 'p-';
  else if (r < 0.5)
    k['patches'] = [
      {
        target: { kind: 'Widget' },
        patch: writeYaml([{ op: 'add', path: '/spec/added', value: rng.pick(TRICKY_PLAIN) }], rng),
      },
    ];
  else if (r < 0.7)
    k['patches'] = [
      {
        patch: `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  merged:\n    extra: ${plain()}\n  list: [${plain()}]\n`,
      },
    ];
  else if (r < 0.8) k['commonAnnotations'] = { a: 'b' };
  files['kustomization.yaml'] = kustomization(rng, k);
  return { files, target: '.' };
}

/**
 * Less common kustomization fields: builtin transformer and generator configurations, `crds`,
 * `openapi`, `buildMetadata`, `sortOptions`, `configurations`.
 */
function pluginConfigs(rng: Rng): { files: Files; target: string } {
  const files: Files = {};
  const objs = baseObjects(rng, 'pc');
  files['res.yaml'] = docs(rng, objs);
  const k: Obj = { resources: ['res.yaml'] };
  const transformers: string[] = [];
  if (rng.chance(0.6)) {
    files['labels.yaml'] = writeYaml(
      {
        apiVersion: 'builtin',
        kind: 'LabelTransformer',
        metadata: { name: 'lt' },
        labels: { team: 'x' },
        fieldSpecs: [
          { path: 'metadata/labels', create: true },
          { path: 'spec/selector/matchLabels', kind: 'Deployment' },
        ],
      },
      rng,
    );
    transformers.push('labels.yaml');
  }
  if (rng.chance(0.5)) {
    files['prefix.yaml'] = writeYaml(
      {
        apiVersion: 'builtin',
        kind: 'PrefixSuffixTransformer',
        metadata: { name: 'ps' },
        prefix: 'pre-',
        suffix: rng.chance(0.5) ? '-suf' : '',
        fieldSpecs: [{ path: 'metadata/name' }],
      },
      rng,
    );
    transformers.push('prefix.yaml');
  }
  if (rng.chance(0.4)) {
    const o = rng.pick(objs);
    files['patch.yaml'] = writeYaml(
      {
        apiVersion: 'builtin',
        kind: 'PatchTransformer',
        metadata: { name: 'pt' },
        patch: jsonPatchText(rng, o),
        target: { kind: o['kind'] as string },
      },
      rng,
    );
    transformers.push('patch.yaml');
  }
  if (rng.chance(0.3)) {
    files['ns.yaml'] = writeYaml(
      {
        apiVersion: 'builtin',
        kind: 'NamespaceTransformer',
        metadata: { name: 'ns', namespace: 'transformed' },
        fieldSpecs: [{ path: 'metadata/namespace', create: true }],
      },
      rng,
    );
    transformers.push('ns.yaml');
  }
  if (transformers.length > 0) k['transformers'] = transformers;
  if (rng.chance(0.4)) {
    files['gen.yaml'] = writeYaml(
      {
        apiVersion: 'builtin',
        kind: rng.pick(['ConfigMapGenerator', 'SecretGenerator']),
        metadata: { name: 'generated' },
        literals: ['a=b', 'c=d'],
        ...(rng.chance(0.3) ? { options: { disableNameSuffixHash: true } } : {}),
      },
      rng,
    );
    k['generators'] = ['gen.yaml'];
  }
  if (rng.chance(0.3)) {
    files['openapi.yaml'] = writeYaml(
      {
        definitions: {
          'io.example.v1.Widget': {
            'x-kubernetes-group-version-kind': [
              { group: 'example.com', kind: 'Widget', version: 'v1' },
            ],
            properties: {
              spec: { $ref: '#/definitions/io.example.v1.WidgetSpec' },
              metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
            },
          },
          'io.example.v1.WidgetSpec': {
            properties: {
              items: {
                items: { $ref: '#/definitions/io.example.v1.Item' },
                type: 'array',
                'x-kubernetes-patch-merge-key': 'name',
                'x-kubernetes-patch-strategy': 'merge',
              },
            },
          },
          'io.example.v1.Item': { properties: { name: { type: 'string' } } },
        },
      },
      rng,
    );
    k['openapi'] = { path: 'openapi.yaml' };
    files['widget.yaml'] = writeYaml(
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w' },
        spec: {
          items: [
            { name: 'a', v: 1 },
            { name: 'b', v: 2 },
          ],
        },
      },
      rng,
    );
    (k['resources'] as GenValue[]).push('widget.yaml');
    k['patches'] = [
      {
        patch:
          'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  items:\n  - name: b\n    v: 3\n  - name: c\n',
      },
    ];
  }
  if (rng.chance(0.3))
    k['buildMetadata'] = rng.some(
      ['originAnnotations', 'transformerAnnotations', 'managedByLabel'],
      1,
      3,
    );
  if (rng.chance(0.3))
    k['sortOptions'] = rng.pick<GenValue>([
      { order: 'fifo' },
      {
        order: 'legacy',
        legacySortOptions: { orderFirst: ['Deployment'], orderLast: ['ConfigMap'] },
      },
    ]);
  if (rng.chance(0.3)) k['namePrefix'] = 'np-';
  files['kustomization.yaml'] = kustomization(rng, k);
  return { files, target: '.' };
}

const FAMILIES: ReadonlyArray<
  readonly [string, number, (rng: Rng) => { files: Files; target: string }]
> = [
  ['kubebuilder', 3, kubebuilder],
  ['overlays', 4, overlays],
  ['tekton', 2, tekton],
  ['generators', 2, generators],
  ['crds', 1, crds],
  ['component', 1, component],
  ['strategic-merge', 2, strategicMerges],
  ['replacements', 2, replacements],
  ['yaml-edges', 2, yamlEdges],
  ['plugin-configs', 2, pluginConfigs],
];

/** The case made from one seed (the family is chosen by the seed too). */
export function generateCase(seed: number): GeneratedCase {
  const rng = new Rng(seed);
  const total = FAMILIES.reduce((s, f) => s + f[1], 0);
  let r = rng.next() * total;
  let chosen = FAMILIES[0] as (typeof FAMILIES)[number];
  for (const f of FAMILIES) {
    r -= f[1];
    if (r < 0) {
      chosen = f;
      break;
    }
  }
  const [family, , make] = chosen;
  const { files, target } = make(rng.fork());
  return { name: `${family}-${seed}`, family, files, target };
}

/** `count` cases from consecutive seeds starting at `seed`. */
export function generateCases(seed: number, count: number): GeneratedCase[] {
  return Array.from({ length: count }, (_, i) => generateCase(seed + i));
}
