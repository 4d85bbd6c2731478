// `flotilla create secret git|helm|oci|tls NAME`: the Secrets Flux sources read credentials from,
// with flux's keys, types, checks and messages; --export prints them as flux does.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { contextFrom, type CliContext } from '../context.js';
import {
  addCreateFlags,
  parseLabels,
  validateObjectName,
  type CreateFlags,
} from '../create-flags.js';
import { CliError } from '../errors.js';
import { printExport } from '../flux-export.js';
import { fluxLog } from '../flux-log.js';
import { gitCredentialsSecret, gitScheme } from '../git-secret.js';
import { connect } from '../kube.js';
import { goJsonIndent } from '../go-json.js';

type SecretType =
  'kubernetes.io/basic-auth' | 'kubernetes.io/tls' | 'kubernetes.io/dockerconfigjson' | 'Opaque';

function secretObject(
  name: string,
  namespace: string,
  stringData: Record<string, string>,
  type?: SecretType,
  labels?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      ...(labels && Object.keys(labels).length > 0 ? { labels } : {}),
    },
    stringData,
    ...(type ? { type } : {}),
  };
}

/** Creates the Secret, or updates its stringData, labels and annotations (flux's upsertSecret). */
export async function upsertSecret(client: KubeClient, secret: KubeObject): Promise<void> {
  const ref = {
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: secret.metadata.namespace ?? '',
    name: secret.metadata.name ?? '',
  };
  const existing = await client.getOrUndefined(ref);
  if (!existing) {
    await client.create(secret);
    return;
  }
  await client.update({
    ...existing,
    metadata: {
      ...existing.metadata,
      labels: { ...(existing.metadata.labels ?? {}), ...(secret.metadata.labels ?? {}) },
      annotations: {
        ...(existing.metadata.annotations ?? {}),
        ...(secret.metadata.annotations ?? {}),
      },
    },
    stringData: secret['stringData'],
  });
}

function readFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Go's tls.X509KeyPair check: the key must belong to the certificate. */
function checkKeyPair(cert: string, key: string): void {
  try {
    if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key)))
      throw new Error('tls: private key does not match public key');
  } catch (err) {
    throw new CliError(
      `invalid TLS certificate and key pair: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** fluxcd/pkg's MakeTLSSecret: a cert/key pair (type kubernetes.io/tls) and/or a CA (Opaque). */
function tlsData(
  crt?: string,
  key?: string,
  ca?: string,
): { data: Record<string, string>; type: SecretType } {
  if (Boolean(crt) !== Boolean(key))
    throw new CliError(
      crt
        ? 'found certificate but missing private key'
        : 'found private key but missing certificate',
    );
  if (!crt && !ca) throw new CliError('no CA certificate or client certificate pair found');
  const data: Record<string, string> = {};
  if (crt && key) {
    checkKeyPair(crt, key);
    data['tls.crt'] = crt;
    data['tls.key'] = key;
  }
  if (ca) data['ca.crt'] = ca;
  return { data, type: crt ? 'kubernetes.io/tls' : 'Opaque' };
}

/** Writes the Secret (or prints it with --export; `newline` adds the blank line flux's Println does). */
async function deliver(
  ctx: CliContext,
  secret: KubeObject,
  opts: CreateFlags,
  what: string,
  newline: boolean,
): Promise<void> {
  if (opts.export) {
    ctx.stdout.write(printExport(secret) + (newline ? '\n' : ''));
    return;
  }
  const client = await connect(ctx);
  try {
    await upsertSecret(client, secret);
  } finally {
    client.close();
  }
  fluxLog(ctx).action(
    `${what} secret '${secret.metadata.name ?? ''}' created in '${secret.metadata.namespace ?? ''}' namespace`,
  );
}

interface GitSecretFlags extends CreateFlags {
  url?: string;
  username?: string;
  password?: string;
  bearerToken?: string;
  caCrtFile?: string;
  privateKeyFile?: string;
  sshKeyAlgorithm: string;
  sshRsaBits: string;
  sshEcdsaCurve: string;
}

async function createSecretGit(
  name: string,
  opts: GitSecretFlags,
  command: Command,
): Promise<void> {
  const ctx = contextFrom(command);
  validateObjectName(name);
  if (!opts.url) throw new CliError('url is required');
  const scheme = gitScheme(opts.url);
  const labels = parseLabels(opts.label);
  if (scheme !== 'ssh') {
    if ((!opts.username || !opts.password) && !opts.bearerToken)
      throw new CliError(
        'for Git over HTTP/S the username and password, or a bearer token is required',
      );
    if (opts.username && opts.password && opts.bearerToken)
      throw new CliError('user credentials and bearer token cannot be used together');
  }
  const secret = await gitCredentialsSecret({
    name,
    namespace: ctx.options.namespace,
    url: opts.url,
    labels,
    ...(opts.username ? { username: opts.username } : {}),
    ...(opts.password ? { password: opts.password } : {}),
    ...(opts.bearerToken ? { bearerToken: opts.bearerToken } : {}),
    ...(opts.caCrtFile ? { caCrtFile: opts.caCrtFile } : {}),
    ...(opts.privateKeyFile ? { privateKeyFile: opts.privateKeyFile } : {}),
    keyAlgorithm: opts.sshKeyAlgorithm,
    rsaBits: Number(opts.sshRsaBits),
    ecdsaCurve: opts.sshEcdsaCurve,
  });
  const obj = secret ?? secretObject(name, ctx.options.namespace, {}, undefined, labels);
  const pub = (obj['stringData'] as Record<string, string>)['identity.pub'];
  if (pub && !opts.export) fluxLog(ctx).generate(`deploy key: ${pub}`);
  await deliver(ctx, obj, opts, 'git', true);
}

interface HelmSecretFlags extends CreateFlags {
  username?: string;
  password?: string;
  tlsCrtFile?: string;
  tlsKeyFile?: string;
  caCrtFile?: string;
}

async function createSecretHelm(
  name: string,
  opts: HelmSecretFlags,
  command: Command,
): Promise<void> {
  const ctx = contextFrom(command);
  validateObjectName(name);
  const labels = parseLabels(opts.label);
  const ns = ctx.options.namespace;
  const ca = opts.caCrtFile ? readFile(opts.caCrtFile, 'unable to read TLS CA file') : undefined;
  const crt = opts.tlsCrtFile ? readFile(opts.tlsCrtFile, 'failed to read cert file') : undefined;
  const key = opts.tlsKeyFile ? readFile(opts.tlsKeyFile, 'failed to read key file') : undefined;
  let secret: KubeObject;
  if (crt || key) {
    const tls = tlsData(crt, key, ca);
    secret = secretObject(name, ns, tls.data, tls.type, labels);
  } else if (opts.username || opts.password) {
    if (!opts.username) throw new CliError('username is required');
    if (!opts.password) throw new CliError('password is required');
    const data: Record<string, string> = { username: opts.username, password: opts.password };
    if (ca) data['ca.crt'] = ca;
    secret = secretObject(name, ns, data, 'kubernetes.io/basic-auth', labels);
  } else if (ca) {
    const tls = tlsData(undefined, undefined, ca);
    secret = secretObject(name, ns, tls.data, tls.type, labels);
  } else {
    secret = secretObject(name, ns, {}, undefined, labels);
  }
  await deliver(ctx, secret, opts, 'helm', true);
}

interface OciSecretFlags extends CreateFlags {
  url?: string;
  username?: string;
  password?: string;
}

const REPOSITORY_CHARS = /^[a-z0-9_./-]+$/;

/** go-containerregistry's ParseReference, enough to refuse what flux refuses. */
function checkOciReference(ref: string): void {
  const fail = (why: string) => new CliError(`error parsing url: '${why}'`);
  let rest = ref;
  const at = rest.indexOf('@');
  if (at >= 0) rest = rest.slice(0, at);
  const slash = rest.indexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash && slash >= 0) rest = rest.slice(0, colon);
  const parts = rest.split('/');
  let repo = rest;
  if (parts.length > 1 && (parts[0]?.includes('.') || parts[0]?.includes(':')))
    repo = parts.slice(1).join('/');
  if (repo.length < 2 || repo.length > 255 || !REPOSITORY_CHARS.test(repo))
    throw fail(`could not parse reference: ${ref}`);
}

async function createSecretOci(
  name: string,
  opts: OciSecretFlags,
  command: Command,
): Promise<void> {
  const ctx = contextFrom(command);
  validateObjectName(name);
  if (!opts.url) throw new CliError('--url is required');
  if (!opts.username) throw new CliError('--username is required');
  if (!opts.password) throw new CliError('--password is required');
  checkOciReference(opts.url);
  const auth = Buffer.from(`${opts.username}:${opts.password}`).toString('base64');
  const config = goJsonIndent({
    auths: { [opts.url]: { username: opts.username, password: opts.password, auth } },
  });
  const secret = secretObject(
    name,
    ctx.options.namespace,
    { '.dockerconfigjson': config },
    'kubernetes.io/dockerconfigjson',
  );
  await deliver(ctx, secret, opts, 'oci', true);
}

interface TlsSecretFlags extends CreateFlags {
  tlsCrtFile?: string;
  tlsKeyFile?: string;
  caCrtFile?: string;
}

async function createSecretTls(
  name: string,
  opts: TlsSecretFlags,
  command: Command,
): Promise<void> {
  const ctx = contextFrom(command);
  validateObjectName(name);
  const labels = parseLabels(opts.label);
  const ca = opts.caCrtFile ? readFile(opts.caCrtFile, 'unable to read TLS CA file') : undefined;
  const crt = opts.tlsCrtFile ? readFile(opts.tlsCrtFile, 'failed to read cert file') : undefined;
  const key = opts.tlsKeyFile ? readFile(opts.tlsKeyFile, 'failed to read key file') : undefined;
  const tls = tlsData(crt, key, ca);
  const secret = secretObject(name, ctx.options.namespace, tls.data, tls.type, labels);
  await deliver(ctx, secret, opts, 'tls', false);
}

export function registerCreateSecretCommands(create: Command): void {
  const secret = create
    .command('secret')
    .description('create or update Kubernetes secrets for Flux');
  addCreateFlags(
    secret
      .command('git <name>')
      .description('create or update a Kubernetes secret for Git authentication')
      .option('--url <url>', 'git address, e.g. ssh://git@host/org/repository')
      .option('-u, --username <name>', 'basic authentication username')
      .option('-p, --password <password>', 'basic authentication password')
      .option('--bearer-token <token>', 'bearer authentication token')
      .option(
        '--ca-crt-file <file>',
        'path to TLS CA certificate file used for validating self-signed certificates',
      )
      .option(
        '--private-key-file <file>',
        'path to a passwordless private key file used for authenticating to the Git SSH server',
      )
      .option(
        '--ssh-key-algorithm <algorithm>',
        'SSH public key algorithm (rsa, ecdsa, ed25519)',
        'ecdsa',
      )
      .option(
        '--ssh-rsa-bits <bits>',
        'SSH RSA public key bit size (multiplies of 8, min 1024)',
        '2048',
      )
      .option('--ssh-ecdsa-curve <curve>', 'SSH ECDSA public key curve (p256, p384, p521)', 'p384'),
  ).action(createSecretGit);
  addCreateFlags(
    secret
      .command('helm <name>')
      .description('create or update a Kubernetes secret for Helm repository authentication')
      .option('-u, --username <name>', 'basic authentication username')
      .option('-p, --password <password>', 'basic authentication password')
      .option('--tls-crt-file <file>', 'TLS authentication cert file path')
      .option('--tls-key-file <file>', 'TLS authentication key file path')
      .option('--ca-crt-file <file>', 'TLS authentication CA file path'),
  ).action(createSecretHelm);
  addCreateFlags(
    secret
      .command('oci <name>')
      .description('create or update a Kubernetes image pull secret')
      .option('--url <url>', 'oci repository address e.g ghcr.io/stefanprodan/charts')
      .option('-u, --username <name>', 'basic authentication username')
      .option('-p, --password <password>', 'basic authentication password'),
  ).action(createSecretOci);
  addCreateFlags(
    secret
      .command('tls <name>')
      .description('create or update a Kubernetes secret with TLS certificates')
      .option('--tls-crt-file <file>', 'TLS authentication cert file path')
      .option('--tls-key-file <file>', 'TLS authentication key file path')
      .option('--ca-crt-file <file>', 'TLS authentication CA file path'),
  ).action(createSecretTls);
}
