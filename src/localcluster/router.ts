// Routes every HTTPS request: health and version, discovery, OpenAPI, then authenticated
// resource requests to the REST handler; every failure becomes a metav1.Status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  decodePath,
  errorMessage,
  guardRequests,
  parseRequestUrl,
  type Logger,
} from '../core/index.js';
import { ApiError, badRequest, internalError, pathNotFound } from './status-errors.js';
import { sendError, sendJson } from './http-io.js';
import {
  authorize,
  identify,
  pathAttributes,
  resourceAttributes,
  type AccessControl,
} from './access.js';
import { parseRequestInfo } from './request-info.js';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregated,
} from './discovery.js';
import { handleResource, type RestContext } from './rest-handler.js';
import type { OpenApiService } from './openapi.js';

export interface RouterDeps {
  readonly rest: RestContext;
  readonly openapi: OpenApiService;
  /** Authentication (admin and service account tokens), impersonation and RBAC. */
  readonly access: AccessControl;
  readonly serverAddress: () => string;
  readonly logger: Logger;
  readonly isReady: () => boolean;
}

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

function knownGroup(deps: RouterDeps, group: string): boolean {
  return deps.rest.registry.groups().some((g) => g.name === group);
}

/**
 * A version a custom resource group does not serve: kube-apiserver's CRD handler passes such
 * requests on to the mux, which answers in text (built-in groups answer with a Status).
 */
function unservedCustomVersion(deps: RouterDeps, group: string, version: string): boolean {
  const g = deps.rest.registry.groups().find((x) => x.name === group);
  if (g === undefined || g.versions.includes(version)) return false;
  const served = g.versions[0];
  return (
    served !== undefined &&
    deps.rest.registry.resourcesIn(group, served).some((info) => info.crd !== undefined)
  );
}

function sendEmpty404(res: ServerResponse): void {
  res.writeHead(404, { 'Cache-Control': 'no-cache, private', 'Content-Length': 0 });
  res.end();
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

// An empty Swagger 2.0 document (protobuf: field 1 `swagger` = "2.0"). kubectl falls back to
// client-side v2 validation for kinds the v3 documents do not list yet (a CRD applied in the same
// file) and skips kinds the v2 document does not define, as it does against kube-apiserver.
const OPENAPI_V2_PB = Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30]);
const OPENAPI_V2_JSON = JSON.stringify({
  swagger: '2.0',
  info: { title: 'Kubernetes', version: 'v1.32.0' },
  paths: {},
  definitions: {},
});

function sendOpenApiV2(req: IncomingMessage, res: ServerResponse): void {
  const wantsPb = (req.headers.accept ?? '').includes(
    'application/com.github.proto-openapi.spec.v2',
  );
  const body = wantsPb ? OPENAPI_V2_PB : Buffer.from(OPENAPI_V2_JSON);
  res.writeHead(200, {
    'Content-Type': wantsPb
      ? 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'
      : 'application/json',
    'Content-Length': body.length,
  });
  res.end(body);
}

export function createRouter(
  deps: RouterDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  return guardRequests(
    async (req, res) => {
      try {
        await route(deps, req, res);
      } catch (err) {
        // API errors are answers; anything else escaped a handler and is logged by the guard
        if (!(err instanceof ApiError)) throw err;
        sendError(res, err);
      }
    },
    {
      logger: deps.logger,
      server: 'local cluster',
      answer: (res, err) => sendError(res, internalError(errorMessage(err))),
    },
  );
}

// request targets made of these characters mean the same to the WHATWG URL parser as they read
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const DOT_SEGMENT = /\/\.\.?(\/|$)/;

/**
 * Path and query of the request target; the URL parser only for targets that need it. A target
 * that is no URL (`//:99999/`) or whose path does not decode (`%E0%A4%A`) is a 400, as Go's HTTP
 * server answers it before kube-apiserver sees the request.
 */
function splitTarget(target: string): { pathname: string; query: URLSearchParams } {
  const q = target.indexOf('?');
  const raw = q < 0 ? target : target.slice(0, q);
  if (
    PLAIN_TARGET.test(raw) &&
    !raw.startsWith('//') &&
    !DOT_SEGMENT.test(raw) &&
    !target.includes('#')
  )
    return { pathname: raw, query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) };
  const url = parseRequestUrl(target);
  if (url === undefined || decodePath(url.pathname) === undefined)
    throw badRequest(`malformed request URL: ${JSON.stringify(target.slice(0, 200))}`);
  return { pathname: url.pathname, query: url.searchParams };
}

function trimSlashes(p: string): string {
  let end = p.length;
  while (end > 0 && p.charCodeAt(end - 1) === 47) end--;
  return end === 0 ? '/' : end === p.length ? p : p.slice(0, end);
}

async function route(deps: RouterDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = splitTarget(req.url ?? '/');
  const path = trimSlashes(url.pathname);
  const method = req.method ?? 'GET';
  if (
    PUBLIC_PATHS.has(path) ||
    path.startsWith('/livez/') ||
    path.startsWith('/readyz/') ||
    path.startsWith('/healthz/')
  ) {
    if (path === '/version') return sendJson(res, 200, versionInfo());
    const ready = path.startsWith('/readyz') ? deps.isReady() : true;
    return sendText(res, ready ? 200 : 500, ready ? 'ok' : 'not ready');
  }
  const user = identify(deps.access, req.headers);
  if (deps.logger.isLevelEnabled('debug')) {
    // the audit trail: who did what, including who impersonated whom
    const started = Date.now();
    res.once('finish', () => {
      deps.logger.debug(
        {
          user: user.username,
          groups: user.groups,
          impersonatedBy: user.impersonatedBy,
          method,
          path,
          status: res.statusCode,
          ms: Date.now() - started,
        },
        'audit',
      );
    });
  }
  const ri = parseRequestInfo(method, path, url.query);
  authorize(
    deps.access,
    user,
    ri.isResource ? resourceAttributes(ri) : pathAttributes(method, path),
  );
  if (method === 'GET' && (path === '/api' || path === '/apis')) {
    const aggregated = wantsAggregated(req.headers.accept);
    if (aggregated !== undefined) {
      const doc = aggregatedDiscovery(deps.rest.registry, path === '/api', aggregated);
      return sendJson(res, 200, doc, {
        'Content-Type': `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`,
      });
    }
    return sendJson(
      res,
      200,
      path === '/api' ? apiVersions(deps.serverAddress()) : apiGroupList(deps.rest.registry),
    );
  }
  if (method === 'GET' && path === '/openapi/v3') return sendJson(res, 200, deps.openapi.root());
  if (method === 'GET' && path === '/openapi/v2') return sendOpenApiV2(req, res);
  if (method === 'GET' && path.startsWith('/openapi/v3/')) {
    const doc = deps.openapi.document(path.slice('/openapi/v3/'.length));
    if (doc === undefined) return sendEmpty404(res);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(doc),
      'Cache-Control': 'public, immutable',
    });
    res.end(doc);
    return;
  }
  const parts = path.split('/').filter((p) => p !== '');
  // paths under a group kube-apiserver does not serve reach no handler: its mux answers in text
  if (parts[0] === 'apis' && parts.length >= 2 && !knownGroup(deps, parts[1] ?? ''))
    return sendText(res, 404, '404 page not found\n');
  if (parts[0] === 'apis' && parts.length >= 4 && unservedCustomVersion(deps, parts[1]!, parts[2]!))
    return sendText(res, 404, '404 page not found\n');
  if (method === 'GET' && parts[0] === 'api' && parts.length === 2) {
    const doc = apiResourceList(deps.rest.registry, '', parts[1] ?? '');
    if (doc === undefined) throw pathNotFound();
    return sendJson(res, 200, doc);
  }
  if (method === 'GET' && parts[0] === 'apis' && parts.length === 2) {
    const doc = apiGroup(deps.rest.registry, parts[1] ?? '');
    if (doc === undefined) throw pathNotFound();
    return sendJson(res, 200, doc);
  }
  if (method === 'GET' && parts[0] === 'apis' && parts.length === 3) {
    const doc = apiResourceList(deps.rest.registry, parts[1] ?? '', parts[2] ?? '');
    if (doc === undefined) throw pathNotFound();
    return sendJson(res, 200, doc);
  }
  if (!ri.isResource) throw pathNotFound();
  const info = deps.rest.registry.lookup(ri.group, ri.version, ri.resource);
  if (info === undefined) throw pathNotFound();
  await handleResource(deps.rest, { req, res, ri, info, query: url.query, user });
}
