// Array built-ins: array.concat, array.slice, array.flatten, array.reverse.

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { arr, type Value } from '../value.js';
import { arrayOperand, intOperand } from './operands.js';

const ANY_ARRAY = T.arrayOf(T.any);

export const ARRAY_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'array.concat',
    args: [ANY_ARRAY, ANY_ARRAY],
    result: ANY_ARRAY,
    impl: ([a, b]) => {
      const x = arrayOperand('array.concat', a!, 1);
      const y = arrayOperand('array.concat', b!, 2);
      if (x.length === 0) return y;
      if (y.length === 0) return x;
      return arr([...x.items, ...y.items]);
    },
  },
  {
    name: 'array.slice',
    args: [ANY_ARRAY, T.number, T.number],
    result: ANY_ARRAY,
    impl: ([a, s, e]) => {
      const x = arrayOperand('array.slice', a!, 1);
      let start = intOperand('array.slice', s!, 2);
      let stop = intOperand('array.slice', e!, 3);
      // OPA clamps both ends and returns [] for an empty or inverted range.
      if (start < 0) start = 0;
      if (stop > x.length) stop = x.length;
      if (start >= stop) return arr([]);
      return arr(x.items.slice(start, stop));
    },
  },
  {
    name: 'array.flatten',
    args: [ANY_ARRAY],
    result: ANY_ARRAY,
    impl: ([a]) => {
      const x = arrayOperand('array.flatten', a!, 1);
      const out: Value[] = [];
      // One level deep, as OPA's array.flatten.
      for (const e of x.items) {
        if (e.kind === 'array') out.push(...e.items);
        else out.push(e);
      }
      return arr(out);
    },
  },
  {
    name: 'array.reverse',
    args: [ANY_ARRAY],
    result: ANY_ARRAY,
    impl: ([a]) => arr([...arrayOperand('array.reverse', a!, 1).items].reverse()),
  },
];
