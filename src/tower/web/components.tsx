// Small pieces every screen uses: status badges, times, revisions, paging, filters, search, and
// the loading and error states.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AppStatus, DriftState, HealthState } from '../api/types.js';
import type { RequestError } from './api.js';
import { navigate, withQuery, type Location } from './router.js';

const STATUS_LABEL: Record<AppStatus, string> = {
  ready: 'Ready',
  failing: 'Failing',
  progressing: 'Progressing',
  suspended: 'Suspended',
  unknown: 'Unknown',
};

export function StatusBadge({ status }: { status: AppStatus }) {
  return <span class={`badge badge-${status}`}>{STATUS_LABEL[status]}</span>;
}

const DRIFT_LABEL: Record<DriftState, string> = {
  synced: 'In sync',
  behind: 'Behind',
  failing: 'Not applied',
  unknown: '—',
};

export function DriftBadge({ drift, behind }: { drift: DriftState; behind?: number | undefined }) {
  if (drift === 'unknown') return <span class="muted">—</span>;
  const n = drift === 'behind' && behind !== undefined && behind > 0 ? ` ${behind}` : '';
  return <span class={`badge badge-drift-${drift}`}>{DRIFT_LABEL[drift] + n}</span>;
}

export function HealthBadge({ health }: { health: HealthState }) {
  return <span class={`badge badge-health-${health.toLowerCase()}`}>{health}</span>;
}

/** `main@sha1:abcdef…` → `main@abcdef1`. */
export function shortRevision(rev: string): string {
  const m = /^(?:(.*)@)?(?:sha1|sha256):([0-9a-f]+)$/.exec(rev);
  if (m) return `${m[1] ? `${m[1]}@` : ''}${(m[2] ?? '').slice(0, 7)}`;
  return /^[0-9a-f]{40,64}$/.test(rev) ? rev.slice(0, 7) : rev;
}

export function Revision({ rev }: { rev: string }) {
  if (rev === '') return <span class="muted">—</span>;
  return (
    <code class="rev" title={rev}>
      {shortRevision(rev)}
    </code>
  );
}

function ago(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.round(Math.abs(now - t) / 1000);
  const span =
    s < 60
      ? `${s}s`
      : s < 3600
        ? `${Math.round(s / 60)}m`
        : s < 86_400
          ? `${Math.round(s / 3600)}h`
          : `${Math.round(s / 86_400)}d`;
  return t > now + 1000 ? `in ${span}` : `${span} ago`;
}

/** A time shown as "3m ago", exact on hover; re-rendered every 30 s. */
export function Age({ iso }: { iso: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  if (iso === '') return <span class="muted">—</span>;
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()}>
      {ago(iso, now)}
    </time>
  );
}

export function Pager({
  loc,
  page,
  pageSize,
  total,
}: {
  loc: Location;
  page: number;
  pageSize: number;
  total: number;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const go = (p: number) =>
    navigate(
      withQuery(loc, {
        page: p === 1 ? undefined : String(p),
        pageSize: loc.query.get('pageSize') ?? undefined,
      }),
    );
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <div class="pager">
      <span class="muted">
        {from.toLocaleString()}–{to.toLocaleString()} of {total.toLocaleString()}
      </span>
      <button
        type="button"
        disabled={page <= 1}
        onClick={() => go(page - 1)}
        aria-label="previous page"
      >
        ‹ Prev
      </button>
      <span class="page-number">
        page {page} / {pages}
      </span>
      <button
        type="button"
        disabled={page >= pages}
        onClick={() => go(page + 1)}
        aria-label="next page"
      >
        Next ›
      </button>
    </div>
  );
}

/** A search box that updates the `q` parameter as one types (after a short pause). */
export function SearchBox({ loc, placeholder }: { loc: Location; placeholder: string }) {
  const [value, setValue] = useState(loc.query.get('q') ?? '');
  useEffect(() => {
    const t = setTimeout(() => {
      if ((loc.query.get('q') ?? '') !== value)
        navigate(withQuery(loc, { q: value === '' ? undefined : value }), true);
    }, 250);
    return () => clearTimeout(t);
  }, [value]);
  return (
    <input
      class="search"
      type="search"
      name="q"
      placeholder={placeholder}
      value={value}
      onInput={(e) => setValue((e.target as HTMLInputElement).value)}
    />
  );
}

/** A row of toggle chips for one multi-valued filter parameter. */
export function FilterChips({
  loc,
  name,
  label,
  options,
}: {
  loc: Location;
  name: string;
  label: string;
  options: readonly { value: string; label?: string; count?: number }[];
}) {
  const selected = loc.query.getAll(name).flatMap((v) => v.split(','));
  if (options.length === 0) return null;
  const toggle = (v: string) =>
    navigate(
      withQuery(loc, {
        [name]: selected.includes(v) ? selected.filter((s) => s !== v) : [...selected, v],
      }),
    );
  return (
    <div class="chips" role="group" aria-label={label}>
      <span class="chips-label">{label}</span>
      {options.map((o) => (
        <button
          type="button"
          key={o.value}
          class={selected.includes(o.value) ? 'chip chip-on' : 'chip'}
          aria-pressed={selected.includes(o.value)}
          data-filter={`${name}=${o.value}`}
          onClick={() => toggle(o.value)}
        >
          {o.label ?? o.value}
          {o.count !== undefined ? (
            <span class="chip-count">{o.count.toLocaleString()}</span>
          ) : null}
        </button>
      ))}
    </div>
  );
}

export function Loading() {
  return <div class="state">Loading…</div>;
}

export function ErrorBox({ error }: { error: RequestError }) {
  return (
    <div class="error" role="alert">
      <strong>{error.reason}</strong> {error.message}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="state">{children}</div>;
}

export function Section({
  title,
  children,
  actions,
}: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <section class="card">
      <header class="card-head">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}
