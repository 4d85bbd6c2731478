// Turns a Flux-style auth Secret (username/password, bearerToken, TLS, SSH keys) into git environment.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCategory, FlotillaError } from '../../core/index.js';

/** Decoded Secret data (values as raw bytes or UTF-8 strings). */
export type SecretData = Readonly<Record<string, string | Uint8Array>>;

/** Transport kinds, as Flux names them in its messages. */
export const GitTransport = { HTTP: 'http', HTTPS: 'https', SSH: 'ssh', File: 'file' } as const;
export type GitTransport = (typeof GitTransport)[keyof typeof GitTransport];

/** HTTP credentials and TLS material for in-process requests (ls-refs). */
export interface HttpAuth {
  /** Extra request headers (Authorization), sent to the repository's origin only. */
  readonly headers: Readonly<Record<string, string>>;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

/** Environment and clean-up for git processes that talk to one remote. */
export interface GitAuth {
  readonly transport: GitTransport;
  /** The same credentials for in-process HTTP requests; undefined for ssh and file. */
  readonly http?: HttpAuth;
  /** Merged into every git invocation's environment (GIT_CONFIG_*, GIT_SSH_COMMAND ...). */
  readonly env: Readonly<Record<string, string>>;
  /** Values to scrub from any message. */
  readonly secrets: readonly string[];
  /** Removes the private temp dir holding keys and certificates. */
  dispose(): Promise<void>;
}

export interface PrepareGitAuthOptions {
  /** Parent of the private (0700) temp dir for key files. @default os.tmpdir() */
  readonly tmpRoot?: string;
  /** Used in error messages, e.g. `flux-system/podinfo`. */
  readonly object?: string;
}

function text(v: string | Uint8Array | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : Buffer.from(v).toString('utf8');
}

/** The transport of a URL: `https`, `http`, `ssh` (also scp-like `git@host:path`) or `file`. */
export function transportOf(url: string): GitTransport {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!m) {
    if (/^[^/:]+@[^/:]+:/.test(url)) return GitTransport.SSH;
    if (url.startsWith('/')) return GitTransport.File;
    throw new FlotillaError(`unsupported URL '${url}': expected http, https, ssh or file`, {
      reason: 'URLInvalid',
      field: 'spec.url',
    });
  }
  const scheme = (m[1] ?? '').toLowerCase();
  switch (scheme) {
    case 'http':
      return GitTransport.HTTP;
    case 'https':
      return GitTransport.HTTPS;
    case 'ssh':
    case 'git+ssh':
      return GitTransport.SSH;
    case 'file':
      return GitTransport.File;
    case 'git':
      // git daemon protocol: unauthenticated, like http without a secret.
      return GitTransport.HTTP;
    default:
      throw new FlotillaError(`unsupported URL scheme '${scheme}' in '${url}'`, {
        reason: 'URLInvalid',
        field: 'spec.url',
      });
  }
}

function invalid(transport: string, key: string, options: PrepareGitAuthOptions): FlotillaError {
  return new FlotillaError(`invalid '${transport}' auth option: '${key}' is required`, {
    reason: 'AuthenticationFailed',
    category: ErrorCategory.Terminal,
    ...(options.object === undefined ? {} : { object: options.object }),
    field: `secret key '${key}'`,
  });
}

/** Quotes a value for the POSIX shell that runs GIT_SSH_COMMAND. */
function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Prepares credentials for one remote. Credentials never go into argv or the URL: HTTP
 * headers travel in GIT_CONFIG_* environment variables scoped to the remote's origin, and
 * key material is written to a private 0700 directory with 0600 files.
 */
export async function prepareGitAuth(
  url: string,
  data: SecretData | undefined,
  options: PrepareGitAuthOptions = {},
): Promise<GitAuth> {
  const transport = transportOf(url);
  const config: [string, string][] = [];
  const env: Record<string, string> = {};
  const secrets: string[] = [];
  let http:
    { headers: Record<string, string>; ca?: Buffer; cert?: Buffer; key?: Buffer } | undefined;
  let dir: string | undefined;
  const ensureDir = async (): Promise<string> => {
    dir ??= await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'flotilla-git-auth-'));
    await chmod(dir, 0o700);
    return dir;
  };
  const writePrivate = async (name: string, content: string | Uint8Array): Promise<string> => {
    const p = join(await ensureDir(), name);
    await writeFile(p, content, { mode: 0o600 });
    return p;
  };
  const dispose = async (): Promise<void> => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  };

  try {
    const d = data ?? {};
    if (transport === GitTransport.HTTP || transport === GitTransport.HTTPS) {
      const origin = /^[a-z]+:\/\/[^/]+/i.exec(url)?.[0].replace(/\/\/[^@/]*@/, '//') ?? url;
      const username = text(d.username);
      const password = text(d.password);
      const bearer = text(d.bearerToken);
      if (username !== undefined && username !== '' && (password ?? '') === '')
        throw invalid(transport, 'password', options);
      if ((username ?? '') === '' && password !== undefined && password !== '')
        throw invalid(transport, 'username', options);
      let header: string | undefined;
      if (bearer !== undefined && bearer !== '') {
        header = `Authorization: Bearer ${bearer}`;
        secrets.push(bearer);
      } else if (username && password) {
        const basic = Buffer.from(`${username}:${password}`).toString('base64');
        header = `Authorization: Basic ${basic}`;
        secrets.push(password, basic);
      }
      http = { headers: {} };
      if (header !== undefined) {
        config.push([`http.${origin}/.extraHeader`, header]);
        http.headers.Authorization = header.slice('Authorization: '.length);
      }
      const ca = d['ca.crt'] ?? d.caFile;
      if (ca !== undefined) {
        config.push(['http.sslCAInfo', await writePrivate('ca.crt', ca)]);
        http.ca = Buffer.from(ca);
      }
      const cert = d['tls.crt'];
      const key = d['tls.key'];
      if ((cert === undefined) !== (key === undefined))
        throw invalid(transport, cert === undefined ? 'tls.crt' : 'tls.key', options);
      if (cert !== undefined && key !== undefined) {
        config.push(['http.sslCert', await writePrivate('tls.crt', cert)]);
        config.push(['http.sslKey', await writePrivate('tls.key', key)]);
        http.cert = Buffer.from(cert);
        http.key = Buffer.from(key);
      }
    } else if (transport === GitTransport.SSH) {
      const identity = d.identity;
      const knownHosts = d.known_hosts;
      if (identity === undefined) throw invalid(transport, 'identity', options);
      if (knownHosts === undefined) throw invalid(transport, 'known_hosts', options);
      let idText = text(identity) ?? '';
      if (!idText.endsWith('\n')) idText += '\n';
      const idFile = await writePrivate('identity', idText);
      const khFile = await writePrivate('known_hosts', knownHosts);
      const parts = [
        'ssh',
        '-F /dev/null',
        `-i ${shq(idFile)}`,
        '-o IdentitiesOnly=yes',
        `-o UserKnownHostsFile=${shq(khFile)}`,
        '-o GlobalKnownHostsFile=/dev/null',
        '-o StrictHostKeyChecking=yes',
        '-o PasswordAuthentication=no',
        '-o KbdInteractiveAuthentication=no',
        '-o ConnectTimeout=30',
      ];
      const passphrase = text(d.password);
      if (passphrase !== undefined && passphrase !== '') {
        // ssh reads a key passphrase only through SSH_ASKPASS; the script prints an env var so
        // the passphrase is neither in argv nor on disk.
        const askpass = await writePrivate(
          'askpass.sh',
          '#!/bin/sh\nprintf "%s\\n" "$FLOTILLA_SSH_PASSPHRASE"\n',
        );
        await chmod(askpass, 0o700);
        env.SSH_ASKPASS = askpass;
        env.SSH_ASKPASS_REQUIRE = 'force';
        env.DISPLAY = 'none';
        env.FLOTILLA_SSH_PASSPHRASE = passphrase;
        secrets.push(passphrase);
      } else {
        parts.push('-o BatchMode=yes');
      }
      env.GIT_SSH_COMMAND = parts.join(' ');
      env.GIT_SSH_VARIANT = 'ssh';
    }
    config.forEach(([k, v], i) => {
      env[`GIT_CONFIG_KEY_${i}`] = k;
      env[`GIT_CONFIG_VALUE_${i}`] = v;
    });
    if (config.length > 0) env.GIT_CONFIG_COUNT = String(config.length);
    return http ? { transport, env, secrets, http, dispose } : { transport, env, secrets, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}
