// Tests kubeconfig loading and the keep-alive transport against a real HTTPS server on 127.0.0.1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlotillaError } from '../core/index.js';
import { makeTestCertificates, type TestCertificates } from '../testing/index.js';
import {
  KubeClient,
  KubeApiError,
  connectionFromKubeConfig,
  loadKubeConfig,
  isNotFound,
} from './index.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('kubeconfig and transport', () => {
  let server: https.Server;
  let url = '';
  let caPem = '';
  let pki: TestCertificates;
  const seen: { auth: string | undefined; cn: string | undefined; path: string }[] = [];
  const sockets = new Set<Socket>();
  let maxOpen = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-kube-'));

  before(async () => {
    pki = await makeTestCertificates({
      dnsNames: ['apiserver.test'],
      serverName: 'apiserver',
      clientName: 'jane',
    });
    caPem = pki.caCert;
    server = https.createServer(
      {
        cert: pki.serverCert,
        key: pki.serverKey,
        ca: caPem,
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req: IncomingMessage, res: ServerResponse) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        seen.push({
          auth: req.headers.authorization,
          cn: peer?.subject?.CN as string | undefined,
          path: req.url ?? '',
        });
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        setTimeout(() => {
          inFlight--;
          if (req.headers.authorization === 'Bearer stale') {
            res.writeHead(401, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({
                kind: 'Status',
                apiVersion: 'v1',
                status: 'Failure',
                reason: 'Unauthorized',
                code: 401,
                message: 'Unauthorized',
              }),
            );
            return;
          }
          if (req.url?.startsWith('/api/v1/namespaces/default/configmaps/missing')) {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({
                kind: 'Status',
                apiVersion: 'v1',
                status: 'Failure',
                reason: 'NotFound',
                code: 404,
                message: 'configmaps "missing" not found',
                details: { name: 'missing', kind: 'configmaps' },
              }),
            );
            return;
          }
          if (req.url === '/api/v1') {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({
                kind: 'APIResourceList',
                groupVersion: 'v1',
                resources: [
                  {
                    name: 'configmaps',
                    kind: 'ConfigMap',
                    namespaced: true,
                    verbs: ['get', 'list'],
                  },
                ],
              }),
            );
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'x', namespace: 'default' },
            }),
          );
        }, 5);
      },
    );
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      maxOpen = Math.max(maxOpen, sockets.size);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(
      join(dir, 'exec.mjs'),
      `process.stdout.write(JSON.stringify({kind:'ExecCredential',apiVersion:'client.authentication.k8s.io/v1beta1',status:{token:'from-exec-'+process.env.EXTRA}}))`,
    );
  });
  after(() => {
    server.close();
    for (const s of sockets) s.destroy();
  });

  function kubeconfig(): string {
    return `apiVersion: v1
kind: Config
current-context: token
clusters:
- name: local
  cluster:
    server: ${url}
    certificate-authority-data: ${b64(caPem)}
contexts:
- name: token
  context: {cluster: local, user: token-user, namespace: team-a}
- name: cert
  context: {cluster: local, user: cert-user}
- name: exec
  context: {cluster: local, user: exec-user}
- name: broken
  context: {cluster: nowhere, user: token-user}
users:
- name: token-user
  user: {token: secret-token}
- name: cert-user
  user:
    client-certificate-data: ${b64(pki.clientCert)}
    client-key-data: ${b64(pki.clientKey)}
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ${process.execPath}
      args: [${join(dir, 'exec.mjs')}]
      env: [{name: EXTRA, value: plugin}]
      interactiveMode: Never
`;
  }

  const cases = [
    { context: 'token', auth: 'Bearer secret-token', cn: undefined, namespace: 'team-a' },
    { context: 'cert', auth: undefined, cn: 'jane', namespace: 'default' },
    { context: 'exec', auth: 'Bearer from-exec-plugin', cn: undefined, namespace: 'default' },
  ];
  for (const c of cases) {
    it(`authenticates with the ${c.context} context`, async () => {
      const kube = await KubeClient.fromKubeConfig({ yaml: kubeconfig(), context: c.context });
      try {
        seen.length = 0;
        const obj = await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' });
        assert.equal(obj.metadata.name, 'x');
        assert.equal(kube.defaultNamespace, c.namespace);
        const last = seen.at(-1);
        assert.equal(last?.auth, c.auth);
        assert.equal(last?.cn, c.cn);
        assert.equal(last?.path, `/api/v1/namespaces/${c.namespace}/configmaps/x`);
      } finally {
        kube.close();
      }
    });
  }

  it('reads a kubeconfig file and rejects unknown contexts and clusters by name', () => {
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfig());
    assert.equal(loadKubeConfig({ path: file }).contextName, 'token');
    assert.throws(
      () => loadKubeConfig({ path: file, context: 'nope' }),
      (err: unknown) => {
        assert.ok(err instanceof FlotillaError);
        assert.equal(err.file, file);
        assert.match(err.message, /no context "nope"/);
        return true;
      },
    );
    assert.throws(
      () => loadKubeConfig({ path: file, context: 'broken' }),
      /context "broken" names cluster "nowhere" which does not exist \(field contexts\[3\]\.context\.cluster\)/,
    );
    assert.throws(() => loadKubeConfig({ path: join(dir, 'absent') }), /cannot load kubeconfig/);
  });

  it('maps a metav1.Status to a typed error', async () => {
    const kube = await KubeClient.fromKubeConfig({ yaml: kubeconfig() });
    try {
      await assert.rejects(
        kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'missing', namespace: 'default' }),
        (err: unknown) => {
          assert.ok(err instanceof KubeApiError);
          assert.equal(err.code, 404);
          assert.equal(err.statusReason, 'NotFound');
          assert.equal(err.category, 'RetryLater');
          assert.equal(err.object, 'ConfigMap/default/missing');
          assert.ok(isNotFound(err));
          return true;
        },
      );
      assert.equal(
        await kube.getOrUndefined({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: 'missing',
          namespace: 'default',
        }),
        undefined,
      );
    } finally {
      kube.close();
    }
  });

  it('keeps connections alive and bounds concurrency with maxSockets', async () => {
    const kube = await KubeClient.fromKubeConfig({ yaml: kubeconfig() }, { maxSockets: 4 });
    try {
      await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' });
      maxInFlight = 0;
      const before = sockets.size;
      await Promise.all(
        Array.from({ length: 40 }, () =>
          kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' }),
        ),
      );
      assert.ok(maxInFlight <= 4, `at most 4 requests at once, saw ${maxInFlight}`);
      assert.ok(sockets.size - before <= 4, `at most 4 new sockets, saw ${sockets.size - before}`);
      assert.equal(kube.stats.byMethod['GET'], 42);
      assert.equal(kube.stats.writes, 0);
    } finally {
      kube.close();
    }
  });
  /** A kubeconfig with one cluster (this server) and one user, written to `file`. */
  function oneUser(file: string, user: string, extraCluster = ''): string {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
current-context: c
clusters:
- name: local
  cluster:
    server: ${url}
    certificate-authority-data: ${b64(caPem)}
${extraCluster}contexts:
- name: c
  context: {cluster: local, user: u}
users:
- name: u
  user:
${user
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
`,
    );
    return file;
  }

  /** Gets ConfigMap x and returns the Authorization header and client CN the server saw. */
  async function callAs(
    file: string,
  ): Promise<{ auth: string | undefined; cn: string | undefined }> {
    const kube = await KubeClient.fromKubeConfig({ path: file });
    try {
      await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' });
      const last = seen.at(-1);
      return { auth: last?.auth, cn: last?.cn };
    } finally {
      kube.close();
    }
  }

  /** An exec plugin that counts its runs, records KUBERNETES_EXEC_INFO and answers `status`. */
  function plugin(name: string, status: string, apiVersion: string): string {
    const script = join(dir, `${name}.mjs`);
    writeFileSync(
      script,
      `import { appendFileSync, writeFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(join(dir, `${name}.runs`))}, 'x');
writeFileSync(${JSON.stringify(join(dir, `${name}.info`))}, process.env.KUBERNETES_EXEC_INFO ?? '');
const runs = (await import('node:fs')).readFileSync(${JSON.stringify(join(dir, `${name}.runs`))}, 'utf8').length;
const status = ${status};
process.stdout.write(JSON.stringify({ kind: 'ExecCredential', apiVersion: '${apiVersion}', status }));
`,
    );
    return script;
  }
  const runsOf = (name: string): number => {
    try {
      return readFileSync(join(dir, `${name}.runs`), 'utf8').length;
    } catch {
      return 0;
    }
  };

  it('runs a v1 exec plugin with cluster info, caches its token until it expires and after a 401 runs it again', async () => {
    // First answer 'stale' (the server rejects it with 401), then fresh tokens that expire in an hour.
    const script = plugin(
      'v1',
      `runs === 1 ? { token: 'stale' } : { token: 'fresh-' + runs, expirationTimestamp: new Date(Date.now() + 3600e3).toISOString() }`,
      'client.authentication.k8s.io/v1',
    );
    const file = oneUser(
      join(dir, 'exec-v1', 'config'),
      `exec:
  apiVersion: client.authentication.k8s.io/v1
  command: ${process.execPath}
  args: [${script}]
  interactiveMode: Never
  provideClusterInfo: true`,
      `    tls-server-name: apiserver.test
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {audience: flotilla}
`,
    );
    const kube = await KubeClient.fromKubeConfig({ path: file });
    try {
      await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' });
      assert.equal(seen.at(-1)?.auth, 'Bearer fresh-2', 'the 401 made the plugin run again');
      await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' });
      assert.equal(seen.at(-1)?.auth, 'Bearer fresh-2');
      assert.equal(runsOf('v1'), 2, 'an unexpired token is reused');
    } finally {
      kube.close();
    }
    const info = JSON.parse(readFileSync(join(dir, 'v1.info'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(info, {
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1',
      spec: {
        interactive: false,
        cluster: {
          server: url,
          'tls-server-name': 'apiserver.test',
          'certificate-authority-data': b64(caPem),
          config: { audience: 'flotilla' },
        },
      },
    });
  });

  it('runs an exec plugin again once its token has expired, and uses the client certificate it returns', async () => {
    const script = plugin(
      'expiring',
      `{ token: 't' + runs, expirationTimestamp: new Date(Date.now() - 1000).toISOString(), clientCertificateData: ${JSON.stringify(pki.clientCert)}, clientKeyData: ${JSON.stringify(pki.clientKey)} }`,
      'client.authentication.k8s.io/v1beta1',
    );
    const file = oneUser(
      join(dir, 'exec-expiring', 'config'),
      `exec:
  apiVersion: client.authentication.k8s.io/v1beta1
  command: ${process.execPath}
  args: [${script}]`,
    );
    const kube = await KubeClient.fromKubeConfig({ path: file });
    try {
      seen.length = 0;
      await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' });
      await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' });
      assert.equal(seen.at(-1)?.cn, 'jane');
      // One run to connect, then one per request (discovery and two gets).
      assert.equal(runsOf('expiring'), seen.length + 1, 'an expired token is never reused');
      assert.equal(seen.at(-1)?.auth, `Bearer t${seen.length + 1}`);
    } finally {
      kube.close();
    }
    const info = JSON.parse(readFileSync(join(dir, 'expiring.info'), 'utf8')) as {
      spec: Record<string, unknown>;
    };
    assert.deepEqual(info.spec, { interactive: false }, 'no cluster info unless asked for');
  });

  const pluginFailures = [
    {
      name: 'a plugin that fails',
      exec: `command: ${process.execPath}\n  args: ['-e', 'console.error("no login session"); process.exit(3)']`,
      error: /exited with code 3: no login session \(field users\[0\]\.user\.exec\)/,
    },
    {
      name: 'a missing plugin',
      exec: `command: flotilla-no-such-plugin\n  installHint: install it from the intranet`,
      error: /flotilla-no-such-plugin of user "u" was not found: install it from the intranet/,
    },
    {
      name: 'a plugin answering another apiVersion',
      exec: `command: ${process.execPath}\n  args: ['-e', 'console.log(JSON.stringify({kind:"ExecCredential",apiVersion:"client.authentication.k8s.io/v1",status:{token:"t"}}))']`,
      error:
        /returned ExecCredential of client.authentication.k8s.io\/v1, but is configured for ExecCredential of client.authentication.k8s.io\/v1beta1/,
    },
    {
      name: 'a plugin answering no credential',
      exec: `command: ${process.execPath}\n  args: ['-e', 'console.log(JSON.stringify({kind:"ExecCredential",apiVersion:"client.authentication.k8s.io/v1beta1",status:{}}))']`,
      error: /returned neither a token nor a client certificate and key/,
    },
    {
      name: 'a plugin that must be interactive',
      exec: `command: ${process.execPath}\n  interactiveMode: Always`,
      error: /interactiveMode is Always but stdin is not a terminal/,
    },
  ];
  for (const f of pluginFailures) {
    it(`fails clearly with ${f.name}`, async () => {
      const file = oneUser(
        join(dir, 'plugin-failure', 'config'),
        `exec:\n  apiVersion: client.authentication.k8s.io/v1beta1\n  ${f.exec}`,
      );
      await assert.rejects(
        connectionFromKubeConfig(loadKubeConfig({ path: file }), { stdinIsTerminal: false }),
        (err: unknown) => {
          assert.ok(err instanceof FlotillaError);
          assert.equal(err.file, file);
          assert.match(err.message, f.error);
          return true;
        },
      );
    });
  }

  it('re-reads a token file, relative to its kubeconfig, when it is replaced', async () => {
    const file = oneUser(join(dir, 'tokenfile', 'config'), 'tokenFile: secrets/token');
    mkdirSync(join(dir, 'tokenfile', 'secrets'));
    const tokenPath = join(dir, 'tokenfile', 'secrets', 'token');
    writeFileSync(tokenPath, 'first\n');
    const conn = await connectionFromKubeConfig(loadKubeConfig({ path: file }), {
      tokenFileRecheckMs: 0,
    });
    assert.deepEqual(await conn.authHeaders(), { Authorization: 'Bearer first' });
    // Rotated the way the kubelet does it: a new file moved into place.
    writeFileSync(`${tokenPath}.new`, 'second-token');
    renameSync(`${tokenPath}.new`, tokenPath);
    assert.deepEqual(await conn.authHeaders(), { Authorization: 'Bearer second-token' });
    assert.deepEqual(await callAs(file), { auth: 'Bearer second-token', cn: undefined });
  });

  it('reads client certificates and the CA from files relative to the kubeconfig', async () => {
    mkdirSync(join(dir, 'certfiles', 'pki'), { recursive: true });
    writeFileSync(join(dir, 'certfiles', 'pki', 'ca.crt'), caPem);
    writeFileSync(join(dir, 'certfiles', 'pki', 'jane.crt'), pki.clientCert);
    writeFileSync(join(dir, 'certfiles', 'pki', 'jane.key'), pki.clientKey);
    const file = join(dir, 'certfiles', 'config');
    writeFileSync(
      file,
      `clusters:
- name: local
  cluster: {server: '${url}', certificate-authority: pki/ca.crt}
contexts:
- name: c
  context: {cluster: local, user: jane}
current-context: c
users:
- name: jane
  user: {client-certificate: pki/jane.crt, client-key: pki/jane.key}
`,
    );
    assert.deepEqual(await callAs(file), { auth: undefined, cn: 'jane' });
  });

  it('sends basic auth from username and password', async () => {
    const file = oneUser(join(dir, 'basic', 'config'), 'username: admin\npassword: s3cret');
    assert.deepEqual(await callAs(file), {
      auth: `Basic ${b64('admin:s3cret')}`,
      cn: undefined,
    });
  });
});

describe('kubeconfig merging ($KUBECONFIG)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-kubeconfig-merge-'));
  const a = join(dir, 'a', 'config');
  const b = join(dir, 'b', 'config');
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  writeFileSync(
    a,
    `clusters:
- name: shared
  cluster: {server: 'https://a.example:6443', insecure-skip-tls-verify: true}
contexts:
- name: shared
  context: {cluster: shared, user: shared, namespace: from-a}
users:
- name: shared
  user: {tokenFile: token}
`,
  );
  writeFileSync(
    b,
    `current-context: only-b
clusters:
- name: shared
  cluster: {server: 'https://b.example:6443'}
- name: b
  cluster: {server: 'https://b-only.example', tls-server-name: api.b}
contexts:
- name: shared
  context: {cluster: b, user: shared, namespace: from-b}
- name: only-b
  context: {cluster: shared, user: shared}
users:
- name: shared
  user: {token: from-b}
`,
  );
  const c = join(dir, 'c', 'config');
  mkdirSync(join(dir, 'c'));
  writeFileSync(c, `current-context: shared\n`);
  const env = (files: string[]) => ({ KUBECONFIG: files.join(':'), HOME: dir });

  const cases = [
    {
      name: 'the first file defining a name wins; current-context from the first that sets it',
      files: [a, join(dir, 'missing'), b],
      context: undefined,
      want: {
        contextName: 'only-b',
        namespace: undefined,
        server: 'https://a.example:6443',
        tokenFile: join(dir, 'a', 'token'),
        token: undefined,
      },
    },
    {
      name: 'a current-context in an earlier file beats a later one',
      files: [c, b, a],
      context: undefined,
      want: {
        contextName: 'shared',
        namespace: 'from-b',
        server: 'https://b-only.example',
        tokenFile: undefined,
        token: 'from-b',
      },
    },
    {
      name: 'an explicit context overrides current-context',
      files: [a, b],
      context: 'shared',
      want: {
        contextName: 'shared',
        namespace: 'from-a',
        server: 'https://a.example:6443',
        tokenFile: join(dir, 'a', 'token'),
        token: undefined,
      },
    },
  ];
  for (const t of cases) {
    it(t.name, () => {
      const kc = loadKubeConfig({
        env: env(t.files),
        ...(t.context === undefined ? {} : { context: t.context }),
      });
      assert.deepEqual(
        {
          contextName: kc.contextName,
          namespace: kc.namespace,
          server: kc.cluster.server,
          tokenFile: kc.user.tokenFile,
          token: kc.user.token,
        },
        t.want,
      );
    });
  }

  it('names the file that defines a context with a missing user', () => {
    const d = join(dir, 'd-config');
    writeFileSync(
      d,
      'contexts:\n- name: x\n  context: {cluster: shared}\n- name: y\n  context: {cluster: shared, user: other}\n',
    );
    assert.throws(
      () => loadKubeConfig({ env: env([a, d]), context: 'y' }),
      (err: unknown) => {
        assert.ok(err instanceof FlotillaError);
        assert.equal(
          err.message,
          `kubeconfig ${d}: context "y" names user "other" which does not exist (field contexts[1].context.user)`,
        );
        assert.equal(err.file, d);
        assert.equal(err.field, 'contexts[1].context.user');
        return true;
      },
    );
  });

  it('reads ~/.kube/config without KUBECONFIG, and fails when no KUBECONFIG file exists', () => {
    mkdirSync(join(dir, '.kube'));
    writeFileSync(join(dir, '.kube', 'config'), readFileSync(b, 'utf8'));
    assert.equal(loadKubeConfig({ env: { HOME: dir } }).contextName, 'only-b');
    assert.throws(
      () => loadKubeConfig({ env: env([join(dir, 'nope1'), join(dir, 'nope2')]) }),
      /none of the files in KUBECONFIG exists/,
    );
  });

  it('builds the in-cluster config from the service-account mount', () => {
    const prefix = mkdtempSync(join(tmpdir(), 'flotilla-sa-'));
    const sa = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'sa-token');
    writeFileSync(join(sa, 'namespace'), 'team-x\n');
    const kc = loadKubeConfig({
      inCluster: { pathPrefix: prefix },
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
    });
    assert.equal(kc.cluster.server, 'https://[fd00::1]:443');
    assert.equal(kc.cluster.certificateAuthority, join(sa, 'ca.crt'));
    assert.equal(kc.user.tokenFile, join(sa, 'token'));
    assert.equal(kc.namespace, 'team-x');
    assert.throws(
      () =>
        loadKubeConfig({
          inCluster: { pathPrefix: join(prefix, 'x') },
          env: { KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '1' },
        }),
      /cannot read token file .*serviceaccount\/token/,
    );
    assert.throws(() => loadKubeConfig({ inCluster: true, env: {} }), /KUBERNETES_SERVICE_HOST/);
  });

  it('falls back to the in-cluster config inside a pod that has no kubeconfig', () => {
    const home = mkdtempSync(join(tmpdir(), 'flotilla-home-'));
    const pod = { HOME: home, KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    // No service account is mounted on this machine: the error shows the in-cluster path was taken.
    assert.throws(
      () => loadKubeConfig({ env: pod }),
      /cannot read token file \/var\/run\/secrets\/kubernetes.io\/serviceaccount\/token/,
    );
    // Outside a pod, a missing ~/.kube/config stays an error about that file.
    assert.throws(() => loadKubeConfig({ env: { HOME: home } }), /\.kube\/config/);
    // A kubeconfig, when there is one, wins over the service account.
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), readFileSync(b, 'utf8'));
    assert.equal(loadKubeConfig({ env: pod }).contextName, 'only-b');
  });
});

describe('kubeconfig errors name the file and the field', () => {
  const base = (cluster: string, user: string, context = '{cluster: c, user: u}') =>
    `current-context: x
clusters:
- name: c
  cluster: ${cluster}
contexts:
- name: other
  context: {cluster: c}
- name: x
  context: ${context}
users:
- name: u
  user: ${user}
`;
  const ok = `{server: 'https://k.example'}`;
  const cases = [
    {
      yaml: base(ok, '{token: t}', '{cluster: c, user: nobody}'),
      error:
        'context "x" names user "nobody" which does not exist (field contexts[1].context.user)',
    },
    {
      yaml: base(ok, '{token: t}', '{user: u}'),
      error: 'context "x" names no cluster (field contexts[1].context.cluster)',
    },
    {
      yaml: base('{}', '{token: t}'),
      error: 'cluster "c" has no server (field clusters[0].cluster.server)',
    },
    {
      yaml: base(`{server: 'https://k', proxy-url: 'http://proxy:3128'}`, '{token: t}'),
      error:
        'cluster "c" uses proxy-url, which Flotilla does not support (field clusters[0].cluster.proxy-url)',
    },
    {
      yaml: base(`{server: 'https://k', certificate-authority-data: 'not base64!'}`, '{token: t}'),
      error: 'is not valid base64 (field clusters[0].cluster.certificate-authority-data)',
    },
    {
      yaml: base(
        `{server: 'https://k', certificate-authority-data: 'QUJD', insecure-skip-tls-verify: true}`,
        '{token: t}',
      ),
      error:
        'cluster "c" sets both a certificate authority and insecure-skip-tls-verify; choose one (field clusters[0].cluster.insecure-skip-tls-verify)',
    },
    {
      yaml: base(`{server: 'https://k', insecure-skip-tls-verify: 'yes'}`, '{token: t}'),
      error: 'must be true or false (field clusters[0].cluster.insecure-skip-tls-verify)',
    },
    {
      yaml: base(ok, '{client-certificate-data: QUJD}'),
      error:
        'user "u" has a client certificate but no client-key or client-key-data (field users[0].user.client-key)',
    },
    {
      yaml: base(ok, '{token: t, username: admin}'),
      error:
        'user "u" sets both a token and a username/password; only one is allowed (field users[0].user.username)',
    },
    {
      yaml: base(ok, '{auth-provider: {name: oidc}}'),
      error:
        'user "u" uses an auth-provider, which Flotilla does not support (use an exec credential plugin) (field users[0].user.auth-provider)',
    },
    {
      yaml: base(ok, '{exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}}'),
      error:
        'exec plugin apiVersion "client.authentication.k8s.io/v1alpha1" is not one of client.authentication.k8s.io/v1, client.authentication.k8s.io/v1beta1 (field users[0].user.exec.apiVersion)',
    },
    {
      yaml: base(ok, '{exec: {apiVersion: client.authentication.k8s.io/v1, command: x}}'),
      error:
        'interactiveMode must be set for exec plugins of client.authentication.k8s.io/v1 (field users[0].user.exec.interactiveMode)',
    },
    {
      yaml: base(
        ok,
        '{exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: x, env: [{value: v}]}}',
      ),
      error: 'has no name (field users[0].user.exec.env[0].name)',
    },
    { yaml: base(ok, '{token: 42}'), error: 'must be a string (field users[0].user.token)' },
    { yaml: 'clusters: {c: 1}\n', error: 'must be a list (field clusters)' },
    { yaml: '- a\n- b\n', error: 'the document is not a mapping' },
    { yaml: 'clusters: [\n', error: 'not valid YAML' },
    { yaml: '', error: 'no context is chosen and none is current (field current-context)' },
  ];
  for (const c of cases) {
    it(c.error, () => {
      assert.throws(
        () => loadKubeConfig({ yaml: c.yaml }),
        (err: unknown) => {
          assert.ok(err instanceof FlotillaError);
          assert.equal(err.reason, 'InvalidKubeConfig');
          assert.equal(err.file, '<inline kubeconfig>');
          assert.ok(err.message.includes(c.error), err.message);
          return true;
        },
      );
    });
  }

  it('accepts a context without a user (anonymous)', async () => {
    const kc = loadKubeConfig({ yaml: base(ok, '{token: t}'), context: 'other' });
    assert.equal(kc.user.name, '');
    const conn = await connectionFromKubeConfig(kc);
    assert.deepEqual(await conn.authHeaders(), {});
    assert.equal(conn.tls.rejectUnauthorized, true);
  });
});
