// Line-by-line alignment of two texts for side-by-side display (longest common subsequence), with
// long unchanged stretches folded to a few lines of context.

export type Side = { readonly n: number; readonly text: string } | undefined;

export interface DiffRow {
  readonly kind: 'same' | 'removed' | 'added' | 'changed' | 'fold';
  readonly left: Side;
  readonly right: Side;
  /** For folds: how many unchanged lines are hidden. */
  readonly hidden?: number;
}

/** Lines beyond which texts are compared by position only (keeps the browser responsive). */
const MAX_LINES = 4000;
const CONTEXT = 3;

export function alignLines(leftText: string, rightText: string): DiffRow[] {
  const a = leftText === '' ? [] : leftText.replace(/\n$/, '').split('\n');
  const b = rightText === '' ? [] : rightText.replace(/\n$/, '').split('\n');
  const ops = a.length * b.length > (MAX_LINES * MAX_LINES) / 4 ? byPosition(a, b) : lcsOps(a, b);
  return fold(pairChanges(ops));
}

type Op = { kind: 'same' | 'removed' | 'added'; left: Side; right: Side };

function lcsOps(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j]: LCS of a[i..] and b[j..], one row at a time from the end.
  const table: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = table[i] as Uint32Array;
    const next = table[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] =
        a[i] === b[j]
          ? (next[j + 1] as number) + 1
          : Math.max(next[j] as number, row[j + 1] as number);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({
        kind: 'same',
        left: { n: i + 1, text: a[i] as string },
        right: { n: j + 1, text: b[j] as string },
      });
      i++;
      j++;
    } else if (j < m && (i >= n || (table[i]?.[j + 1] ?? 0) >= (table[i + 1]?.[j] ?? 0))) {
      ops.push({ kind: 'added', left: undefined, right: { n: j + 1, text: b[j] as string } });
      j++;
    } else {
      ops.push({ kind: 'removed', left: { n: i + 1, text: a[i] as string }, right: undefined });
      i++;
    }
  }
  return ops;
}

function byPosition(a: readonly string[], b: readonly string[]): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const l = a[i];
    const r = b[i];
    if (l !== undefined && r !== undefined && l === r)
      ops.push({ kind: 'same', left: { n: i + 1, text: l }, right: { n: i + 1, text: r } });
    else {
      if (l !== undefined)
        ops.push({ kind: 'removed', left: { n: i + 1, text: l }, right: undefined });
      if (r !== undefined)
        ops.push({ kind: 'added', left: undefined, right: { n: i + 1, text: r } });
    }
  }
  return ops;
}

/** Puts removed and added lines of one hunk side by side as changes. */
function pairChanges(ops: Op[]): DiffRow[] {
  const rows: DiffRow[] = [];
  let k = 0;
  while (k < ops.length) {
    const op = ops[k] as Op;
    if (op.kind === 'same') {
      rows.push(op);
      k++;
      continue;
    }
    const removed: Op[] = [];
    const added: Op[] = [];
    while (k < ops.length && (ops[k] as Op).kind !== 'same') {
      const o = ops[k] as Op;
      (o.kind === 'removed' ? removed : added).push(o);
      k++;
    }
    for (let x = 0; x < Math.max(removed.length, added.length); x++) {
      const l = removed[x]?.left;
      const r = added[x]?.right;
      rows.push({ kind: l && r ? 'changed' : l ? 'removed' : 'added', left: l, right: r });
    }
  }
  return rows;
}

function fold(rows: DiffRow[]): DiffRow[] {
  const out: DiffRow[] = [];
  let k = 0;
  while (k < rows.length) {
    if ((rows[k] as DiffRow).kind !== 'same') {
      out.push(rows[k] as DiffRow);
      k++;
      continue;
    }
    let end = k;
    while (end < rows.length && (rows[end] as DiffRow).kind === 'same') end++;
    const run = rows.slice(k, end);
    const keepHead = k === 0 ? 0 : CONTEXT;
    const keepTail = end === rows.length ? 0 : CONTEXT;
    if (run.length > keepHead + keepTail + 1) {
      out.push(...run.slice(0, keepHead));
      out.push({
        kind: 'fold',
        left: undefined,
        right: undefined,
        hidden: run.length - keepHead - keepTail,
      });
      out.push(...run.slice(run.length - keepTail));
    } else out.push(...run);
    k = end;
  }
  return out;
}
