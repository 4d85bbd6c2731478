// The side-by-side diff of a set of objects (Argo CD's "visual diff"): a summary, then each object
// that differs with both sides aligned line by line; unchanged objects are listed by name only.
import { useState } from 'preact/hooks';
import type { DiffResponse, ObjectDiff } from '../api/types.js';
import { alignLines, type DiffRow } from './line-diff.js';

function Rows({ rows }: { rows: readonly DiffRow[] }) {
  return (
    <table class="sbs">
      <tbody>
        {rows.map((r, i) =>
          r.kind === 'fold' ? (
            <tr key={i} class="fold">
              <td colSpan={4}>⋯ {r.hidden} unchanged lines</td>
            </tr>
          ) : (
            <tr key={i} class={`row-${r.kind}`}>
              <td class="ln">{r.left?.n ?? ''}</td>
              <td class={r.left ? 'code left' : 'code empty'}>{r.left?.text ?? ''}</td>
              <td class="ln">{r.right?.n ?? ''}</td>
              <td class={r.right ? 'code right' : 'code empty'}>{r.right?.text ?? ''}</td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}

function ObjectBlock({ o, open }: { o: ObjectDiff; open: boolean }) {
  const [shown, setShown] = useState(open);
  return (
    <div class={`diff-object obj-${o.change}`} data-subject={o.subject}>
      <button
        type="button"
        class="diff-title"
        onClick={() => setShown(!shown)}
        aria-expanded={shown}
      >
        <span class={`change change-${o.change}`}>{o.change}</span>
        <span class="subject">{o.subject}</span>
      </button>
      {shown ? <Rows rows={alignLines(o.left, o.right)} /> : null}
    </div>
  );
}

export function DiffView({ diff }: { diff: DiffResponse }) {
  const changed = diff.objects.filter((o) => o.change !== 'unchanged');
  const unchanged = diff.objects.filter((o) => o.change === 'unchanged');
  const s = diff.summary;
  return (
    <div class="diff">
      <div class="diff-legend">
        <span class="side-label">{diff.left}</span>
        <span class="diff-summary">
          <span class="change change-modified">{s.modified} modified</span>
          <span class="change change-added">{s.added} added</span>
          <span class="change change-removed">{s.removed} removed</span>
          <span class="muted">{s.unchanged} unchanged</span>
        </span>
        <span class="side-label">{diff.right}</span>
      </div>
      {changed.length === 0 ? <div class="state">No differences.</div> : null}
      {changed.map((o, i) => (
        <ObjectBlock key={o.subject} o={o} open={i < 20} />
      ))}
      {unchanged.length > 0 ? (
        <details class="unchanged">
          <summary>{unchanged.length} unchanged objects</summary>
          <ul>
            {unchanged.map((o) => (
              <li key={o.subject}>{o.subject}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
