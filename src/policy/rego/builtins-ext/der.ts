// A minimal DER reader for X.509 structures: tag/length/value nodes, OIDs, integers, strings and times.

export interface DerNode {
  /** Tag class (0 universal, 1 application, 2 context-specific, 3 private). */
  readonly cls: number;
  readonly constructed: boolean;
  /** Tag number. */
  readonly tag: number;
  /** The whole encoding (header and content). */
  readonly raw: Buffer;
  /** The content octets. */
  readonly content: Buffer;
}

export class DerError extends Error {}

/** Reads one node at offset; returns it and the offset after it. */
export function readNode(buf: Buffer, offset = 0): { node: DerNode; next: number } {
  const fail = (): never => {
    throw new DerError('asn1: structure error: malformed DER');
  };
  if (offset + 2 > buf.length) fail();
  const b0 = buf[offset]!;
  let tag = b0 & 0x1f;
  let p = offset + 1;
  if (tag === 0x1f) {
    tag = 0;
    for (;;) {
      if (p >= buf.length) fail();
      const b = buf[p++]!;
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= buf.length) fail();
  let len = buf[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) fail();
    len = 0;
    for (let i = 0; i < n; i++) {
      if (p >= buf.length) fail();
      len = len * 256 + buf[p++]!;
    }
  }
  const end = p + len;
  if (end > buf.length) fail();
  return {
    node: {
      cls: b0 >> 6,
      constructed: (b0 & 0x20) !== 0,
      tag,
      raw: buf.subarray(offset, end),
      content: buf.subarray(p, end),
    },
    next: end,
  };
}

/** Parses a buffer that holds exactly one node. */
export function parseDer(buf: Buffer): DerNode {
  const { node, next } = readNode(buf, 0);
  if (next !== buf.length) throw new DerError('asn1: syntax error: trailing data');
  return node;
}

/** The children of a constructed node. */
export function children(n: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let p = 0;
  while (p < n.content.length) {
    const { node, next } = readNode(n.content, p);
    out.push(node);
    p = next;
  }
  return out;
}

export function isUniversal(n: DerNode | undefined, tag: number): n is DerNode {
  return n !== undefined && n.cls === 0 && n.tag === tag;
}

export function isContext(n: DerNode | undefined, tag: number): n is DerNode {
  return n !== undefined && n.cls === 2 && n.tag === tag;
}

export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE_STRING: 19,
  T61_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  UNIVERSAL_STRING: 28,
  BMP_STRING: 30,
} as const;

/** OID components. */
export function oidParts(n: DerNode): number[] {
  const out: number[] = [];
  let v = 0;
  for (const b of n.content) {
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (out.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        out.push(first, v - first * 40);
      } else out.push(v);
      v = 0;
    }
  }
  return out;
}

export function oidString(n: DerNode): string {
  return oidParts(n).join('.');
}

/** A two's-complement INTEGER. */
export function integer(n: DerNode): bigint {
  if (n.content.length === 0) return 0n;
  let v = BigInt(`0x${n.content.toString('hex')}`);
  if (n.content[0]! & 0x80) v -= 1n << BigInt(n.content.length * 8);
  return v;
}

/** The text of a string node (UTF8, Printable, IA5, T61 as Latin-1, BMP, Universal). */
export function stringValue(n: DerNode): string {
  switch (n.tag) {
    case TAG.BMP_STRING: {
      let s = '';
      for (let i = 0; i + 1 < n.content.length; i += 2)
        s += String.fromCharCode(n.content.readUInt16BE(i));
      return s;
    }
    case TAG.UNIVERSAL_STRING: {
      let s = '';
      for (let i = 0; i + 3 < n.content.length; i += 4)
        s += String.fromCodePoint(n.content.readUInt32BE(i));
      return s;
    }
    case TAG.T61_STRING:
      return n.content.toString('latin1');
    default:
      return n.content.toString('utf8');
  }
}

/** UTCTime / GeneralizedTime as milliseconds since the epoch. */
export function timeValue(n: DerNode): number {
  const s = n.content.toString('latin1');
  const m =
    n.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s);
  if (m === null) throw new DerError(`asn1: time did not parse: ${s}`);
  let year = Number(m[1]);
  if (n.tag === TAG.UTC_TIME) year += year >= 50 ? 1900 : 2000;
  return Date.UTC(
    year,
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? '0'),
  );
}

/** A BIT STRING's bytes (the unused-bits count dropped) and that count. */
export function bitString(n: DerNode): { bytes: Buffer; unused: number } {
  return { bytes: n.content.subarray(1), unused: n.content[0] ?? 0 };
}

/** Splits concatenated DER structures (x509.ParseCertificates input). */
export function splitDer(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let p = 0;
  while (p < buf.length) {
    const { node, next } = readNode(buf, p);
    out.push(node.raw);
    p = next;
  }
  return out;
}
