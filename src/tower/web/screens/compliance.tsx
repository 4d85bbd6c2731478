// The Compliance screen: policy violations across the fleet — per policy with clusters side by
// side, per namespace, the violations themselves, and the accepted risks with their expiry.
import type { CompliancePage } from '../../api/types.js';
import { useApi } from '../api.js';
import {
  Age,
  Empty,
  ErrorBox,
  FilterChips,
  Loading,
  Pager,
  SearchBox,
  Section,
} from '../components.js';
import { href, navigate, withQuery, type Location } from '../router.js';

export function ComplianceScreen({ loc }: { loc: Location }) {
  const params = Object.fromEntries(
    [...new Set(loc.query.keys())].map((k) => [k, loc.query.getAll(k)]),
  );
  const res = useApi<CompliancePage>(href('/api/compliance', params), ['compliance']);
  const page = res.data;
  if (!page) return res.error ? <ErrorBox error={res.error} /> : <Loading />;
  const clusters = page.clusters.map((c) => c.name);
  const engines = Object.entries(page.engines);
  return (
    <div class="screen">
      <div class="screen-head">
        <h1>Compliance</h1>
        <span class="muted">
          {engines.length === 0
            ? 'No cluster holds PolicyReports or Gatekeeper constraints yet.'
            : engines.map(([c, e]) => `${c}: ${e.join(', ')}`).join(' · ')}
        </span>
      </div>
      <div class="filters">
        <SearchBox loc={loc} placeholder="Search policies, objects, messages…" />
        <FilterChips
          loc={loc}
          name="cluster"
          label="Cluster"
          options={clusters.map((c) => ({ value: c }))}
        />
        <FilterChips
          loc={loc}
          name="namespace"
          label="Namespace"
          options={page.byNamespace
            .slice(0, 20)
            .map((n) => ({ value: n.namespace || '(cluster)', count: n.count }))}
        />
      </div>
      <Section title="Policies × clusters">
        {page.matrix.length === 0 ? (
          <Empty>No violations.</Empty>
        ) : (
          <table class="grid matrix compliance-matrix">
            <thead>
              <tr>
                <th>Policy</th>
                {clusters.map((c) => (
                  <th key={c}>{c}</th>
                ))}
                <th>Total</th>
              </tr>
            </thead>
            <tbody>
              {page.matrix.map((m) => (
                <tr key={m.policy} data-policy={m.policy}>
                  <td>
                    <a href={withQuery(loc, { policy: m.policy })}>{m.policy}</a>
                  </td>
                  {clusters.map((c) => (
                    <td key={c} class={(m.clusters[c] ?? 0) > 0 ? 'cell bad' : 'cell good'}>
                      {m.clusters[c] ?? 0}
                    </td>
                  ))}
                  <td>{m.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Violations">
        {page.items.length === 0 ? (
          <Empty>No violations match.</Empty>
        ) : (
          <table class="grid compact violations">
            <thead>
              <tr>
                <th>Policy</th>
                <th>Cluster</th>
                <th>Object</th>
                <th>Action</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((v, i) => (
                <tr key={i} data-violation={`${v.cluster}/${v.policy}/${v.namespace}/${v.name}`}>
                  <td>{v.policy}</td>
                  <td>
                    {v.cluster} <span class="env">{v.environment}</span>
                  </td>
                  <td>
                    {v.kind} {v.namespace ? `${v.namespace}/` : ''}
                    {v.name}
                  </td>
                  <td>
                    <span class={`badge badge-action-${v.action}`}>{v.action}</span>
                    {v.acceptedBy ? (
                      <span class="badge badge-accepted">accepted: {v.acceptedBy}</span>
                    ) : null}
                  </td>
                  <td class="message">{v.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <label class="toggle">
          <input
            type="checkbox"
            checked={loc.query.get('accepted') === 'true'}
            onChange={() =>
              navigate(
                withQuery(loc, {
                  accepted: loc.query.get('accepted') === 'true' ? undefined : 'true',
                }),
              )
            }
          />{' '}
          include accepted risks
        </label>
        <Pager loc={loc} page={page.page} pageSize={page.pageSize} total={page.total} />
      </Section>
      <Section title="Accepted risks">
        {page.risks.length === 0 ? (
          <Empty>No accepted risks (PolicyExceptions).</Empty>
        ) : (
          <table class="grid compact">
            <thead>
              <tr>
                <th>Exception</th>
                <th>Policies</th>
                <th>Justification</th>
                <th>Accepted by</th>
                <th>Expires</th>
              </tr>
            </thead>
            <tbody>
              {page.risks.map((r) => (
                <tr
                  key={`${r.cluster}/${r.namespace}/${r.name}`}
                  class={r.expired ? 'expired' : ''}
                >
                  <td>
                    {r.cluster} · {r.namespace}/{r.name}
                  </td>
                  <td>{r.policies.join(', ')}</td>
                  <td>
                    {r.justification} {r.ticket ? <span class="muted">({r.ticket})</span> : null}
                  </td>
                  <td>{r.acceptedBy}</td>
                  <td>
                    {r.expired ? (
                      <span class="badge badge-failing">expired</span>
                    ) : (
                      <Age iso={r.expiresAt} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  );
}
