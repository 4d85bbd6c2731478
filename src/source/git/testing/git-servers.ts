// Test fixtures: local Git repositories and real Git servers (http-backend, git daemon, sshd) on 127.0.0.1.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile, chmod } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, connect } from 'node:net';
import { dirname, join } from 'node:path';

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

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.on('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`port ${port} did not open`);
    await new Promise((r) => setTimeout(r, 50));
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

const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

/** Smart HTTP via `git http-backend` (CGI) behind a node server with optional auth. */
export async function startHttpGitServer(options: HttpGitServerOptions): Promise<RunningServer> {
  let count = 0;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    count++;
    const auth = req.headers.authorization ?? '';
    const wantBasic = options.basic
      ? `Basic ${Buffer.from(`${options.basic.username}:${options.basic.password}`).toString('base64')}`
      : undefined;
    const wantBearer = options.bearer !== undefined ? `Bearer ${options.bearer}` : undefined;
    if ((wantBasic || wantBearer) && auth !== wantBasic && auth !== wantBearer) {
      res.writeHead(401, { 'WWW-Authenticate': wantBasic ? 'Basic realm="git"' : 'Bearer' });
      res.end('unauthorized');
      return;
    }
    const u = new URL(req.url ?? '/', 'http://x');
    const cgi = spawn(HTTP_BACKEND, [], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: options.root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(u.pathname),
        QUERY_STRING: u.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_ADDR: '127.0.0.1',
        REMOTE_USER: 'test',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const sep = head.indexOf('\r\n\r\n');
      if (sep < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, sep).toString().split('\r\n')) {
        const i = line.indexOf(':');
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(sep + 4));
    });
    cgi.on('close', () => res.end());
    cgi.stderr.resume();
  };
  const server: Server = options.tls
    ? createHttpsServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ...(options.tls.clientCa
            ? { ca: options.tls.clientCa, requestCert: true, rejectUnauthorized: true }
            : {}),
        },
        handler,
      )
    : createHttpServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
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

export interface TestPki {
  readonly caCert: string;
  readonly serverKey: string;
  readonly serverCert: string;
  readonly clientKey: string;
  readonly clientCert: string;
}

/** A throw-away CA with a server certificate for 127.0.0.1 and a client certificate (openssl). */
export async function makeTestPki(dir: string): Promise<TestPki> {
  await mkdir(dir, { recursive: true });
  const o = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  o(
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
    '2',
    '-subj',
    '/CN=flotilla test CA',
  );
  await writeFile(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const who of ['server', 'client']) {
    o(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${who}.key`,
      '-out',
      `${who}.csr`,
      '-subj',
      `/CN=${who}`,
    );
    o(
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${who}.crt`,
      '-days',
      '2',
      ...(who === 'server' ? ['-extfile', 'san.ext'] : []),
    );
  }
  const { readFileSync } = await import('node:fs');
  const r = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return {
    caCert: r('ca.crt'),
    serverKey: r('server.key'),
    serverCert: r('server.crt'),
    clientKey: r('client.key'),
    clientCert: r('client.crt'),
  };
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
  const { readFileSync } = await import('node:fs');
  return {
    url: `ssh://${user}@127.0.0.1:${port}`,
    knownHosts: `[127.0.0.1]:${port} ${hostPub}\n`,
    clientKey: readFileSync(clientKey, 'utf8'),
    requests: () => 0,
    close: () => stopChild(child),
  };
}
