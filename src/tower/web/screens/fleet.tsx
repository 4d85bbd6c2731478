// The Fleet screen: every app on every cluster with its revision, how far behind its source it is,
// readiness, suspension, last change and drift; counts at the top; filters and search run on the
// server; a list view and a matrix view (apps × clusters, grouped by environment).
import { useEffect } from 'preact/hooks';
import type { AppRow, ClusterInfo, Counts, FleetPage, MatrixPage } from '../../api/types.js';
import { useApi } from '../api.js';
import {
  Age,
  DriftBadge,
  Empty,
  ErrorBox,
  FilterChips,
  Loading,
  Pager,
  Revision,
  SearchBox,
  StatusBadge,
} from '../components.js';
import { href, navigate, withQuery, type Location } from '../router.js';

export const appHref = (id: string) => `/apps/${id}`;

function CountCards({ counts, fleet, loc }: { counts: Counts; fleet: Counts; loc: Location }) {
  const card = (label: string, value: number, status: string | undefined, total?: number) => (
    <button
      type="button"
      class={`count count-${status ?? 'total'}`}
      data-count={status ?? 'total'}
      onClick={() =>
        navigate(withQuery(loc, { status: status === undefined ? undefined : [status] }))
      }
    >
      <span class="count-value">{value.toLocaleString()}</span>
      <span class="count-label">{label}</span>
      {total !== undefined && total !== value ? (
        <span class="count-of">of {total.toLocaleString()}</span>
      ) : null}
    </button>
  );
  return (
    <div class="counts">
      {card('apps', counts.total, undefined, fleet.total)}
      {card('ready', counts.ready, 'ready')}
      {card('failing', counts.failing, 'failing')}
      {card('progressing', counts.progressing, 'progressing')}
      {card('suspended', counts.suspended, 'suspended')}
      <button
        type="button"
        class="count count-behind"
        data-count="behind"
        onClick={() => navigate(withQuery(loc, { drift: ['behind'] }))}
      >
        <span class="count-value">{counts.behind.toLocaleString()}</span>
        <span class="count-label">behind source</span>
      </button>
    </div>
  );
}

function Filters({ page, loc }: { page: FleetPage | MatrixPage; loc: Location }) {
  return (
    <div class="filters">
      <SearchBox loc={loc} placeholder="Search apps, namespaces, sources, messages…" />
      <FilterChips
        loc={loc}
        name="environment"
        label="Environment"
        options={page.environments.map((e) => ({ value: e }))}
      />
      <FilterChips
        loc={loc}
        name="cluster"
        label="Cluster"
        options={page.clusters.map((c) => ({ value: c.name, count: c.apps }))}
      />
      <FilterChips
        loc={loc}
        name="status"
        label="Status"
        options={['ready', 'failing', 'progressing', 'suspended'].map((s) => ({ value: s }))}
      />
      <FilterChips
        loc={loc}
        name="drift"
        label="Drift"
        options={[
          { value: 'synced', label: 'in sync' },
          { value: 'behind', label: 'behind' },
          { value: 'failing', label: 'not applied' },
        ]}
      />
      {page.kinds.length > 1 ? (
        <FilterChips
          loc={loc}
          name="kind"
          label="Kind"
          options={page.kinds.map((k) => ({ value: k }))}
        />
      ) : null}
    </div>
  );
}

function SortHeader({ loc, sort, label }: { loc: Location; sort: string; label: string }) {
  const current = loc.query.get('sort') ?? 'name';
  const desc = loc.query.get('desc') === 'true';
  const active = current === sort;
  return (
    <th>
      <a
        href={withQuery(loc, {
          sort: sort === 'name' ? undefined : sort,
          desc: active && !desc ? 'true' : undefined,
        })}
        class={active ? 'sort active' : 'sort'}
      >
        {label}
        {active ? (desc ? ' ↓' : ' ↑') : ''}
      </a>
    </th>
  );
}

function ListView({ page, loc }: { page: FleetPage; loc: Location }) {
  if (page.items.length === 0) return <Empty>No apps match.</Empty>;
  return (
    <table class="grid fleet-table">
      <thead>
        <tr>
          <SortHeader loc={loc} sort="name" label="App" />
          <SortHeader loc={loc} sort="cluster" label="Cluster" />
          <th>Env</th>
          <SortHeader loc={loc} sort="status" label="Status" />
          <th>Revision</th>
          <SortHeader loc={loc} sort="behind" label="Drift" />
          <SortHeader loc={loc} sort="lastChange" label="Last change" />
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {page.items.map((r: AppRow) => (
          <tr key={r.id} data-app={r.id}>
            <td>
              <a href={appHref(r.id)} class="app-link">
                <span class="app-name">{r.name}</span>
                <span class="app-ns">
                  {r.kind} · {r.namespace}
                </span>
              </a>
            </td>
            <td>{r.cluster}</td>
            <td>
              <span class="env">{r.environment}</span>
            </td>
            <td>
              <StatusBadge status={r.status} />
            </td>
            <td>
              <Revision rev={r.revision} />
            </td>
            <td>
              <DriftBadge drift={r.drift} behind={r.behind} />
            </td>
            <td>
              <Age iso={r.lastChange} />
            </td>
            <td class="message" title={r.message}>
              {r.message}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MatrixView({ page }: { page: MatrixPage }) {
  if (page.items.length === 0) return <Empty>No apps match.</Empty>;
  const clusters: ClusterInfo[] = [...page.clusters].sort(
    (a, b) => a.environment.localeCompare(b.environment) || a.name.localeCompare(b.name),
  );
  return (
    <table class="grid matrix">
      <thead>
        <tr>
          <th>App</th>
          {clusters.map((c) => (
            <th key={c.name}>
              {c.name}
              <span class="env">{c.environment}</span>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {page.items.map((m) => (
          <tr key={m.key}>
            <td>
              <span class="app-name">{m.name}</span>
              <span class="app-ns">
                {m.kind} · {m.namespace}
              </span>
            </td>
            {clusters.map((c) => {
              const cell = m.cells[c.name];
              return (
                <td key={c.name} class="cell">
                  {cell ? (
                    <a href={appHref(cell.id)} class="cell-link">
                      <StatusBadge status={cell.status} />
                      <Revision rev={cell.revision} />
                    </a>
                  ) : (
                    <span class="muted">—</span>
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FleetScreen({ loc }: { loc: Location }) {
  const view = loc.query.get('view') === 'matrix' ? 'matrix' : 'list';
  const res = useApi<FleetPage | MatrixPage>(
    href(
      '/api/fleet',
      Object.fromEntries([...new Set(loc.query.keys())].map((k) => [k, loc.query.getAll(k)])),
    ),
    ['apps'],
  );
  const page = res.data;
  useEffect(() => {
    if (page && !document.body.dataset['ready']) {
      document.body.dataset['ready'] = 'fleet';
      performance.mark('tower:fleet-interactive');
    }
  }, [page]);
  if (!page) return res.error ? <ErrorBox error={res.error} /> : <Loading />;
  // While switching views the last page is of the other shape: wait for the new one.
  const first = page.items[0];
  if (first && 'cells' in first !== (view === 'matrix')) return <Loading />;
  const unreachable = page.clusters.filter((c) => !c.reachable);
  return (
    <div class="screen">
      <div class="screen-head">
        <h1>Fleet</h1>
        <div class="view-switch" role="group" aria-label="View">
          <a href={withQuery(loc, { view: undefined })} class={view === 'list' ? 'on' : ''}>
            List
          </a>
          <a href={withQuery(loc, { view: 'matrix' })} class={view === 'matrix' ? 'on' : ''}>
            Matrix
          </a>
        </div>
      </div>
      {unreachable.map((c) => (
        <div class="error" key={c.name}>
          Cluster <strong>{c.name}</strong> is not answering: {c.message}
        </div>
      ))}
      <CountCards counts={page.counts} fleet={page.fleet} loc={loc} />
      <Filters page={page} loc={loc} />
      {res.error ? <ErrorBox error={res.error} /> : null}
      {view === 'matrix' ? (
        <MatrixView page={page as MatrixPage} />
      ) : (
        <ListView page={page as FleetPage} loc={loc} />
      )}
      <Pager loc={loc} page={page.page} pageSize={page.pageSize} total={page.total} />
    </div>
  );
}
