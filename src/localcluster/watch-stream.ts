// The watch verb: a chunked stream of JSON watch events with resourceVersion semantics,
// selector transitions (ADDED/DELETED as objects enter/leave a selector), bookmarks and timeouts.
import type { ServerResponse } from 'node:http';
import { ApiError } from './status-errors.js';
import { toJson } from './json-cache.js';
import { metaOf, type KubeObject } from './object-meta.js';
import type { Matcher } from './selectors.js';
import type { StoreEvent } from './watch-hub.js';
import type { ObjectStore } from './store.js';
import { groupVersionString, storageKey, type ResourceInfo } from './registry.js';

export interface WatchRequest {
  readonly info: ResourceInfo;
  /** '' = all namespaces (or cluster-scoped) */
  readonly namespace: string;
  readonly labels: Matcher;
  readonly fields: Matcher;
  /** '' or '0' start with the current state as ADDED events. */
  readonly resourceVersion: string;
  readonly allowBookmarks: boolean;
  /** A watch-list: the current objects first (whatever the resourceVersion), then a bookmark saying so. */
  readonly sendInitialEvents?: boolean;
  readonly timeoutMs: number;
  readonly bookmarkIntervalMs: number;
  /** Turns each object into what is sent (version rewrite, Table row). */
  readonly render: (obj: KubeObject, first: boolean) => KubeObject;
}

export interface WatchHandle {
  stop(): void;
}

/** Streams events until the client goes away, the timeout passes or `stop()` is called. */
export function serveWatch(res: ServerResponse, store: ObjectStore, w: WatchRequest): WatchHandle {
  const skey = storageKey(w.info);
  const nsFilter = w.info.namespaced && w.namespace !== '' ? w.namespace : undefined;
  const matches = (o: KubeObject | undefined): boolean =>
    o !== undefined && w.labels(o) && w.fields(o);
  let lastRv = 0;
  let first = true;
  let closed = false;
  const pending: StoreEvent[] = [];
  let ready = false;

  const write = (type: string, object: KubeObject): void => {
    if (closed) return;
    res.write(`{"type":"${type}","object":${toJson(object)}}\n`);
  };
  const send = (type: string, obj: KubeObject): void => {
    write(type, w.render(obj, first));
    first = false;
  };
  const handle = (ev: StoreEvent): void => {
    if (ev.rv <= lastRv || ev.skey !== skey) return;
    lastRv = ev.rv;
    if (nsFilter !== undefined && ev.namespace !== nsFilter) return;
    const now = ev.type === 'DELETED' ? false : matches(ev.object);
    const before = ev.type === 'ADDED' ? false : matches(ev.old);
    if (ev.type === 'DELETED') {
      if (before) send('DELETED', ev.object);
    } else if (now && before) send('MODIFIED', ev.object);
    else if (now) send('ADDED', ev.object);
    else if (before) send('DELETED', { ...ev.object });
  };

  const unlisten = store.hub.listen((ev) => {
    if (!ready) pending.push(ev);
    else handle(ev);
  });

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();

  const rvParam = w.resourceVersion;
  try {
    if (rvParam === '' || rvParam === '0' || w.sendInitialEvents === true) {
      lastRv = store.currentRv();
      for (const o of store.list(skey, nsFilter)) if (matches(o)) send('ADDED', o);
      if (w.sendInitialEvents === true)
        write('BOOKMARK', {
          kind: w.info.kind,
          apiVersion: groupVersionString(w.info.group, w.info.version),
          metadata: {
            resourceVersion: String(lastRv),
            annotations: { 'k8s.io/initial-events-end': 'true' },
          },
        });
    } else {
      const rv = Number(rvParam);
      if (!Number.isInteger(rv) || rv < 0)
        throw new ApiError(400, 'BadRequest', `invalid resource version: ${rvParam}`);
      lastRv = rv;
      for (const ev of store.hub.since(rv, store.currentRv())) handle(ev);
    }
  } catch (err) {
    if (err instanceof ApiError) write('ERROR', err.toStatus());
    else write('ERROR', new ApiError(500, 'InternalError', String(err)).toStatus());
    closed = true;
    unlisten();
    res.end();
    return { stop: () => undefined };
  }
  ready = true;
  for (const ev of pending.splice(0)) handle(ev);

  const bookmark = w.allowBookmarks
    ? setInterval(() => {
        write('BOOKMARK', {
          kind: w.info.kind,
          apiVersion: groupVersionString(w.info.group, w.info.version),
          metadata: { resourceVersion: String(store.currentRv()) },
        });
      }, w.bookmarkIntervalMs)
    : undefined;
  const timeout = setTimeout(() => stop(), w.timeoutMs);

  function stop(): void {
    if (closed) return;
    closed = true;
    unlisten();
    if (bookmark) clearInterval(bookmark);
    clearTimeout(timeout);
    res.end();
  }
  res.on('close', stop);
  return { stop };
}

/** The resourceVersion of an object for list metadata. */
export function rvOf(o: KubeObject): number {
  return Number(metaOf(o).resourceVersion ?? '0');
}
