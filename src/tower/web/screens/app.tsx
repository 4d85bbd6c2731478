// The App screen: one app on one cluster — status and actions at the top, then tabs for the
// resource tree, events and conditions history, the live-versus-desired diff, the applied
// revisions with their commits (compare any two, or against a branch; roll back through Git), and
// the source changes that reached it.
import { useEffect, useState } from 'preact/hooks';
import type {
  ActionResult,
  AppDetail,
  AppTree,
  ChangesPage,
  DiffResponse,
  RevertPreview,
  TreeNode,
} from '../../api/types.js';
import { RequestError, postJson, useApi, useSession } from '../api.js';
import {
  Age,
  DriftBadge,
  Empty,
  ErrorBox,
  HealthBadge,
  Loading,
  Revision,
  Section,
  StatusBadge,
  shortRevision,
} from '../components.js';
import { DiffView } from '../diff-view.js';
import { href, navigate, withQuery, type Location } from '../router.js';
import { ChangeList } from './changes.js';
import { appHref } from './fleet.js';

const TABS = [
  ['overview', 'Overview'],
  ['tree', 'Resources'],
  ['diff', 'Live diff'],
  ['history', 'History'],
  ['changes', 'Changes'],
] as const;
type Tab = (typeof TABS)[number][0];

function Actions({
  id,
  detail,
  onDone,
}: {
  id: string;
  detail: AppDetail;
  onDone: (r: ActionResult | RequestError) => void;
}) {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const act = async (path: string, body: unknown = {}) => {
    setBusy(true);
    try {
      onDone(await postJson<ActionResult>(`/api/apps/${id}/${path}`, body));
    } catch (err) {
      onDone(err instanceof RequestError ? err : new RequestError(0, 'Error', String(err)));
    } finally {
      setBusy(false);
    }
  };
  const loggedIn = !session.readOnly && session.user !== undefined;
  const disabled = busy || !loggedIn || !detail.actions.reconcile;
  const why = session.readOnly ? 'Tower is read-only' : session.user ? undefined : 'Log in to act';
  return (
    <div class="actions" title={why}>
      <button
        type="button"
        class="primary"
        disabled={disabled}
        onClick={() => void act('reconcile', { withSource: true })}
        data-action="reconcile"
      >
        Reconcile with source
      </button>
      <button
        type="button"
        disabled={disabled}
        onClick={() => void act('reconcile', { withSource: false })}
        data-action="reconcile-app"
      >
        Reconcile
      </button>
      {detail.row.suspended ? (
        <button
          type="button"
          disabled={busy || !loggedIn || !detail.actions.suspend}
          onClick={() => void act('resume')}
          data-action="resume"
        >
          Resume
        </button>
      ) : (
        <button
          type="button"
          disabled={busy || !loggedIn || !detail.actions.suspend}
          onClick={() => void act('suspend')}
          data-action="suspend"
        >
          Suspend
        </button>
      )}
    </div>
  );
}

function Overview({ detail }: { detail: AppDetail }) {
  return (
    <div class="two-col">
      <Section title="Conditions">
        <table class="grid compact">
          <tbody>
            {detail.conditions.map((c) => (
              <tr key={c.type}>
                <th>{c.type}</th>
                <td>
                  <span class={`cond cond-${c.status.toLowerCase()}`}>{c.status}</span>
                </td>
                <td>{c.reason}</td>
                <td class="message">{c.message}</td>
                <td>
                  <Age iso={c.lastTransitionTime} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Spec">
        <dl class="spec">
          {Object.entries(detail.spec).map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
            </div>
          ))}
          {detail.row.source ? (
            <div>
              <dt>source revision</dt>
              <dd>
                <Revision rev={detail.row.source.revision ?? ''} /> {detail.row.source.url}
              </dd>
            </div>
          ) : null}
        </dl>
      </Section>
      <Section title="Conditions history">
        {detail.conditionHistory.length === 0 ? (
          <Empty>No changes seen yet.</Empty>
        ) : (
          <table class="grid compact">
            <tbody>
              {detail.conditionHistory.map((c, i) => (
                <tr key={i}>
                  <td>
                    <Age iso={c.observedAt} />
                  </td>
                  <th>{c.type}</th>
                  <td>
                    <span class={`cond cond-${c.status.toLowerCase()}`}>{c.status}</span>
                  </td>
                  <td>{c.reason}</td>
                  <td class="message">{c.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Events">
        {detail.events.length === 0 ? (
          <Empty>No events.</Empty>
        ) : (
          <table class="grid compact events">
            <tbody>
              {detail.events.map((e, i) => (
                <tr key={i} class={e.type === 'Warning' ? 'warning' : ''}>
                  <td>
                    <Age iso={e.time} />
                  </td>
                  <td>{e.type}</td>
                  <td>{e.reason}</td>
                  <td class="message">{e.message}</td>
                  <td class="muted">{e.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  );
}

function TreeRows({ nodes, depth }: { nodes: readonly TreeNode[]; depth: number }) {
  return (
    <>
      {nodes.map((n) => (
        <>
          <tr
            key={`${n.kind}/${n.namespace}/${n.name}`}
            data-object={`${n.kind}/${n.namespace}/${n.name}`}
          >
            <td style={{ paddingLeft: `${0.75 + depth * 1.5}rem` }}>
              {depth > 0 ? <span class="tree-branch">└ </span> : null}
              <span class="kind">{n.kind}</span>{' '}
              {n.app ? <a href={appHref(n.app)}>{n.name}</a> : <span>{n.name}</span>}
            </td>
            <td>{n.namespace}</td>
            <td>
              <HealthBadge health={n.health} />
            </td>
            <td class="message">{n.message}</td>
          </tr>
          {n.children.length > 0 ? <TreeRows nodes={n.children} depth={depth + 1} /> : null}
        </>
      ))}
    </>
  );
}

function TreeTab({ id }: { id: string }) {
  const res = useApi<AppTree>(`/api/apps/${id}/tree`, ['apps'], id);
  if (!res.data) return res.error ? <ErrorBox error={res.error} /> : <Loading />;
  const t = res.data;
  return (
    <Section
      title="Resources"
      actions={
        <span class="health-counts">
          {Object.entries(t.counts).map(([h, n]) => (
            <span key={h}>
              <HealthBadge health={h as TreeNode['health']} /> {n}
            </span>
          ))}
        </span>
      }
    >
      {t.nodes.length === 0 ? (
        <Empty>The inventory is empty.</Empty>
      ) : (
        <table class="grid tree">
          <thead>
            <tr>
              <th>Object</th>
              <th>Namespace</th>
              <th>Health</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            <TreeRows nodes={t.nodes} depth={0} />
          </tbody>
        </table>
      )}
      {t.more > 0 ? <div class="muted">and {t.more} more objects</div> : null}
    </Section>
  );
}

function LiveDiffTab({ id }: { id: string }) {
  const res = useApi<DiffResponse>(`/api/apps/${id}/diff/live`, ['apps'], id);
  if (!res.data) return res.error ? <ErrorBox error={res.error} /> : <Loading />;
  return (
    <Section title="Live versus desired">
      <DiffView diff={res.data} />
    </Section>
  );
}

function RevisionDiff({ id, loc }: { id: string; loc: Location }) {
  const from = loc.query.get('from') ?? '';
  const to = loc.query.get('to') ?? '';
  const branch = loc.query.get('branch') ?? '';
  const url =
    from && (to || branch)
      ? href(`/api/apps/${id}/diff/revisions`, { from, ...(branch ? { branch } : { to }) })
      : undefined;
  const res = useApi<DiffResponse>(url, []);
  if (!url) return null;
  return (
    <Section
      title={`Compare ${shortRevision(from)} → ${branch ? `branch ${branch}` : shortRevision(to)}`}
    >
      {res.data && !res.loading ? (
        <DiffView diff={res.data} />
      ) : res.error ? (
        <ErrorBox error={res.error} />
      ) : (
        <Loading />
      )}
    </Section>
  );
}

function RollbackPanel({
  id,
  revision,
  onClose,
}: {
  id: string;
  revision: string;
  onClose: () => void;
}) {
  const [preview, setPreview] = useState<RevertPreview | RequestError | undefined>();
  const [result, setResult] = useState<ActionResult | RequestError | undefined>();
  const [busy, setBusy] = useState(false);
  const run = async <T,>(fn: () => Promise<T>, set: (v: T | RequestError) => void) => {
    setBusy(true);
    try {
      set(await fn());
    } catch (err) {
      set(err instanceof RequestError ? err : new RequestError(0, 'Error', String(err)));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void run(
      () => postJson<RevertPreview>(`/api/apps/${id}/rollback/preview`, { revision }),
      setPreview,
    );
  }, [id, revision]);
  return (
    <Section
      title={`Roll back to ${shortRevision(revision)}`}
      actions={
        <button type="button" onClick={onClose}>
          Close
        </button>
      }
    >
      {preview === undefined ? <Loading /> : null}
      {preview instanceof RequestError ? <ErrorBox error={preview} /> : null}
      {preview && !(preview instanceof RequestError) ? (
        <div class="rollback" data-preview={preview.id}>
          <p>
            A revert commit on <code>{preview.branch}</code> (on top of{' '}
            <Revision rev={preview.head} />) that reverts {preview.commits.length} commit
            {preview.commits.length === 1 ? '' : 's'}. Nothing changes in the cluster until the
            controller applies it.
          </p>
          <pre class="commit-message">{preview.message}</pre>
          <h3>Files</h3>
          <ul class="files">
            {preview.files.map((f) => (
              <li key={f.path} class={f.outsideApp ? 'outside' : ''}>
                <code>{f.status}</code> {f.path}
                {f.outsideApp ? <span class="badge badge-failing">outside this app</span> : null}
              </li>
            ))}
          </ul>
          <h3>What the app renders to</h3>
          <DiffView diff={preview.diff} />
          <details>
            <summary>Patch</summary>
            <pre class="patch">{preview.patch}</pre>
          </details>
          {result === undefined ? (
            <button
              type="button"
              class="danger"
              disabled={busy}
              data-action="commit-rollback"
              onClick={() =>
                void run(
                  () => postJson<ActionResult>(`/api/apps/${id}/rollback`, { preview: preview.id }),
                  setResult,
                )
              }
            >
              Commit and push the revert
            </button>
          ) : null}
          {result instanceof RequestError ? <ErrorBox error={result} /> : null}
          {result && !(result instanceof RequestError) ? (
            <div class="notice" role="status">
              {result.message}
            </div>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}

function HistoryTab({ id, detail, loc }: { id: string; detail: AppDetail; loc: Location }) {
  const [rollback, setRollback] = useState<string | undefined>();
  const session = useSession();
  const canRollback = detail.actions.rollback && !session.readOnly && session.user !== undefined;
  const from = loc.query.get('from') ?? '';
  const pick = (rev: string) =>
    navigate(
      from && from !== rev
        ? withQuery(loc, { to: rev, branch: undefined })
        : withQuery(loc, { from: rev, to: undefined, branch: undefined }),
    );
  return (
    <div>
      <Section title="Applied revisions">
        {detail.history.length === 0 ? (
          <Empty>No applied revision seen yet.</Empty>
        ) : (
          <table class="grid compact">
            <thead>
              <tr>
                <th>Revision</th>
                <th>Commit</th>
                <th>Applied</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {detail.history.map((h) => (
                <tr key={h.revision} data-revision={h.revision}>
                  <td>
                    <Revision rev={h.revision} />{' '}
                    {h.current ? <span class="badge badge-ready">current</span> : null}
                  </td>
                  <td>{h.commit ? `${h.commit.subject} — ${h.commit.author}` : ''}</td>
                  <td>
                    {h.appliedAt ? (
                      <Age iso={h.appliedAt} />
                    ) : (
                      <span class="muted">before Tower started</span>
                    )}
                  </td>
                  <RowActions
                    rev={h.revision}
                    from={from}
                    onPick={pick}
                    onRollback={!h.current && canRollback ? setRollback : undefined}
                  />
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Source commits touching this app">
        {detail.sourceCommits.length === 0 ? (
          <Empty>No commits known.</Empty>
        ) : (
          <table class="grid compact">
            <tbody>
              {detail.sourceCommits.map((c) => (
                <tr key={c.sha} data-commit={c.sha}>
                  <td>
                    <code class="rev">{c.sha.slice(0, 7)}</code>
                  </td>
                  <td>{c.subject}</td>
                  <td>{c.author}</td>
                  <td>
                    <Age iso={c.date} />
                  </td>
                  <td>
                    {c.current ? (
                      <span class="badge badge-ready">applied</span>
                    ) : c.applied ? (
                      <span class="muted">applied</span>
                    ) : (
                      <span class="badge badge-drift-behind">not yet</span>
                    )}
                  </td>
                  <RowActions
                    rev={c.sha}
                    from={from}
                    onPick={pick}
                    onRollback={!c.current && c.applied && canRollback ? setRollback : undefined}
                  />
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {from && detail.branches.length > 0 ? (
          <div class="branch-compare">
            Compare <Revision rev={from} /> with branch{' '}
            <select
              name="branch"
              value={loc.query.get('branch') ?? ''}
              onChange={(e) =>
                navigate(
                  withQuery(loc, {
                    branch: (e.target as HTMLSelectElement).value || undefined,
                    to: undefined,
                  }),
                )
              }
            >
              <option value="">choose…</option>
              {detail.branches.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </Section>
      {rollback ? (
        <RollbackPanel
          key={rollback}
          id={id}
          revision={rollback}
          onClose={() => setRollback(undefined)}
        />
      ) : null}
      <RevisionDiff id={id} loc={loc} />
    </div>
  );
}

function ChangesTab({ id, loc }: { id: string; loc: Location }) {
  const res = useApi<ChangesPage>(
    href(`/api/apps/${id}/changes`, { page: loc.query.get('page') ?? undefined }),
    ['changes', 'apps'],
  );
  if (!res.data) return res.error ? <ErrorBox error={res.error} /> : <Loading />;
  return <ChangeList page={res.data} loc={loc} />;
}

export function AppScreen({ id, loc }: { id: string; loc: Location }) {
  const res = useApi<AppDetail>(`/api/apps/${id}`, ['apps'], id);
  const [notice, setNotice] = useState<ActionResult | RequestError | undefined>();
  const tab = (loc.query.get('tab') ?? 'overview') as Tab;
  if (!res.data) return res.error ? <ErrorBox error={res.error} /> : <Loading />;
  const d = res.data;
  const r = d.row;
  return (
    <div class="screen">
      <nav class="crumbs">
        <a href="/fleet">Fleet</a> ›{' '}
        <a href={href('/fleet', { cluster: r.cluster })}>{r.cluster}</a> › {r.namespace}
      </nav>
      <div class="screen-head">
        <h1>
          <span class="kind">{r.kind}</span> {r.name}
        </h1>
        <Actions id={id} detail={d} onDone={setNotice} />
      </div>
      <div class="summary">
        <StatusBadge status={r.status} />
        <span>
          Revision <Revision rev={r.revision} />
        </span>
        <DriftBadge drift={r.drift} behind={r.behind} />
        <span class="env">{r.environment}</span>
        <span>
          Last change <Age iso={r.lastChange} />
        </span>
        <span>{r.objects} objects</span>
      </div>
      {r.message ? <div class={`message-box status-${r.status}`}>{r.message}</div> : null}
      {notice instanceof RequestError ? <ErrorBox error={notice} /> : null}
      {notice && !(notice instanceof RequestError) ? (
        <div class="notice" role="status">
          {notice.message}
        </div>
      ) : null}
      <div class="tabs" role="tablist">
        {TABS.map(([t, label]) => (
          <a
            key={t}
            role="tab"
            aria-selected={tab === t}
            class={tab === t ? 'tab on' : 'tab'}
            href={href(`/apps/${id}`, t === 'overview' ? {} : { tab: t })}
          >
            {label}
          </a>
        ))}
      </div>
      {tab === 'overview' ? <Overview detail={d} /> : null}
      {tab === 'tree' ? <TreeTab id={id} /> : null}
      {tab === 'diff' ? <LiveDiffTab id={id} /> : null}
      {tab === 'history' ? <HistoryTab id={id} detail={d} loc={loc} /> : null}
      {tab === 'changes' ? <ChangesTab id={id} loc={loc} /> : null}
    </div>
  );
}

/** A history row's buttons: pick it for a comparison, and roll back to it where allowed. */
function RowActions(props: {
  readonly rev: string;
  readonly from: string | undefined;
  readonly onPick: (rev: string) => void;
  readonly onRollback: ((rev: string) => void) | undefined;
}) {
  const { rev, from, onPick, onRollback } = props;
  return (
    <td class="row-actions">
      <button type="button" onClick={() => onPick(rev)}>
        {from === rev ? 'compare from ✓' : from ? 'compare to' : 'compare from'}
      </button>
      {onRollback ? (
        <button
          type="button"
          class="danger-outline"
          data-action="rollback"
          onClick={() => onRollback(rev)}
        >
          Roll back here
        </button>
      ) : null}
    </td>
  );
}
