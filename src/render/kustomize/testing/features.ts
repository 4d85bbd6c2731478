// Random kustomization features for the differential generator: patches (strategic merge and JSON
// 6902, inline and by path, with comments), transformers, generators and replacements, chosen to
// fit the objects a directory holds.
import type { Rng } from './random.js';
import type { Obj } from './resources.js';
import { envFile, fileContent, literal, oddScalar, oddText, word } from './text.js';
import { RawScalar, Styled, writeDocuments, writeYaml } from './yaml-writer.js';
import type { GenValue } from './yaml-writer.js';

/** What a directory knows about the objects it builds on (after its bases' transformations, roughly). */
export interface Known {
  readonly objects: readonly Obj[];
  /** Generated ConfigMaps/Secrets (name, kind) a later generator may merge into. */
  readonly generated: ReadonlyArray<{ name: string; kind: 'ConfigMap' | 'Secret' }>;
}

export type Files = Record<string, string | Buffer>;

function kindOf(o: Obj): string {
  return typeof o['kind'] === 'string' ? o['kind'] : '';
}
function nameOf(o: Obj): string {
  const m = o['metadata'] as Obj | undefined;
  return typeof m?.['name'] === 'string' ? m['name'] : '';
}
function apiVersionOf(o: Obj): string {
  return typeof o['apiVersion'] === 'string' ? o['apiVersion'] : '';
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** A JSON 6902 operation that makes sense for an object of this kind (sometimes one that fails). */
function jsonOp(rng: Rng, o: Obj): Obj {
  const kind = kindOf(o);
  const md = (o['metadata'] ?? {}) as Obj;
  const labels = md['labels'] as Obj | undefined;
  const common: Obj[] = [
    { op: 'add', path: '/metadata/annotations/example.com~1flag', value: oddScalar(rng) },
    { op: 'add', path: '/metadata/annotations', value: { replaced: 'all' } },
    { op: 'test', path: '/kind', value: kind },
    { op: 'add', path: '/metadata/finalizers', value: ['example.com/finalizer'] },
    { op: 'add', path: '/metadata/labels', value: { patched: 'true' } },
  ];
  // Operations on fields the object may lack fail in kustomize too; use them now and then.
  if (labels !== undefined || rng.chance(0.1)) {
    common.push(
      { op: 'add', path: '/metadata/labels/patched', value: 'true' },
      { op: 'remove', path: '/metadata/labels/app' },
    );
  }
  if (rng.chance(0.1))
    common.push({ op: 'replace', path: '/metadata/annotations/note', value: 'changed' });
  const byKind: Obj[] = [];
  if (WORKLOADS.has(kind)) {
    byKind.push(
      { op: 'replace', path: '/spec/replicas', value: rng.int(0, 5) },
      {
        op: 'add',
        path: '/spec/template/spec/containers/0/args/0',
        value: '--metrics-bind-address=:8443',
      },
      { op: 'add', path: '/spec/template/spec/containers/0/args/-', value: '--extra' },
      {
        op: 'add',
        path: '/spec/template/spec/containers/0/env',
        value: [{ name: 'A', value: 'b' }],
      },
      { op: 'remove', path: '/spec/template/spec/containers/0/resources' },
      {
        op: 'copy',
        from: '/spec/template/metadata/labels',
        path: '/spec/template/metadata/annotations',
      },
      { op: 'move', from: '/spec/selector', path: '/spec/selectorMoved' },
      {
        op: 'add',
        path: '/spec/template/spec/containers/0/ports/-',
        value: { containerPort: 9443, name: 'webhook', protocol: 'TCP' },
      },
    );
  }
  if (kind === 'ConfigMap')
    byKind.push(
      { op: 'add', path: '/data/added', value: oddText(rng, 3) },
      { op: 'add', path: '/data', value: {} },
      { op: 'replace', path: '/data/a', value: 'x' },
    );
  if (kind === 'Service')
    byKind.push(
      { op: 'replace', path: '/spec/ports/0/port', value: 8443 },
      { op: 'add', path: '/spec/type', value: 'NodePort' },
    );
  if (kind === 'CustomResourceDefinition')
    byKind.push(
      {
        op: 'add',
        path: '/metadata/annotations/cert-manager.io~1inject-ca-from',
        value: 'system/serving-cert',
      },
      {
        op: 'add',
        path: '/spec/conversion',
        value: {
          strategy: 'Webhook',
          webhook: {
            clientConfig: {
              service: { name: 'webhook-service', namespace: 'system', path: '/convert' },
            },
            conversionReviewVersions: ['v1'],
          },
        },
      },
    );
  return rng.pick(byKind.length > 0 && rng.chance(0.7) ? byKind : common);
}

/** JSON 6902 patch text: a YAML list (often with a comment above, as kubebuilder writes it) or JSON. */
export function jsonPatchText(rng: Rng, o: Obj): string {
  const ops = Array.from({ length: rng.int(1, 3) }, () => jsonOp(rng, o));
  if (rng.chance(0.25)) return JSON.stringify(ops, null, rng.chance(0.5) ? 2 : undefined);
  const head = rng.pick([
    '',
    '# This patch adds the args to allow exposing the metrics endpoint using HTTPS\n',
    '---\n',
    '\n',
    '# comment\n# second line\n',
  ]);
  return head + writeYaml(ops, rng, { comments: 0.1 });
}

/** A strategic-merge patch for `o`, touching fields the schema merges by key and some it replaces. */
export function smPatch(rng: Rng, o: Obj, withId = true): Obj {
  const kind = kindOf(o);
  const p: Obj = {};
  if (withId || rng.chance(0.5)) {
    p['apiVersion'] = apiVersionOf(o);
    p['kind'] = kind;
  }
  const md: Obj = withId || rng.chance(0.5) ? { name: nameOf(o) } : {};
  const mo = o['metadata'] as Obj;
  if (withId && typeof mo['namespace'] === 'string') md['namespace'] = mo['namespace'];
  if (rng.chance(0.5)) md['annotations'] = { patched: oddScalar(rng) };
  if (rng.chance(0.2)) md['labels'] = { app: null };
  if (rng.chance(0.1)) md['annotations'] = {};
  p['metadata'] = md;
  if (WORKLOADS.has(kind)) {
    const containers: GenValue[] = [
      {
        name: 'main',
        ...(rng.chance(0.5) ? { image: 'patched:v2' } : {}),
        ...(rng.chance(0.4) ? { args: ['--patched'] } : {}),
        ...(rng.chance(0.3)
          ? {
              env: [
                { name: 'MODE', value: 'patched' },
                { name: 'NEW', value: oddScalar(rng) },
              ],
            }
          : {}),
        ...(rng.chance(0.3)
          ? { ports: [{ containerPort: 9443, name: 'webhook-server', protocol: 'TCP' }] }
          : {}),
        ...(rng.chance(0.3)
          ? {
              volumeMounts: [
                {
                  mountPath: '/tmp/k8s-webhook-server/serving-certs',
                  name: 'cert',
                  readOnly: true,
                },
              ],
            }
          : {}),
        ...(rng.chance(0.2) ? { resources: null } : {}),
      },
    ];
    if (rng.chance(0.2)) containers.push({ name: 'added', image: 'busybox' });
    if (rng.chance(0.1)) containers.push({ name: 'sidecar', $patch: 'delete' });
    const spec: Obj = { template: { spec: { containers } } };
    if (rng.chance(0.3))
      (spec['template'] as Obj)['spec'] = {
        ...((spec['template'] as Obj)['spec'] as Obj),
        volumes: [{ name: 'cert', secret: { secretName: 'webhook-server-cert' } }],
      };
    if (rng.chance(0.3)) spec['replicas'] = rng.int(1, 4);
    if (rng.chance(0.1)) spec['strategy'] = { $patch: 'replace', type: 'Recreate' };
    if (rng.chance(0.1)) (spec['template'] as Obj)['metadata'] = { labels: { extra: 'label' } };
    p['spec'] = spec;
  } else if (kind === 'ConfigMap') {
    p['data'] = rng.pick<GenValue>([
      { a: oddScalar(rng) },
      { b: null },
      {},
      { script: oddText(rng, 4) },
    ]);
  } else if (kind === 'Service') {
    p['spec'] = {
      ports: [
        { port: 80, targetPort: 9090 },
        { name: 'metrics', port: 8443, protocol: 'TCP' },
      ],
    };
  } else if (kind === 'CustomResourceDefinition') {
    if (rng.chance(0.5))
      md['annotations'] = {
        'cert-manager.io/inject-ca-from': '$(CERTIFICATE_NAMESPACE)/$(CERTIFICATE_NAME)',
      };
    else
      p['spec'] = {
        conversion: {
          strategy: 'Webhook',
          webhook: {
            clientConfig: {
              service: { namespace: 'system', name: 'webhook-service', path: '/convert' },
            },
            conversionReviewVersions: ['v1'],
          },
        },
      };
  } else if (kind === 'Task' || kind === 'Foo' || kind === 'Memcached') {
    p['spec'] = { extra: oddScalar(rng), nested: { a: rng.chance(0.3) ? null : 1 } };
  } else if (rng.chance(0.5)) {
    p['$patch'] = rng.pick(['delete', 'replace', 'merge']);
  }
  return p;
}

/** A selector for `o` in a patch target (by kind, name regex, labels, or group/version). */
export function targetFor(rng: Rng, o: Obj): Obj {
  const t: Obj = {};
  const r = rng.next();
  if (r < 0.5) t['kind'] = kindOf(o);
  else if (r < 0.7) {
    t['kind'] = kindOf(o);
    t['name'] = rng.chance(0.5) ? nameOf(o) : `${nameOf(o).slice(0, 2)}.*`;
  } else if (r < 0.85) {
    const av = apiVersionOf(o);
    const i = av.lastIndexOf('/');
    if (i > 0) t['group'] = av.slice(0, i);
    t['version'] = av.slice(i + 1);
    t['kind'] = kindOf(o);
  } else {
    t['labelSelector'] = rng.pick(['app', `app=${nameOf(o)}`, 'app notin (zzz)', '!missing']);
  }
  return t;
}

const IMAGES = [
  'nginx',
  'controller',
  'busybox',
  'ghcr.io/org/app',
  'registry.example.com:5000/team/app',
];

/** Adds random transformer fields to a kustomization for the objects in `known`. */
export function addTransformers(rng: Rng, k: Obj, files: Files, dir: string, known: Known): void {
  const objs = known.objects;
  if (rng.chance(0.35)) k['namePrefix'] = rng.pick(['dev-', 'project-', 'p-', 'a.']);
  if (rng.chance(0.2)) k['nameSuffix'] = rng.pick(['-v2', '-x', '-prod']);
  if (rng.chance(0.3)) k['namespace'] = rng.pick(['staging', 'project-system', 'default', 'ns-1']);
  if (rng.chance(0.25))
    k['commonLabels'] = { team: rng.pick(['a', 'b']), 'app.kubernetes.io/part-of': 'shop' };
  if (rng.chance(0.25))
    k['labels'] = [
      {
        pairs: { env: rng.pick(['dev', 'prod']) },
        ...(rng.chance(0.5) ? { includeSelectors: rng.chance(0.5) } : {}),
        ...(rng.chance(0.4) ? { includeTemplates: true } : {}),
        ...(rng.chance(0.2)
          ? { fields: [{ path: 'spec/extraLabels', kind: 'Foo', create: true }] }
          : {}),
      },
    ];
  if (rng.chance(0.25))
    k['commonAnnotations'] = rng.pick<GenValue>([
      { owner: 'team-a' },
      { note: new Styled(oddText(rng, 3), 'literal') },
      { 'example.com/quoted': new Styled(oddScalar(rng), 'double') },
    ]);
  if (rng.chance(0.3))
    k['images'] = rng.some(IMAGES, 1, 2).map((name) => {
      const im: Obj = { name };
      if (rng.chance(0.6))
        im['newName'] = rng.pick(['example.com/project', 'quay.io/x/y', 'localhost:5000/app']);
      if (rng.chance(0.6)) im['newTag'] = rng.pick(['v0.0.1', 'latest', '1.2.3']);
      else if (rng.chance(0.3)) im['tagSuffix'] = rng.pick(['-debug', '.1']);
      if (rng.chance(0.2)) im['digest'] = 'sha256:' + 'b'.repeat(64);
      return im;
    });
  const workloads = objs.filter((o) => WORKLOADS.has(kindOf(o)));
  if (workloads.length > 0 && rng.chance(0.2))
    k['replicas'] = [{ name: nameOf(rng.pick(workloads)), count: rng.int(0, 5) }];
  if (objs.length > 0 && rng.chance(0.6)) addPatches(rng, k, files, dir, objs);
  if (objs.length > 0 && rng.chance(0.15)) addReplacements(rng, k, objs);
  if (rng.chance(0.05))
    k['sortOptions'] = rng.pick<GenValue>([
      { order: 'fifo' },
      { order: 'legacy', legacySortOptions: { orderFirst: ['Namespace'], orderLast: ['Service'] } },
    ]);
}

function addPatches(rng: Rng, k: Obj, files: Files, dir: string, objs: readonly Obj[]): void {
  const patches: GenValue[] = [];
  const sm: GenValue[] = [];
  const j6902: GenValue[] = [];
  for (let i = 0; i < rng.int(1, 3); i++) {
    const o = rng.pick(objs);
    const r = rng.next();
    const name = `patch-${i}-${word(rng).replace(/[^a-z]/g, '') || 'p'}`;
    if (r < 0.35) {
      // JSON 6902 under `patches`, inline or from a file.
      const text = jsonPatchText(rng, o);
      if (rng.chance(0.5)) {
        files[`${dir}/${name}.yaml`] = text;
        patches.push({ path: `${name}.yaml`, target: targetFor(rng, o) });
      } else patches.push({ target: targetFor(rng, o), patch: text });
    } else if (r < 0.7) {
      const withTarget = rng.chance(0.3);
      const docs = [smPatch(rng, o, !withTarget)];
      const text = writeDocuments(docs, rng, { comments: 0.1 });
      const entry: Obj = {};
      if (rng.chance(0.5)) {
        files[`${dir}/${name}.yaml`] = text;
        entry['path'] = `${name}.yaml`;
      } else entry['patch'] = text;
      if (withTarget) entry['target'] = targetFor(rng, o);
      if (rng.chance(0.05)) entry['options'] = { allowNameChange: true };
      patches.push(entry);
    } else if (r < 0.85) {
      const text = writeDocuments([smPatch(rng, o, true)], rng);
      if (rng.chance(0.7)) {
        files[`${dir}/${name}.yaml`] = text;
        sm.push(`${name}.yaml`);
      } else sm.push(text);
    } else {
      const t = targetFor(rng, o);
      const target: Obj = { kind: kindOf(o), name: nameOf(o) };
      const av = apiVersionOf(o);
      const slash = av.lastIndexOf('/');
      if (slash > 0) target['group'] = av.slice(0, slash);
      target['version'] = av.slice(slash + 1);
      void t;
      const text = jsonPatchText(rng, o);
      if (rng.chance(0.6)) {
        files[`${dir}/${name}.yaml`] = text;
        j6902.push({ target, path: `${name}.yaml` });
      } else j6902.push({ target, patch: text });
    }
  }
  if (patches.length > 0) k['patches'] = patches;
  if (sm.length > 0) k['patchesStrategicMerge'] = sm;
  if (j6902.length > 0) k['patchesJson6902'] = j6902;
}

function addReplacements(rng: Rng, k: Obj, objs: readonly Obj[]): void {
  const src = rng.pick(objs);
  const dst = rng.pick(objs);
  const srcPath = rng.pick([
    'metadata.name',
    '.metadata.name',
    'metadata.namespace',
    'metadata.labels.app',
    'kind',
  ]);
  const dstPaths = rng.pick([
    ['metadata.annotations.[copied-from]'],
    ['.metadata.annotations.[example.com/source]'],
    ['metadata.labels.copied'],
    ['spec.template.spec.containers.[name=main].env.[name=MODE].value'],
    ['spec.template.spec.containers.0.image'],
    ['spec.dnsNames.0', 'spec.dnsNames.1'],
  ]);
  const opts: Obj = {};
  if (rng.chance(0.5)) opts['create'] = true;
  if (rng.chance(0.2)) {
    opts['delimiter'] = rng.pick(['.', '/', '-']);
    opts['index'] = rng.int(-1, 2);
  }
  const select: Obj = { kind: kindOf(dst) };
  if (rng.chance(0.3)) select['name'] = nameOf(dst);
  const target: Obj = { select, fieldPaths: dstPaths };
  if (Object.keys(opts).length > 0) target['options'] = opts;
  k['replacements'] = [
    { source: { kind: kindOf(src), name: nameOf(src), fieldPath: srcPath }, targets: [target] },
  ];
}

/** configMapGenerator/secretGenerator entries with files, envs and literals of odd text. */
export function addGenerators(
  rng: Rng,
  k: Obj,
  files: Files,
  dir: string,
  known: Known,
): Array<{ name: string; kind: 'ConfigMap' | 'Secret' }> {
  const made: Array<{ name: string; kind: 'ConfigMap' | 'Secret' }> = [];
  const cms: GenValue[] = [];
  const secrets: GenValue[] = [];
  for (let i = 0; i < rng.int(1, 3); i++) {
    const kind = rng.chance(0.7) ? 'ConfigMap' : 'Secret';
    const existing = known.generated.filter((g) => g.kind === kind);
    const merge = existing.length > 0 && rng.chance(0.5);
    const tag = dir.replace(/[^a-z0-9]+/g, '') || 'root';
    const name = merge
      ? rng.pick(existing).name
      : `${kind === 'ConfigMap' ? 'cfg' : 'creds'}-${tag}-${i}`;
    const g: Obj = { name };
    if (merge) g['behavior'] = rng.pick(['merge', 'replace', 'merge']);
    else if (rng.chance(0.1)) g['behavior'] = rng.pick(['create', 'add', 'Merge']);
    const keys = new Set<string>();
    const uniqueKey = (base: string): string => {
      let key = base;
      for (let n = 2; keys.has(key); n++) key = `${base}${n}`;
      keys.add(key);
      return key;
    };
    if (rng.chance(0.6)) {
      const list: string[] = [];
      for (let j = 0; j < rng.int(1, 3); j++) {
        const fname = `${name}-file${j}${rng.pick(['.txt', '.sh', '.properties', '.json', ''])}`;
        files[`${dir}/${fname}`] = fileContent(rng);
        const key = uniqueKey(rng.chance(0.3) ? `key${j}` : fname);
        list.push(key === fname ? fname : `${key}=${fname}`);
      }
      g['files'] = list;
    }
    if (rng.chance(0.4)) {
      const envKeys = Array.from({ length: rng.int(1, 4) }, (_, j) =>
        uniqueKey(rng.pick(['KEY', 'DB_HOST', 'mode', 'X.Y', 'with-dash', '__proto__']) + j),
      );
      files[`${dir}/${name}.env`] = envFile(rng, envKeys);
      // `envs` is a list and `env` a string; now and then the wrong type, which kustomize refuses.
      const wrong = rng.chance(0.03);
      if (rng.chance(0.8)) g['envs'] = wrong ? `${name}.env` : [`${name}.env`];
      else g['env'] = wrong ? [`${name}.env`] : `${name}.env`;
    }
    if (
      rng.chance(0.6) ||
      (g['files'] === undefined && g['envs'] === undefined && g['env'] === undefined)
    )
      g['literals'] = Array.from({ length: rng.int(1, 3) }, (_, j) =>
        literal(rng, uniqueKey(`lit${j}`)),
      );
    if (kind === 'Secret' && rng.chance(0.3))
      g['type'] = rng.pick(['Opaque', 'kubernetes.io/tls', 'kubernetes.io/dockerconfigjson']);
    if (rng.chance(0.2)) {
      const options: Obj = {};
      if (rng.chance(0.5)) options['disableNameSuffixHash'] = true;
      if (rng.chance(0.3)) options['labels'] = { generated: 'yes-really' };
      if (rng.chance(0.3)) options['annotations'] = { note: oddScalar(rng).replace(/\n/g, ' ') };
      if (rng.chance(0.2)) options['immutable'] = true;
      g['options'] = options;
    }
    if (rng.chance(0.1)) g['namespace'] = 'gen-ns';
    (kind === 'ConfigMap' ? cms : secrets).push(g);
    if (!merge) made.push({ name, kind });
  }
  if (cms.length > 0) k['configMapGenerator'] = cms;
  if (secrets.length > 0) k['secretGenerator'] = secrets;
  if (rng.chance(0.15))
    k['generatorOptions'] = rng.pick<GenValue>([
      { disableNameSuffixHash: true },
      { labels: { 'generated-by': 'kustomize' } },
      { annotations: { 'a.b/c': 'd' }, immutable: true },
    ]);
  return made;
}

/** Wraps text as a raw block (for patches written inline in a kustomization). */
export function inlineBlock(text: string): RawScalar {
  return new RawScalar((indent) => {
    const pad = ' '.repeat(indent + 2);
    const lines = text.replace(/\n$/, '').split('\n');
    return ` |\n${lines.map((l) => (l === '' ? '' : pad + l)).join('\n')}\n`;
  });
}

/** A random element for a list merged by key (ports with and without protocol, env, mounts, containers). */
function listElement(rng: Rng, list: string, i: number): Obj {
  switch (list) {
    case 'ports': {
      const e: Obj = {};
      if (rng.chance(0.9)) e['port'] = rng.pick([80, 81, 443]);
      if (rng.chance(0.5)) e['protocol'] = rng.pick(['TCP', 'UDP']);
      e[rng.pick(['name', 'targetPort'])] = `v${i}`;
      return e;
    }
    case 'containerPorts': {
      const e: Obj = { containerPort: rng.pick([8080, 9443]) };
      if (rng.chance(0.5)) e['protocol'] = rng.pick(['TCP', 'UDP']);
      if (rng.chance(0.5)) e['name'] = `p${i}`;
      return e;
    }
    case 'env':
      return rng.chance(0.1)
        ? { name: rng.pick(['A', 'B', 'C']), $patch: 'delete' }
        : { name: rng.pick(['A', 'B', 'C']), value: rng.chance(0.2) ? null : `v${i}` };
    case 'volumeMounts':
      return { mountPath: rng.pick(['/a', '/b']), name: `m${i}` };
    default:
      return { name: rng.pick(['main', 'side', 'init']), image: `img${i}` };
  }
}

function randomList(rng: Rng, list: string, max: number): GenValue[] {
  const out: GenValue[] = Array.from({ length: rng.int(0, max) }, (_, i) =>
    listElement(rng, list, i),
  );
  if (rng.chance(0.05)) out.push({ $patch: rng.pick(['replace', 'delete', 'merge']) });
  if (rng.chance(0.03)) out.push(null);
  return out;
}

/** A Service and a Deployment, and a strategic-merge patch for each, exercising lists merged by keys, directives and nulls. */
export function smpStress(rng: Rng): { objects: Obj[]; patches: Obj[] } {
  const finalizers = (): GenValue[] =>
    rng.some(['a.example.com/f', 'b.example.com/f', 'kubernetes'], 0, 3);
  const svc: Obj = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'svc', ...(rng.chance(0.3) ? { finalizers: finalizers() } : {}) },
    spec: { ports: randomList(rng, 'ports', 3), selector: { app: 'x' } },
  };
  const container = (name: string): Obj => ({
    name,
    image: 'img',
    ...(rng.chance(0.6) ? { ports: randomList(rng, 'containerPorts', 2) } : {}),
    ...(rng.chance(0.6) ? { env: randomList(rng, 'env', 3) } : {}),
    ...(rng.chance(0.4) ? { volumeMounts: randomList(rng, 'volumeMounts', 2) } : {}),
    ...(rng.chance(0.2) ? { args: ['--a', '--b'] } : {}),
    ...(rng.chance(0.1) ? { resources: null } : {}),
  });
  const dep: Obj = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'dep',
      labels: { app: 'x' },
      ...(rng.chance(0.3) ? { annotations: null } : {}),
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'x' } },
      template: {
        metadata: { labels: { app: 'x' }, ...(rng.chance(0.3) ? { creationTimestamp: null } : {}) },
        spec: {
          containers: rng.some(['main', 'side'], 1, 2).map(container),
          ...(rng.chance(0.3) ? { volumes: [{ name: 'v', emptyDir: {} }] } : {}),
          ...(rng.chance(0.2) ? { nodeSelector: null } : {}),
        },
      },
    },
  };
  const svcPatch: Obj = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'svc', ...(rng.chance(0.3) ? { finalizers: finalizers() } : {}) },
    spec: rng.chance(0.8) ? { ports: randomList(rng, 'ports', 3) } : { ports: null },
  };
  if (rng.chance(0.1)) (svcPatch['spec'] as Obj)['$patch'] = rng.pick(['replace', 'merge']);
  const pc = (name: string): Obj => {
    const c: Obj = { name };
    if (rng.chance(0.5)) c['ports'] = randomList(rng, 'containerPorts', 2);
    if (rng.chance(0.5)) c['env'] = randomList(rng, 'env', 3);
    if (rng.chance(0.3)) c['volumeMounts'] = randomList(rng, 'volumeMounts', 2);
    if (rng.chance(0.2)) c['image'] = 'patched';
    if (rng.chance(0.1)) c['$patch'] = rng.pick(['delete', 'replace']);
    if (rng.chance(0.1)) c['args'] = null;
    return c;
  };
  const depPatch: Obj = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'dep', ...(rng.chance(0.2) ? { labels: { app: null, extra: 'y' } } : {}) },
    spec: {
      template: {
        ...(rng.chance(0.2) ? { metadata: { annotations: { a: 'b' } } } : {}),
        spec: {
          containers: rng.some(['main', 'side', 'new'], 1, 3).map(pc),
          ...(rng.chance(0.2) ? { volumes: [{ name: 'w', configMap: { name: 'cm' } }] } : {}),
        },
      },
      ...(rng.chance(0.2) ? { replicas: null } : {}),
      ...(rng.chance(0.1) ? { strategy: {} } : {}),
    },
  };
  return { objects: [svc, dep], patches: [svcPatch, depPatch] };
}

const COMMON_SOURCE = ['metadata.name', '.metadata.name', 'metadata.labels.app', 'kind'];
const SOURCE_PATHS: Readonly<Record<string, readonly string[]>> = {
  ConfigMap: ['data.a', 'data.port', 'data.num', 'data', 'metadata.annotations.[example.com/text]'],
  Deployment: [
    'spec.replicas',
    'spec.template.spec.containers.0.image',
    'spec.template.spec.containers.[name=main].image',
    'spec.selector',
  ],
  Service: ['spec.ports.0.port', 'spec.selector', 'spec.ports.[name=http].port'],
  Certificate: ['spec.dnsNames.0', 'spec.secretName'],
};

const COMMON_TARGET = [
  'metadata.annotations.[copied-from]',
  'metadata.annotations.copied',
  '.metadata.annotations.[example.com/source]',
  'metadata.labels.copied',
  'metadata.name',
  'spec.new.deep.field',
  'spec..double',
];
const TARGET_PATHS: Readonly<Record<string, readonly string[]>> = {
  ConfigMap: ['data.copied', 'data.a', 'data.port'],
  Deployment: [
    'spec.replicas',
    'spec.template.spec.containers.[name=main].image',
    'spec.template.spec.containers.[name=ma.n].env.[name=MODE].value',
    'spec.template.spec.containers.[name=main].env.[name=NEW].value',
    'spec.template.spec.containers.*.image',
    'spec.template.spec.containers.0.args.0',
    'spec.template.spec.containers.1.image',
    'spec.template.metadata.labels.app',
    'spec.strategy',
    'spec.selector',
  ],
  Service: ['spec.ports.0.targetPort', 'spec.ports.[name=http].port', 'spec.selector'],
  Certificate: ['spec.dnsNames.0', 'spec.dnsNames.1', 'spec.dnsNames.2'],
};

function pathFor(
  rng: Rng,
  o: Obj,
  table: Readonly<Record<string, readonly string[]>>,
  common: readonly string[],
): string {
  const own = table[kindOf(o)] ?? [];
  if (rng.chance(0.1)) return rng.pick(Object.values(table).flat());
  return rng.pick(own.length > 0 && rng.chance(0.7) ? own : common);
}

/** Replacements between the objects, with paths, selectors, rejects and options of every kind. */
export function randomReplacements(rng: Rng, objs: readonly Obj[]): GenValue[] {
  return Array.from({ length: rng.int(1, 3) }, () => {
    const src = rng.pick(objs);
    const source: Obj = { kind: kindOf(src), name: nameOf(src) };
    if (rng.chance(0.2)) source['version'] = apiVersionOf(src).split('/').pop() ?? '';
    if (rng.chance(0.8)) source['fieldPath'] = pathFor(rng, src, SOURCE_PATHS, COMMON_SOURCE);
    if (rng.chance(0.15))
      source['options'] = { delimiter: rng.pick(['.', '-', ':', '/']), index: rng.int(-1, 1) };
    const targets: GenValue[] = Array.from({ length: rng.int(1, 2) }, () => {
      const dst = rng.pick(objs);
      const select: Obj = rng.chance(0.9) ? { kind: kindOf(dst) } : {};
      if (rng.chance(0.3)) select['name'] = nameOf(dst);
      if (rng.chance(0.1)) select['namespace'] = rng.pick(['default', 'other']);
      if (rng.chance(0.1)) select['labelSelector'] = `app=${nameOf(dst)}`;
      const fieldPaths = Array.from({ length: rng.int(1, 2) }, () =>
        pathFor(rng, dst, TARGET_PATHS, COMMON_TARGET),
      );
      const t: Obj = { select, fieldPaths };
      if (rng.chance(0.15))
        t['reject'] = [
          rng.chance(0.5) ? { name: nameOf(rng.pick(objs)) } : { labelSelector: 'app' },
        ];
      const o: Obj = {};
      if (rng.chance(0.7)) o['create'] = true;
      if (rng.chance(0.2)) {
        o['delimiter'] = rng.pick(['.', '/', '-']);
        o['index'] = rng.int(-1, 3);
      }
      if (Object.keys(o).length > 0) t['options'] = o;
      return t;
    });
    return { source, targets };
  });
}
