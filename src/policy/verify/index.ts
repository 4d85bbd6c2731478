// gator verify: Suites of template/constraint tests run with Flotilla's constraint framework.
export {
  readSuites,
  SuiteError,
  type Suite,
  type Test,
  type Case,
  type Assertion,
} from './suite.js';
export { parseFilter, type Filter } from './filter.js';
export {
  runSuite,
  isSuiteFailure,
  isTestFailure,
  type CaseResult,
  type RunOptions,
  type SuiteResult,
  type TestResult as SuiteTestResult,
} from './runner.js';
