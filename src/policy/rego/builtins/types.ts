// Type built-ins: is_number, is_string, is_boolean, is_array, is_set, is_object, is_null, type_name.

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { bool, str, type ValueKind } from '../value.js';

function isKind(name: string, kind: ValueKind): BuiltinDef {
  return { name, args: [T.any], result: T.boolean, impl: ([v]) => bool(v!.kind === kind) };
}

export const TYPE_BUILTINS: readonly BuiltinDef[] = [
  isKind('is_number', 'number'),
  isKind('is_string', 'string'),
  isKind('is_boolean', 'boolean'),
  isKind('is_array', 'array'),
  isKind('is_set', 'set'),
  isKind('is_object', 'object'),
  isKind('is_null', 'null'),
  { name: 'type_name', args: [T.any], result: T.string, impl: ([v]) => str(v!.kind) },
];
