// The built-in functions a policy may call: the core, extended and graphql sets merged into one table.
import type { BuiltinDef } from './builtin-types.js';
import { T } from './builtin-types.js';
import { CORE_BUILTINS } from './builtins/index.js';
import { EXT_BUILTINS } from './builtins-ext/index.js';
import { GRAPHQL_BUILTINS } from './builtins-graphql/index.js';
import { moduleToJSON } from './compiler-ast-json.js';
import { RegoError } from './errors.js';
import { parseModule } from './parser.js';
import { fromJS } from './value.js';

/** Built-ins of the language itself. */
const REGO_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'rego.parse_module',
    args: [T.string, T.string],
    result: T.objectOf(T.string, T.any),
    impl: (args) => {
      const [file, source] = args;
      if (file?.kind !== 'string') {
        throw new RegoError(
          'eval_type_error',
          `rego.parse_module: operand 1 must be string but got ${file?.kind ?? 'nothing'}`,
        );
      }
      if (source?.kind !== 'string') {
        throw new RegoError(
          'eval_type_error',
          `rego.parse_module: operand 2 must be string but got ${source?.kind ?? 'nothing'}`,
        );
      }
      try {
        return fromJS(moduleToJSON(parseModule(source.value, file.value)));
      } catch (e) {
        if (e instanceof RegoError) {
          throw new RegoError('eval_builtin_error', `rego.parse_module: ${e.message}`);
        }
        throw e;
      }
    },
  },
];

let registry: ReadonlyMap<string, BuiltinDef> | undefined;

/**
 * Every built-in by name. `print` is evaluator-bound (its operands may be undefined) and is
 * not in this table; left-out built-ins are listed in compiler.ts UNSUPPORTED_BUILTINS.
 */
export function defaultBuiltins(): ReadonlyMap<string, BuiltinDef> {
  if (!registry) {
    const m = new Map<string, BuiltinDef>();
    for (const d of [...CORE_BUILTINS, ...EXT_BUILTINS, ...GRAPHQL_BUILTINS, ...REGO_BUILTINS]) {
      if (m.has(d.name)) throw new Error(`internal: built-in ${d.name} defined twice`);
      m.set(d.name, d);
    }
    registry = m;
  }
  return registry;
}
