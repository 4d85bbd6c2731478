// uuid.rfc4122, uuid.parse (google/uuid semantics) and rand.intn, cached per evaluation as OPA does.
import { randomBytes, randomInt } from 'node:crypto';
import { T, type BuiltinDef } from '../builtin-types.js';
import { num, numFromBigInt, objectFromRecord, str, type Value } from '../value.js';
import { intArg, stringArg } from './operands.js';

/** Parses the four textual UUID forms google/uuid accepts into 16 bytes. */
export function parseUUIDBytes(s: string): Uint8Array | undefined {
  let hex: string;
  if (s.length === 36 + 9) {
    if (s.slice(0, 9).toLowerCase() !== 'urn:uuid:') return undefined;
    s = s.slice(9);
  } else if (s.length === 36 + 2) {
    if (s[0] !== '{' || s[37] !== '}') return undefined;
    s = s.slice(1, 37);
  }
  if (s.length === 36) {
    if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return undefined;
    hex = s.slice(0, 8) + s.slice(9, 13) + s.slice(14, 18) + s.slice(19, 23) + s.slice(24);
  } else if (s.length === 32) {
    hex = s;
  } else {
    return undefined;
  }
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return undefined;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function variantName(b8: number): string {
  if ((b8 & 0xc0) === 0x80) return 'RFC4122';
  if ((b8 & 0xe0) === 0xc0) return 'Microsoft';
  if ((b8 & 0xe0) === 0xe0) return 'Future';
  return 'Reserved';
}

function macVariables(b: number): string {
  if ((b & 0b11) === 0b11) return 'local:multicast';
  if ((b & 0b01) === 0b01) return 'global:multicast';
  if ((b & 0b10) === 0b10) return 'local:unicast';
  return 'global:unicast';
}

// 100-ns intervals between 1582-10-15 and the Unix epoch.
const G1582_NS100 = 122192928000000000n;

/** uuid.parse's object: version and variant, plus the decodable fields of versions 1 and 2. */
export function describeUUID(u: Uint8Array): Value {
  const version = u[6]! >> 4;
  const rec: Record<string, Value> = { version: num(version), variant: str(variantName(u[8]!)) };
  if (version === 1 || version === 2) {
    const dv = new DataView(u.buffer, u.byteOffset, u.byteLength);
    const t =
      BigInt(dv.getUint32(0)) |
      (BigInt(dv.getUint16(4)) << 32n) |
      (BigInt(dv.getUint16(6) & 0xfff) << 48n);
    const since = t - G1582_NS100;
    rec['time'] = numFromBigInt((since / 10000000n) * 1000000000n + (since % 10000000n) * 100n);
    rec['nodeid'] = str([...u.slice(10)].map((b) => b.toString(16).padStart(2, '0')).join('-'));
    rec['macvariables'] = str(macVariables(u[10]!));
    rec['clocksequence'] = num(dv.getUint16(8) & 0x3fff);
    if (version === 2) {
      rec['id'] = num(dv.getUint32(0));
      const d = u[9]!;
      rec['domain'] = str(d === 0 ? 'Person' : d === 1 ? 'Group' : d === 2 ? 'Org' : `Domain${d}`);
    }
  }
  return objectFromRecord(rec);
}

function newUUIDv4(): string {
  const b = randomBytes(16);
  b[8] = (b[8]! & ~0xc0) | 0x80;
  b[6] = (b[6]! & ~0xf0) | 0x40;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const UUID_RAND_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'uuid.rfc4122',
    args: [T.string],
    result: T.string,
    nondeterministic: true,
    impl: (args, ctx) => {
      const key = `uuid.rfc4122\u0000${stringArg('uuid.rfc4122', args, 1)}`;
      const hit = ctx.cache.get(key) as Value | undefined;
      if (hit !== undefined) return hit;
      const v = str(newUUIDv4());
      ctx.cache.set(key, v);
      return v;
    },
  },
  {
    name: 'uuid.parse',
    args: [T.string],
    result: T.objectOf(T.string, T.any),
    impl: (args) => {
      const u = parseUUIDBytes(stringArg('uuid.parse', args, 1));
      return u === undefined ? undefined : describeUUID(u);
    },
  },
  {
    name: 'rand.intn',
    args: [T.string, T.number],
    result: T.number,
    nondeterministic: true,
    impl: (args, ctx) => {
      const s = stringArg('rand.intn', args, 1);
      let n = intArg('rand.intn', args, 2);
      if (n === 0) return num(0);
      if (n < 0) n = -n;
      const key = `rand.intn\u0000${s}-${n}`;
      const hit = ctx.cache.get(key) as Value | undefined;
      if (hit !== undefined) return hit;
      // randomInt takes at most 2^48 - 1 as range; larger n draw from a bigint.
      const v =
        n <= 0xffffffffffff
          ? num(randomInt(n))
          : numFromBigInt(randomBytes(8).readBigUInt64BE() % BigInt(n));
      ctx.cache.set(key, v);
      return v;
    },
  },
];
