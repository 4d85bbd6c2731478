// Test fixtures: local Git repositories and real Git servers (smart HTTP, git daemon, sshd) on 127.0.0.1.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile, chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { startGitHttpServer } from '../source/index.js';
import { freePort, waitForPort } from './net.js';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** Runs git synchronously in a fixture repository and returns trimmed stdout. */
export function git(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...GIT_ENV, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A working repository whose pushes go to a bare repository served by the test servers. */
export class FixtureRepo {
  constructor(
    readonly work: string,
    readonly bare: string,
  ) {}

  /** Creates `<root>/<name>.git` (bare) and a working clone at `<root>/<name>-work`. */
  static create(root: string, name: string, branch = 'main'): FixtureRepo {
    const bare = join(root, `${name}.git`);
    const work = join(root, `${name}-work`);
    execFileSync('git', ['init', '-q', '--bare', '-b', branch, bare], { env: GIT_ENV });
    execFileSync('git', ['init', '-q', '-b', branch, work], { env: GIT_ENV });
    git(work, ['remote', 'add', 'origin', bare]);
    return new FixtureRepo(work, bare);
  }

  /** Writes files (path → content), commits them and returns the commit id. */
  async commit(
    files: Record<string, string>,
    message = 'change',
    extraArgs: readonly string[] = [],
    env: Record<string, string> = {},
  ): Promise<string> {
    for (const [p, content] of Object.entries(files)) {
      const full = join(this.work, p);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
    }
    git(this.work, ['add', '-A']);
    git(this.work, ['commit', '-q', '--allow-empty', '-m', message, ...extraArgs], env);
    return git(this.work, ['rev-parse', 'HEAD']);
  }

  push(...refspecs: string[]): void {
    git(this.work, ['push', '-q', '--force', 'origin', ...(refspecs.length ? refspecs : ['HEAD'])]);
  }

  head(): string {
    return git(this.work, ['rev-parse', 'HEAD']);
  }
}

export interface RunningServer {
  readonly url: string;
  /** Number of requests served (HTTP) — to count round trips. */
  readonly requests: () => number;
  close(): Promise<void>;
}

export interface HttpGitServerOptions {
  /** Directory holding the bare repositories. */
  readonly root: string;
  readonly basic?: { readonly username: string; readonly password: string };
  readonly bearer?: string;
  /** Serve HTTPS with this key pair; with `clientCa`, require a client certificate it signed. */
  readonly tls?: { readonly key: string; readonly cert: string; readonly clientCa?: string };
}

/** Smart HTTP(S) with optional auth: the product's git server (source/gitserver). */
export function startHttpGitServer(options: HttpGitServerOptions): Promise<RunningServer> {
  return startGitHttpServer({
    root: options.root,
    ...(options.basic ? { basicAuth: options.basic } : {}),
    ...(options.bearer !== undefined ? { bearerToken: options.bearer } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** `git daemon` serving every repository under root on 127.0.0.1. */
export async function startGitDaemon(root: string): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(
    'git',
    [
      'daemon',
      '--reuseaddr',
      '--export-all',
      '--informative-errors',
      `--base-path=${root}`,
      '--listen=127.0.0.1',
      `--port=${port}`,
      root,
    ],
    {
      env: GIT_ENV,
      stdio: 'ignore',
    },
  );
  await waitForPort(port);
  return { url: `git://127.0.0.1:${port}`, requests: () => 0, close: () => stopChild(child) };
}

export interface SshServer extends RunningServer {
  /** A known_hosts line for the server. */
  readonly knownHosts: string;
  /** Private key (OpenSSH format) of the authorised client. */
  readonly clientKey: string;
  /** SSH URL prefix, e.g. `ssh://git@127.0.0.1:PORT` — append the absolute repo path. */
}

/** Why sshd cannot run here, or undefined when it can. */
export function sshdUnavailable(): string | undefined {
  if (!existsSync('/usr/sbin/sshd'))
    return 'sshd not installed (apt-get install -y openssh-server)';
  if (process.getuid?.() !== 0) return 'sshd test needs root to switch to the connecting user';
  return undefined;
}

/** Runs `/usr/sbin/sshd -D` with its own host key and one authorised client key. */
export async function startSshd(dir: string): Promise<SshServer> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'client', '-f', clientKey]);
  const authorized = join(dir, 'authorized_keys');
  execFileSync('cp', [`${clientKey}.pub`, authorized]);
  await chmod(authorized, 0o600);
  const port = await freePort();
  const user = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'UsePAM no',
      'StrictModes no',
      `AllowUsers ${user}`,
      'PermitRootLogin prohibit-password',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  await mkdir('/run/sshd', { recursive: true });
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: 'ignore' });
  await waitForPort(port);
  const hostPub = execFileSync('cat', [`${hostKey}.pub`], { encoding: 'utf8' })
    .trim()
    .split(' ')
    .slice(0, 2)
    .join(' ');
  return {
    url: `ssh://${user}@127.0.0.1:${port}`,
    knownHosts: `[127.0.0.1]:${port} ${hostPub}\n`,
    clientKey: readFileSync(clientKey, 'utf8'),
    requests: () => 0,
    close: () => stopChild(child),
  };
}
