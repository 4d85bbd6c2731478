/*
 * Go strings are byte strings; ours are JavaScript strings. Bytes that are not valid UTF-8 (from
 * b64dec, binary files, decryptAES...) are carried as the lone low surrogates U+DC80..U+DCFF
 * (Python's "surrogateescape"), so that they survive to the output byte for byte and count as
 * one byte each in len, slices and hashes.
 */
import { isUtf8 } from 'node:buffer';

const SURROGATE = /[\uD800-\uDFFF]/;

/** The bytes of a Go string. */
export function goBytes(s: string): Buffer {
  if (!SURROGATE.test(s)) return Buffer.from(s, 'utf8');
  const parts: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) parts.push(c);
    else if (c >= 0xdc80 && c <= 0xdcff) parts.push(c - 0xdc00);
    else {
      let cp = c;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        }
      }
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) parts.push(b);
    }
  }
  return Buffer.from(parts);
}

/** A Go string of some bytes. */
export function goString(b: Uint8Array): string {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (isUtf8(buf)) return buf.toString('utf8');
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const n = validRuneLength(buf, i);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + (buf[i] as number));
      i++;
    } else {
      out += buf.subarray(i, i + n).toString('utf8');
      i += n;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence at b[i] (Go's utf8.DecodeRune rules), 0 when invalid. */
function validRuneLength(b: Uint8Array, i: number): number {
  const c = b[i] as number;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean =>
    i + k < b.length && (b[i + k] as number) >= lo && (b[i + k] as number) <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c >= 0xe1 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
