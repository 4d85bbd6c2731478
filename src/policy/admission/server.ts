// The admission webhook server: HTTPS with a generated CA (its PEM goes into the webhook
// configuration's caBundle), POST /v1/admit taking AdmissionReview v1 (and v1beta1) and answering
// with the same apiVersion, GET /healthz. Handler errors never escape (core's request guard).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createServingPki,
  guardRequests,
  guardServer,
  listen,
  type Logger,
  type ServingPki,
} from '../../core/index.js';
import type { ConstraintClient } from '../gatekeeper/client.js';
import { asRecord, asString, isRecord } from '../gatekeeper/object-access.js';
import { handleAdmission, type HandlerOptions } from './handler.js';

/** The path Gatekeeper serves validation on. */
export const ADMIT_PATH = '/v1/admit';
/** Request bodies above this are refused (kube-apiserver's own limit is 3 MiB of object). */
const MAX_BODY = 8 * 1024 * 1024;

export interface WebhookServerOptions extends HandlerOptions {
  readonly client: ConstraintClient;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** A serving certificate; @default a new CA and certificate for localhost/127.0.0.1 */
  readonly pki?: ServingPki;
  /** The Namespace of a request (for namespaceSelector and `namespaceObject`), from a cache. */
  readonly namespaceOf?: (name: string) => Record<string, unknown> | undefined;
  readonly logger: Logger;
}

export interface WebhookServer {
  /** `https://host:port/v1/admit` */
  readonly url: string;
  readonly port: number;
  /** The CA that signed the serving certificate (the webhook configuration's caBundle). */
  readonly caPem: string;
  /** Requests answered so far. */
  readonly served: () => number;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Starts the webhook server. */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const pki = options.pki ?? (await createServingPki(webhookPkiNames()));
  const handlerOptions: HandlerOptions = {
    exempt: options.exempt,
    ...(options.onResult === undefined ? {} : { onResult: options.onResult }),
  };
  let served = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && (path === '/healthz' || path === '/readyz')) {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    if (path !== ADMIT_PATH || req.method !== 'POST') {
      send(res, 404, { message: `no handler for ${req.method ?? ''} ${path ?? ''}` });
      return;
    }
    const body = await readBody(req);
    if (body === undefined) {
      send(res, 413, { message: 'request body too large' });
      return;
    }
    let review: unknown;
    try {
      review = JSON.parse(body.toString('utf8'));
    } catch (err) {
      send(res, 400, { message: `invalid AdmissionReview: ${(err as Error).message}` });
      return;
    }
    const request = asRecord(review)['request'];
    if (!isRecord(request)) {
      send(res, 400, { message: 'invalid AdmissionReview: no request' });
      return;
    }
    const ns = asString(request['namespace']);
    const namespace = ns === '' ? undefined : options.namespaceOf?.(ns);
    const response = handleAdmission(options.client, request, handlerOptions, namespace);
    served++;
    send(res, 200, {
      apiVersion: asString(asRecord(review)['apiVersion']) || 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response,
    });
  };
  const server: Server = createServer(
    { cert: pki.certPem, key: pki.keyPem },
    guardRequests(handle, { logger: options.logger, server: 'policy-webhook' }),
  );
  const host = options.host ?? '127.0.0.1';
  guardServer(server, { logger: options.logger, server: 'policy-webhook' });
  const port = await listen(server, options.port ?? 0, host);
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}${ADMIT_PATH}`,
    port,
    caPem: pki.caPem,
    served: () => served,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The names of the webhook's own CA and certificate. */
export function webhookPkiNames(): { caName: string; serverName: string } {
  return { caName: 'flotilla-policy-webhook-ca', serverName: 'flotilla-policy-webhook' };
}
