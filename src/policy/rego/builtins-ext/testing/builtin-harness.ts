// Calls an extended built-in by name on plain JS arguments; used by the tests of this folder.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { BuiltinContext } from '../../builtin-types.js';
import { RegoError } from '../../errors.js';
import { toJSON } from '../../json.js';
import { fromJS, type Value } from '../../value.js';
import { EXT_BUILTINS } from '../index.js';

/** The outcome of one call: the result as compact JSON, "undefined", or the error. */
export interface CallOutcome {
  readonly json: string | undefined;
  readonly error: RegoError | undefined;
}

export function testContext(nowNs = 1_700_000_000_000_000_000n): BuiltinContext {
  return { nowNs, cache: new Map(), strict: true };
}

/** Calls NAME with the arguments converted by fromJS (bigint for big integers). */
export function callBuiltin(
  name: string,
  args: readonly unknown[],
  ctx = testContext(),
): CallOutcome {
  const def = EXT_BUILTINS.find((d) => d.name === name);
  if (def === undefined) throw new Error(`no built-in ${name}`);
  try {
    const r = def.impl(
      args.map((a) => fromJS(a)),
      ctx,
    );
    if (Array.isArray(r)) throw new Error(`${name} is a relation`);
    return { json: r === undefined ? 'undefined' : toJSON(r as Value), error: undefined };
  } catch (e) {
    if (e instanceof RegoError) return { json: undefined, error: e };
    throw e;
  }
}

/** A table row: the call and either the expected JSON result or the expected error (code and message). */
export type Row = readonly [name: string, args: readonly unknown[], want: string];

/** "ERR code: message" for errors, the JSON text otherwise. */
export function outcomeText(o: CallOutcome): string {
  return o.error !== undefined ? `ERR ${o.error.code}: ${o.error.detail}` : o.json!;
}

/** Readable test titles for arguments that JSON cannot show (bigint, Set). */
function argsTitle(args: readonly unknown[]): string {
  const text = JSON.stringify(args, (_, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Set ? [...(v as Set<unknown>)] : v,
  );
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** One test per row (inside the caller's describe): the call's outcome text must equal the row's. */
export function rowTests(rows: readonly Row[]): void {
  for (const [name, args, want] of rows) {
    it(`${name}(${argsTitle(args)})`, () => {
      assert.equal(outcomeText(callBuiltin(name, args)), want);
    });
  }
}
