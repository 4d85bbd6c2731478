// Runs gator Suites with Flotilla's constraint framework, as `gator verify` runs them: per test a
// fresh client with the template and constraint (or the expectation that the constraint is
// invalid), per case a fresh client with the inventory, the object (or an AdmissionReview)
// reviewed at the gator enforcement point, and every assertion checked.
import { dirname, join, resolve } from 'node:path';
import { errorMessage } from '../../core/index.js';
import {
  ConstraintClient,
  EnforcementPoint,
  isGatekeeperError,
  GatekeeperReason,
  type Engine,
} from '../gatekeeper/index.js';
import { checkAssertion } from './assertion.js';
import type { Filter } from './filter.js';
import { readYamlDocuments, type Case, type Suite, type Test } from './suite.js';

export interface CaseResult {
  readonly name: string;
  readonly skipped: boolean;
  readonly error: string | undefined;
  /** seconds */
  readonly runtime: number;
}

export interface TestResult {
  readonly name: string;
  readonly skipped: boolean;
  readonly error: string | undefined;
  readonly runtime: number;
  readonly cases: readonly CaseResult[];
}

export interface SuiteResult {
  readonly path: string;
  readonly skipped: boolean;
  readonly error: string | undefined;
  readonly runtime: number;
  readonly tests: readonly TestResult[];
}

export interface RunOptions {
  /** engines in order of preference (gator's default: K8sNativeValidation, then Rego) */
  readonly engines?: readonly Engine[];
  readonly filter: Filter;
}

export const isTestFailure = (t: TestResult): boolean =>
  t.error !== undefined || t.cases.some((c) => c.error !== undefined);
export const isSuiteFailure = (s: SuiteResult): boolean =>
  s.error !== undefined || s.tests.some(isTestFailure);

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

class StepError extends Error {}

/** How gator names a file in errors: its absolute path without the leading slash (os.DirFS("/")). */
const fsPath = (p: string): string => resolve(p).replace(/^\//, '');

/** Reads a file of exactly one object (template, constraint) — gator's readUnstructured. */
function readOne(path: string, what: string): Record<string, unknown> {
  let docs: Record<string, unknown>[];
  try {
    docs = readYamlDocuments(path);
  } catch (err) {
    throw new StepError(`${what}: ${errorMessage(err)}`);
  }
  const first = docs[0];
  if (first === undefined)
    throw new StepError(
      `${what}: missing objects: path ${JSON.stringify(path)} defines no YAML objects`,
    );
  return first;
}

function readObjects(path: string): Record<string, unknown>[] {
  let docs: Record<string, unknown>[];
  try {
    docs = readYamlDocuments(path);
  } catch (err) {
    throw new StepError(errorMessage(err));
  }
  if (docs.length === 0)
    throw new StepError(`missing objects: path ${JSON.stringify(path)} defines no YAML objects`);
  return docs;
}

/** A client holding the test's template and constraint; throws StepError with gator's text. */
function makeClient(
  dir: string,
  t: Test,
  options: RunOptions,
  wrapConstraint: boolean,
): ConstraintClient {
  if (t.template === '') throw new StepError('invalid Suite: missing template');
  const client = new ConstraintClient(
    options.engines === undefined ? {} : { engines: options.engines },
  );
  const templatePath = join(dir, t.template);
  const template = readOne(templatePath, 'adding template: parsing ConstraintTemplate YAML');
  if (
    template['kind'] !== 'ConstraintTemplate' ||
    !str(template['apiVersion']).startsWith('templates.gatekeeper.sh/')
  ) {
    throw new StepError(`path ${JSON.stringify(templatePath)}: not a ConstraintTemplate`);
  }
  try {
    client.addTemplate(template);
  } catch (err) {
    throw new StepError(`adding template: ${errorMessage(err)}`);
  }
  if (t.constraint === '') throw new StepError('invalid Suite: missing constraint');
  const constraint = readOne(join(dir, t.constraint), 'adding constraint: parsing Constraint');
  if (!str(constraint['apiVersion']).startsWith('constraints.gatekeeper.sh/')) {
    throw new StepError('not a Constraint');
  }
  try {
    client.addConstraint(constraint);
  } catch (err) {
    if (!wrapConstraint) throw err;
    throw new StepError(`adding constraint: ${errorMessage(err)}`);
  }
  return client;
}

function runCase(dir: string, t: Test, c: Case, options: RunOptions): CaseResult {
  const start = process.hrtime.bigint();
  const done = (error: string | undefined): CaseResult => ({
    name: c.name,
    skipped: false,
    error,
    runtime: seconds(start),
  });
  try {
    if (c.object === '') return done('invalid Case: must define object');
    if (c.assertions.length === 0) return done('invalid Case: assertions must be non-empty');
    const client = makeClient(dir, t, options, true);
    const objectPath = join(dir, c.object);
    const objects = readObjects(objectPath);
    if (objects.length !== 1) {
      return done(
        `object file must contain exactly one object: ${JSON.stringify(fsPath(objectPath))} defines ${objects.length} objects`,
      );
    }
    for (const p of c.inventory) {
      for (const obj of readObjects(join(dir, p))) {
        try {
          client.addData(obj);
        } catch (err) {
          throw new StepError(`unable to add object to data.inventory: ${errorMessage(err)}`);
        }
      }
    }
    const messages = review(client, objects[0] as Record<string, unknown>).map((r) => r.msg);
    for (const a of c.assertions) {
      const err = checkAssertion(a, messages);
      if (err !== undefined) return done(err);
    }
    return done(undefined);
  } catch (err) {
    return done(errorMessage(err));
  }
}

function review(client: ConstraintClient, obj: Record<string, unknown>): { msg: string }[] {
  const isReview =
    obj['kind'] === 'AdmissionReview' && str(obj['apiVersion']).startsWith('admission.k8s.io/');
  if (!isReview)
    return client.review(
      { kind: 'object', object: obj },
      { enforcementPoint: EnforcementPoint.Gator },
    );
  const request = obj['request'];
  if (typeof request !== 'object' || request === null) {
    throw new StepError(
      'missing admission request: request did not actually pass in an AdmissionRequest',
    );
  }
  const r = request as Record<string, unknown>;
  if (r['object'] === undefined && r['oldObject'] === undefined) {
    throw new StepError(
      'no object for review: AdmissionRequest does not contain an "object" or "oldObject" to review',
    );
  }
  return client.review(
    { kind: 'admission', request: r },
    { enforcementPoint: EnforcementPoint.Gator },
  );
}

function runTest(dir: string, t: Test, options: RunOptions): TestResult {
  const start = process.hrtime.bigint();
  let error: string | undefined;
  let cases: CaseResult[] = [];
  try {
    makeClient(dir, t, options, false);
    if (t.invalid)
      error =
        'constraint should have failed schema validation: got error %!w(<nil>) but want schema validation failed';
    else
      cases = t.cases.map((c) =>
        c.skip || !options.filter.matchesCase(t.name, c.name)
          ? { name: c.name, skipped: true, error: undefined, runtime: 0 }
          : runCase(dir, t, c, options),
      );
  } catch (err) {
    const schemaError = isGatekeeperError(err, GatekeeperReason.ConstraintSchema);
    if (t.invalid && schemaError) error = undefined;
    else if (t.invalid)
      error = `constraint should have failed schema validation: got error ${errorMessage(err)} but want schema validation failed`;
    else error = errorMessage(err);
  }
  return { name: t.name, skipped: false, error, runtime: seconds(start), cases };
}

/** Runs one suite. */
export function runSuite(suite: Suite, options: RunOptions): SuiteResult {
  const start = process.hrtime.bigint();
  if (suite.skip)
    return { path: suite.inputPath, skipped: true, error: undefined, runtime: 0, tests: [] };
  const dir = dirname(suite.absolutePath);
  const tests = suite.tests.map((t) =>
    t.skip || !options.filter.matchesTest(t)
      ? { name: t.name, skipped: true, error: undefined, runtime: 0, cases: [] }
      : runTest(dir, t, options),
  );
  return {
    path: suite.inputPath,
    skipped: false,
    error: undefined,
    runtime: seconds(start),
    tests,
  };
}
