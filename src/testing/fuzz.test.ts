// Fuzzing (issue 22 acceptance): random and hostile JSON and YAML (deep nesting, huge strings,
// keys naming Object.prototype's members, invalid UTF-8, bad escapes) sent to every HTTP server
// Flotilla runs (the local cluster's API, the Git server, the artifact server, the controller's
// health server) and to every parser (YAML, kubeconfig, the apply engine's normalisation and
// masking, kustomize build, Rego evaluation), each for a bounded time. No request may be
// answered 500 or left unanswered, no parser may fail with an internal error, no server may stop,
// and Object.prototype must stay as it was. Seeded: FUZZ_SEED=n replays a run, FUZZ_SECONDS=n
// spends n seconds on each target (3 by default).
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetricsRegistry } from '../core/index.js';
import { startLocalCluster, type LocalCluster } from '../localcluster/index.js';
import { KubeClient } from '../kube/index.js';
import {
  ArtifactStore,
  startArtifactServer,
  startGitHttpServer,
  type ArtifactServer,
  type GitHttpServer,
} from '../source/index.js';
import { startHealthServer } from '../controller/index.js';
import {
  hasDrifted,
  maskSecret,
  maskSecrets,
  normalizeObject,
  unifiedDiff,
} from '../apply/index.js';
import { buildKustomization, parseYaml, parseYamlDocuments } from '../render/index.js';
import { compile } from '../policy/index.js';
import {
  Rng,
  fuzzSeconds,
  fuzzSeed,
  hostileBody,
  hostileKey,
  hostileObject,
  hostileValue,
  hostileYaml,
  prototypeSnapshot,
} from './fuzz.js';
import { MALFORMED_TARGETS, rawRequest } from './raw-http.js';
import { openCrd } from './crds.js';

const SEED = fuzzSeed();
const SECONDS = fuzzSeconds();
const pristine = prototypeSnapshot();
const work = mkdtempSync(join(tmpdir(), 'flotilla-fuzz-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A generator per target, so that adding one does not change the others' sequences. */
function rngFor(target: string): Rng {
  let h = SEED;
  for (const c of target) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return new Rng(h);
}

/**
 * Runs `step` until the time budget is spent. Each step returns a failure description or
 * undefined; the test fails naming the first failures, the seed and the step numbers.
 */
async function fuzz(
  t: TestContext,
  target: string,
  step: (rng: Rng, n: number) => Promise<string | undefined> | string | undefined,
): Promise<void> {
  const rng = rngFor(target);
  const failures: string[] = [];
  const end = Date.now() + SECONDS * 1000;
  let n = 0;
  for (; Date.now() < end; n++) {
    const failure = await step(rng, n);
    if (failure !== undefined) failures.push(`#${n}: ${failure}`);
    if (prototypeSnapshot() !== pristine) {
      failures.push(`#${n}: Object.prototype or Array.prototype changed`);
      break;
    }
  }
  t.diagnostic(`${target}: ${n} inputs, seed ${SEED}`);
  assert.deepEqual(failures.slice(0, 8), [], `${failures.length} failures (FUZZ_SEED=${SEED})`);
}

/** A thrown error that means a bug rather than refused input. */
function internalError(err: unknown): string | undefined {
  if (
    !(err instanceof Error) ||
    err instanceof TypeError ||
    err instanceof RangeError ||
    err instanceof ReferenceError
  )
    return `${err instanceof Error ? err.name : typeof err}: ${err instanceof Error ? err.message : String(err)}`.slice(
      0,
      300,
    );
  return undefined;
}

function excerpt(body: Buffer): string {
  const text = body.toString('utf8');
  return text.length > 160 ? `${text.slice(0, 160)}… (${text.length} chars)` : text;
}

/** Percent-encodes the UTF-8 bytes of `s` (a lone surrogate becomes U+FFFD, as Buffer makes it). */
const pct = (s: string): string =>
  [...Buffer.from(s)]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

describe('fuzz: the local cluster API', () => {
  let cluster: LocalCluster;
  const NS = 'fz';
  const RESOURCES: readonly { path: string; apiVersion: string; kind: string; name: string }[] = [
    {
      path: `/api/v1/namespaces/${NS}/configmaps`,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'cm',
    },
    { path: `/api/v1/namespaces/${NS}/secrets`, apiVersion: 'v1', kind: 'Secret', name: 's' },
    { path: `/api/v1/namespaces/${NS}/services`, apiVersion: 'v1', kind: 'Service', name: 'svc' },
    {
      path: `/apis/apps/v1/namespaces/${NS}/deployments`,
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'd',
    },
    {
      path: `/apis/batch/v1/namespaces/${NS}/jobs`,
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: 'j',
    },
    {
      path: `/apis/fuzz.example/v1/namespaces/${NS}/things`,
      apiVersion: 'fuzz.example/v1',
      kind: 'Thing',
      name: 't',
    },
    { path: '/api/v1/namespaces', apiVersion: 'v1', kind: 'Namespace', name: NS },
  ];
  const TYPES = [
    'application/json',
    'application/yaml',
    'application/merge-patch+json',
    'application/strategic-merge-patch+json',
    'application/json-patch+json',
    'application/apply-patch+yaml',
    'application/vnd.kubernetes.protobuf',
    'text/plain',
  ];
  const QUERIES = [
    '',
    '?fieldManager=fuzz',
    '?fieldManager=fuzz&force=true',
    '?dryRun=All',
    '?dryRun=Bogus',
    '?fieldValidation=Strict',
    '?fieldValidation=Nope',
    '?labelSelector=__proto__%3Dx',
    '?labelSelector=a+in+(b',
    '?fieldSelector=metadata.name%3D%25',
    '?watch=true&timeoutSeconds=1',
    '?watch=true&resourceVersion=abc&timeoutSeconds=1',
    '?limit=-1&continue=%%%',
    '?resourceVersion=99999999999999999999',
    '?propagationPolicy=Nope',
  ];
  const OTHER_PATHS = [
    '/api',
    '/apis',
    '/version',
    '/openapi/v3',
    '/openapi/v2',
    '/healthz',
    '/apis/fuzz.example/v1',
    ...MALFORMED_TARGETS,
  ];

  before(async () => {
    cluster = await startLocalCluster({ inMemory: true, simulationDelayMs: 10 });
    const client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await client.create(
      openCrd({
        group: 'fuzz.example',
        plural: 'things',
        kind: 'Thing',
        subresources: {
          status: {},
          scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
        },
      }),
    );
    client.close();
  });
  after(async () => {
    await cluster.stop();
  });

  /** One request: a resource path (collection, object or subresource) or another endpoint. */
  function request(rng: Rng): {
    method: string;
    path: string;
    type: string;
    body: Buffer | undefined;
  } {
    const method = rng.pick(['GET', 'POST', 'PUT', 'PATCH', 'PATCH', 'PATCH', 'DELETE', 'OPTIONS']);
    if (rng.chance(0.1))
      return { method, path: rng.pick(OTHER_PATHS), type: 'application/json', body: undefined };
    const r = rng.pick(RESOURCES);
    const sub = rng.pick([
      '',
      '',
      '',
      '/status',
      '/scale',
      '/finalize',
      `/${pct(hostileKey(rng))}`,
    ]);
    const path = `${r.path}${method === 'POST' && rng.chance(0.8) ? '' : `/${r.name}${sub}`}${rng.pick(QUERIES)}`;
    const type = rng.pick(TYPES);
    if (method === 'GET' || (method === 'DELETE' && rng.chance(0.7)))
      return { method, path, type, body: undefined };
    const object = () =>
      type === 'application/json-patch+json' && rng.chance(0.7)
        ? Array.from({ length: 1 + rng.int(3) }, () => ({
            op: rng.pick(['add', 'replace', 'remove', 'move', 'copy', 'test', 'bogus']),
            path: rng.pick([
              '/__proto__/x',
              '/constructor/prototype/x',
              '/metadata/labels/a',
              '/data/~1x',
              '/spec/replicas',
              '',
              '/-',
            ]),
            from: rng.pick(['/metadata', '/data', '/__proto__']),
            value: hostileValue(rng),
          }))
        : hostileObject(rng, r.apiVersion, r.kind, r.name);
    return { method, path, type, body: hostileBody(rng, object) };
  }

  it('answers every request below 500 and keeps serving', async (t) => {
    await fuzz(t, 'local cluster', async (rng, n) => {
      if (n % 40 === 0)
        await rawRequest(cluster.url, '/api/v1/namespaces', {
          method: 'POST',
          ca: cluster.caPem,
          headers: { Authorization: `Bearer ${cluster.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }),
        });
      const req = request(rng);
      const res = await rawRequest(cluster.url, req.path, {
        method: req.method,
        ca: cluster.caPem,
        headers: { Authorization: `Bearer ${cluster.token}`, 'Content-Type': req.type },
        ...(req.body === undefined ? {} : { body: req.body }),
        timeoutMs: 20_000,
      });
      if (res.status > 0 && res.status < 500) return undefined;
      return `${req.method} ${req.path} (${req.type}) ${req.body ? excerpt(req.body) : ''} → ${res.status} ${res.text.slice(0, 300)}`;
    });
    const health = await rawRequest(cluster.url, '/healthz', { ca: cluster.caPem });
    assert.equal(health.status, 200);
    // what the prototype pollution broke: ordinary ConfigMap writes
    const headers = {
      Authorization: `Bearer ${cluster.token}`,
      'Content-Type': 'application/json',
    };
    const name = `after-fuzz-${Date.now()}`;
    const created = await rawRequest(cluster.url, '/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      ca: cluster.caPem,
      headers,
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name },
        data: { a: '1' },
      }),
    });
    assert.equal(created.status, 201, created.text);
    const updated = await rawRequest(cluster.url, `/api/v1/namespaces/default/configmaps/${name}`, {
      method: 'PATCH',
      ca: cluster.caPem,
      headers: { ...headers, 'Content-Type': 'application/merge-patch+json' },
      body: '{"data":{"a":"2"}}',
    });
    assert.equal(updated.status, 200, updated.text);
  });
});

describe('fuzz: the Git, artifact and health servers', () => {
  let gitServer: GitHttpServer;
  let artifacts: ArtifactServer;
  let health: Awaited<ReturnType<typeof startHealthServer>>;
  let artifactPath = '';

  before(async () => {
    const repos = join(work, 'repos');
    const src = join(work, 'src');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'a.yaml'), 'a: 1\n');
    const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
    execFileSync('git', ['init', '-q', '-b', 'main', src], { env });
    execFileSync('git', ['-C', src, 'add', '.'], { env });
    execFileSync(
      'git',
      ['-C', src, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'x'],
      { env },
    );
    execFileSync('git', ['clone', '-q', '--bare', src, join(repos, 'repo.git')], { env });
    gitServer = await startGitHttpServer({ root: repos, allowPush: true });
    const store = await ArtifactStore.open({ root: join(work, 'artifacts') });
    artifacts = await startArtifactServer({ store });
    artifactPath = (
      await store.archive({ kind: 'Bucket', namespace: 'fz', name: 'b' }, src, { revision: 'x' })
    ).path;
    health = await startHealthServer({
      metrics: createMetricsRegistry({ defaults: false }),
      ready: () => true,
    });
  });
  after(async () => {
    await gitServer.close();
    await artifacts.close();
    await health.close();
  });

  function target(rng: Rng, paths: readonly string[]): string {
    const r = rng.next();
    if (r < 0.5) return rng.pick(paths);
    if (r < 0.7) return rng.pick(MALFORMED_TARGETS);
    const segments = Array.from({ length: 1 + rng.int(4) }, () =>
      pct(hostileKey(rng)).replace(/%25/g, rng.chance(0.3) ? '%' : '%25'),
    );
    const query = rng.chance(0.3) ? `?${pct(hostileKey(rng))}=${rng.int(9)}` : '';
    return `/${segments.join('/')}${query}`;
  }

  async function send(
    rng: Rng,
    base: string,
    paths: readonly string[],
  ): Promise<string | undefined> {
    const method = rng.pick(['GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE']);
    const path = target(rng, paths);
    const body =
      method === 'POST' || method === 'PUT' ? hostileBody(rng, () => hostileValue(rng)) : undefined;
    const type = rng.pick([
      'application/x-git-upload-pack-request',
      'application/x-git-receive-pack-request',
      'application/json',
      'text/plain',
    ]);
    const res = await rawRequest(base, path, {
      method,
      headers: {
        'Content-Type': type,
        ...(rng.chance(0.2) ? { 'Git-Protocol': 'version=2' } : {}),
      },
      ...(body === undefined ? {} : { body }),
      ...(body !== undefined && rng.chance(0.1)
        ? { abortAfterBytes: rng.int(body.length + 1) }
        : {}),
    });
    if (res.status < 500 && (res.status > 0 || body !== undefined)) return undefined;
    return `${method} ${path} ${body ? excerpt(body) : ''} → ${res.status} ${res.text.slice(0, 200)}`;
  }

  it('answers every request below 500 and keeps serving', async (t) => {
    const gitPaths = [
      '/repo.git/info/refs?service=git-upload-pack',
      '/repo.git/info/refs?service=git-receive-pack',
      '/repo.git/git-upload-pack',
      '/repo.git/git-receive-pack',
      '/repo.git/HEAD',
      '/repo.git/objects/info/packs',
      '/repo.git/../../etc/passwd',
      '/nope.git/info/refs',
    ];
    await fuzz(t, 'git server', (rng) => send(rng, gitServer.url, gitPaths));
    await fuzz(t, 'artifact server', (rng) =>
      send(rng, artifacts.url, [
        `/${artifactPath}`,
        '/healthz',
        '/bucket/fz/b/latest.tar.gz',
        '/bucket/../..',
      ]),
    );
    await fuzz(t, 'health server', (rng) =>
      send(rng, health.url, ['/healthz', '/readyz', '/metrics', '/livez']),
    );
    assert.equal(
      (await rawRequest(gitServer.url, '/repo.git/info/refs?service=git-upload-pack')).status,
      200,
    );
    assert.equal((await rawRequest(artifacts.url, `/${artifactPath}`)).status, 200);
    assert.equal((await rawRequest(health.url, '/healthz')).status, 200);
  });
});

describe('fuzz: parsers', () => {
  const regoInternalErrors: string[] = [];

  it('YAML (go-yaml compatible): parses or refuses, never an internal error', async (t) => {
    await fuzz(t, 'yaml', (rng) => {
      const text = hostileYaml(rng);
      try {
        if (rng.chance(0.5)) parseYaml(text);
        else parseYamlDocuments(text);
        return undefined;
      } catch (err) {
        const bad = internalError(err);
        return bad === undefined ? undefined : `${JSON.stringify(text.slice(0, 120))}: ${bad}`;
      }
    });
  });

  it('kubeconfig files: load or refuse with a clear error', async (t) => {
    await fuzz(t, 'kubeconfig', async (rng) => {
      const text = rng.chance(0.5)
        ? hostileYaml(rng)
        : `apiVersion: v1\nkind: Config\ncurrent-context: ${hostileKey(rng)}\nclusters: ${JSON.stringify([{ name: hostileKey(rng), cluster: hostileValue(rng) }])}\nusers: ${JSON.stringify([{ name: hostileKey(rng), user: hostileValue(rng) }])}\ncontexts: ${JSON.stringify([{ name: hostileKey(rng), context: hostileValue(rng) }])}\n`;
      try {
        const client = await KubeClient.fromKubeConfig({ yaml: text });
        client.close();
        return undefined;
      } catch (err) {
        const bad = internalError(err);
        return bad === undefined ? undefined : `${JSON.stringify(text.slice(0, 160))}: ${bad}`;
      }
    });
  });

  it('the apply engine: normalises, masks and diffs hostile objects or refuses them', async (t) => {
    await fuzz(t, 'apply', (rng) => {
      const kind = rng.pick(['Secret', 'ConfigMap', 'Deployment', 'Service', 'Namespace']);
      const a = hostileObject(rng, kind === 'Deployment' ? 'apps/v1' : 'v1', kind, 'x');
      const b = hostileObject(rng, kind === 'Deployment' ? 'apps/v1' : 'v1', kind, 'x');
      try {
        const na = normalizeObject(a);
        const nb = normalizeObject(b);
        maskSecret(na);
        maskSecrets(na, nb);
        hasDrifted(na, nb);
        const diff = unifiedDiff(`${kind}/x`, na, nb);
        if (kind === 'Secret' && /c2VjcmV0LXZhbHVl|secret-value/.test(diff))
          return 'a Secret value in a diff';
        return undefined;
      } catch (err) {
        const bad = internalError(err);
        return bad === undefined ? undefined : `${JSON.stringify(a).slice(0, 160)}: ${bad}`;
      }
    });
  });

  it('kustomize build of hostile trees: builds or refuses, Object.prototype untouched', async (t) => {
    let k = 0;
    await fuzz(t, 'kustomize', (rng) => {
      const dir = join(work, `k${k++}`);
      mkdirSync(dir, { recursive: true });
      const kustomization = rng.chance(0.5)
        ? hostileYaml(rng)
        : `resources:\n- r.yaml\n${rng.pick([
            `commonLabels: ${JSON.stringify(hostileValue(rng))}\n`,
            `patches:\n- patch: ${JSON.stringify(JSON.stringify(hostileObject(rng, 'v1', 'ConfigMap', 'x')))}\n`,
            `configMapGenerator:\n- name: g\n  literals: ${JSON.stringify([`${hostileKey(rng)}=v`])}\n`,
            `replacements: ${JSON.stringify(hostileValue(rng))}\n`,
            `namePrefix: ${JSON.stringify(hostileKey(rng))}\n`,
          ])}`;
      writeFileSync(join(dir, 'kustomization.yaml'), kustomization);
      writeFileSync(
        join(dir, 'r.yaml'),
        rng.chance(0.5)
          ? hostileYaml(rng)
          : JSON.stringify(hostileObject(rng, 'v1', 'ConfigMap', 'x')),
      );
      try {
        buildKustomization(dir);
        return undefined;
      } catch (err) {
        const bad = internalError(err);
        return bad === undefined
          ? undefined
          : `${JSON.stringify(kustomization.slice(0, 160))}: ${bad}`;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('Rego evaluation of hostile input and data: Object.prototype untouched', async (t) => {
    const policy = compile([
      {
        file: 'fuzz.rego',
        source: `package fuzz
import rego.v1

keys contains k if some k, _ in input
walked contains p if walk(input, [p, _])
merged := object.union(input, data.extra) if { is_object(input); is_object(data.extra) }
patched := json.patch(input, [{"op": "add", "path": "/__proto__/polluted", "value": 1}]) if is_object(input)
got := object.get(input, ["__proto__", "constructor", "prototype"], "none")
filtered := object.filter(input, {"__proto__", "constructor"}) if is_object(input)
removed := object.remove(input, ["constructor"]) if is_object(input)
text := json.marshal(input)
back := json.unmarshal(json.marshal(input))
yaml_back := yaml.unmarshal(yaml.marshal(input))
`,
      },
    ]);
    // Object.prototype is checked after every input; internal errors are the next test's
    await fuzz(t, 'rego', (rng) => {
      const input: unknown = rng.chance(0.3)
        ? JSON.parse(JSON.stringify(hostileValue(rng)) ?? 'null')
        : hostileValue(rng);
      const data = { extra: hostileValue(rng) };
      try {
        policy.eval('data.fuzz', { input, data });
      } catch (err) {
        const bad = internalError(err);
        if (bad !== undefined)
          regoInternalErrors.push(`${(JSON.stringify(input) ?? '').slice(0, 160)}: ${bad}`);
      }
      return undefined;
    });
  });

  it('Rego evaluation of hostile input and data: refuses it with a Rego error, never an internal one', () => {
    assert.deepEqual(regoInternalErrors.slice(0, 8), [], `${regoInternalErrors.length} inputs`);
  });
});

// the last word: whatever ran above, the prototypes are as they were
describe('fuzz: afterwards', () => {
  it('Object.prototype and Array.prototype are untouched', () => {
    assert.equal(prototypeSnapshot(), pristine);
  });
});
