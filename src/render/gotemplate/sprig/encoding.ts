import { goBytes } from '../value.js';
// Go's base64 and base32 standard encodings with their strict decoders and CorruptInputError text.

/** encoding/base64's and base32's CorruptInputError. */
export class CorruptInputError extends Error {
  constructor(
    readonly base: 32 | 64,
    readonly offset: number,
  ) {
    super(`illegal base${base} data at input byte ${offset}`);
    this.name = 'CorruptInputError';
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64MAP = new Map([...B64].map((c, i) => [c.charCodeAt(0), i]));
const B32MAP = new Map([...B32].map((c, i) => [c.charCodeAt(0), i]));

/** base64.StdEncoding.DecodeString. */
export function base64Decode(s: string): Buffer {
  const src = goBytes(s);
  const out: number[] = [];
  let si = 0;
  for (;;) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let done = false;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        throw new CorruptInputError(64, si - j);
      }
      const inb = src[si] as number;
      si++;
      const v = B64MAP.get(inb);
      if (v !== undefined) {
        dbuf[j] = v;
        continue;
      }
      if (inb === 10 || inb === 13) {
        j--;
        continue;
      }
      if (inb !== 0x3d) throw new CorruptInputError(64, si - 1);
      if (j === 0 || j === 1) throw new CorruptInputError(64, si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === 10 || src[si] === 13)) si++;
        if (si === src.length) throw new CorruptInputError(64, src.length);
        if (src[si] !== 0x3d) throw new CorruptInputError(64, si - 1);
        si++;
      }
      while (si < src.length && (src[si] === 10 || src[si] === 13)) si++;
      if (si < src.length) throw new CorruptInputError(64, si);
      dlen = j;
      done = true;
      break;
    }
    const val =
      ((dbuf[0] as number) << 18) |
      ((dbuf[1] as number) << 12) |
      ((dbuf[2] as number) << 6) |
      (dbuf[3] as number);
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (done) return Buffer.from(out);
  }
}

/** base32.StdEncoding.DecodeString. */
export function base32Decode(s: string): Buffer {
  const src = goBytes(s.replace(/[\r\n]/g, ''));
  const olen = src.length;
  let pos = 0;
  const out: number[] = [];
  let end = false;
  while (pos < src.length && !end) {
    const dbuf = [0, 0, 0, 0, 0, 0, 0, 0];
    let dlen = 8;
    for (let j = 0; j < 8;) {
      if (pos === src.length) throw new CorruptInputError(32, olen - (src.length - pos) - j);
      const inb = src[pos] as number;
      pos++;
      const remaining = src.length - pos;
      if (inb === 0x3d && j >= 2 && remaining < 8) {
        if (remaining + j < 7) throw new CorruptInputError(32, olen);
        for (let k = 0; k < 7 - j; k++) {
          if (remaining > k && src[pos + k] !== 0x3d)
            throw new CorruptInputError(32, olen - remaining + k - 1);
        }
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6)
          throw new CorruptInputError(32, olen - remaining - 1);
        break;
      }
      const v = B32MAP.get(inb);
      if (v === undefined) throw new CorruptInputError(32, olen - remaining - 1);
      dbuf[j] = v;
      j++;
    }
    const d = dbuf as [number, number, number, number, number, number, number, number];
    const q = [
      ((d[0] << 3) | (d[1] >> 2)) & 0xff,
      ((d[1] << 6) | (d[2] << 1) | (d[3] >> 4)) & 0xff,
      ((d[3] << 4) | (d[4] >> 1)) & 0xff,
      ((d[4] << 7) | (d[5] << 2) | (d[6] >> 3)) & 0xff,
      ((d[6] << 5) | d[7]) & 0xff,
    ];
    const n =
      dlen === 8 ? 5 : dlen === 7 ? 4 : dlen === 5 ? 3 : dlen === 4 ? 2 : dlen === 2 ? 1 : 0;
    out.push(...q.slice(0, n));
  }
  return Buffer.from(out);
}

/** base32.StdEncoding.EncodeToString. */
export function base32Encode(data: Uint8Array): string {
  let out = '';
  for (let i = 0; i < data.length; i += 5) {
    const chunk = [0, 0, 0, 0, 0];
    const n = Math.min(5, data.length - i);
    for (let k = 0; k < n; k++) chunk[k] = data[i + k] as number;
    const c = chunk as [number, number, number, number, number];
    const idx = [
      c[0] >> 3,
      ((c[0] & 7) << 2) | (c[1] >> 6),
      (c[1] >> 1) & 31,
      ((c[1] & 1) << 4) | (c[2] >> 4),
      ((c[2] & 15) << 1) | (c[3] >> 7),
      (c[3] >> 2) & 31,
      ((c[3] & 3) << 3) | (c[4] >> 5),
      c[4] & 31,
    ];
    const chars = [2, 4, 5, 7, 8][n - 1] as number;
    for (let k = 0; k < 8; k++) out += k < chars ? B32[idx[k] as number] : '=';
  }
  return out;
}
