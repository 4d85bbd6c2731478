// A Helm chart repository served over HTTP(S) on 127.0.0.1 for tests: a folder of packaged
// charts with the index.yaml the helm oracle writes, with optional basic auth and TLS.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { runHelm } from './helm-oracle.js';

export interface HelmRepoServer {
  readonly url: string;
  /** Every request path served, in order (to check what was downloaded). */
  readonly requests: string[];
  close(): Promise<void>;
}

export interface HelmRepoServerOptions {
  readonly dir: string;
  readonly username?: string;
  readonly password?: string;
  /** PEM server certificate and key: serve HTTPS. */
  readonly tls?: {
    readonly cert: string;
    readonly key: string;
    readonly ca?: string;
    readonly requestCert?: boolean;
  };
}

/** Serves `dir` (charts and index.yaml) until closed. */
export async function startHelmRepoServer(options: HelmRepoServerOptions): Promise<HelmRepoServer> {
  const requests: string[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    if (options.username !== undefined) {
      const expected = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end('unauthorized');
        return;
      }
    }
    const file = join(options.dir, normalize(path).replace(/^(\.\.[/\\])+/, ''));
    if (!existsSync(file) || file.endsWith('/')) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200).end(readFileSync(file));
  };
  const server = options.tls
    ? createHttpsServer(
        {
          cert: options.tls.cert,
          key: options.tls.key,
          ...(options.tls.ca ? { ca: options.tls.ca } : {}),
          requestCert: options.tls.requestCert ?? false,
          rejectUnauthorized: options.tls.requestCert ?? false,
        },
        handler,
      )
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `helm package CHART -d DEST [--version V]` with the oracle; returns the .tgz path. */
export function helmPackage(chartDir: string, dest: string, version?: string): string {
  mkdirSync(dest, { recursive: true });
  const r = runHelm(['package', chartDir, '-d', dest, ...(version ? ['--version', version] : [])]);
  if (r.status !== 0) throw new Error(`helm package ${chartDir}: ${r.stderr}`);
  const m = /saved it to: (.+)$/m.exec(r.stdout);
  return (m?.[1] ?? '').trim();
}

/** `helm repo index DIR [--url URL]` with the oracle. */
export function helmRepoIndex(dir: string, url?: string): void {
  const r = runHelm(['repo', 'index', dir, ...(url ? ['--url', url] : [])]);
  if (r.status !== 0) throw new Error(`helm repo index ${dir}: ${r.stderr}`);
}
