// `flotilla policy test`'s report, in `gator verify`'s layout (its Go printer): `ok`/`FAIL` per
// suite with its runtime, failed tests and cases (every one with -v, as `=== RUN` / `--- PASS`),
// and a final PASS or FAIL.
import {
  isSuiteFailure,
  isTestFailure,
  type SuiteResult,
  type SuiteTestResult,
} from '../../policy/index.js';

/** gator's Duration.String(): seconds with three decimals. */
const secs = (s: number): string => `${s.toFixed(3)}s`;

function printTest(t: SuiteTestResult, verbose: boolean): string {
  let out = '';
  if (verbose) {
    if (t.skipped) return `=== SKIP  ${t.name}\n`;
    out += `=== RUN   ${t.name}\n`;
  }
  for (const c of t.cases) {
    if (verbose) {
      if (c.skipped) {
        out += `    === SKIP  ${c.name}\n`;
        continue;
      }
      out += `    === RUN   ${c.name}\n`;
    }
    if (c.error !== undefined)
      out += `    --- FAIL: ${c.name}\t(${secs(c.runtime)})\n        ${c.error}\n`;
    else if (verbose && !c.skipped) out += `    --- PASS: ${c.name}\t(${secs(c.runtime)})\n`;
  }
  if (isTestFailure(t)) {
    out += `--- FAIL: ${t.name}\t(${secs(t.runtime)})\n`;
    if (t.error !== undefined) out += `  ${t.error}\n`;
  } else if (verbose) out += `--- PASS: ${t.name}\t(${secs(t.runtime)})\n`;
  return out;
}

export function formatVerifyReport(results: readonly SuiteResult[], verbose: boolean): string {
  let out = '';
  for (const r of results) {
    for (const t of r.tests) out += printTest(t, verbose);
    if (isSuiteFailure(r)) {
      out += `FAIL\t${r.path}\t${secs(r.runtime)}\n`;
      if (r.error !== undefined) out += `  ${r.error}\n`;
    } else out += `ok\t${r.path}\t${secs(r.runtime)}\n`;
  }
  // gator prints its report with Println: one more line break
  out += results.some(isSuiteFailure) ? 'FAIL\n\n' : 'PASS\n\n';
  return out;
}
