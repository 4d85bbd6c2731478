// The built-in functions a policy may call: the core, extended and graphql sets merged into one table.
import type { BuiltinDef } from './builtin-types.js';
import { CORE_BUILTINS } from './builtins/index.js';
import { EXT_BUILTINS } from './builtins-ext/index.js';
import { GRAPHQL_BUILTINS } from './builtins-graphql/index.js';

let registry: ReadonlyMap<string, BuiltinDef> | undefined;

/**
 * Every built-in by name. `print` is evaluator-bound (its operands may be undefined) and is
 * not in this table; left-out built-ins are listed in compiler.ts UNSUPPORTED_BUILTINS.
 */
export function defaultBuiltins(): ReadonlyMap<string, BuiltinDef> {
  if (!registry) {
    const m = new Map<string, BuiltinDef>();
    for (const d of [...CORE_BUILTINS, ...EXT_BUILTINS, ...GRAPHQL_BUILTINS]) {
      if (m.has(d.name)) throw new Error(`internal: built-in ${d.name} defined twice`);
      m.set(d.name, d);
    }
    registry = m;
  }
  return registry;
}
