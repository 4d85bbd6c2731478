// HTTP handling of resource requests: decodes query and body, calls the object API and
// encodes objects, lists, tables, watch streams and Status responses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiError,
  FieldErrorType,
  badRequest,
  invalid,
  methodNotSupported,
  pathNotFound,
} from './status-errors.js';
import {
  decodeObject,
  mediaType,
  readBody,
  sendJson,
  sendJsonText,
  warningHeaders,
} from './http-io.js';
import { toJson } from './json-cache.js';
import { decodeRequestObject } from './request-body.js';
import type { RbacAuthorizer } from './rbac/authorizer.js';
import { reviewStatus } from './rbac/reviews.js';
import type { ServiceAccountTokens } from './sa-tokens.js';
import { requestToken } from './token-request.js';
import { isPlainObject, metaOf, type KubeObject } from './object-meta.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { toTable, wantsTable, type IncludeObject } from './tables.js';
import { serveWatch } from './watch-stream.js';
import {
  groupVersionString,
  isReview,
  storageKey,
  type ResourceInfo,
  type ResourceRegistry,
} from './registry.js';
import {
  encodeContinue,
  itemsAt,
  listRequest,
  parseResourceVersion,
  validateListOptions,
} from './list-options.js';
import type { Propagation } from './object-api.js';
import { FieldValidation, type ObjectApi, type Target, type WriteOptions } from './object-api.js';
import { getScale, updateScale } from './scale.js';
import type { RequestInfo } from './request-info.js';
import type { UserInfo } from './auth.js';

/** Applies a PATCH body (any patch type) to the current object; provided by the patch module. */
export interface PatchHandler {
  patch(
    call: RestCall,
    target: Target,
    body: Buffer,
    contentType: string,
  ): Promise<{ object: KubeObject; warnings: string[]; created: boolean }>;
}

export interface RestContext {
  readonly api: ObjectApi;
  /** For access reviews. */
  readonly authorizer: RbacAuthorizer;
  /** Service account tokens (TokenRequest, TokenReview). */
  readonly tokens: ServiceAccountTokens;
  readonly registry: ResourceRegistry;
  readonly patcher: PatchHandler | undefined;
  /** @default 60000 */
  readonly bookmarkIntervalMs: number;
  /** Unsent bytes after which a watcher that does not read is closed. */
  readonly watchBacklogBytes?: number;
  /** Told about each watcher closed for falling behind. */
  readonly onSlowWatcher?: (resource: string, backlog: number) => void;
}

export interface RestCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly ri: RequestInfo;
  readonly info: ResourceInfo;
  readonly query: URLSearchParams;
  readonly user: UserInfo;
}

function target(call: RestCall): Target {
  return {
    info: call.info,
    namespace: call.info.namespaced ? call.ri.namespace : '',
    name: call.ri.name,
    subresource: call.ri.subresource,
  };
}

/** The options kind a verb's query parameters belong to (named in their validation errors). */
function optionsKind(verb: string): string {
  switch (verb) {
    case 'create':
      return 'CreateOptions';
    case 'update':
      return 'UpdateOptions';
    case 'patch':
      return 'PatchOptions';
    default:
      return 'DeleteOptions';
  }
}

function unsupportedOption(
  verb: string,
  field: string,
  value: unknown,
  supported: string,
): ApiError {
  return invalid(optionsKind(verb), 'meta.k8s.io', '', [
    { type: FieldErrorType.NotSupported, field, value, detail: `supported values: ${supported}` },
  ]);
}

export function parseDryRun(
  q: URLSearchParams,
  verb: string,
  extra: readonly string[] = [],
): boolean {
  const values = [...q.getAll('dryRun'), ...extra];
  if (values.some((v) => v !== 'All')) throw unsupportedOption(verb, 'dryRun', values, '"All"');
  return values.length > 0;
}

export function parseFieldValidation(q: URLSearchParams, verb: string): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return FieldValidation.Warn;
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw unsupportedOption(verb, 'fieldValidation', v, '"", "Ignore", "Strict", "Warn"');
}

/** The field manager a write is recorded under: ?fieldManager= or the User-Agent's first token. */
export function managerFor(call: RestCall): string {
  const fm = call.query.get('fieldManager');
  if (fm !== null && fm !== '') {
    if (fm.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
    return fm;
  }
  const ua = call.req.headers['user-agent'] ?? 'unknown';
  return ua.split('/')[0] ?? 'unknown';
}

export function writeOptions(call: RestCall): WriteOptions {
  return {
    user: call.user,
    dryRun: parseDryRun(call.query, call.ri.verb),
    manager: managerFor(call),
    fieldValidation: parseFieldValidation(call.query, call.ri.verb),
  };
}

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function keyOf(o: KubeObject): string {
  const m = metaOf(o);
  return `${m.namespace ?? ''}/${m.name ?? ''}`;
}

function respond(
  call: RestCall,
  status: number,
  obj: KubeObject,
  warnings: readonly string[] = [],
): void {
  if (
    wantsTable(call.req.headers.accept) &&
    (obj.kind === call.info.kind || obj.kind?.toString().endsWith('List'))
  ) {
    const m = metaOf(obj);
    sendJson(
      call.res,
      status,
      toTable(
        call.info,
        [obj],
        { resourceVersion: m.resourceVersion ?? '' },
        includeObject(call.query),
      ),
      warningHeaders(warnings),
    );
    return;
  }
  sendJson(call.res, status, obj, warningHeaders(warnings));
}

export async function handleResource(ctx: RestContext, call: RestCall): Promise<void> {
  const { ri, info } = call;
  const sub = ri.subresource;
  if (
    sub !== '' &&
    !(info.subresources as readonly string[]).includes(sub) &&
    !(sub === 'finalize' && info.kind === 'Namespace')
  ) {
    // no route serves it: the mux's 404
    throw pathNotFound();
  }
  if (info.namespaced === false && ri.namespace !== '')
    throw badRequest(`the server could not find the requested resource`);
  switch (ri.verb) {
    case 'get':
      if (sub === 'scale') return respond(call, 200, getScale(ctx.api, target(call)));
      return respond(call, 200, ctx.api.get(target(call)));
    case 'list':
      return await list(ctx, call);
    case 'watch':
      return watch(ctx, call);
    case 'create': {
      if (sub === 'token' && info.kind === 'ServiceAccount') return createToken(ctx, call);
      if (isReview(info)) return createReview(ctx, call);
      if (ri.name !== '')
        throw new ApiError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
      const body = decodeRequestObject(
        await readBody(call.req),
        call.req.headers['content-type'],
        info.kind,
      );
      const r = await ctx.api.create(target(call), body.object, {
        ...writeOptions(call),
        duplicates: body.duplicates,
        yamlDuplicates: body.yamlDuplicates,
      });
      return respond(call, 201, r.object, r.warnings);
    }
    case 'update': {
      const decoded = decodeRequestObject(
        await readBody(call.req),
        call.req.headers['content-type'],
        sub === 'scale' ? 'Scale' : info.kind,
      );
      const body = decoded.object;
      if (sub === 'scale')
        return respond(
          call,
          200,
          await updateScale(ctx.api, target(call), body, writeOptions(call)),
        );
      const t = sub === 'finalize' ? { ...target(call), subresource: '' } : target(call);
      if (sub === 'finalize')
        return respond(call, 200, finalizeNamespace(ctx, t, body, call).object);
      const r = await ctx.api.update(t, body, {
        ...writeOptions(call),
        duplicates: decoded.duplicates,
        yamlDuplicates: decoded.yamlDuplicates,
      });
      return respond(call, 200, r.object, r.warnings);
    }
    case 'patch': {
      if (ctx.patcher === undefined) throw methodNotSupported(info, 'patch');
      const body = await readBody(call.req);
      const r = await ctx.patcher.patch(
        call,
        target(call),
        body,
        mediaType(call.req.headers['content-type']),
      );
      return respond(call, r.created ? 201 : 200, r.object, r.warnings);
    }
    case 'delete':
      return remove(ctx, call);
    case 'deletecollection':
      return deleteCollection(ctx, call);
    default:
      throw new ApiError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
  }
}

async function createReview(ctx: RestContext, call: RestCall): Promise<void> {
  const body = decodeRequestObject(
    await readBody(call.req),
    call.req.headers['content-type'],
    call.info.kind,
  );
  const r = ctx.api.review(
    target(call),
    body.object,
    { ...writeOptions(call), duplicates: body.duplicates },
    (o) => ({
      ...o,
      status: reviewStatus(call.info, o, {
        authorizer: ctx.authorizer,
        user: call.user,
        namespace: call.ri.namespace,
        authenticateToken: (t) => ctx.tokens.authenticate(t),
      }),
    }),
  );
  respond(call, 201, r.object, r.warnings);
}

async function createToken(ctx: RestContext, call: RestCall): Promise<void> {
  const body = decodeRequestObject(
    await readBody(call.req),
    call.req.headers['content-type'],
    'TokenRequest',
  );
  const o = requestToken(
    ctx.api,
    ctx.tokens,
    call.info,
    call.ri.namespace,
    call.ri.name,
    body.object,
    writeOptions(call),
  );
  sendJson(call.res, 201, o);
}

function finalizeNamespace(
  ctx: RestContext,
  t: Target,
  body: KubeObject,
  call: RestCall,
): { object: KubeObject } {
  const finalizers =
    isPlainObject(body.spec) && Array.isArray(body.spec.finalizers)
      ? body.spec.finalizers.map(String)
      : [];
  return {
    object: ctx.api.finalizeNamespace(t.name, finalizers, parseDryRun(call.query, 'update')),
  };
}

function selectors(call: RestCall): {
  labels: ReturnType<typeof parseLabelSelector>;
  fields: ReturnType<typeof parseFieldSelector>;
} {
  return {
    labels: parseLabelSelector(call.query.get('labelSelector')),
    fields: parseFieldSelector(call.query.get('fieldSelector'), call.info),
  };
}

async function list(ctx: RestContext, call: RestCall): Promise<void> {
  validateListOptions(call.query, false);
  const { labels, fields } = selectors(call);
  const req = await listRequest(call.query, ctx.api.store);
  const ns = call.info.namespaced && call.ri.namespace !== '' ? call.ri.namespace : undefined;
  const continued = req.start !== '';
  let items = itemsAt(ctx.api.store, storageKey(call.info), ns, req.rv, continued)
    .map((o) => ctx.api.present(call.info, o))
    .filter((o) => labels(o) && fields(o));
  if (continued) items = items.filter((o) => keyOf(o) > req.start);
  const limit = Number(call.query.get('limit') ?? '0');
  const listMeta: Record<string, unknown> = { resourceVersion: String(req.rv) };
  if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
    const remaining = items.length - limit;
    items = items.slice(0, limit);
    const last = items[items.length - 1];
    if (last !== undefined) listMeta.continue = encodeContinue(req.rv, keyOf(last));
    listMeta.remainingItemCount = remaining;
  }
  if (wantsTable(call.req.headers.accept)) {
    sendJson(call.res, 200, toTable(call.info, items, listMeta, includeObject(call.query)));
    return;
  }
  sendList(call, listMeta, items);
}

/** A `<Kind>List`; items are stored objects whose JSON is cached, spliced in as text. */
function sendList(call: RestCall, metadata: Record<string, unknown>, items: KubeObject[]): void {
  const head = JSON.stringify({
    kind: `${call.info.kind}List`,
    apiVersion: groupVersionString(call.info.group, call.info.version),
    metadata,
  });
  const body = items.map((o) => itemJson(call.info, o)).join(',');
  sendJsonText(call.res, 200, `${head.slice(0, -1)},"items":[${body}]}`);
}

/**
 * A list item's JSON. Lists of built-in kinds are typed lists whose items carry no kind and
 * apiVersion on kube-apiserver; custom resources are unstructured and keep them.
 */
function itemJson(info: ResourceInfo, o: KubeObject): string {
  const text = toJson(o);
  if (info.crd !== undefined) return text;
  const typeMeta = `${JSON.stringify({ kind: o.kind, apiVersion: o.apiVersion }).slice(0, -1)},`;
  if (text.startsWith(typeMeta)) return `{${text.slice(typeMeta.length)}`;
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = o;
  return JSON.stringify(rest);
}

function watch(ctx: RestContext, call: RestCall): void {
  validateListOptions(call.query, true);
  const rvText = call.query.get('resourceVersion') ?? '';
  if (rvText !== '' && rvText !== '0') parseResourceVersion(rvText);
  const { labels, fields: selected } = selectors(call);
  // a watch of one object (/watch/.../configmaps/NAME) selects metadata.name
  const name = call.ri.name;
  const fields: typeof selected =
    name === '' ? selected : (o) => metaOf(o).name === name && selected(o);
  const table = wantsTable(call.req.headers.accept);
  const include = includeObject(call.query);
  const timeoutSeconds = Number(call.query.get('timeoutSeconds') ?? '0');
  const info = call.info;
  serveWatch(call.res, ctx.api.store, {
    info,
    namespace: call.ri.namespace,
    labels,
    fields,
    resourceVersion: call.query.get('resourceVersion') ?? '',
    allowBookmarks: call.query.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: call.query.get('sendInitialEvents') === 'true',
    timeoutMs: timeoutSeconds > 0 ? timeoutSeconds * 1000 : 30 * 60 * 1000,
    bookmarkIntervalMs: ctx.bookmarkIntervalMs,
    ...(ctx.watchBacklogBytes === undefined ? {} : { backlogBytes: ctx.watchBacklogBytes }),
    onSlowWatcher: (backlog) => ctx.onSlowWatcher?.(info.resource, backlog),
    render: (obj, first) => {
      const o = ctx.api.present(info, obj);
      if (!table) return o;
      return toTable(
        info,
        [o],
        { resourceVersion: metaOf(o).resourceVersion ?? '' },
        include,
        first,
      );
    },
  });
}

function deleteOptionsFrom(
  call: RestCall,
  body: Record<string, unknown> | undefined,
): {
  propagationPolicy?: Propagation;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
  accepted: boolean;
} {
  const q = call.query;
  let policy =
    q.get('propagationPolicy') ??
    (typeof body?.propagationPolicy === 'string' ? body.propagationPolicy : undefined);
  if (
    policy === undefined &&
    (q.get('orphanDependents') === 'true' || body?.orphanDependents === true)
  )
    policy = 'Orphan';
  if (
    policy !== undefined &&
    policy !== 'Orphan' &&
    policy !== 'Background' &&
    policy !== 'Foreground'
  ) {
    throw unsupportedOption(
      'delete',
      'propagationPolicy',
      policy,
      '"Foreground", "Background", "Orphan", "nil"',
    );
  }
  const pre = isPlainObject(body?.preconditions) ? body.preconditions : undefined;
  const preconditions: { uid?: string; resourceVersion?: string } = {};
  if (typeof pre?.uid === 'string') preconditions.uid = pre.uid;
  if (typeof pre?.resourceVersion === 'string') preconditions.resourceVersion = pre.resourceVersion;
  const dryRunBody = Array.isArray(body?.dryRun) ? body.dryRun.map(String) : [];
  return {
    ...(policy === undefined ? {} : { propagationPolicy: policy }),
    ...(pre === undefined ? {} : { preconditions }),
    dryRun: parseDryRun(q, 'delete', dryRunBody),
    accepted: q.get('orphanDependents') === 'false' || body?.orphanDependents === false,
  };
}

async function readDeleteBody(call: RestCall): Promise<Record<string, unknown> | undefined> {
  const raw = await readBody(call.req);
  if (raw.length === 0) return undefined;
  return decodeObject(raw, call.req.headers['content-type'] ?? 'application/json');
}

async function remove(ctx: RestContext, call: RestCall): Promise<void> {
  if (call.ri.subresource !== '')
    throw new ApiError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  const opts = deleteOptionsFrom(call, await readDeleteBody(call));
  const r = await ctx.api.delete(target(call), { user: call.user, ...opts });
  if (!r.deleted) {
    // 202 only when the client asked for cascading deletion the old way (orphanDependents=false)
    sendJson(call.res, opts.accepted ? 202 : 200, r.object);
    return;
  }
  const m = metaOf(r.object);
  sendJson(call.res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: m.name,
      ...(call.info.group === '' ? {} : { group: call.info.group }),
      kind: call.info.resource,
      uid: m.uid,
    },
  });
}

async function deleteCollection(ctx: RestContext, call: RestCall): Promise<void> {
  const opts = deleteOptionsFrom(call, await readDeleteBody(call));
  const { labels, fields } = selectors(call);
  const items = ctx.api.list(call.info, call.ri.namespace).filter((o) => labels(o) && fields(o));
  const deleted: KubeObject[] = [];
  for (const o of items) {
    const m = metaOf(o);
    try {
      const r = await ctx.api.delete(
        { info: call.info, namespace: m.namespace ?? '', name: m.name ?? '', subresource: '' },
        { user: call.user, ...opts, preconditions: {} },
      );
      deleted.push(r.object);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
  sendList(call, { resourceVersion: String(ctx.api.store.currentRv()) }, deleted);
}
