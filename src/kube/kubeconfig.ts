// Loads kubeconfig files (contexts, tokens, client certificates, exec plugins) into a connection.
import type https from 'node:https';
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { FlotillaError } from '../core/index.js';

export { KubeConfig } from '@kubernetes/client-node';

export interface KubeConfigOptions {
  /** Path of a kubeconfig file. @default $KUBECONFIG or ~/.kube/config (when yaml is unset) */
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
  /** Headers to send (Authorization from a token, exec plugin or basic auth). */
  authHeaders(): Promise<Record<string, string>>;
  /** Drops cached credentials, e.g. after a 401, so the next call fetches new ones. */
  invalidate(): void;
}

/** Parses a kubeconfig and selects its context; errors name the file and the missing part. */
export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  if (options.inCluster) {
    if (!process.env['KUBERNETES_SERVICE_HOST'] || !process.env['KUBERNETES_SERVICE_PORT']) {
      throw new FlotillaError(
        'in-cluster config needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT',
        {
          reason: 'InvalidKubeConfig',
        },
      );
    }
    kc.loadFromCluster(options.inCluster === true ? '' : options.inCluster.pathPrefix);
    return kc;
  }
  const file =
    options.yaml === undefined
      ? (options.path ??
        process.env['KUBECONFIG']?.split(':')[0] ??
        `${process.env['HOME'] ?? ''}/.kube/config`)
      : '<inline kubeconfig>';
  try {
    const text = options.yaml ?? readFileSync(file, 'utf8');
    kc.loadFromString(text);
    if (options.yaml === undefined) kc.makePathsAbsolute(dirnameOf(file));
  } catch (err) {
    throw new FlotillaError(`cannot load kubeconfig ${file}: ${(err as Error).message}`, {
      reason: 'InvalidKubeConfig',
      file,
      cause: err,
    });
  }
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context)) {
      throw new FlotillaError(`kubeconfig ${file} has no context "${options.context}"`, {
        reason: 'InvalidKubeConfig',
        file,
        field: 'contexts',
      });
    }
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  if (!context || !kc.getContextObject(context)) {
    throw new FlotillaError(`kubeconfig ${file} has no current context`, {
      reason: 'InvalidKubeConfig',
      file,
      field: 'current-context',
    });
  }
  if (!kc.getCurrentCluster()) {
    throw new FlotillaError(`kubeconfig ${file}: context "${context}" names no known cluster`, {
      reason: 'InvalidKubeConfig',
      file,
      field: `contexts[${context}].context.cluster`,
    });
  }
  return kc;
}

function dirnameOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i <= 0 ? '/' : file.slice(0, i);
}

export interface ConnectionOptions {
  /** How long auth headers are reused before asking the kubeconfig again. @default 30000 */
  readonly credentialTtlMs?: number;
}

/**
 * Turns a loaded kubeconfig into a connection. TLS material is read once; auth headers
 * (which exec plugins and token files may rotate) are re-read after `credentialTtlMs`.
 */
export async function connectionFromKubeConfig(
  kc: KubeConfig,
  options: ConnectionOptions = {},
): Promise<ClusterConnection> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new FlotillaError('kubeconfig has no current cluster', { reason: 'InvalidKubeConfig' });
  }
  const ttl = options.credentialTtlMs ?? 30_000;
  const read = async (): Promise<https.RequestOptions> => {
    const opts: https.RequestOptions = {};
    try {
      await kc.applyToHTTPSOptions(opts);
    } catch (err) {
      throw new FlotillaError(`kubeconfig credentials failed: ${(err as Error).message}`, {
        reason: 'AuthenticationFailed',
        category: 'RetryLater',
        cause: err,
      });
    }
    return opts;
  };
  const first = await read();
  let cached: { at: number; headers: Record<string, string> } | undefined = {
    at: Date.now(),
    headers: headersOf(first),
  };
  const contextNs = kc.getContextObject(kc.getCurrentContext())?.namespace;
  return {
    server: cluster.server.replace(/\/+$/, ''),
    namespace: contextNs || 'default',
    tls: {
      ca: first.ca as string | Buffer | undefined,
      cert: first.cert as string | Buffer | undefined,
      key: first.key as string | Buffer | undefined,
      rejectUnauthorized: first.rejectUnauthorized,
      servername: first.servername ?? undefined,
    },
    async authHeaders() {
      if (cached && Date.now() - cached.at < ttl) return cached.headers;
      const headers = headersOf(await read());
      cached = { at: Date.now(), headers };
      return headers;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

function headersOf(opts: https.RequestOptions): Record<string, string> {
  const out: Record<string, string> = {};
  const h = opts.headers;
  if (h && !Array.isArray(h)) {
    for (const [k, v] of Object.entries(h)) {
      if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
    }
  }
  if (opts.auth) out['Authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return out;
}
