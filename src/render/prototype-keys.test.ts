// Prototype pollution: keys named __proto__, constructor and prototype go through every part of the
// render layer that builds objects from input keys (the YAML reader and writer, every kustomize
// transformer, patch kind and generator, Flux's overlay and postBuild substitution). Object.prototype
// must stay untouched, the keys must come out as plain keys, and kustomize builds must print what
// the kustomize v5.5.0 oracle prints (or fail where it fails).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { oracle, oracleSkip } from '../testing/index.js';
import {
  applyFluxOverlay,
  buildFluxKustomization,
  buildKustomization,
  emitYaml,
  mergeVariables,
  parseYamlDocuments,
  substituteVariables,
} from './index.js';
import type { YamlMap } from './index.js';

const HOSTILE = ['__proto__', 'constructor', 'prototype'] as const;

/** Every own property of the built-in prototypes, with what it holds. */
function prototypeSnapshot(): string {
  const describeProto = (p: object): string[] =>
    Reflect.ownKeys(p).map((k) => {
      const d = Object.getOwnPropertyDescriptor(p, k);
      return `${String(k)}:${typeof d?.value}:${typeof d?.get}:${typeof d?.set}`;
    });
  return JSON.stringify({
    object: describeProto(Object.prototype),
    array: describeProto(Array.prototype),
    fn: describeProto(Function.prototype),
    protoOfObject: Object.getPrototypeOf(Object.prototype) === null,
  });
}

const before = prototypeSnapshot();

function assertPrototypesUntouched(): void {
  assert.equal(prototypeSnapshot(), before, 'a built-in prototype was changed');
  const probe = {} as Record<string, unknown>;
  for (const k of ['polluted', 'immutable', 'x', 'p']) assert.equal(probe[k], undefined, k);
  assert.equal(Object.getPrototypeOf(probe), Object.prototype);
}

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'prototype-keys-'));
  roots.push(root);
  for (const [p, content] of Object.entries(files)) {
    const f = join(root, p);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, content);
  }
  return root;
}

/** A ConfigMap and a Deployment whose keys, at every level, include the hostile names. */
const RESOURCES = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  labels:
    __proto__: polluted
    constructor: c
    prototype: p
  annotations:
    __proto__: "yes"
    constructor: "1"
data:
  __proto__: "{polluted: true}"
  constructor: value
  prototype: "x"
  base: &base
    __proto__: nested
  merged:
    <<: *base
    prototype: merged
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels:
    app: x
spec:
  selector:
    matchLabels:
      app: x
  template:
    metadata:
      labels:
        app: x
    spec:
      containers:
      - name: main
        image: nginx
        __proto__:
          polluted: true
        env:
        - name: __proto__
          value: p
        - name: constructor
          value: c
  __proto__:
    immutable: true
  constructor:
    prototype:
      p: 1
`;

const CASES: Record<string, Record<string, string>> = {
  'resources and common labels/annotations': {
    'r.yaml': RESOURCES,
    'kustomization.yaml': `resources: [r.yaml]
namePrefix: p-
commonLabels:
  __proto__: "true"
  constructor: x
commonAnnotations:
  prototype: "yes"
  __proto__: z
labels:
- pairs:
    constructor: q
  includeSelectors: true
`,
  },
  'generators with hostile keys in literals, files, env files and options': {
    'f.txt': 'file content\n',
    'e.env': '__proto__.env=1\nconstructor.env=2\n',
    'kustomization.yaml': `configMapGenerator:
- name: gen
  literals:
  - __proto__=polluted
  - constructor=c
  files:
  - prototype=f.txt
  envs: [e.env]
  options:
    labels:
      __proto__: l
    annotations:
      constructor: a
secretGenerator:
- name: sec
  literals:
  - __proto__=s
generatorOptions:
  labels:
    prototype: g
`,
  },
  'strategic-merge patches': {
    'r.yaml': RESOURCES,
    'p.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  __proto__:
    immutable: false
  template:
    spec:
      containers:
      - name: main
        constructor: c
        env:
        - name: prototype
          value: new
`,
    'kustomization.yaml': `resources: [r.yaml]
patchesStrategicMerge: [p.yaml]
patches:
- patch: |
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: cm
      labels:
        __proto__: changed
    data:
      constructor: null
      __proto__: changed
- target:
    kind: ConfigMap
  patch: |
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: any
    prototype:
      polluted: true
`,
  },
  'JSON patches': {
    'r.yaml': RESOURCES,
    'kustomization.yaml': `resources: [r.yaml]
patches:
- target:
    kind: ConfigMap
  patch: |-
    - op: add
      path: /metadata/annotations/__proto__
      value: json
    - op: add
      path: /__proto__
      value: {polluted: true}
    - op: copy
      from: /data/constructor
      path: /data/prototype
    - op: remove
      path: /metadata/labels/constructor
- target:
    kind: Deployment
  patch: '[{"op": "add", "path": "/spec/constructor/prototype/polluted", "value": true}, {"op": "replace", "path": "/spec/__proto__", "value": {"x": 1}}]'
patchesJson6902:
- target:
    version: v1
    kind: ConfigMap
    name: cm
  patch: |-
    - op: add
      path: /data/__proto__
      value: again
`,
  },
  'replacements and vars': {
    'r.yaml': RESOURCES,
    'kustomization.yaml': `resources: [r.yaml]
replacements:
- source:
    kind: ConfigMap
    name: cm
    fieldPath: data.constructor
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - metadata.annotations.__proto__
    - spec.__proto__.name
    - spec.template.spec.containers.[name=main].env.[name=__proto__].value
    options:
      create: true
vars:
- name: __proto__
  objref:
    apiVersion: v1
    kind: ConfigMap
    name: cm
  fieldref:
    fieldpath: data.prototype
`,
  },
  'transformer configurations, openapi and crds': {
    'r.yaml': RESOURCES,
    'config.yaml': `commonLabels:
- path: spec/constructor/labels
  create: true
  kind: Deployment
nameReference:
- kind: ConfigMap
  fieldSpecs:
  - path: spec/__proto__/ref
    kind: Deployment
`,
    'openapi.json': JSON.stringify({
      definitions: {
        __proto__: { properties: { constructor: { 'x-kubernetes-patch-strategy': 'merge' } } },
        constructor: { properties: { prototype: { $ref: '#/definitions/__proto__' } } },
      },
    }),
    'crd.json': JSON.stringify({
      __proto__: { properties: { kind: {}, apiVersion: {}, metadata: {} } },
    }),
    'kustomization.yaml': `resources: [r.yaml]
configurations: [config.yaml]
crds: [crd.json]
commonLabels:
  team: a
`,
  },
  'unknown kustomization field named __proto__': {
    'kustomization.yaml': '__proto__:\n  namePrefix: x\nresources: []\n',
  },
};

describe('prototype keys through the render layer', () => {
  for (const [name, files] of Object.entries(CASES)) {
    // Only the unknown field is refused by kustomize; every other case builds and outputs compare.
    const builds = !name.startsWith('unknown');
    test(`kustomize: ${name}`, { skip: oracleSkip('kustomize') }, () => {
      const dir = tree(files);
      let got: string | undefined;
      let error = '';
      try {
        got = buildKustomization(dir).yaml;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      assertPrototypesUntouched();
      const want = spawnSync(oracle('kustomize'), ['build', dir], { encoding: 'utf8' });
      assert.equal(want.status === 0, builds, want.stderr);
      if (want.status !== 0) {
        assert.equal(got, undefined, `kustomize fails (${want.stderr.trim()}) but Flotilla builds`);
        return;
      }
      assert.equal(error, '', 'kustomize builds this');
      assert.equal(got, want.stdout);
    });
  }

  test('the YAML reader and writer keep hostile keys as plain keys', () => {
    const [doc] = parseYamlDocuments(RESOURCES, false, true);
    assertPrototypesUntouched();
    const cm = doc as YamlMap;
    const data = cm['data'] as YamlMap;
    for (const k of HOSTILE) assert.ok(Object.hasOwn(data, k), k);
    assert.equal(Object.getPrototypeOf(data), null);
    const merged = data['merged'] as YamlMap;
    assert.equal(merged['__proto__'], 'nested');
    const text = emitYaml(cm);
    assert.match(
      text,
      /^ {2}__proto__: '\{polluted: true\}'$|^ {2}__proto__: "\{polluted: true\}"$/m,
    );
    for (const v2 of [false, true])
      parseYamlDocuments('__proto__: {polluted: 1}\n<<: {__proto__: {x: 1}}\n', v2);
    assertPrototypesUntouched();
  });

  test("Flux's overlay and postBuild substitution", () => {
    const overlaid = applyFluxOverlay(
      JSON.parse('{"__proto__": {"polluted": true}, "resources": ["a.yaml"]}') as Record<
        string,
        unknown
      >,
      {
        namePrefix: 'p-',
        patches: [
          {
            patch: 'x',
            target: JSON.parse('{"__proto__": "x", "kind": "ConfigMap"}') as Record<string, string>,
          },
        ],
        images: [{ name: '__proto__', newTag: 'v1' }],
      },
    );
    assert.ok(Object.hasOwn(overlaid, '__proto__'));
    const vars = mergeVariables(
      [JSON.parse('{"__proto__": "from-source", "constructor": "c"}') as Record<string, string>],
      { prototype: 'inline' },
    );
    assert.deepEqual(Object.keys(vars).sort(), ['__proto__', 'constructor', 'prototype']);
    const [out] = substituteVariables(
      [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'x' },
          data: { a: '${__proto__}-${constructor}-${prototype}', b: '${toString:=unset}' },
        },
      ],
      vars,
    );
    assert.deepEqual((out as { data: unknown }).data, { a: 'from-source-c-inline', b: 'unset' });
    assertPrototypesUntouched();
  });

  test("Flux's build of a directory with hostile keys", async () => {
    const root = tree({ 'app/r.yaml': RESOURCES });
    const objects = await buildFluxKustomization({
      root,
      dir: join(root, 'app'),
      overlay: { namePrefix: 'f-' },
      postBuild: true,
      substitute: JSON.parse('{"__proto__": "v"}') as Record<string, string>,
    });
    assert.equal(objects.length, 2);
    assertPrototypesUntouched();
  });
});
