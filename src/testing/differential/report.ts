// The differential test's figures: how many requests of each group answered identically, and
// every difference (for the test output and for docs/local-cluster.md).
import type { CaseResult, StepResult } from './runner.js';

export interface GroupFigures {
  readonly group: string;
  readonly requests: number;
  readonly identical: number;
  /** Of the different ones: known (marked `differs`) and pending (waiting for other work). */
  readonly known: number;
  readonly pending: number;
}

/** Compared requests of a case; a case that failed early counts its missing steps as different. */
function stepsOf(r: CaseResult): StepResult[] {
  const done = [...r.steps];
  const compared = r.case.steps.map((s, i) => ({ s, i })).filter(({ s }) => !s.quiet);
  for (const { s, i } of compared) {
    if (done.some((d) => d.index === i)) continue;
    const differs = s.differs ?? r.case.differs;
    done.push({
      group: r.case.group,
      caseName: r.case.name,
      index: i,
      req: s.req,
      equal: false,
      diffs: [`not run: ${r.error ?? 'unknown error'}`],
      ...(differs === undefined ? {} : { differs }),
      ...(r.case.pending === undefined ? {} : { pending: r.case.pending }),
    });
  }
  return done.sort((a, b) => a.index - b.index);
}

export function allSteps(results: readonly CaseResult[]): StepResult[] {
  return results.flatMap(stepsOf);
}

export function figures(results: readonly CaseResult[]): GroupFigures[] {
  const byGroup = new Map<string, StepResult[]>();
  for (const s of allSteps(results)) {
    const list = byGroup.get(s.group) ?? [];
    list.push(s);
    byGroup.set(s.group, list);
  }
  return [...byGroup].map(([group, steps]) => ({
    group,
    requests: steps.length,
    identical: steps.filter((s) => s.equal).length,
    known: steps.filter((s) => !s.equal && s.differs !== undefined).length,
    pending: steps.filter((s) => !s.equal && s.pending !== undefined).length,
  }));
}

function pct(n: number, d: number): string {
  return d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`;
}

/** The per-group table printed by the test. */
export function formatFigures(groups: readonly GroupFigures[]): string {
  const total = groups.reduce(
    (t, g) => ({
      requests: t.requests + g.requests,
      identical: t.identical + g.identical,
      known: t.known + g.known,
      pending: t.pending + g.pending,
    }),
    { requests: 0, identical: 0, known: 0, pending: 0 },
  );
  const rows = [...groups, { group: 'all', ...total }].map(
    (g) =>
      `${g.group.padEnd(22)} ${String(g.identical).padStart(4)}/${String(g.requests).padEnd(4)} ${pct(g.identical, g.requests).padStart(6)}` +
      `   known ${g.known}, pending ${g.pending}`,
  );
  return ['group                  identical        rate', ...rows].join('\n');
}

/** Every request that differed, with the reason when it is known, as Markdown list items. */
export function formatDifferences(results: readonly CaseResult[]): string {
  return allSteps(results)
    .filter((s) => !s.equal)
    .map((s) => {
      const why = s.differs ?? (s.pending !== undefined ? `pending: ${s.pending}` : 'NEW');
      return `- ${s.group} / ${s.caseName} / #${s.index} \`${s.req}\` — ${why}\n${s.diffs.map((d) => `    - ${d}`).join('\n')}`;
    })
    .join('\n');
}
