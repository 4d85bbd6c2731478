// cel-go's optional types library: optional.of/none/ofNonZeroValue, hasValue, value, or,
// orValue (`?.` and `[?` are handled by the parser and the interpreter).
import { fail, global, library, member, type Library } from '../library.js';
import { T } from '../types.js';
import { CelOptional, isCelList, isCelMap, isCelUint, type CelValue } from '../values.js';

const V = T.param('V');
const OPT_V = T.optional(V);

function opt(v: CelValue): CelOptional {
  if (!(v instanceof CelOptional)) fail('no such overload');
  return v;
}

function isZero(v: CelValue): boolean {
  if (v === null || v === false || v === 0n || v === 0 || v === '') return true;
  if (isCelUint(v)) return v.value === 0n;
  if (v instanceof Uint8Array) return v.length === 0;
  if (isCelList(v) || isCelMap(v)) return v.size === 0;
  return false;
}

export const OPTIONAL: Library = library({
  'optional.of': [global('optional_of', [V], OPT_V, ([v]) => new CelOptional(v))],
  'optional.ofNonZeroValue': [
    global('optional_ofNonZeroValue', [V], OPT_V, ([v]) =>
      isZero(v as CelValue) ? CelOptional.NONE : new CelOptional(v),
    ),
  ],
  'optional.none': [global('optional_none', [], OPT_V, () => CelOptional.NONE)],
  hasValue: [member('optional_hasValue', [OPT_V], T.bool, ([o]) => opt(o as CelValue).hasValue)],
  value: [
    member('optional_value', [OPT_V], V, ([o]) => {
      const x = opt(o as CelValue);
      if (!x.hasValue) fail('optional.none() dereference');
      return x.value as CelValue;
    }),
  ],
  or: [
    member('optional_or_optional', [OPT_V, OPT_V], OPT_V, ([a, b]) =>
      opt(a as CelValue).hasValue ? (a as CelValue) : opt(b as CelValue),
    ),
  ],
  orValue: [
    member('optional_orValue_value', [OPT_V, V], V, ([a, b]) => {
      const x = opt(a as CelValue);
      return x.hasValue ? (x.value as CelValue) : (b as CelValue);
    }),
  ],
});
