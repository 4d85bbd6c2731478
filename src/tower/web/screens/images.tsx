// The Images screen: every image repository the fleet runs, with the tags each environment runs
// side by side (and where), the newest tag, and the ones behind it marked outdated.
import type { ImagesPage } from '../../api/types.js';
import { useApi } from '../api.js';
import { Empty, ErrorBox, FilterChips, Loading, Pager, SearchBox } from '../components.js';
import { href, navigate, withQuery, type Location } from '../router.js';
import { appHref } from './fleet.js';

export function ImagesScreen({ loc }: { loc: Location }) {
  const params = Object.fromEntries(
    [...new Set(loc.query.keys())].map((k) => [k, loc.query.getAll(k)]),
  );
  const res = useApi<ImagesPage>(href('/api/images', params), ['images']);
  const page = res.data;
  if (!page) return res.error ? <ErrorBox error={res.error} /> : <Loading />;
  const selected = loc.query.getAll('environment').flatMap((e) => e.split(','));
  const envs =
    selected.length > 0 ? page.environments.filter((e) => selected.includes(e)) : page.environments;
  const outdatedOnly = loc.query.get('outdated') === 'true';
  return (
    <div class="screen">
      <div class="screen-head">
        <h1>Images</h1>
        <label class="toggle">
          <input
            type="checkbox"
            name="outdated"
            checked={outdatedOnly}
            onChange={() =>
              navigate(withQuery(loc, { outdated: outdatedOnly ? undefined : 'true' }))
            }
          />{' '}
          only outdated ({page.outdated})
        </label>
      </div>
      <div class="filters">
        <SearchBox loc={loc} placeholder="Search images, tags, apps…" />
        <FilterChips
          loc={loc}
          name="environment"
          label="Environment"
          options={page.environments.map((e) => ({ value: e }))}
        />
      </div>
      {page.items.length === 0 ? (
        <Empty>No images match.</Empty>
      ) : (
        <table class="grid images">
          <thead>
            <tr>
              <th>Image</th>
              <th>Newest</th>
              {envs.map((e) => (
                <th key={e}>{e}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page.items.map((row) => (
              <tr key={row.image} data-image={row.image} class={row.outdated ? 'outdated' : ''}>
                <td>
                  <code>{row.image}</code>
                </td>
                <td>
                  <span
                    class="tag tag-latest"
                    title={
                      row.latestFrom === 'policy'
                        ? 'from the ImagePolicy'
                        : 'newest seen in the fleet'
                    }
                  >
                    {row.latest || '—'}
                  </span>
                </td>
                {envs.map((e) => (
                  <td key={e}>
                    {(row.environments[e] ?? []).map((u, i) => (
                      <div key={i} class="use">
                        <span
                          class={u.outdated ? 'tag tag-outdated' : 'tag'}
                          data-outdated={String(u.outdated)}
                        >
                          {u.tag}
                        </span>{' '}
                        <span class="muted">{u.cluster}</span>{' '}
                        {u.app ? (
                          <a href={appHref(u.app)}>{u.workload.split('/').pop()}</a>
                        ) : (
                          <span>{u.workload.split('/').pop()}</span>
                        )}
                      </div>
                    ))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager loc={loc} page={page.page} pageSize={page.pageSize} total={page.total} />
    </div>
  );
}
