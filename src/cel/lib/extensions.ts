// cel-go extensions that Kubernetes' environment does not enable (math, encoders, strings v3's
// reverse): available to callers that ask for them (`KubernetesCelEnv({ libraries })`); a CRD
// rule using them fails to compile, as in kube-apiserver.
import { fail, global, library, member, type FunctionOverload, type Library } from '../library.js';
import { T, type CelT } from '../types.js';
import { celCompare, isCelList, isCelUint, type CelValue } from '../values.js';

const A = T.param('A');
const NUMS: readonly CelT[] = [T.int, T.uint, T.double];

function extreme(sign: number) {
  return (args: CelValue[]): CelValue => {
    const xs = args.length === 1 && isCelList(args[0]) ? ([...args[0]] as CelValue[]) : args;
    if (xs.length === 0)
      fail(`math.${sign > 0 ? 'greatest' : 'least'}() requires at least one argument`);
    let best = xs[0] as CelValue;
    for (const x of xs) {
      const c = celCompare(x, best);
      if (c === undefined) fail('no such overload');
      if (c * sign > 0) best = x;
    }
    return best;
  };
}

function variadic(name: string, sign: number): FunctionOverload[] {
  const out: FunctionOverload[] = [global(`${name}_list`, [T.list(A)], A, extreme(sign))];
  for (let n = 1; n <= 6; n++)
    out.push(global(`${name}_${n}`, new Array<CelT>(n).fill(T.dyn), T.dyn, extreme(sign)));
  return out;
}

const dbl =
  (f: (x: number) => number) =>
  ([x]: CelValue[]): CelValue =>
    f(x as number);

function intBits(name: string, op: (a: bigint, b: bigint) => bigint): FunctionOverload[] {
  return [
    global(`math_${name}_int_int`, [T.int, T.int], T.int, ([a, b]) =>
      BigInt.asIntN(64, op(a as bigint, b as bigint)),
    ),
  ];
}

export const MATH: Library = library({
  'math.greatest': variadic('math_greatest', 1),
  'math.least': variadic('math_least', -1),
  'math.ceil': [global('math_ceil_double', [T.double], T.double, dbl(Math.ceil))],
  'math.floor': [global('math_floor_double', [T.double], T.double, dbl(Math.floor))],
  'math.round': [
    global(
      'math_round_double',
      [T.double],
      T.double,
      dbl((x) => (x < 0 ? -Math.round(-x) : Math.round(x))),
    ),
  ],
  'math.trunc': [global('math_trunc_double', [T.double], T.double, dbl(Math.trunc))],
  'math.sqrt': NUMS.map((t) =>
    global(`math_sqrt_${(t as { name: string }).name}`, [t], T.double, ([x]) =>
      Math.sqrt(isCelUint(x) ? Number(x.value) : Number(x)),
    ),
  ),
  'math.abs': [
    global('math_abs_int', [T.int], T.int, ([x]) => {
      const v = x as bigint;
      if (v === -(2n ** 63n)) fail('integer overflow');
      return v < 0n ? -v : v;
    }),
    global('math_abs_double', [T.double], T.double, dbl(Math.abs)),
  ],
  'math.sign': [
    global('math_sign_int', [T.int], T.int, ([x]) => BigInt(Math.sign(Number(x)))),
    global('math_sign_double', [T.double], T.double, dbl(Math.sign)),
  ],
  'math.isInf': [
    global(
      'math_isInf_double',
      [T.double],
      T.bool,
      ([x]) => !Number.isFinite(x) && !Number.isNaN(x),
    ),
  ],
  'math.isNaN': [global('math_isNaN_double', [T.double], T.bool, ([x]) => Number.isNaN(x))],
  'math.isFinite': [
    global('math_isFinite_double', [T.double], T.bool, ([x]) => Number.isFinite(x)),
  ],
  'math.bitAnd': intBits('bitAnd', (a, b) => a & b),
  'math.bitOr': intBits('bitOr', (a, b) => a | b),
  'math.bitXor': intBits('bitXor', (a, b) => a ^ b),
  'math.bitNot': [global('math_bitNot_int_int', [T.int], T.int, ([a]) => ~(a as bigint))],
  'math.bitShiftLeft': intBits('bitShiftLeft', (a, b) =>
    b < 0n ? fail('math.bitShiftLeft() negative offset') : b > 63n ? 0n : a << b,
  ),
  'math.bitShiftRight': intBits('bitShiftRight', (a, b) =>
    b < 0n
      ? fail('math.bitShiftRight() negative offset')
      : b > 63n
        ? 0n
        : BigInt.asIntN(64, BigInt.asUintN(64, a) >> b),
  ),
});

export const ENCODERS: Library = library({
  'base64.encode': [
    global('base64_encode_bytes', [T.bytes], T.string, ([b]) =>
      Buffer.from(b as Uint8Array).toString('base64'),
    ),
  ],
  'base64.decode': [
    global('base64_decode_string', [T.string], T.bytes, ([s]) => {
      const str = s as string;
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(str)) fail('illegal base64 data at input byte 0');
      return new Uint8Array(Buffer.from(str, 'base64'));
    }),
  ],
});

export const STRINGS_V3: Library = library({
  reverse: [
    member('string_reverse', [T.string], T.string, ([s]) => [...(s as string)].reverse().join('')),
  ],
});
