// List and watch options as kube-apiserver checks and serves them: resourceVersion and
// resourceVersionMatch (Exact lists are served at that version, rebuilt from the watch history,
// as etcd serves a revision), continue tokens that pin the first page's version, sendInitialEvents.
import { ApiError, FieldErrorType, badRequest, invalid, type FieldError } from './status-errors.js';
import { goJsonSyntaxError } from './go-json.js';
import { isPlainObject, metaOf, type KubeObject } from './object-meta.js';
import type { ObjectStore } from './store.js';

export interface ListRequest {
  /** The version the list is served at (the store's current one unless pinned). */
  readonly rv: number;
  /** Key after which a continued list starts ('' for the first page). */
  readonly start: string;
}

function forbidden(field: string, detail: string): FieldError {
  return { type: FieldErrorType.Forbidden, field, detail };
}

function notSupported(field: string, value: string, supported: readonly string[]): FieldError {
  return {
    type: FieldErrorType.NotSupported,
    field,
    value,
    detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  };
}

/** ValidateListOptions: 422 on ListOptions for combinations kube-apiserver refuses. */
export function validateListOptions(q: URLSearchParams, watch: boolean): void {
  const match = q.get('resourceVersionMatch') ?? '';
  const rv = q.get('resourceVersion') ?? '';
  const cont = q.get('continue') ?? '';
  const send = q.get('sendInitialEvents');
  const errs: FieldError[] = [];
  if (watch) {
    if (send !== null && match !== 'NotOlderThan')
      errs.push(
        forbidden(
          'resourceVersionMatch',
          'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
        ),
      );
    if (match !== '') {
      if (send === null)
        errs.push(
          forbidden(
            'resourceVersionMatch',
            'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
          ),
        );
      if (match !== 'NotOlderThan')
        errs.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
      if (cont !== '')
        errs.push(
          forbidden(
            'resourceVersionMatch',
            'resourceVersionMatch is forbidden when continue is provided',
          ),
        );
    }
  } else {
    if (match !== '') {
      if (rv === '')
        errs.push(
          forbidden(
            'resourceVersionMatch',
            'resourceVersionMatch is forbidden unless resourceVersion is provided',
          ),
        );
      if (cont !== '')
        errs.push(
          forbidden(
            'resourceVersionMatch',
            'resourceVersionMatch is forbidden when continue is provided',
          ),
        );
      if (match !== 'Exact' && match !== 'NotOlderThan')
        errs.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
      if (match === 'Exact' && rv === '0')
        errs.push(
          forbidden(
            'resourceVersionMatch',
            'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
          ),
        );
    }
    if (send !== null)
      errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  }
  if (errs.length > 0) throw invalid('ListOptions', 'meta.k8s.io', '', errs);
}

/**
 * A resourceVersion parameter as a number; anything else is a 400. (kube-apiserver answers a
 * watch with a bare 500 here, its cacher's error; no input may make this server answer 500.)
 */
export function parseResourceVersion(text: string): number {
  if (/^[0-9]+$/.test(text)) return Number(text);
  throw badRequest(
    `invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(text)}: strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`,
  );
}

export function encodeContinue(rv: number, after: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${after}\u0000` })).toString(
    'base64url',
  );
}

/** kube-apiserver's answer to a continue token it cannot use (storage.DecodeContinue's errors). */
function invalidContinue(reason: string): ApiError {
  return badRequest(`invalid continue token: continue key is not valid${reason}`);
}

function decodeContinue(token: string): { rv: number; start: string } {
  // base64.RawURLEncoding: the URL alphabet without padding
  const bad = token.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0 || token.length % 4 === 1)
    throw invalidContinue(
      `: illegal base64 data at input byte ${bad >= 0 ? bad : token.length - 1}`,
    );
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const syntax = goJsonSyntaxError(text);
  if (syntax !== undefined) throw invalidContinue(`: ${syntax}`);
  const v = JSON.parse(text) as unknown;
  const o = isPlainObject(v) ? v : {};
  if (o.v !== 'meta.k8s.io/v1')
    throw invalidContinue(
      `: server does not recognize this encoded version ${typeof o.v === 'string' ? o.v : ''}`,
    );
  if (typeof o.rv !== 'number' || o.rv === 0)
    throw invalidContinue(': incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof o.start !== 'string' || o.start === '')
    throw invalidContinue(': encoded start key empty (version meta.k8s.io/v1)');
  return { rv: o.rv, start: o.start.endsWith('\u0000') ? o.start.slice(0, -1) : o.start };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Which version a list is served at and where it starts, waiting for a future version as kube-apiserver does. */
export async function listRequest(q: URLSearchParams, store: ObjectStore): Promise<ListRequest> {
  const cont = q.get('continue') ?? '';
  if (cont !== '') return decodeContinue(cont);
  const rvText = q.get('resourceVersion') ?? '';
  if (rvText === '' || rvText === '0') return { rv: store.currentRv(), start: '' };
  const rv = parseResourceVersion(rvText);
  const match = q.get('resourceVersionMatch') ?? '';
  if (rv > store.currentRv()) {
    const timeout = Math.min(Number(q.get('timeoutSeconds') ?? '3') || 3, 3) * 1000;
    const end = Date.now() + timeout;
    while (rv > store.currentRv() && Date.now() < end) await sleep(50);
    if (rv > store.currentRv())
      throw new ApiError(
        504,
        'Timeout',
        `Timeout: Too large resource version: ${rv}, current: ${store.currentRv()}`,
        {
          causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
          retryAfterSeconds: 1,
        },
      );
  }
  return { rv: match === 'Exact' ? rv : store.currentRv(), start: '' };
}

function keyOf(o: KubeObject): string {
  const m = metaOf(o);
  return `${m.namespace ?? ''}/${m.name ?? ''}`;
}

/**
 * The objects of a resource as they were at `rv`: the current ones with every later change of
 * the watch history undone; 410 when the history no longer reaches back that far.
 */
export function itemsAt(
  store: ObjectStore,
  skey: string,
  namespace: string | undefined,
  rv: number,
  continued: boolean,
): KubeObject[] {
  const current = store.list(skey, namespace);
  if (rv >= store.currentRv()) return current;
  let events;
  try {
    events = store.hub.since(rv, store.currentRv());
  } catch {
    throw new ApiError(
      410,
      'Expired',
      continued
        ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.'
        : 'The resourceVersion for the provided list is too old.',
    );
  }
  const byKey = new Map(current.map((o) => [keyOf(o), o] as const));
  for (let i = events.length - 1; i >= 0; i--) {
    const ev = events[i]!;
    if (ev.skey !== skey || (namespace !== undefined && ev.namespace !== namespace)) continue;
    const key = `${ev.namespace}/${ev.name}`;
    if (ev.type === 'ADDED') byKey.delete(key);
    else if (ev.old !== undefined) byKey.set(key, ev.old);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
}
