// Test support for the built-in tables: call a built-in by name and run a table of expected results or errors.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { BuiltinContext } from '../../builtin-types.js';
import { RegoError } from '../../errors.js';
import { parseJSON } from '../../json.js';
import { equal, setOf, valueToString, type Value } from '../../value.js';
import { CORE_BUILTINS } from '../index.js';

const BY_NAME = new Map(CORE_BUILTINS.map((d) => [d.name, d]));

export function testContext(): BuiltinContext {
  return { nowNs: 1_700_000_000_000_000_000n, cache: new Map(), strict: true };
}

export function callBuiltin(
  name: string,
  args: readonly Value[],
): Value | undefined | readonly Value[] {
  const def = BY_NAME.get(name);
  if (!def) throw new Error(`no built-in ${name}`);
  return def.impl(args, testContext());
}

/** JSON text to a value. */
export const j = (text: string): Value => parseJSON(text);
/** A set of the given JSON texts. */
export const s = (...texts: string[]): Value => setOf(texts.map(j));

/** A case: [built-in, args, expected result (value, undefined) or expected error message]. */
export type BuiltinCase = readonly [
  string,
  readonly Value[],
  Value | undefined | { readonly error: string },
];

export function runCases(cases: readonly BuiltinCase[]): void {
  for (const [name, args, want] of cases) {
    const label = `${name}(${args.map(valueToString).join(', ')})`;
    if (want !== undefined && 'error' in want) {
      it(`${label} fails: ${want.error}`, () => {
        assert.throws(
          () => callBuiltin(name, args),
          (e: unknown) => e instanceof RegoError && e.message === want.error,
        );
      });
      continue;
    }
    it(`${label} = ${want === undefined ? 'undefined' : valueToString(want)}`, () => {
      const got = callBuiltin(name, args);
      if (want === undefined) {
        assert.equal(got, undefined);
        return;
      }
      assert.ok(got !== undefined && !Array.isArray(got), 'expected a single value');
      const value = got as Value;
      // Compared as OPA compares values (1 == 1.0), shown as text on failure.
      assert.ok(equal(value, want), `got ${valueToString(value)}, want ${valueToString(want)}`);
    });
  }
}
