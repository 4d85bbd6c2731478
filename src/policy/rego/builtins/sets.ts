// Set built-ins: and (&), or (|), intersection, union (minus on sets lives with arithmetic, as in OPA).

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { operandElementError } from '../errors.js';
import { EMPTY_SET, SetBuilder, type SetValue, type Value } from '../value.js';
import { setOperand } from './operands.js';

export function setUnion(sets: readonly SetValue[]): SetValue {
  const nonEmpty = sets.filter((s) => s.size > 0);
  if (nonEmpty.length === 0) return EMPTY_SET;
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  const b = new SetBuilder();
  for (const s of nonEmpty) for (const e of s.unordered()) b.add(e);
  return b.build();
}

export function setIntersection(sets: readonly SetValue[]): SetValue {
  if (sets.length === 0) return EMPTY_SET;
  const [first, ...rest] = [...sets].sort((a, b) => a.size - b.size) as [SetValue, ...SetValue[]];
  const b = new SetBuilder();
  for (const e of first.unordered()) if (rest.every((s) => s.has(e))) b.add(e);
  return b.size === 0 ? EMPTY_SET : b.build();
}

function setOfSets(name: string, v: Value): SetValue[] {
  const s = setOperand(name, v, 1);
  return s.unordered().map((e) => {
    if (e.kind !== 'set') throw operandElementError(name, 1, 'set', e.kind, 'set');
    return e;
  });
}

const ANY_SET = T.setOf(T.any);

export const SET_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'and',
    args: [ANY_SET, ANY_SET],
    result: ANY_SET,
    impl: ([a, b]) => setIntersection([setOperand('and', a!, 1), setOperand('and', b!, 2)]),
  },
  {
    name: 'or',
    args: [ANY_SET, ANY_SET],
    result: ANY_SET,
    impl: ([a, b]) => setUnion([setOperand('or', a!, 1), setOperand('or', b!, 2)]),
  },
  {
    name: 'intersection',
    args: [T.setOf(ANY_SET)],
    result: ANY_SET,
    impl: ([v]) => setIntersection(setOfSets('intersection', v!)),
  },
  {
    name: 'union',
    args: [T.setOf(ANY_SET)],
    result: ANY_SET,
    impl: ([v]) => setUnion(setOfSets('union', v!)),
  },
];
