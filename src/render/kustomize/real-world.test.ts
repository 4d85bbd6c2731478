// The classes of real-world input issue 13 found unfaithful (components built on their own,
// kubebuilder's JSON 6902 patches in YAML, controller-gen's `creationTimestamp: null`, empty maps,
// generator files and Tekton scripts, unknown generator behaviors, JSON `add` under missing
// parents), and what the differential generator found since, each as a few small trees built by
// Flotilla and by the kustomize v5.5.0 oracle and compared byte for byte. Each case also names
// text the output must hold, so that a case which merely agrees on an empty build cannot pass.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { oracle, oracleSkip } from '../../testing/index.js';
import { buildKustomization } from '../index.js';

interface Case {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  /** The directory to build, relative to the tree (default: its root). */
  readonly target?: string;
  /** Lines (or fragments) the built output must hold. */
  readonly holds: readonly string[];
  /** Set when kustomize refuses the input: Flotilla must refuse it too, with this message. */
  readonly fails?: RegExp;
}

const root = mkdtempSync(join(tmpdir(), 'kustomize-real-world-'));
after(() => rmSync(root, { recursive: true, force: true }));

function write(c: Case, i: number): string {
  const dir = join(root, String(i));
  for (const [p, content] of Object.entries(c.files)) {
    const f = join(dir, p);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, content);
  }
  return join(dir, c.target ?? '.');
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: controller-manager
  namespace: system
  labels:
    control-plane: controller-manager
spec:
  selector:
    matchLabels:
      control-plane: controller-manager
  replicas: 1
  template:
    metadata:
      labels:
        control-plane: controller-manager
    spec:
      containers:
      - command:
        - /manager
        args:
          - --leader-elect
          - --health-probe-bind-address=:8081
        image: controller:latest
        name: manager
        ports: []
        volumeMounts: []
      volumes: []
`;

/** A CRD as controller-gen v0.16 writes it (`creationTimestamp: null` in older releases' output). */
const CRD = `---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    controller-gen.kubebuilder.io/version: v0.14.0
  creationTimestamp: null
  name: guestbooks.webapp.example.com
spec:
  group: webapp.example.com
  names:
    kind: Guestbook
    listKind: GuestbookList
    plural: guestbooks
    singular: guestbook
  scope: Namespaced
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        description: Guestbook is the Schema for the guestbooks API
        properties:
          apiVersion:
            type: string
          spec:
            properties:
              foo:
                type: string
            type: object
          status:
            type: object
        type: object
    served: true
    storage: true
    subresources:
      status: {}
status:
  acceptedNames:
    kind: ""
    plural: ""
  conditions: null
  storedVersions: null
`;

const ROLE = `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  creationTimestamp: null
  name: manager-role
rules:
- apiGroups:
  - ""
  resources:
  - pods
  verbs:
  - get
  - list
`;

const TEKTON_TASK = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  params:
  - name: IMAGE
    type: string
  steps:
  - name: build
    image: alpine
    script: |
      #!/bin/sh
      set -e

      echo "building $(params.IMAGE)"


      for f in a b; do
        echo "$f"
      done

  - name: trailing-spaces
    image: alpine
    script: |
      echo "a"   
      echo b
  - name: push
    image: alpine
    script: |-
      echo push

      echo done
  - name: keep
    image: alpine
    script: |+
      echo keep


  - name: indented
    image: alpine
    script: |2
        leading spaces kept
      normal line
`;

/** A kustomization applying an inline JSON 6902 patch (YAML operations) to the Deployment. */
function jsonPatchOnDeployment(ops: string): string {
  const indented = ops.replace(/^(?=.)/gm, '    ');
  return `resources:\n- manager.yaml\npatches:\n- target:\n    kind: Deployment\n  patch: |-\n${indented}`;
}

const cases: readonly Case[] = [
  {
    name: 'a Component built on its own (resources, labels, patch)',
    files: {
      'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
- cm.yaml
labels:
- pairs:
    team: a
patches:
- patch: |-
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: cm
    data:
      added: "yes"
`,
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n',
    },
    holds: ['  added: "yes"', '    team: a'],
  },
  {
    name: 'a Component built on its own (a generator only)',
    files: {
      'comp/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
configMapGenerator:
- name: settings
  literals:
  - LOG_LEVEL=debug
`,
    },
    target: 'comp',
    holds: ['  LOG_LEVEL: debug', '  name: settings-'],
  },
  {
    name: 'kubebuilder JSON 6902 patch file: a commented YAML list of operations with a target',
    files: {
      'kustomization.yaml': `resources:
- manager.yaml
patches:
# [METRICS] The following patch will enable the metrics endpoint using HTTPS and the port :8443.
- path: manager_metrics_patch.yaml
  target:
    kind: Deployment
`,
      'manager.yaml': DEPLOYMENT,
      'manager_metrics_patch.yaml': `# This patch adds the args to allow exposing the metrics endpoint using HTTPS
- op: add
  path: /spec/template/spec/containers/0/args/0
  value: --metrics-bind-address=:8443
`,
    },
    holds: ['        - --metrics-bind-address=:8443'],
  },
  {
    name: 'kubebuilder JSON 6902 patch file: several operations, comments between, webhook ports',
    files: {
      'kustomization.yaml': `resources:
- manager.yaml
patches:
- path: manager_webhook_patch.yaml
  target:
    group: apps
    version: v1
    kind: Deployment
    name: controller-manager
`,
      'manager.yaml': DEPLOYMENT,
      'manager_webhook_patch.yaml': `# This patch ensures the webhook certificates are properly mounted.

# Add the volumeMount for the webhook certificates
- op: add
  path: /spec/template/spec/containers/0/volumeMounts/-
  value:
    mountPath: /tmp/k8s-webhook-server/serving-certs
    name: webhook-certs
    readOnly: true

# Add the port configuration for the webhook server
- op: add
  path: /spec/template/spec/containers/0/ports/-
  value:
    containerPort: 9443
    name: webhook-server
    protocol: TCP

# Add the volume configuration for the webhook certificates
- op: add
  path: /spec/template/spec/volumes/-
  value:
    name: webhook-certs
    secret:
      secretName: webhook-server-cert
`,
    },
    holds: ['        - containerPort: 9443', '          secretName: webhook-server-cert'],
  },
  {
    name: 'creationTimestamp: null kept through patchesStrategicMerge on a CRD and labels on a role',
    files: {
      'kustomization.yaml': `resources:
- crd.yaml
- role.yaml
commonLabels:
  app.kubernetes.io/name: guestbook
patchesStrategicMerge:
- patches/cainjection_in_guestbooks.yaml
`,
      'crd.yaml': CRD,
      'role.yaml': ROLE,
      'patches/cainjection_in_guestbooks.yaml': `# The following patch adds a directive for certmanager to inject CA into the CRD
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    cert-manager.io/inject-ca-from: CERTIFICATE_NAMESPACE/CERTIFICATE_NAME
  name: guestbooks.webapp.example.com
`,
    },
    holds: ['  creationTimestamp: null', '    cert-manager.io/inject-ca-from: '],
  },
  {
    name: 'creationTimestamp: null kept through patches (webhook conversion) and a name prefix',
    files: {
      'kustomization.yaml': `namePrefix: guestbook-
resources:
- crd.yaml
patches:
- path: patches/webhook_in_guestbooks.yaml
`,
      'crd.yaml': CRD,
      'patches/webhook_in_guestbooks.yaml': `# The following patch enables a conversion webhook for the CRD
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: guestbooks.webapp.example.com
spec:
  conversion:
    strategy: Webhook
    webhook:
      clientConfig:
        service:
          namespace: system
          name: webhook-service
          path: /convert
      conversionReviewVersions:
      - v1
`,
    },
    holds: ['  creationTimestamp: null', '      conversionReviewVersions:'],
  },
  {
    name: 'empty maps kept through prefix, labels, namespace, strategic merge and JSON patches',
    files: {
      'kustomization.yaml': `namePrefix: p-
namespace: apps
commonLabels:
  tier: web
commonAnnotations:
  note: x
resources:
- res.yaml
patches:
- patch: |-
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: empty
    binaryData: {}
- target:
    kind: Secret
  patch: |-
    - op: add
      path: /stringData
      value: {}
`,
      'res.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: empty
data: {}
---
apiVersion: v1
kind: Secret
metadata:
  name: s
  annotations: {}
data: {}
type: Opaque
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  selector:
    matchLabels: {}
  template:
    metadata:
      labels: {}
    spec:
      securityContext: {}
      containers:
      - name: c
        image: nginx
        resources: {}
        volumeMounts: []
      nodeSelector: {}
`,
    },
    holds: ['data: {}', '        resources: {}', '      securityContext: {}', 'stringData: {}'],
  },
  {
    name: 'configMapGenerator files: final newlines, blank lines, CRLF, tabs and trailing spaces',
    files: {
      'kustomization.yaml': `configMapGenerator:
- name: files
  files:
  - with-newline.txt
  - no-newline.txt
  - trailing-blank.txt
  - crlf.txt
  - script.sh
  - key=renamed.conf
- name: single
  files:
  - application.properties
  options:
    disableNameSuffixHash: true
`,
      'with-newline.txt': 'one\ntwo\n',
      'no-newline.txt': 'one\ntwo',
      'trailing-blank.txt': 'one\n\n\n',
      'crlf.txt': 'line one\r\nline two\r\n',
      'script.sh': '#!/bin/sh\n\tif true; then   \n\t\techo "hi"\n\tfi\n\n# end\n',
      'renamed.conf': '  leading spaces\nkey = value\n',
      'application.properties': 'server.port=8080\nspring.profiles.active=dev\n',
    },
    holds: ['  no-newline.txt: |-', '  application.properties: |'],
  },
  {
    name: 'Tekton Task scripts in literal block scalars keep blank lines and final newlines',
    files: {
      'kustomization.yaml': `namePrefix: ci-
commonLabels:
  app.kubernetes.io/part-of: ci
resources:
- task.yaml
patches:
- target:
    kind: Task
  patch: |-
    - op: add
      path: /spec/steps/-
      value:
        name: extra
        image: alpine
        script: |
          echo extra

          echo end
`,
      'task.yaml': TEKTON_TASK,
    },
    holds: ['      echo "building $(params.IMAGE)"', '  name: ci-build'],
  },
  {
    name: 'configMapGenerator and secretGenerator behavior kustomize does not know is create',
    files: {
      'kustomization.yaml': `configMapGenerator:
- name: cm
  behavior: add
  literals:
  - a=b
secretGenerator:
- name: sec
  behavior: Create
  literals:
  - password=x
generatorOptions:
  disableNameSuffixHash: true
`,
    },
    holds: ['  name: cm', '  name: sec'],
  },
  {
    name: 'JSON 6902 add of an annotation to an object without annotations',
    files: {
      'kustomization.yaml': jsonPatchOnDeployment(`- op: add
  path: /metadata/annotations/example.com~1flag
  value: "true"
- op: add
  path: /metadata/annotations/example.com~1count
  value: 3
`),
      'manager.yaml': DEPLOYMENT,
    },
    holds: ['    example.com/flag: "true"', '    example.com/count: "3"'],
  },
  {
    name: 'JSON 6902 add under a missing map deeper down fails as in kustomize',
    files: {
      'kustomization.yaml': jsonPatchOnDeployment(`- op: add
  path: /spec/template/metadata/annotations/kubectl.kubernetes.io~1default-container
  value: manager
`),
      'manager.yaml': DEPLOYMENT,
    },
    holds: [],
    fails:
      /doc is missing path: "\/spec\/template\/metadata\/annotations\/kubectl\.kubernetes\.io~1default-container"/,
  },
  {
    name: 'a field a replacement created takes a later replacement by its text (found by the generator)',
    files: {
      'kustomization.yaml': `resources:
- res.yaml
replacements:
- source:
    kind: ConfigMap
    name: src
    fieldPath: data.port
  targets:
  - select:
      kind: ConfigMap
    fieldPaths:
    - data.copied
    options:
      create: true
- source:
    kind: Service
    name: web
  targets:
  - select:
      kind: ConfigMap
    fieldPaths:
    - data.copied
    options:
      delimiter: /
      index: 0
`,
      'res.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: src
data:
  port: "8080"
---
apiVersion: v1
kind: Service
metadata:
  name: web
`,
    },
    holds: ['  copied: web'],
  },
  {
    name: 'a replacement that leaves an object without a name fails as in kustomize (found by the generator)',
    files: {
      'kustomization.yaml': `resources:
- manager.yaml
replacements:
- source:
    kind: Deployment
    fieldPath: spec.selector
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - metadata.name
`,
      'manager.yaml': DEPLOYMENT,
    },
    holds: [],
    fails: /missing metadata\.name in (object|Deployment object)/,
  },
  {
    name: 'an empty annotations map stays for a later patchesJson6902 add, from a base (found by the generator)',
    files: {
      'base/kustomization.yaml': 'resources:\n- svc.yaml\n',
      'base/svc.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
  annotations: {}
spec:
  ports:
  - port: 80
`,
      'overlay/kustomization.yaml': `resources:
- ../base
commonLabels:
  a: b
patchesJson6902:
- target:
    version: v1
    kind: Service
    name: web
  patch: |
    - op: add
      path: /metadata/annotations/example.com~1flag
      value: "on"
`,
    },
    target: 'overlay',
    holds: ['    example.com/flag: "on"'],
  },
  {
    name: 'a JSON patch on an object with an annotation written .inf fails as in kustomize (found by the generator)',
    files: {
      'kustomization.yaml': jsonPatchOnDeployment(`- op: add
  path: /spec/paused
  value: true
`),
      'manager.yaml': DEPLOYMENT.replace(
        '  namespace: system\n',
        '  namespace: system\n  annotations:\n    limit: .inf\n',
      ),
    },
    holds: [],
    fails: /json: unsupported value: \+Inf/,
  },
];

describe('issue 13 classes against kustomize v5.5.0', { skip: oracleSkip('kustomize') }, () => {
  cases.forEach((c, i) => {
    test(c.name, () => {
      const dir = write(c, i);
      const want = spawnSync(oracle('kustomize'), ['build', dir], { encoding: 'utf8' });
      if (c.fails !== undefined) {
        assert.notEqual(want.status, 0, 'kustomize builds this input');
        assert.match(want.stderr, c.fails);
        assert.throws(() => buildKustomization(dir), c.fails);
        return;
      }
      assert.equal(want.status, 0, `kustomize fails: ${want.stderr}`);
      const got = buildKustomization(dir).yaml;
      assert.equal(got, want.stdout);
      const lines = got.split('\n');
      for (const h of c.holds)
        assert.ok(
          lines.some((l) => l.includes(h)),
          `the output should hold ${JSON.stringify(h)}`,
        );
    });
  });
});
