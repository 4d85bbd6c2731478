// A case's assertions: how many violations (optionally those whose message matches a Go regular
// expression) the object must produce — "yes" (at least one, the default), "no", or exactly N;
// failures worded as gator's.
import { RE2JS } from 're2js';
import type { Assertion } from './suite.js';

/** Checks one assertion against the violation messages; returns gator's error text, if any. */
export function checkAssertion(a: Assertion, messages: readonly string[]): string | undefined {
  let re: RE2JS | undefined;
  if (a.message !== undefined) {
    try {
      re = RE2JS.compile(a.message);
    } catch (err) {
      return `message contains invalid regular expression: ${(err as Error).message}`;
    }
  }
  const matching =
    re === undefined ? messages.length : messages.filter((m) => re.matcher(m).find()).length;
  const got = ` got messages [${messages.join(' ')}]`;
  const containing = a.message === undefined ? '' : ` containing ${JSON.stringify(a.message)}`;
  const fail = (detail: string): string =>
    `unexpected number of violations: got ${matching} violations${containing} but want ${detail}:${got}`;
  const want = a.violations ?? 'yes';
  if (typeof want === 'number') {
    if (!Number.isInteger(want) || want < 0) return `${INVALID}:${got}`;
    return matching === want ? undefined : fail(`exactly ${want}`);
  }
  if (want === 'yes') return matching > 0 ? undefined : fail('at least 1');
  if (want === 'no') return matching === 0 ? undefined : fail('none');
  return `${INVALID}:${got}`;
}

const INVALID =
  'invalid yaml: assertion.violation, if set, must be a nonnegative integer, "yes", or "no"';
