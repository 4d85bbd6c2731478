// Object built-ins: object.get, object.keys, object.remove, object.filter, object.union, object.union_n, object.subset.

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { operandElementError, operandTypeError } from '../errors.js';
import { bool, equal, ObjectBuilder, setOf, type ObjectValue, type Value } from '../value.js';
import { objectOperand } from './operands.js';

/** Looks up a path of keys through objects, arrays (integer index) and sets (membership). */
export function findPath(root: Value, path: readonly Value[]): Value | undefined {
  let cur: Value = root;
  for (const key of path) {
    switch (cur.kind) {
      case 'object': {
        const next = cur.get(key);
        if (next === undefined) return undefined;
        cur = next;
        break;
      }
      case 'array': {
        if (key.kind !== 'number') return undefined;
        const i = key.toSafeInt();
        const next = i === undefined ? undefined : cur.items[i];
        if (next === undefined) return undefined;
        cur = next;
        break;
      }
      case 'set':
        if (!cur.has(key)) return undefined;
        cur = key;
        break;
      default:
        return undefined;
    }
  }
  return cur;
}

/** The keys named by an array, set or object (its keys) operand. */
function keysOperand(name: string, v: Value, pos: number): readonly Value[] {
  switch (v.kind) {
    case 'array':
      return v.items;
    case 'set':
      return v.unordered();
    case 'object':
      return v.unorderedKeys();
    default:
      throw operandTypeError(name, pos, v.kind, 'object', 'set', 'array');
  }
}

/** Recursive merge: values of b win, objects present on both sides are merged. */
export function objectUnion(a: ObjectValue, b: ObjectValue): ObjectValue {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  const out = new ObjectBuilder();
  const aks = a.unorderedKeys();
  const avs = a.unorderedValues();
  for (let i = 0; i < aks.length; i++) out.set(aks[i]!, avs[i]!);
  const bks = b.unorderedKeys();
  const bvs = b.unorderedValues();
  for (let i = 0; i < bks.length; i++) {
    const k = bks[i]!;
    const bv = bvs[i]!;
    const av = out.get(k);
    out.set(
      k,
      av !== undefined && av.kind === 'object' && bv.kind === 'object' ? objectUnion(av, bv) : bv,
    );
  }
  return out.build();
}

function isComposite(v: Value): boolean {
  return v.kind === 'object' || v.kind === 'set' || v.kind === 'array';
}

function isSubset(sup: Value, sub: Value): boolean {
  switch (sup.kind) {
    case 'object': {
      if (sub.kind !== 'object') return false;
      const ks = sub.unorderedKeys();
      const vs = sub.unorderedValues();
      for (let i = 0; i < ks.length; i++) {
        const superEntry = sup.get(ks[i]!);
        if (superEntry === undefined) return false;
        const subEntry = vs[i]!;
        if (isComposite(superEntry) && isComposite(subEntry)) {
          if (!isSubset(superEntry, subEntry)) return false;
        } else if (!equal(superEntry, subEntry)) return false;
      }
      return true;
    }
    case 'set':
      return sub.kind === 'set' && sub.unordered().every((e) => sup.has(e));
    case 'array': {
      if (sub.kind === 'set')
        return sub.unordered().every((e) => sup.items.some((x) => equal(x, e)));
      if (sub.kind !== 'array') return false;
      const n = sub.items.length;
      if (n === 0) return true;
      for (let start = 0; start + n <= sup.items.length; start++) {
        let ok = true;
        for (let j = 0; j < n && ok; j++) ok = equal(sup.items[start + j]!, sub.items[j]!);
        if (ok) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

const ANY_OBJECT = T.objectOf(T.any, T.any);
const KEYS = T.anyOf(T.arrayOf(T.any), T.setOf(T.any), ANY_OBJECT);
const COMPOSITE = T.anyOf(ANY_OBJECT, T.setOf(T.any), T.arrayOf(T.any));

export const OBJECT_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'object.get',
    args: [ANY_OBJECT, T.any, T.any],
    result: T.any,
    impl: ([o, k, dflt]) => {
      const obj = objectOperand('object.get', o!, 1);
      const key = k!;
      if (key.kind !== 'array') return obj.get(key) ?? dflt!;
      return findPath(obj, key.items) ?? dflt!;
    },
  },
  {
    name: 'object.keys',
    args: [ANY_OBJECT],
    result: T.setOf(T.any),
    impl: ([o]) => setOf(objectOperand('object.keys', o!, 1).unorderedKeys()),
  },
  {
    name: 'object.remove',
    args: [ANY_OBJECT, KEYS],
    result: T.any,
    impl: ([o, k]) => {
      const obj = objectOperand('object.remove', o!, 1);
      const drop = setOf(keysOperand('object.remove', k!, 2));
      const out = new ObjectBuilder();
      const ks = obj.unorderedKeys();
      const vs = obj.unorderedValues();
      for (let i = 0; i < ks.length; i++) if (!drop.has(ks[i]!)) out.set(ks[i]!, vs[i]!);
      return out.build();
    },
  },
  {
    name: 'object.filter',
    args: [ANY_OBJECT, KEYS],
    result: T.any,
    impl: ([o, k]) => {
      const obj = objectOperand('object.filter', o!, 1);
      const keep = keysOperand('object.filter', k!, 2);
      const out = new ObjectBuilder();
      for (const key of keep) {
        const v = obj.get(key);
        if (v !== undefined) out.set(key, v);
      }
      return out.build();
    },
  },
  {
    name: 'object.union',
    args: [ANY_OBJECT, ANY_OBJECT],
    result: T.any,
    impl: ([a, b]) =>
      objectUnion(objectOperand('object.union', a!, 1), objectOperand('object.union', b!, 2)),
  },
  {
    name: 'object.union_n',
    args: [T.arrayOf(ANY_OBJECT)],
    result: T.any,
    impl: (args) => {
      const a = args[0]!;
      if (a.kind !== 'array') throw operandTypeError('object.union_n', 1, a.kind, 'array');
      // OPA checks the elements from the last to the first.
      for (let i = a.items.length - 1; i >= 0; i--) {
        const x = a.items[i]!;
        if (x.kind !== 'object') {
          throw operandElementError('object.union_n', 1, 'array', x.kind, 'object');
        }
      }
      let acc: ObjectValue = new ObjectBuilder().build();
      for (const x of a.items) acc = objectUnion(acc, x as ObjectValue);
      return acc;
    },
  },
  {
    name: 'object.subset',
    args: [COMPOSITE, COMPOSITE],
    result: T.any,
    impl: ([sup, sub]) => {
      if (!isComposite(sup!))
        throw operandTypeError('object.subset', 1, sup!.kind, 'object', 'set', 'array');
      if (!isComposite(sub!))
        throw operandTypeError('object.subset', 2, sub!.kind, 'object', 'set', 'array');
      return bool(isSubset(sup!, sub!));
    },
  },
];
