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
  /**
   * Unsent bytes a watcher may fall behind by before it is closed (the initial events do not
   * count until they have drained once). @default DEFAULT_WATCH_BACKLOG_BYTES
   */
  readonly backlogBytes?: number;
  /** Called when a watcher is closed for falling behind. */
  readonly onSlowWatcher?: (backlog: number) => void;
}

/**
 * kube-apiserver closes a watcher that does not keep up with its events ("Forcing watcher close
 * due to unresponsiveness") and the client re-lists; so does this server once the bytes waiting
 * to be sent to one watcher pass this.
 */
export const DEFAULT_WATCH_BACKLOG_BYTES = 16 * 1024 * 1024;

export interface WatchHandle {
  stop(): void;
}

/** The line last encoded, shared by every watcher sent the same object as the same type. */
let lastLine:
  { readonly object: KubeObject; readonly type: string; readonly bytes: Buffer } | undefined;

/**
 * One watch event as bytes. Watchers of one resource get each event in the same synchronous
 * loop, mostly as the same stored object: they share one Buffer (and a backlog of it) instead of
 * holding a copy each.
 */
function eventLine(type: string, object: KubeObject): Buffer {
  if (lastLine !== undefined && lastLine.object === object && lastLine.type === type)
    return lastLine.bytes;
  const bytes = Buffer.from(`{"type":"${type}","object":${toJson(object)}}\n`);
  lastLine = { object, type, bytes };
  return bytes;
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
  const backlogLimit = w.backlogBytes ?? DEFAULT_WATCH_BACKLOG_BYTES;
  // set once the watch is under way; a watcher dropped before that has none to clear
  const timers: {
    bookmark?: ReturnType<typeof setInterval>;
    timeout?: ReturnType<typeof setTimeout>;
  } = {};
  let allowance = backlogLimit;

  const write = (type: string, object: KubeObject): void => {
    if (closed) return;
    res.write(eventLine(type, object));
    // writableLength: what the response and its socket still hold, unsent
    if (ready && res.writableLength > allowance) dropSlowWatcher();
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
    // an object leaving the selector: its previous content at the event's resourceVersion (the
    // cacher's convertToWatchEvent)
    else if (before && ev.old !== undefined)
      send('DELETED', {
        ...ev.old,
        metadata: { ...metaOf(ev.old), resourceVersion: metaOf(ev.object).resourceVersion },
      });
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
  // the initial events may be many; the limit counts from when they have been sent
  allowance = res.writableLength + backlogLimit;
  if (res.writableLength > 0) res.once('drain', () => (allowance = backlogLimit));
  else allowance = backlogLimit;
  for (const ev of pending.splice(0)) handle(ev);
  if (closed) return { stop: () => undefined }; // dropped while catching up

  if (w.allowBookmarks)
    timers.bookmark = setInterval(() => {
      write('BOOKMARK', {
        kind: w.info.kind,
        apiVersion: groupVersionString(w.info.group, w.info.version),
        metadata: { resourceVersion: String(store.currentRv()) },
      });
    }, w.bookmarkIntervalMs);
  timers.timeout = setTimeout(() => stop(), w.timeoutMs);

  function release(): void {
    closed = true;
    unlisten();
    clearInterval(timers.bookmark);
    clearTimeout(timers.timeout);
  }
  function stop(): void {
    if (closed) return;
    release();
    res.end();
  }
  /** Closes the connection at once: ending it would wait for the backlog it cannot send. */
  function dropSlowWatcher(): void {
    const backlog = res.writableLength;
    release();
    res.destroy();
    w.onSlowWatcher?.(backlog);
  }
  res.on('close', stop);
  return { stop };
}

/** The resourceVersion of an object for list metadata. */
export function rvOf(o: KubeObject): number {
  return Number(metaOf(o).resourceVersion ?? '0');
}
