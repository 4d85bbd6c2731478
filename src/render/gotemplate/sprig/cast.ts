// spf13/cast's conversions as Sprig uses them (toInt64, toInt, toFloat64) and Sprig's strval.
import { sprint } from '../fmt.js';
import { parseFloat64, parseInt64 } from '../strconv.js';
import { GoInt, GoObject, Kind, isIntKind, stringerText, goString } from '../value.js';
import type { GoValue } from '../value.js';

const INT64_MIN = -(2n ** 63n);

/** Go's int64(f) on amd64: truncation, and the minimum int64 for NaN and out-of-range values. */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(f));
}

/** The value behind pointers (cast's indirect). */
function indirect(v: GoValue): GoValue {
  return v;
}

function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/** cast.ToInt64 (errors give 0). */
export function toInt64(v0: GoValue): bigint {
  const v = indirect(v0);
  if (v === null || v === undefined) return 0n;
  switch (typeof v) {
    case 'number':
      return floatToInt64(v);
    case 'boolean':
      return v ? 1n : 0n;
    case 'string':
      try {
        return parseInt64(trimZeroDecimal(v), 0, 64);
      } catch {
        return 0n;
      }
  }
  if (v instanceof GoInt) {
    if (v.type.kind === Kind.Float32) return floatToInt64(Number(v.v));
    return BigInt.asIntN(64, v.v);
  }
  return 0n;
}

/** cast.ToInt (int is 64-bit). */
export function toInt(v: GoValue): bigint {
  return toInt64(v);
}

/** cast.ToFloat64 (errors give 0). */
export function toFloat64(v0: GoValue): number {
  const v = indirect(v0);
  if (v === null || v === undefined) return 0;
  switch (typeof v) {
    case 'number':
      return v;
    case 'boolean':
      return v ? 1 : 0;
    case 'string':
      try {
        return parseFloat64(v);
      } catch {
        return 0;
      }
  }
  if (v instanceof GoInt) return Number(v.v);
  return 0;
}

/** Sprig's strval: strings as they are, []byte as text, errors and Stringers by their method, else %v. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return goString(v);
  const s = v instanceof GoObject || isNamed(v) ? stringerText(v) : undefined;
  if (s !== undefined) return s;
  return sprint([v ?? null]);
}

function isNamed(v: GoValue): boolean {
  return typeof v === 'object' && v !== null && !(v instanceof GoInt) && !(v instanceof Uint8Array);
}

export function isIntValue(v: GoValue): v is GoInt {
  return v instanceof GoInt && isIntKind(v.type.kind);
}
