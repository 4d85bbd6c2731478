// Go's encoding/base64 decoding (strict padding, \r and \n skipped) with its "illegal base64 data at input byte N" errors.

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}

const STD_MAP = decodeMap(STD);
const URL_MAP = decodeMap(URL);

export interface Base64Options {
  /** The URL-safe alphabet. @default false */
  readonly url?: boolean;
  /** Padding with '=' required (Go's StdEncoding / URLEncoding) or absent (Raw*Encoding). @default true */
  readonly padded?: boolean;
}

function corrupt(offset: number): Error {
  return new Error(`illegal base64 data at input byte ${offset}`);
}

/** Decodes like Go's (Raw)(Std|URL)Encoding.DecodeString; input is treated as bytes (Latin-1 of the UTF-8). */
export function goBase64Decode(input: string, options: Base64Options = {}): Buffer {
  const map = options.url === true ? URL_MAP : STD_MAP;
  const padded = options.padded ?? true;
  const src = Buffer.from(input, 'utf8');
  const out: number[] = [];
  let si = 0;
  for (;;) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let err: Error | undefined;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        if (j === 1 || padded) throw corrupt(si - j);
        dlen = j;
        break;
      }
      const ch = src[si]!;
      si++;
      const v = map[ch]!;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (ch === 0x0a || ch === 0x0d) {
        j--;
        continue;
      }
      if (!padded || ch !== 0x3d) throw corrupt(si - 1);
      // Padding: only after 2 or 3 symbols.
      if (j === 0 || j === 1) throw corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
        if (si === src.length) throw corrupt(src.length);
        if (src[si] !== 0x3d) throw corrupt(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
      if (si < src.length) err = corrupt(si);
      dlen = j;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    if (dlen >= 2) out.push((val >> 16) & 0xff);
    if (dlen >= 3) out.push((val >> 8) & 0xff);
    if (dlen >= 4) out.push(val & 0xff);
    if (err !== undefined) throw err;
    if (dlen < 4) return Buffer.from(out);
  }
}

/** OPA's base64url.decode: adds missing padding (RFC 7515 appendix C), then URLEncoding. */
export function opaBase64UrlDecode(s: string): Buffer {
  let t = s;
  if (!t.endsWith('=')) {
    switch (t.length % 4) {
      case 0:
        break;
      case 2:
        t += '==';
        break;
      case 3:
        t += '=';
        break;
      default:
        throw new Error(`illegal base64url string: ${s}`);
    }
  }
  return goBase64Decode(t, { url: true });
}

/** Go's RawURLEncoding.EncodeToString. */
export function base64UrlRaw(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}
