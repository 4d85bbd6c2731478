// The built-in functions a policy may call: the core and extended sets merged into one table.
import type { BuiltinDef } from './builtin-types.js';
import { AGGREGATE_BUILTINS } from './builtins/aggregates.js';
import { ARITHMETIC_BUILTINS } from './builtins/arithmetic.js';
import { ARRAY_BUILTINS } from './builtins/arrays.js';
import { COMPARISON_BUILTINS } from './builtins/comparison.js';
import { OBJECT_BUILTINS } from './builtins/objects.js';
import { SET_BUILTINS } from './builtins/sets.js';
import { TYPE_BUILTINS } from './builtins/types.js';
const CORE_BUILTINS = [
  ...AGGREGATE_BUILTINS,
  ...ARITHMETIC_BUILTINS,
  ...ARRAY_BUILTINS,
  ...COMPARISON_BUILTINS,
  ...OBJECT_BUILTINS,
  ...SET_BUILTINS,
  ...TYPE_BUILTINS,
];
import { EXT_BUILTINS } from './builtins-ext/index.js';

let registry: ReadonlyMap<string, BuiltinDef> | undefined;

/**
 * Every built-in by name. `print` is evaluator-bound (its operands may be undefined) and is
 * not in this table; left-out built-ins are listed in compiler.ts UNSUPPORTED_BUILTINS.
 */
export function defaultBuiltins(): ReadonlyMap<string, BuiltinDef> {
  if (!registry) {
    const m = new Map<string, BuiltinDef>();
    for (const d of [...CORE_BUILTINS, ...EXT_BUILTINS]) {
      if (m.has(d.name)) throw new Error(`internal: built-in ${d.name} defined twice`);
      m.set(d.name, d);
    }
    registry = m;
  }
  return registry;
}
