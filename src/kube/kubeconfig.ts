// Loads kubeconfig files (merging, contexts, tokens, client certificates, exec plugins, in-cluster) into a connection.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { FlotillaError } from '../core/index.js';
import { ExecCredentialProvider, type ExecClusterInfo } from './exec-credential.js';
import {
  kubeConfigError,
  mergeKubeConfigs,
  readKubeConfigFiles,
  type KubeConfigCluster,
  type KubeConfigSource,
  type KubeConfigUser,
  type Origin,
} from './kubeconfig-file.js';
import { TokenFile } from './token-file.js';

export type {
  ExecConfig,
  KubeConfigCluster,
  KubeConfigContext,
  KubeConfigUser,
} from './kubeconfig-file.js';

export interface KubeConfigOptions {
  /**
   * Path of one kubeconfig file, read alone (kubectl's `--kubeconfig`).
   * @default the files of $KUBECONFIG merged, else ~/.kube/config (when yaml is unset)
   */
  readonly path?: string;
  /** A kubeconfig document given as text (takes precedence over path). */
  readonly yaml?: string;
  /** The context to use. @default the kubeconfig's current-context */
  readonly context?: string;
  /**
   * Use the pod's service account (KUBERNETES_SERVICE_HOST/PORT and the mounted token, CA and
   * namespace) instead of a kubeconfig; `pathPrefix` is put before the mount path.
   */
  readonly inCluster?: boolean | { readonly pathPrefix: string };
  /** Where KUBECONFIG, HOME and KUBERNETES_SERVICE_HOST/PORT are read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The chosen context of a kubeconfig, resolved: its cluster, its user and its namespace. */
export interface KubeConfig {
  /** The file(s) read, `<inline kubeconfig>` or `in-cluster`, for messages. */
  readonly source: string;
  readonly contextName: string;
  readonly namespace: string | undefined;
  readonly cluster: KubeConfigCluster;
  /** Where the cluster stanza was defined. */
  readonly clusterOrigin: Origin;
  readonly user: KubeConfigUser;
  /** Where the user stanza was defined (the context's, for a context without a user). */
  readonly userOrigin: Origin;
}

/** Where and how to reach one API server: its URL, TLS material and fresh auth headers. */
export interface ClusterConnection {
  readonly server: string;
  /** The namespace of the chosen context. @default 'default' */
  readonly namespace: string;
  readonly tls: {
    readonly ca?: string | Buffer | undefined;
    readonly cert?: string | Buffer | undefined;
    readonly key?: string | Buffer | undefined;
    readonly rejectUnauthorized?: boolean | undefined;
    readonly servername?: string | undefined;
  };
  /** Headers to send (Authorization from a token, token file, exec plugin or basic auth). */
  authHeaders(): Promise<Record<string, string>>;
  /** Drops cached credentials, e.g. after a 401, so the next call fetches new ones. */
  invalidate(): void;
}

const INLINE = '<inline kubeconfig>';
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Reads a kubeconfig as kubectl does and resolves its context. Without `path` or `yaml`, the
 * files listed in $KUBECONFIG are merged (missing ones skipped; the first definition of a name
 * wins; current-context from the first file that sets it), else ~/.kube/config is read, else
 * (inside a pod, KUBERNETES_SERVICE_HOST set) the pod's service account is used.
 * Errors name the file and the field.
 */
export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfig {
  const env = options.env ?? process.env;
  if (options.inCluster) {
    return inClusterConfig(options.inCluster === true ? '' : options.inCluster.pathPrefix, env);
  }
  let sources: KubeConfigSource[];
  if (options.yaml !== undefined) {
    sources = [{ file: INLINE, text: options.yaml }];
  } else if (options.path !== undefined) {
    sources = readKubeConfigFiles([options.path], false);
  } else if (env['KUBECONFIG']) {
    const files = [...new Set(env['KUBECONFIG'].split(delimiter).filter((f) => f !== ''))];
    sources = readKubeConfigFiles(files, true);
    if (sources.length === 0) {
      throw new FlotillaError(
        `cannot load kubeconfig: none of the files in KUBECONFIG exists (${files.join(delimiter)})`,
        { reason: 'InvalidKubeConfig', file: files.join(delimiter) },
      );
    }
  } else {
    const home = join(env['HOME'] || homedir(), '.kube', 'config');
    // In a pod with no kubeconfig, use the pod's service account (as controller-runtime's
    // GetConfig does), so `flotilla controller` deployed by `flotilla install` needs no flags.
    if (!existsSync(home) && env['KUBERNETES_SERVICE_HOST'] && env['KUBERNETES_SERVICE_PORT']) {
      return inClusterConfig('', env);
    }
    sources = readKubeConfigFiles([home], false);
  }
  const merged = mergeKubeConfigs(sources);
  const label = merged.files.join(delimiter);

  let contextName = options.context;
  if (contextName === undefined) {
    if (!merged.currentContext) {
      throw kubeConfigError(label, 'no context is chosen and none is current', 'current-context');
    }
    contextName = merged.currentContext.name;
  }
  const context = merged.contexts.get(contextName);
  if (!context) {
    const origin = options.context === undefined ? merged.currentContext?.origin : undefined;
    throw kubeConfigError(
      origin?.file ?? label,
      `has no context "${contextName}"`,
      origin?.field ?? 'contexts',
    );
  }
  const ctx = context.value;
  const ctxField = `${context.origin.field}.context`;
  const cluster = merged.clusters.get(ctx.cluster);
  if (!cluster) {
    throw kubeConfigError(
      context.origin.file,
      ctx.cluster
        ? `context "${ctx.name}" names cluster "${ctx.cluster}" which does not exist`
        : `context "${ctx.name}" names no cluster`,
      `${ctxField}.cluster`,
    );
  }
  let user: { value: KubeConfigUser; origin: Origin } | undefined;
  if (ctx.user) {
    user = merged.users.get(ctx.user);
    if (!user) {
      throw kubeConfigError(
        context.origin.file,
        `context "${ctx.name}" names user "${ctx.user}" which does not exist`,
        `${ctxField}.user`,
      );
    }
  }
  const kc: KubeConfig = {
    source: label,
    contextName,
    namespace: ctx.namespace,
    cluster: cluster.value,
    clusterOrigin: cluster.origin,
    user: user?.value ?? emptyUser(''),
    userOrigin: user?.origin ?? context.origin,
  };
  validate(kc);
  return kc;
}

function emptyUser(name: string): KubeConfigUser {
  return {
    name,
    token: undefined,
    tokenFile: undefined,
    clientCertificate: undefined,
    clientCertificateData: undefined,
    clientKey: undefined,
    clientKeyData: undefined,
    username: undefined,
    password: undefined,
    exec: undefined,
  };
}

/** client-go's validation of the chosen cluster and user (clientcmd validateClusterInfo/AuthInfo). */
function validate(kc: KubeConfig): void {
  const c = kc.cluster;
  const cf = `${kc.clusterOrigin.field}.cluster`;
  const cErr = (msg: string, field: string) =>
    kubeConfigError(kc.clusterOrigin.file, `cluster "${c.name}" ${msg}`, `${cf}.${field}`);
  if (!c.server) throw cErr('has no server', 'server');
  let url: URL;
  try {
    url = new URL(c.server);
  } catch {
    throw cErr(`has a server that is not a URL: ${c.server}`, 'server');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw cErr(`has a server that is neither https nor http: ${c.server}`, 'server');
  }
  if (c.insecureSkipTlsVerify && (c.certificateAuthority || c.certificateAuthorityData)) {
    throw cErr(
      'sets both a certificate authority and insecure-skip-tls-verify; choose one',
      'insecure-skip-tls-verify',
    );
  }
  if (c.certificateAuthority && c.certificateAuthorityData) {
    throw cErr(
      'sets both certificate-authority and certificate-authority-data; choose one',
      'certificate-authority-data',
    );
  }
  const u = kc.user;
  const uf = `${kc.userOrigin.field}.user`;
  const uErr = (msg: string, field: string) =>
    kubeConfigError(kc.userOrigin.file, `user "${u.name}" ${msg}`, `${uf}.${field}`);
  if (u.clientCertificate && u.clientCertificateData) {
    throw uErr(
      'sets both client-certificate and client-certificate-data; choose one',
      'client-certificate-data',
    );
  }
  if (u.clientKey && u.clientKeyData) {
    throw uErr('sets both client-key and client-key-data; choose one', 'client-key-data');
  }
  const hasCert = Boolean(u.clientCertificate || u.clientCertificateData);
  const hasKey = Boolean(u.clientKey || u.clientKeyData);
  if (hasCert !== hasKey) {
    throw uErr(
      hasCert
        ? 'has a client certificate but no client-key or client-key-data'
        : 'has a client key but no client-certificate or client-certificate-data',
      hasCert ? 'client-key' : 'client-certificate',
    );
  }
  const basic = Boolean(u.username || u.password);
  if (basic && (u.token || u.tokenFile)) {
    throw uErr('sets both a token and a username/password; only one is allowed', 'username');
  }
}

/** The service account mounted into a pod, as client-go's InClusterConfig reads it. */
function inClusterConfig(
  prefix: string,
  env: Readonly<Record<string, string | undefined>>,
): KubeConfig {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port) {
    throw new FlotillaError(
      'in-cluster config needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT',
      { reason: 'InvalidKubeConfig' },
    );
  }
  const dir = join(prefix || '/', SERVICE_ACCOUNT_DIR);
  const tokenFile = join(dir, 'token');
  // Fail now, naming the file, rather than at the first request.
  new TokenFile(tokenFile).get();
  let namespace: string | undefined;
  try {
    namespace = readFileSync(join(dir, 'namespace'), 'utf8').trim() || undefined;
  } catch {
    namespace = undefined;
  }
  const origin: Origin = { file: 'in-cluster', field: dir };
  return {
    source: 'in-cluster',
    contextName: 'in-cluster',
    namespace,
    cluster: {
      name: 'in-cluster',
      server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
      certificateAuthority: join(dir, 'ca.crt'),
      certificateAuthorityData: undefined,
      insecureSkipTlsVerify: false,
      tlsServerName: undefined,
      execExtension: undefined,
    },
    clusterOrigin: origin,
    user: { ...emptyUser('in-cluster'), tokenFile },
    userOrigin: origin,
  };
}

export interface ConnectionOptions {
  /** How often a token file is checked for a new token. @default 1000 */
  readonly tokenFileRecheckMs?: number;
  /** Kills an exec credential plugin that has not answered after this long. @default 60000 */
  readonly execTimeoutMs?: number;
  /** Whether exec plugins may prompt on stdin. @default process.stdin.isTTY */
  readonly stdinIsTerminal?: boolean;
}

/**
 * Turns a loaded kubeconfig into a connection. TLS material is read once (an exec plugin's
 * client certificate from its first answer); auth headers come from a token file re-read when
 * it changes, an exec plugin cached until its expirationTimestamp, a token or basic auth.
 */
export async function connectionFromKubeConfig(
  kc: KubeConfig,
  options: ConnectionOptions = {},
): Promise<ClusterConnection> {
  const c = kc.cluster;
  const u = kc.user;
  const cf = `${kc.clusterOrigin.field}.cluster`;
  const uf = `${kc.userOrigin.field}.user`;
  const ca =
    c.certificateAuthorityData ??
    readMaterial(kc.clusterOrigin.file, c.certificateAuthority, `${cf}.certificate-authority`);
  let cert: Buffer | string | undefined =
    u.clientCertificateData ??
    readMaterial(kc.userOrigin.file, u.clientCertificate, `${uf}.client-certificate`);
  let key: Buffer | string | undefined =
    u.clientKeyData ?? readMaterial(kc.userOrigin.file, u.clientKey, `${uf}.client-key`);

  const tokenFile =
    u.tokenFile === undefined
      ? undefined
      : new TokenFile(
          u.tokenFile,
          options.tokenFileRecheckMs === undefined ? {} : { recheckMs: options.tokenFileRecheckMs },
        );
  const exec =
    u.exec === undefined || u.token !== undefined || tokenFile !== undefined
      ? undefined
      : new ExecCredentialProvider(
          u.exec,
          { user: u.name, file: kc.userOrigin.file, field: `${uf}.exec` },
          u.exec.provideClusterInfo ? execClusterInfo(c, ca) : undefined,
          {
            ...(options.execTimeoutMs === undefined ? {} : { timeoutMs: options.execTimeoutMs }),
            ...(options.stdinIsTerminal === undefined
              ? {}
              : { stdinIsTerminal: options.stdinIsTerminal }),
          },
        );
  if (exec) {
    const first = await exec.get();
    if (first.clientCertificateData !== undefined && cert === undefined) {
      cert = first.clientCertificateData;
      key = first.clientKeyData;
    }
  }
  const basic =
    u.username !== undefined || u.password !== undefined
      ? `Basic ${Buffer.from(`${u.username ?? ''}:${u.password ?? ''}`).toString('base64')}`
      : undefined;
  const staticToken = u.token;

  return {
    server: c.server.replace(/\/+$/, ''),
    namespace: kc.namespace || 'default',
    tls: {
      ca,
      cert,
      key,
      rejectUnauthorized: !c.insecureSkipTlsVerify,
      servername: c.tlsServerName,
    },
    async authHeaders() {
      // client-go's order: a token file beats the token, an explicit token beats an exec plugin.
      if (tokenFile) return { Authorization: `Bearer ${tokenFile.get()}` };
      if (staticToken !== undefined) return { Authorization: `Bearer ${staticToken}` };
      if (exec) {
        const cred = await exec.get();
        return cred.token === undefined ? {} : { Authorization: `Bearer ${cred.token}` };
      }
      return basic === undefined ? {} : { Authorization: basic };
    },
    invalidate() {
      tokenFile?.invalidate();
      exec?.invalidate();
    },
  };
}

function readMaterial(file: string, path: string | undefined, field: string): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw kubeConfigError(file, `cannot read ${path}: ${(err as Error).message}`, field);
  }
}

function execClusterInfo(c: KubeConfigCluster, ca: Buffer | undefined): ExecClusterInfo {
  return {
    server: c.server,
    ...(c.tlsServerName === undefined ? {} : { 'tls-server-name': c.tlsServerName }),
    ...(c.insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}),
    ...(ca === undefined ? {} : { 'certificate-authority-data': ca.toString('base64') }),
    ...(c.execExtension === undefined ? {} : { config: c.execExtension }),
  };
}
