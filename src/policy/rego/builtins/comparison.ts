// Comparison operators (equal, neq, lt, lte, gt, gte) over OPA's total order of values.

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { bool, compare, equal, type Value } from '../value.js';

function cmp(name: string, test: (a: Value, b: Value) => boolean): BuiltinDef {
  return { name, args: [T.any, T.any], result: T.boolean, impl: ([a, b]) => bool(test(a!, b!)) };
}

export const COMPARISON_BUILTINS: readonly BuiltinDef[] = [
  cmp('equal', equal),
  cmp('neq', (a, b) => !equal(a, b)),
  cmp('lt', (a, b) => compare(a, b) < 0),
  cmp('lte', (a, b) => compare(a, b) <= 0),
  cmp('gt', (a, b) => compare(a, b) > 0),
  cmp('gte', (a, b) => compare(a, b) >= 0),
];
