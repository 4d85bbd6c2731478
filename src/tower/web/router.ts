// Client-side routing on real URLs (history API): every screen and filter is in the address, so a
// view can be shared or reloaded; links navigate without reloading the app.
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
}

const listeners = new Set<() => void>();

function current(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export function navigate(href: string, replace = false): void {
  if (href === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  for (const l of listeners) l();
}

window.addEventListener('popstate', () => {
  for (const l of listeners) l();
});

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return loc;
}

/** A URL with query parameters (empty values left out). */
export function href(
  path: string,
  params: Record<string, string | readonly string[] | undefined> = {},
): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const one of typeof v === 'string' ? [v] : v) if (one !== '') q.append(k, one);
  }
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

/** The same location with some query parameters changed (page reset unless given). */
export function withQuery(
  loc: Location,
  changes: Record<string, string | readonly string[] | undefined>,
): string {
  const params: Record<string, string[]> = {};
  for (const [k, v] of loc.query) (params[k] ??= []).push(v);
  delete params['page'];
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete params[k];
    else params[k] = typeof v === 'string' ? [v] : [...v];
  }
  return href(loc.path, params);
}

/** Follows a link inside the app without a reload (keeps ctrl/middle click working). */
export function onLinkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
    return;
  const a = (e.target as Element | null)?.closest('a');
  if (!a || a.target || a.origin !== window.location.origin || a.hasAttribute('download')) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
}
