// The Changes screen: who changed what and when across every source repository, filterable by
// author, kind, namespace, change type and source, each commit linked to the apps it reached and
// when each cluster applied it.
import type { ChangeRow, ChangesPage } from '../../api/types.js';
import { useApi } from '../api.js';
import { Age, Empty, ErrorBox, FilterChips, Loading, Pager, SearchBox } from '../components.js';
import { href, type Location } from '../router.js';
import { appHref } from './fleet.js';

function appLabel(id: string): string {
  const [cluster = '', kind = '', namespace = '', name = ''] = id
    .split('/')
    .map(decodeURIComponent);
  return `${cluster} · ${kind === 'Kustomization' ? '' : `${kind} `}${namespace}/${name}`;
}

function Change({ c }: { c: ChangeRow }) {
  const shown = c.objects.slice(0, 12);
  return (
    <article class="change-row" data-commit={c.sha}>
      <header>
        <code class="rev" title={c.sha}>
          {c.sha.slice(0, 7)}
        </code>
        <strong class="subject">{c.subject}</strong>
        <span class="author" title={c.email}>
          {c.author}
        </span>
        <Age iso={c.date} />
      </header>
      <div class="change-meta muted">
        {c.source} · {c.files} file{c.files === 1 ? '' : 's'}
      </div>
      {shown.length > 0 ? (
        <ul class="objects">
          {shown.map((o, i) => (
            <li key={i} class={`obj obj-${o.change}`}>
              <span class={`change change-${o.change}`}>{o.change}</span> {o.kind}{' '}
              {o.namespace ? <span class="muted">{o.namespace}/</span> : null}
              {o.name}
            </li>
          ))}
          {c.objects.length > shown.length ? (
            <li class="muted">and {c.objects.length - shown.length} more</li>
          ) : null}
        </ul>
      ) : null}
      {c.appsTotal > 0 ? (
        <div class="reached">
          <span class="muted">
            Reached {c.appsTotal} app{c.appsTotal === 1 ? '' : 's'}, applied on {c.appsApplied}:
          </span>
          {c.apps.map((a) => (
            <a
              key={a.app}
              href={appHref(a.app)}
              class={a.applied ? 'applied' : 'pending'}
              data-applied={String(a.applied)}
            >
              {appLabel(a.app)}{' '}
              {a.applied ? (
                a.appliedAt ? (
                  <Age iso={a.appliedAt} />
                ) : (
                  <span>applied</span>
                )
              ) : (
                <span>pending</span>
              )}
            </a>
          ))}
          {c.appsTotal > c.apps.length ? (
            <span class="muted">and {c.appsTotal - c.apps.length} more</span>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}

export function ChangeList({ page, loc }: { page: ChangesPage; loc: Location }) {
  return (
    <div>
      {page.items.length === 0 ? (
        <Empty>No changes match.</Empty>
      ) : (
        page.items.map((c) => <Change key={`${c.source}/${c.sha}`} c={c} />)
      )}
      <Pager loc={loc} page={page.page} pageSize={page.pageSize} total={page.total} />
    </div>
  );
}

export function ChangesScreen({ loc }: { loc: Location }) {
  const params = Object.fromEntries(
    [...new Set(loc.query.keys())].map((k) => [k, loc.query.getAll(k)]),
  );
  const res = useApi<ChangesPage>(href('/api/changes', params), ['changes', 'apps']);
  const page = res.data;
  if (!page) return res.error ? <ErrorBox error={res.error} /> : <Loading />;
  return (
    <div class="screen">
      <div class="screen-head">
        <h1>Changes</h1>
      </div>
      <div class="filters">
        <SearchBox loc={loc} placeholder="Search messages, commits, files…" />
        <FilterChips
          loc={loc}
          name="type"
          label="Change"
          options={['added', 'modified', 'removed'].map((t) => ({ value: t }))}
        />
        <FilterChips
          loc={loc}
          name="kind"
          label="Kind"
          options={page.kinds.map((k) => ({ value: k }))}
        />
        <FilterChips
          loc={loc}
          name="namespace"
          label="Namespace"
          options={page.namespaces.slice(0, 30).map((n) => ({ value: n }))}
        />
        <FilterChips
          loc={loc}
          name="author"
          label="Author"
          options={page.authors.slice(0, 30).map((a) => ({ value: a }))}
        />
        {page.sources.length > 1 ? (
          <FilterChips
            loc={loc}
            name="source"
            label="Source"
            options={page.sources.map((s) => ({ value: s }))}
          />
        ) : null}
      </div>
      {res.error ? <ErrorBox error={res.error} /> : null}
      <ChangeList page={page} loc={loc} />
    </div>
  );
}
