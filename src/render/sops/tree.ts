// The SOPS document tree (sops.TreeBranch): ordered items whose keys are strings or comments, with
// values typed as Go typed them, because the MAC, the value types and the output depend on it.
import { isUtf8 } from 'node:buffer';

/** A comment line (without its '#'); `inline` when it followed a value on the same line. */
export class Comment {
  constructor(
    readonly value: string,
    readonly inline = false,
  ) {}
}

/** A timestamp value (Go time.Time), kept as the RFC 3339 text Go's MarshalText writes. */
export class SopsTime {
  constructor(readonly text: string) {}
}

/**
 * A leaf: strings (Uint8Array when the bytes are not UTF-8, as Go strings can be), integers as
 * bigint (Go int), floats as number (Go float64), booleans, null and timestamps.
 */
export type Scalar = string | Uint8Array | bigint | number | boolean | null | SopsTime;

export type TreeValue = Scalar | Comment | Branch | TreeValue[];

export interface TreeItem {
  key: string | Comment;
  value: TreeValue;
}

/** A mapping: its items in document order, comments included. */
export class Branch {
  constructor(public items: TreeItem[] = []) {}
}

export function isScalar(v: TreeValue): v is Scalar {
  return !(v instanceof Branch) && !(v instanceof Comment) && !Array.isArray(v);
}

/** A string value as Go bytes. */
export function stringBytes(v: string | Uint8Array): Buffer {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
}

/** Bytes as a Go string value: a JS string when they are UTF-8, the bytes themselves otherwise. */
export function stringFromBytes(b: Uint8Array): string | Uint8Array {
  return isUtf8(b) ? Buffer.from(b).toString('utf8') : b;
}

/** The plain JavaScript form of a value (comments dropped), for reading metadata. */
export function toPlain(v: TreeValue): unknown {
  if (v instanceof Branch) {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const item of v.items) {
      if (typeof item.key === 'string') out[item.key] = toPlain(item.value);
    }
    return out;
  }
  if (Array.isArray(v)) return v.filter((x) => !(x instanceof Comment)).map(toPlain);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof SopsTime) return v.text;
  return v;
}
