// A small fleet for Tower's tests and benchmark: a Git repository (podinfo for staging and
// production with different image tags, a config folder holding a Secret), served over smart
// HTTP with credentials and pushes allowed, and the Flux objects that point clusters at it.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Annotation } from '../core/index.js';
import type { KubeClient, KubeObject } from '../kube/index.js';
import { startGitHttpServer, type GitHttpServer } from '../source/index.js';

/** The Secret value the fixture commits: tests check it never reaches the browser. */
export const FIXTURE_SECRET_VALUE = 'hunter2-fixture-password-9f3a';

const env = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};

const FILES: Record<string, string> = {
  'apps/base/podinfo/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - service.yaml\n',
  'apps/base/podinfo/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
spec:
  replicas: 1
  selector:
    matchLabels: {app: podinfo}
  template:
    metadata:
      labels: {app: podinfo}
    spec:
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.0.0
`,
  'apps/base/podinfo/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: podinfo
spec:
  selector: {app: podinfo}
  ports:
    - port: 9898
`,
  'apps/staging/kustomization.yaml': `namespace: podinfo
resources:
  - namespace.yaml
  - ../base/podinfo
images:
  - name: ghcr.io/stefanprodan/podinfo
    newTag: 6.7.0
`,
  'apps/staging/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: podinfo\n',
  'apps/production/kustomization.yaml': `namespace: podinfo
resources:
  - namespace.yaml
  - ../base/podinfo
images:
  - name: ghcr.io/stefanprodan/podinfo
    newTag: 6.5.0
`,
  'apps/production/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: podinfo\n',
  'config/staging/kustomization.yaml':
    'namespace: podinfo\nresources:\n  - secret.yaml\n  - configmap.yaml\n',
  'config/staging/secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: podinfo-db
stringData:
  password: ${FIXTURE_SECRET_VALUE}
`,
  'config/staging/configmap.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo-settings\ndata:\n  color: blue\n',
};

export interface FleetRepo {
  /** A working clone to commit and push from. */
  readonly work: string;
  /** The repository's URL (without credentials). */
  readonly url: string;
  readonly server: GitHttpServer;
  readonly auth: { readonly username: string; readonly password: string };
  /** Writes files, commits them as `author` and pushes; resolves with the new commit id. */
  commit(
    files: Readonly<Record<string, string>>,
    message: string,
    author?: string,
  ): Promise<string>;
  /** The commit id of the remote's main branch. */
  head(): Promise<string>;
  close(): Promise<void>;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
}

const run = promisify(execFile);

/** Git commands that talk to the server, which runs in this process: never blocking its event loop. */
async function remote(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd, env, encoding: 'utf8' })).stdout.trim();
}

/** Creates the repository (first commit by Alice) and serves it. */
export async function startFleetRepo(): Promise<FleetRepo> {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-fleet-'));
  const work = join(root, 'work');
  mkdirSync(work);
  git(work, 'init', '-q', '-b', 'main');
  const write = (files: Readonly<Record<string, string>>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    }
  };
  write(FILES);
  git(work, 'add', '-A');
  git(
    work,
    '-c',
    'user.name=Alice',
    '-c',
    'user.email=alice@example.com',
    'commit',
    '-qm',
    'Add podinfo and its config',
  );
  execFileSync('git', ['clone', '-q', '--bare', work, join(root, 'fleet.git')], { env });
  const auth = { username: 'fleet', password: 'fleet-git-password' };
  const server = await startGitHttpServer({ root, basicAuth: auth, allowPush: true });
  const url = `${server.url}/fleet.git`;
  const withAuth = url.replace('http://', `http://${auth.username}:${auth.password}@`);
  git(work, 'remote', 'add', 'origin', withAuth);
  return {
    work,
    url,
    server,
    auth,
    async commit(files, message, author = 'Bob <bob@example.com>') {
      await remote(work, 'pull', '-q', '--ff-only', 'origin', 'main');
      write(files);
      git(work, 'add', '-A');
      const m = /^(.*) <(.*)>$/.exec(author);
      git(
        work,
        '-c',
        `user.name=${m?.[1] ?? author}`,
        '-c',
        `user.email=${m?.[2] ?? ''}`,
        'commit',
        '-qm',
        message,
      );
      await remote(work, 'push', '-q', 'origin', 'main');
      return git(work, 'rev-parse', 'HEAD');
    },
    async head() {
      return (await remote(work, 'ls-remote', 'origin', 'refs/heads/main')).split('\t')[0] ?? '';
    },
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Asks a cluster's fleet GitRepository to fetch now, as a push webhook would. */
export async function requestFleetFetch(client: KubeClient): Promise<void> {
  await client.patch(
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      namespace: 'flux-system',
      name: 'fleet',
    },
    'merge',
    { metadata: { annotations: { [Annotation.ReconcileRequestedAt]: new Date().toISOString() } } },
  );
}

/** The Flux objects that point a cluster at the fleet repository: source, credentials, apps. */
export function fleetObjects(
  repo: Pick<FleetRepo, 'url' | 'auth'>,
  apps: readonly {
    readonly name: string;
    readonly path: string;
    readonly dependsOn?: readonly string[];
  }[],
): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'fleet-git', namespace: 'flux-system' },
      stringData: { username: repo.auth.username, password: repo.auth.password },
    },
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'fleet', namespace: 'flux-system' },
      spec: {
        url: repo.url,
        interval: '1m',
        ref: { branch: 'main' },
        secretRef: { name: 'fleet-git' },
      },
    },
    ...apps.map((a): KubeObject => ({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: a.name, namespace: 'flux-system' },
      spec: {
        interval: '10m',
        retryInterval: '5s',
        path: a.path,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'fleet' },
        ...(a.dependsOn ? { dependsOn: a.dependsOn.map((name) => ({ name })) } : {}),
      },
    })),
  ];
}
