// gator verify's `--run` filter: `TEST//CASE` (both Go regular expressions, and-ed), or one
// expression that selects tests by name and cases by their own or their test's name.
import { RE2JS } from 're2js';
import { SuiteError, type Test } from './suite.js';

export interface Filter {
  matchesTest(t: Test): boolean;
  matchesCase(testName: string, caseName: string): boolean;
}

function compile(re: string): RE2JS {
  try {
    return RE2JS.compile(re);
  } catch (err) {
    throw new SuiteError(`invalid test filter: ${(err as Error).message}`);
  }
}

export function parseFilter(run: string | undefined): Filter {
  if (run === undefined || run === '') return { matchesTest: () => true, matchesCase: () => true };
  const parts = run.split('//');
  if (parts.length > 2)
    throw new SuiteError('invalid test filter: a filter may include at most one "//"');
  if (parts.length === 1) {
    const re = compile(parts[0] ?? '');
    const matchesCase = (t: string, c: string): boolean =>
      re.matcher(c).find() || re.matcher(t).find();
    return {
      matchesCase,
      matchesTest: (t) =>
        re.matcher(t.name).find() || t.cases.some((c) => matchesCase(t.name, c.name)),
    };
  }
  const testRe = compile(parts[0] ?? '');
  const caseRe = compile(parts[1] ?? '');
  return {
    matchesTest: (t) => testRe.matcher(t.name).find(),
    matchesCase: (t, c) => caseRe.matcher(c).find() && testRe.matcher(t).find(),
  };
}
