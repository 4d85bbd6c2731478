// The Dockerfile's steps, run as the image build would run them but without Docker (which this
// machine lacks): the checkout's files (what `docker build .` sends, minus .dockerignore) are
// copied into a clean folder; scripts/image/pack.sh installs, builds and packs there; then
// scripts/image/install.sh installs the tarball with production dependencies only under a
// prefix, as the runtime stage does; the installed `flotilla controller` (the image's
// entrypoint and the Deployment's arguments) must start against the local cluster.
// Slow (a full `npm ci`, build and install, minutes): it runs under CI=true or with
// FLOTILLA_IMAGE_STEPS=1, and is skipped with that reason otherwise.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startLocalCluster, type LocalCluster } from '../localcluster/index.js';
import { KubeClient } from '../kube/index.js';
import { installCrds } from '../controller/index.js';
import { projectRoot, until } from '../testing/index.js';

const enabled =
  process.env['CI'] === 'true' ||
  process.env['CI'] === '1' ||
  process.env['FLOTILLA_IMAGE_STEPS'] === '1';
const skip = enabled ? false : 'slow (npm ci, build, pack, install): set FLOTILLA_IMAGE_STEPS=1';
if (skip) console.log(`# skipped: ${skip}`);

let root: string;
let cluster: LocalCluster | undefined;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-image-'));
});

after(async () => {
  await cluster?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** The files `docker build .` would send: the checkout's, less .dockerignore's patterns. */
function copyContext(dest: string): void {
  const ignored = readFileSync(join(projectRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: projectRoot,
      encoding: 'utf8',
    },
  )
    .split('\0')
    .filter((f) => f !== '' && !ignored.some((p) => f === p || f.startsWith(`${p}/`)));
  for (const f of files) {
    mkdirSync(dirname(join(dest, f)), { recursive: true });
    cpSync(join(projectRoot, f), join(dest, f));
  }
}

describe('the Dockerfile steps in a clean folder', { skip }, () => {
  it('pack, install with production dependencies, then the controller starts', async () => {
    const context = join(root, 'context');
    copyContext(context);
    const dockerfile = readFileSync(join(context, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /RUN sh scripts\/image\/pack\.sh \/out\n/);
    assert.match(
      dockerfile,
      /RUN sh \/tmp\/pack\/install\.sh \/tmp\/pack\/flotilla-\*\.tgz \/usr\/local/,
    );
    const sh = (script: string, args: string[], cwd: string) =>
      execFileSync('sh', [script, ...args], {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_OPTIONS: '' },
      });
    const out = join(root, 'out');
    sh('scripts/image/pack.sh', [out], context);
    const tarball = readdirSync(out).find((f) => /^flotilla-.*\.tgz$/.test(f));
    assert.ok(tarball, 'pack.sh wrote the tarball');
    const prefix = join(root, 'prefix');
    const installed = sh(
      join(context, 'scripts/image/install.sh'),
      [join(out, tarball), prefix],
      root,
    );
    assert.match(installed, /^flotilla\s+\d+\.\d+\.\d+/m);

    cluster = await startLocalCluster({ port: 0, inMemory: true });
    const kubeconfig = join(root, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeconfig);
    const client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
    await installCrds(client);
    client.close();
    const controller = spawn(
      join(prefix, 'bin', 'flotilla'),
      [
        ...['--kubeconfig', kubeconfig, 'controller', '--data', join(root, 'data')],
        ...['--health-addr', '127.0.0.1:0', '--storage-addr', '127.0.0.1:0'],
        ...['--enable-leader-election', '--leader-election-namespace', 'default'],
      ],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    controller.stderr.on('data', (d: Buffer) => (log += d.toString()));
    try {
      await until('the installed controller to lead', () =>
        log.includes('"became leader"') ? true : undefined,
      );
    } finally {
      controller.kill('SIGTERM');
    }
  });
});
