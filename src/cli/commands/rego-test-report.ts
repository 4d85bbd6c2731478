// `flotilla rego test`'s report, laid out as `opa test` (OPA's PrettyReporter) prints it: failed,
// erroring and skipped tests (all tests with -v) each under a `file:row:` line, print() output
// indented, the FAILURES section with each failure's explanation when verbose, the summary.
import type { TestResult, TestTraceEvent } from '../../policy/index.js';

const RULE = '-'.repeat(80);
/** OPA's trace table: the location column is padded to its widest cell plus this. */
const COLUMN_PADDING = 4;
/** Locations wider than this are shortened with `...` (OPA's maxIdealLocationWidth). */
const MAX_IDEAL_LOCATION_WIDTH = 64;

/** A duration as Go's time.Duration prints it: `0s`, `812ns`, `102.86µs`, `1.5ms`, `2.25s`. */
export function goDuration(ns: number): string {
  const n = Math.max(0, Math.round(ns));
  if (n === 0) return '0s';
  if (n < 1e3) return `${n}ns`;
  const frac = (v: number, digits: number): string => {
    const whole = Math.floor(v / 10 ** digits);
    const rest = String(v % 10 ** digits)
      .padStart(digits, '0')
      .replace(/0+$/, '');
    return rest ? `${whole}.${rest}` : String(whole);
  };
  if (n < 1e6) return `${frac(n, 3)}µs`;
  if (n < 1e9) return `${frac(n, 6)}ms`;
  const totalSeconds = Math.floor(n / 1e9);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = frac(n - (h * 3600 + m * 60) * 1e9, 9);
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}

function passed(r: TestResult): boolean {
  return r.outcome === 'PASS';
}

/** `data.pkg.test_x: FAIL (1.2ms)` (no duration for a skipped test). */
function resultLine(r: TestResult): string {
  const head = `${r.pkg}.${r.name}: ${r.outcome}`;
  return r.outcome === 'SKIPPED' ? head : `${head} (${goDuration(r.durationNs)})`;
}

/** Text indented by two spaces at the start of every line, as OPA's indenting writer does. */
function indented(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/**
 * The location column of a trace: `query:1` for the test query, `file:row` otherwise, with the
 * longest common part of long paths replaced by `...` as OPA does.
 */
function locations(events: readonly TestTraceEvent[]): string[] {
  const files = [...new Set(events.flatMap((e) => (e.file ? [e.file] : [])))];
  const widest = Math.max(
    0,
    ...events.map((e) => (e.file ? `${e.file}:${e.row}` : `query:${e.row}`).length),
  );
  const alias = new Map(files.map((f) => [f, f]));
  if (files.length > 0 && widest > MAX_IDEAL_LOCATION_WIDTH) {
    let common = longestCommonSubstring(files.map(fromFirstSeparator));
    const diff = MAX_IDEAL_LOCATION_WIDTH - (widest - common.length + 3);
    if (diff > 0) common = diff > common.length ? '' : common.slice(0, common.length - diff);
    if (common.length > 3) for (const f of files) alias.set(f, f.replace(common, '...'));
  }
  return events.map((e) => (e.file ? `${alias.get(e.file)}:${e.row}` : `query:${e.row}`));
}

/** The directory of a path after its first separator (`/a/b/c/x.rego` → `b/c`). */
function fromFirstSeparator(path: string): string {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.';
  const trimmed = dir.startsWith('/') ? dir.slice(1) : dir;
  const slash = trimmed.indexOf('/');
  return slash > 0 ? trimmed.slice(slash + 1) : trimmed;
}

function longestCommonSubstring(xs: readonly string[]): string {
  let best = xs[0] ?? '';
  for (const other of xs.slice(1)) {
    let found = '';
    for (let i = 0; i < best.length; i++) {
      for (let j = best.length; j > i + found.length; j--) {
        if (other.includes(best.slice(i, j))) {
          found = best.slice(i, j);
          break;
        }
      }
    }
    best = found;
  }
  return best;
}

/** A failure's explanation: OPA's trace table, each row written through the indenting writer. */
function traceTable(events: readonly TestTraceEvent[]): string[] {
  const locs = locations(events);
  const width = Math.max(0, ...locs.map((l) => l.length)) + COLUMN_PADDING;
  return events.map((e, i) => {
    const event = `${'| '.repeat(e.indent)}${e.op} ${e.text}`;
    return `  ${(locs[i] ?? '').padEnd(width)}   ${event}  `;
  });
}

/** The whole report; ends with a newline unless empty (no test was run). */
export function formatTestReport(
  results: readonly TestResult[],
  options: { readonly verbose?: boolean } = {},
): string {
  const out: string[] = [];
  const verbose = options.verbose ?? false;
  let lastFile = '';
  let dirty = false;
  for (const r of results) {
    if (verbose || !passed(r)) {
      if (lastFile !== '' && lastFile !== r.location.file) out.push('');
      out.push(`${r.location.file}:${r.location.row}:`);
      lastFile = r.location.file;
      dirty = true;
      out.push(resultLine(r));
      const printed = r.output.join('\n').trim();
      if (printed !== '') out.push('', indented(printed), '');
    }
    if (r.error !== undefined) out.push(`  ${r.error}`);
  }
  const failures = results.filter((r) => r.outcome === 'FAIL');
  if (failures.length > 0 && verbose) {
    out.push(RULE, 'FAILURES', RULE);
    for (const f of failures) {
      out.push(resultLine(f), '');
      out.push(...traceTable(f.trace ?? []), '');
    }
  }
  if (dirty) out.push(RULE);
  const total = results.length;
  const count = (o: TestResult['outcome']): number => results.filter((r) => r.outcome === o).length;
  const summary: [string, number][] = [
    ['PASS', count('PASS')],
    ['FAIL', count('FAIL')],
    ['SKIPPED', count('SKIPPED')],
    ['ERROR', count('ERROR')],
  ];
  for (const [label, n] of summary) if (n > 0) out.push(`${label}: ${n}/${total}`);
  return out.length === 0 ? '' : out.join('\n') + '\n';
}
