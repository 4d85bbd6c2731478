// Talking to Tower's server: JSON reads, actions with the session's CSRF token, the session
// itself, and the live stream that tells which topics changed.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError, LiveUpdate, SessionInfo } from '../api/types.js';

export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

async function parse<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as unknown;
  if (!res.ok) {
    const e = body as Partial<ApiError>;
    throw new RequestError(
      res.status,
      e.reason ?? 'Error',
      e.error ?? `${res.status} ${res.statusText}`,
    );
  }
  return body as T;
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return parse<T>(await fetch(url, { credentials: 'same-origin', ...(signal ? { signal } : {}) }));
}

/** Until the server answers, neither read-only nor logged in (the top bar waits). */
let session: SessionInfo & { loaded?: boolean } = { readOnly: false, loaded: false };
const sessionListeners = new Set<(s: SessionInfo & { loaded?: boolean }) => void>();

function setSession(s: SessionInfo): void {
  session = { ...s, loaded: true };
  for (const l of sessionListeners) l(session);
}

/** Reads the session, trying again every two seconds while the server cannot be reached. */
export async function loadSession(): Promise<void> {
  for (;;) {
    try {
      setSession(await getJson<SessionInfo>('/api/session', AbortSignal.timeout(5000)));
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

export function useSession(): SessionInfo & { loaded?: boolean } {
  const [s, set] = useState(session);
  useEffect(() => {
    sessionListeners.add(set);
    set(session); // the session may have come in between the render and this effect
    return () => {
      sessionListeners.delete(set);
    };
  }, []);
  return s;
}

export async function postJson<T>(url: string, body: unknown = {}): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'Content-Type': 'application/json',
      ...(session.csrf ? { 'X-CSRF-Token': session.csrf } : {}),
    },
    body: JSON.stringify(body),
  });
  return parse<T>(res);
}

export async function login(token: string): Promise<void> {
  setSession(await postJson<SessionInfo>('/api/login', { token }));
}

export async function logout(): Promise<void> {
  await postJson('/api/logout');
  setSession(await getJson<SessionInfo>('/api/session'));
}

type Topic = LiveUpdate['topics'][number];
const liveListeners = new Set<(u: LiveUpdate) => void>();
let stream: EventSource | undefined;
let connected = false;
const connectionListeners = new Set<(c: boolean) => void>();

function ensureStream(): void {
  if (stream) return;
  stream = new EventSource('/api/stream');
  stream.onopen = () => {
    connected = true;
    for (const l of connectionListeners) l(true);
  };
  stream.onerror = () => {
    connected = false;
    for (const l of connectionListeners) l(false);
  };
  stream.onmessage = (e: MessageEvent<string>) => {
    const update = JSON.parse(e.data) as LiveUpdate;
    for (const l of liveListeners) l(update);
  };
}

export function useConnected(): boolean {
  const [c, set] = useState(connected);
  useEffect(() => {
    ensureStream();
    connectionListeners.add(set);
    return () => {
      connectionListeners.delete(set);
    };
  }, []);
  return c;
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: RequestError | undefined;
  readonly loading: boolean;
  /** Fetches again now. */
  readonly reload: () => void;
}

/**
 * Fetches a URL and fetches it again whenever the live stream reports a change of one of
 * `topics` (and, with `appId`, only when that app changed). Keeps showing the last data while a
 * new fetch runs, so live updates never flash.
 */
export function useApi<T>(
  url: string | undefined,
  topics: readonly Topic[],
  appId?: string,
): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: RequestError; loading: boolean }>({
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const urlRef = useRef(url);
  urlRef.current = url;
  useEffect(() => {
    if (url === undefined) return undefined;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    getJson<T>(url, ctl.signal).then(
      (data) => {
        if (urlRef.current === url) setState({ data, loading: false });
      },
      (err: unknown) => {
        if (ctl.signal.aborted) return;
        setState((s) => ({
          ...s,
          error: err instanceof RequestError ? err : new RequestError(0, 'Network', String(err)),
          loading: false,
        }));
      },
    );
    return () => ctl.abort();
  }, [url, tick]);
  useEffect(() => {
    ensureStream();
    const l = (u: LiveUpdate) => {
      if (!u.topics.some((t) => topics.includes(t))) return;
      if (appId !== undefined && u.apps.length > 0 && !u.apps.includes(appId)) return;
      setTick((t) => t + 1);
    };
    liveListeners.add(l);
    return () => {
      liveListeners.delete(l);
    };
  }, [topics.join(','), appId]);
  return {
    data: state.data,
    error: state.error,
    loading: state.loading,
    reload: () => setTick((t) => t + 1),
  };
}
