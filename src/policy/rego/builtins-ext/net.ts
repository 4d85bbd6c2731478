// net.cidr_* built-ins (Go net package parsing; OPA's containment, expansion and merge rules).
import { T, type BuiltinDef, type RegoType } from '../builtin-types.js';
import { builtinError } from '../errors.js';
import { arr, bool, FALSE, num, SetBuilder, str, TRUE, type Value } from '../value.js';
import {
  defaultPrefix,
  expandNet,
  mergeNets,
  netContains,
  netRange,
  netString,
  parseCIDR,
  parseIP,
  type IPNet,
} from './ip-net.js';
import { guarded, stringArg, typeErr } from './operands.js';

/** OPA's cidr_contains: b may be an address or a network (contained if both ends are). */
function cidrContains(name: string, a: string, b: string): boolean {
  const net = guarded(name, () => parseCIDR(a));
  const ip = parseIP(b);
  if (ip !== undefined) return netContains(net, ip);
  let inner: IPNet;
  try {
    inner = parseCIDR(b);
  } catch {
    throw builtinError(name, `not a valid textual representation of an IP address or CIDR: ${b}`);
  }
  const [first, last] = netRange(inner);
  return (
    netContains(net, { bits: inner.ip.bits, value: first }) &&
    netContains(net, { bits: inner.ip.bits, value: last })
  );
}

const MATCH_ELEMENT_ERROR = 'element must be string or non-empty array';

/** The CIDR/IP string of an operand element: a string, or the first item of a non-empty array. */
function matchTerm(name: string, operand: number, v: Value): string {
  if (v.kind === 'string') return v.value;
  if (v.kind === 'array' && v.length > 0) {
    const first = v.items[0]!;
    if (first.kind !== 'string') throw typeErr(name, 1, first, 'string');
    return first.value;
  }
  throw builtinError(name, `operand ${operand}: ${MATCH_ELEMENT_ERROR}`);
}

/** Each (cidr, key) of a cidr_contains_matches operand: a string, array, set or object. */
function matchEntries(name: string, operand: number, v: Value): Array<[string, Value]> {
  switch (v.kind) {
    case 'string':
      return [[v.value, v]];
    case 'array':
      return v.items.map((e, i) => [matchTerm(name, operand, e), num(i)]);
    case 'set':
      return [...v].map((e) => [matchTerm(name, operand, e), e]);
    case 'object':
      return v.entries().map(([k, e]) => [matchTerm(name, operand, e), k]);
    default:
      return [];
  }
}

const MATCH_OPERAND: RegoType = T.anyOf(
  T.string,
  T.arrayOf(T.anyOf(T.string, T.arrayOf(T.any))),
  T.objectOf(T.string, T.anyOf(T.string, T.arrayOf(T.any))),
  T.setOf(T.anyOf(T.string, T.arrayOf(T.any))),
);

function containsDef(name: string, deprecated: boolean): BuiltinDef {
  return {
    name,
    deprecated,
    args: [T.string, T.string],
    result: T.boolean,
    impl: (args) => bool(cidrContains(name, stringArg(name, args, 1), stringArg(name, args, 2))),
  };
}

/** net.cidr_merge's element parsing: a CIDR, or an IPv4 address with its classful mask. */
function mergeElement(name: string, v: Value): IPNet {
  return guarded(name, () => {
    if (v.kind !== 'string') throw new Error('element must be string');
    const ip = parseIP(v.value);
    if (ip === undefined) return parseCIDR(v.value);
    if (ip.bits === 32) {
      const prefix = defaultPrefix(ip);
      if (prefix === undefined) throw new Error(`invalid CIDR address: ${v.value}`);
      return { ip, prefix };
    }
    throw new Error('IPv6 invalid: needs prefix length');
  });
}

export const NET_BUILTINS: readonly BuiltinDef[] = [
  containsDef('net.cidr_contains', false),
  containsDef('net.cidr_overlap', true),
  {
    name: 'net.cidr_intersects',
    args: [T.string, T.string],
    result: T.boolean,
    impl: (args) => {
      const name = 'net.cidr_intersects';
      const a = stringArg(name, args, 1);
      const b = stringArg(name, args, 2);
      const na = guarded(name, () => parseCIDR(a));
      const nb = guarded(name, () => parseCIDR(b));
      return bool(netContains(na, nb.ip) || netContains(nb, na.ip));
    },
  },
  {
    name: 'net.cidr_contains_matches',
    args: [MATCH_OPERAND, MATCH_OPERAND],
    result: T.setOf(T.tuple(T.any, T.any)),
    impl: (args) => {
      const name = 'net.cidr_contains_matches';
      const out = new SetBuilder();
      const left = matchEntries(name, 1, args[0]!);
      const right = matchEntries(name, 2, args[1]!);
      for (const [c1, k1] of left) {
        for (const [c2, k2] of right) {
          if (cidrContains(name, c1, c2)) out.add(arr([k1, k2]));
        }
      }
      return out.build();
    },
  },
  {
    name: 'net.cidr_expand',
    args: [T.string],
    result: T.setOf(T.string),
    impl: (args) => {
      const name = 'net.cidr_expand';
      const s = stringArg(name, args, 1);
      const net = guarded(name, () => parseCIDR(s));
      const size = BigInt(net.ip.bits - net.prefix);
      // Materialising more than a /12 (IPv4) worth of strings is a denial of service, not a result.
      if (size > 20n)
        throw builtinError(name, `CIDR ${s} is too large to expand (more than 2^20 addresses)`);
      const out = new SetBuilder();
      for (const a of expandNet(net)) out.add(str(a));
      return out.build();
    },
  },
  {
    name: 'net.cidr_is_valid',
    args: [T.string],
    result: T.boolean,
    impl: ([v]) => {
      if (v?.kind !== 'string') return FALSE;
      try {
        parseCIDR(v.value);
        return TRUE;
      } catch {
        return FALSE;
      }
    },
  },
  {
    name: 'net.cidr_merge',
    args: [T.anyOf(T.arrayOf(T.anyOf(T.string)), T.setOf(T.string))],
    result: T.setOf(T.string),
    impl: (args) => {
      const name = 'net.cidr_merge';
      const v = args[0]!;
      let items: readonly Value[];
      if (v.kind === 'array') items = v.items;
      else if (v.kind === 'set') items = [...v];
      else throw builtinError(name, 'operand must be an array');
      const nets = items.map((e) => mergeElement(name, e));
      const out = new SetBuilder();
      for (const n of mergeNets(nets)) out.add(str(netString(n)));
      return out.build();
    },
  },
];
