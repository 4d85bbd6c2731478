// A real Kubernetes API server for tests: etcd, kube-apiserver (RBAC, service-account signing,
// a static admin token), kube-controller-manager, kube-scheduler and kwok's fake nodes — the
// upstream programs built by scripts/oracles/build.sh — on free 127.0.0.1 ports with generated
// certificates. Start one per test file (`before`), stop it in `after`.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, webcrypto } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTestCertificates, newKeyPair, privateKeyPem, toPem } from './certificates.js';
import { freePort } from './net.js';
import { findOracle, oracle, oraclesBinDir, oracleSkip, type OracleName } from './oracles.js';

/** A user the static token file knows, for tests of authorization and impersonation. */
export interface RealClusterUser {
  readonly name: string;
  readonly groups?: readonly string[];
}

export interface RealClusterOptions {
  /** Run kube-controller-manager (namespaces, garbage collection, Deployments → ReplicaSets → Pods, service accounts). @default true */
  readonly controllerManager?: boolean;
  /** Run kube-scheduler and kwok with one fake node, so that Pods become Running and Ready without a kubelet. @default true when kwok is built */
  readonly fakeNodes?: boolean;
  /** More users with static tokens (each gets `kubeconfigFor(name)`). */
  readonly users?: readonly RealClusterUser[];
  /** Extra kube-apiserver flags, e.g. `--feature-gates=...`. */
  readonly apiServerArgs?: readonly string[];
}

export interface RealCluster {
  /** `https://127.0.0.1:PORT` */
  readonly server: string;
  /** A kubeconfig file for the admin (group system:masters), context `real`. */
  readonly kubeconfigPath: string;
  readonly caPem: string;
  /** The admin's bearer token. */
  readonly token: string;
  /** Whether fake nodes run: Deployments' Pods become Ready. */
  readonly fakeNodes: boolean;
  /** Milliseconds from start to a ready API server (and controllers, nodes). */
  readonly startupMs: number;
  /** A kubeconfig file for one of `options.users`. */
  kubeconfigFor(user: string): string;
  /** The tail of a component's log (`etcd`, `kube-apiserver`, ...), for failure messages. */
  logTail(component: string, lines?: number): string;
  stop(): Promise<void>;
}

const REQUIRED: OracleName[] = ['etcd', 'kube-apiserver'];

/** The `skip` option for a suite that needs the real API server (see oracleSkip). */
export function realClusterSkip(): string | false {
  return oracleSkip(...REQUIRED, 'kube-controller-manager');
}

/** Whether the real API server's programs are built (the suite runs against it too). */
export function realClusterAvailable(): boolean {
  return realClusterSkip() === false;
}

interface Pki {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  saKey: string;
  saPub: string;
}

async function makePki(): Promise<Pki> {
  const certs = await makeTestCertificates({
    caName: 'flotilla-test-kubernetes-ca',
    serverName: 'kube-apiserver',
    dnsNames: [
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
    ],
    ipAddresses: ['127.0.0.1', '10.0.0.1'],
  });
  const saKeys = await newKeyPair();
  return {
    caCert: certs.caCert,
    caKey: certs.caKey,
    servingCert: certs.serverCert,
    servingKey: certs.serverKey,
    saKey: await privateKeyPem(saKeys.privateKey),
    saPub: toPem(await webcrypto.subtle.exportKey('spki', saKeys.publicKey), 'PUBLIC KEY'),
  };
}

function kubeconfig(server: string, caPem: string, user: string, token: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: real',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: real',
    '  context:',
    '    cluster: real',
    `    user: ${user}`,
    'current-context: real',
    '',
  ].join('\n');
}

interface HttpAnswer {
  status: number;
  body: string;
}

function call(
  server: string,
  caPem: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, server),
      {
        method,
        ca: caPem,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': contentType }),
        },
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Starts etcd, kube-apiserver and (by default) the controllers and fake nodes; see the file header. */
export async function startRealCluster(options: RealClusterOptions = {}): Promise<RealCluster> {
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-real-cluster-'));
  const children: { name: string; child: ChildProcess }[] = [];
  const logs = new Map<string, string>();
  let stopped = false;

  const run = (name: string, bin: string, args: string[]): ChildProcess => {
    const logPath = join(dir, `${name}.log`);
    logs.set(name, logPath);
    // The log file is the child's own stdout and stderr: piped through this process, a test that
    // blocks its event loop (execFileSync of kubectl) would fill the pipe and stall the server.
    const fd = openSync(logPath, 'a');
    const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.on('exit', (code, signal) => {
      if (!stopped) {
        appendFileSync(
          logPath,
          `\n[flotilla test] ${name} exited (code ${code}, signal ${signal})\n`,
        );
      }
    });
    children.push({ name, child });
    return child;
  };
  const logTail = (name: string, lines = 30): string => {
    const path = logs.get(name);
    if (!path) return `(no log for ${name})`;
    try {
      return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(log unreadable)';
    }
  };
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // Controllers first, then the API server, then etcd, as a cluster shuts down.
    for (const { child } of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const pki = await makePki();
    const files: Record<string, string> = {
      'ca.crt': pki.caCert,
      'ca.key': pki.caKey,
      'apiserver.crt': pki.servingCert,
      'apiserver.key': pki.servingKey,
      'sa.key': pki.saKey,
      'sa.pub': pki.saPub,
    };
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text, { mode: 0o600 });
    }
    const token = randomBytes(24).toString('hex');
    const userTokens = new Map<string, string>();
    const tokenLines = [`${token},admin,admin-uid,system:masters`];
    for (const u of options.users ?? []) {
      const t = randomBytes(24).toString('hex');
      userTokens.set(u.name, t);
      const groups = (u.groups ?? []).join(',');
      tokenLines.push(`${t},${u.name},${u.name}-uid${groups ? `,"${groups}"` : ''}`);
    }
    writeFileSync(join(dir, 'tokens.csv'), tokenLines.join('\n') + '\n', { mode: 0o600 });

    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    run('etcd', oracle('etcd'), [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    const server = `https://127.0.0.1:${apiPort}`;
    run('kube-apiserver', oracle('kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'certs')}`,
      `--tls-cert-file=${join(dir, 'apiserver.crt')}`,
      `--tls-private-key-file=${join(dir, 'apiserver.key')}`,
      `--client-ca-file=${join(dir, 'ca.crt')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=Node,RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.0.0.0/16',
      '--allow-privileged=true',
      '--profiling=false',
      '--v=0',
      ...(options.apiServerArgs ?? []),
    ]);
    const caPem = pki.caCert;
    const kubeconfigPath = join(dir, 'admin.kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfig(server, caPem, 'admin', token), { mode: 0o600 });

    const api = (method: string, path: string, body?: unknown) =>
      call(server, caPem, token, method, path, body);
    await waitFor(
      'kube-apiserver /readyz',
      90_000,
      async () => {
        const r = await api('GET', '/readyz');
        return r.status === 200;
      },
      () => logTail('kube-apiserver'),
    );

    const controllerManager = options.controllerManager ?? true;
    if (controllerManager) {
      run('kube-controller-manager', oracle('kube-controller-manager'), [
        `--kubeconfig=${kubeconfigPath}`,
        `--service-account-private-key-file=${join(dir, 'sa.key')}`,
        `--root-ca-file=${join(dir, 'ca.crt')}`,
        `--cluster-signing-cert-file=${join(dir, 'ca.crt')}`,
        `--cluster-signing-key-file=${join(dir, 'ca.key')}`,
        '--use-service-account-credentials=false',
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        `--secure-port=${await freePort()}`,
        `--cert-dir=${join(dir, 'kcm-certs')}`,
        '--controllers=*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service-lb-controller,-route',
        '--concurrent-gc-syncs=5',
        '--v=0',
      ]);
      // Pods (and so Deployments) need the namespace's default ServiceAccount, which the
      // controller manager creates.
      await waitFor(
        'the default ServiceAccount',
        60_000,
        async () => {
          const r = await api('GET', '/api/v1/namespaces/default/serviceaccounts/default');
          return r.status === 200;
        },
        () => logTail('kube-controller-manager'),
      );
    }

    const fakeNodes =
      (options.fakeNodes ?? true) &&
      controllerManager &&
      findOracle('kwok') !== undefined &&
      existsSync(join(oraclesBinDir(), '..', 'share', 'kwok-stages.yaml')) &&
      findOracle('kube-scheduler') !== undefined;
    if (fakeNodes) {
      run('kube-scheduler', oracle('kube-scheduler'), [
        `--kubeconfig=${kubeconfigPath}`,
        `--authentication-kubeconfig=${kubeconfigPath}`,
        `--authorization-kubeconfig=${kubeconfigPath}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        `--secure-port=${await freePort()}`,
        `--cert-dir=${join(dir, 'scheduler-certs')}`,
        '--v=0',
      ]);
      run('kwok', oracle('kwok'), [
        `--kubeconfig=${kubeconfigPath}`,
        // upstream's "fast" node and pod stages, copied from its module by the oracle build
        `--config=${join(oraclesBinDir(), '..', 'share', 'kwok-stages.yaml')}`,
        '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        '--cidr=10.244.0.0/16',
        '--node-ip=10.0.0.2',
        `--server-address=127.0.0.1:${await freePort()}`,
      ]);
      const capacity = { cpu: '64', memory: '256Gi', pods: '1000' };
      const node = await api('POST', '/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: 'kwok-node-0',
          annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
          labels: {
            type: 'kwok',
            'kubernetes.io/hostname': 'kwok-node-0',
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
          },
        },
        status: { capacity, allocatable: capacity },
      });
      if (node.status !== 201)
        throw new Error(`creating the fake node: ${node.status} ${node.body}`);
      await waitFor(
        'the fake node to be Ready',
        60_000,
        async () => {
          const r = await api('GET', '/api/v1/nodes/kwok-node-0');
          const n = JSON.parse(r.body) as {
            status?: { conditions?: { type: string; status: string }[] };
          };
          return (
            n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
          );
        },
        () => logTail('kwok'),
      );
      // A new node carries the not-ready taint until the node lifecycle controller lifts it;
      // that controller is off (it would mark a node without kubelet heartbeats unreachable and
      // evict its Pods), so lift it here.
      const untaint = await call(
        server,
        caPem,
        token,
        'PATCH',
        '/api/v1/nodes/kwok-node-0',
        {
          spec: { taints: null },
        },
        'application/merge-patch+json',
      );
      if (untaint.status !== 200) {
        throw new Error(`untainting the fake node: ${untaint.status} ${untaint.body}`);
      }
    }

    const startupMs = Date.now() - t0;
    console.log(
      `# real cluster: kube-apiserver v1.36 at ${server} ready in ${startupMs} ms` +
        (controllerManager ? ' (with kube-controller-manager' : ' (no controllers') +
        (fakeNodes ? ', kube-scheduler and a kwok node)' : ')'),
    );
    return {
      server,
      kubeconfigPath,
      caPem,
      token,
      fakeNodes,
      startupMs,
      kubeconfigFor(user: string): string {
        const t = userTokens.get(user);
        if (t === undefined) throw new Error(`no test user ${user} (declare it in options.users)`);
        const path = join(dir, `${user.replace(/[^a-zA-Z0-9_.-]/g, '_')}.kubeconfig`);
        writeFileSync(path, kubeconfig(server, caPem, user, t), { mode: 0o600 });
        return path;
      },
      logTail,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitFor(
  what: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
  log: () => string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      if (await probe()) return;
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(
    `real cluster: timed out waiting for ${what}${last instanceof Error ? ` (${last.message})` : ''}\n${log()}`,
  );
}
