// Runs the `gator` oracle (Gatekeeper's CLI v3.23.1, built from its Go module) for tests that
// compare Flotilla's constraint framework with Gatekeeper's: `gator test -o json` over manifests
// for violations, `gator verify` over suites.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oracle } from './oracles.js';
import type { CliResult } from './shipped-cli.js';

/** Runs `gator ARGS` synchronously (throws when the oracle is not built). */
export function runGator(
  args: readonly string[],
  options: { readonly cwd?: string } = {},
): CliResult {
  const r = spawnSync(oracle('gator'), args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** One violation `gator test -o json` reports. */
export interface GatorViolation {
  readonly msg: string;
  readonly enforcementAction: string;
  readonly scopedActions?: readonly string[];
  readonly constraint: { readonly kind: string; readonly metadata: { readonly name: string } };
  readonly violatingObject: {
    readonly kind: string;
    readonly metadata: { readonly name?: string; readonly namespace?: string };
  };
  readonly metadata?: { readonly details?: unknown };
}

/**
 * `gator test -o json` over the given objects (templates, constraints and resources, written as
 * one JSON-per-document YAML stream): the violations, or throws with gator's error output.
 */
export function gatorTest(
  objects: readonly unknown[],
  flags: readonly string[] = [],
): GatorViolation[] {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-gator-'));
  try {
    const file = join(dir, 'manifests.yaml');
    writeFileSync(file, objects.map((o) => JSON.stringify(o)).join('\n---\n'));
    const r = runGator(['test', '-f', file, '-o', 'json', ...flags]);
    const out = r.stdout.trim();
    if (out === '' || out === 'null') {
      if (r.stderr.trim() !== '') throw new Error(`gator test failed: ${r.stderr}`);
      return [];
    }
    return JSON.parse(out) as GatorViolation[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One case of a generated suite: an object (or AdmissionReview) and optional inventory objects. */
export interface AgreementCase {
  readonly name: string;
  readonly object: unknown;
  readonly inventory?: readonly unknown[];
  /** the messages Flotilla produced for this case */
  readonly messages: readonly string[];
}

/** A Go regular expression matching exactly `s`. */
export function exactRegex(s: string): string {
  return `^${s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}$`;
}

/**
 * Writes a gator Suite asserting, for each case, exactly the violation messages Flotilla gave
 * (their count, and each distinct message's count), and runs `gator verify` on it with `flags`.
 * Returns gator's result: exit code 0 means Gatekeeper agrees with every case.
 */
export function gatorVerifyAgreement(
  tests: readonly {
    readonly name: string;
    readonly template: unknown;
    readonly constraint: unknown;
    readonly cases: readonly AgreementCase[];
  }[],
  flags: readonly string[] = [],
): CliResult {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-gator-verify-'));
  try {
    let n = 0;
    const write = (docs: readonly unknown[]): string => {
      const name = `f${n++}.yaml`;
      writeFileSync(join(dir, name), docs.map((d) => JSON.stringify(d)).join('\n---\n'));
      return name;
    };
    const suiteTests = tests.map((t) => ({
      name: t.name,
      template: write([t.template]),
      constraint: write([t.constraint]),
      cases: t.cases.map((c) => {
        const assertions: Record<string, unknown>[] = [{ violations: c.messages.length }];
        for (const m of new Set(c.messages)) {
          assertions.push({
            violations: c.messages.filter((x) => x === m).length,
            message: exactRegex(m),
          });
        }
        return {
          name: c.name,
          object: write([c.object]),
          ...(c.inventory === undefined || c.inventory.length === 0
            ? {}
            : { inventory: [write(c.inventory)] }),
          assertions,
        };
      }),
    }));
    writeFileSync(
      join(dir, 'suite.yaml'),
      JSON.stringify({
        kind: 'Suite',
        apiVersion: 'test.gatekeeper.sh/v1alpha1',
        tests: suiteTests,
      }),
    );
    return runGator(['verify', ...flags, dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
