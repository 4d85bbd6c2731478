// Tests kubeconfig loading and the keep-alive transport against a real HTTPS server on 127.0.0.1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlotillaError } from '../core/index.js';
import { KubeClient, KubeApiError, loadKubeConfig, isNotFound } from './index.js';

/** Issues a CA, a serving certificate for 127.0.0.1 and a client certificate with openssl. */
function makePki(dir: string): {
  caPem: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
} {
  const run = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  run(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  );
  for (const [name, cn, ext] of [
    ['server', 'apiserver', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ['client', 'jane', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    run(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    );
    writeFileSync(join(dir, `${name}.ext`), ext.replace('\\n', '\n'));
    run(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  }
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return {
    caPem: read('ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
  };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** The certificates are made with the openssl CLI; without it the suite is skipped, saying why. */
const opensslMissing = ((): string | false => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return false;
  } catch {
    return 'openssl is not installed (apt-get install openssl)';
  }
})();

describe('kubeconfig and transport', { skip: opensslMissing }, () => {
  let server: https.Server;
  let url = '';
  let caPem = '';
  let pki: ReturnType<typeof makePki>;
  const seen: { auth: string | undefined; cn: string | undefined; path: string }[] = [];
  const sockets = new Set<Socket>();
  let maxOpen = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-kube-'));

  before(async () => {
    pki = makePki(dir);
    caPem = pki.caPem;
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
    assert.equal(loadKubeConfig({ path: file }).getCurrentContext(), 'token');
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
      /names no known cluster/,
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
});
