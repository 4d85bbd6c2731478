// bcrypt as golang.org/x/crypto/bcrypt computes it ($2a$, cost 10 by default), on a Blowfish whose
// initial state (the hex digits of pi) is computed once, on first use, instead of shipped as a table.
import { randomBytes } from 'node:crypto';
import { goBytes } from '../value.js';

let initial: { p: Uint32Array; s: Uint32Array } | undefined;

/** The first 1042 32-bit words of the fractional part of pi (Blowfish's P-array and S-boxes). */
function piWords(): { p: Uint32Array; s: Uint32Array } {
  if (initial) return initial;
  const words = 18 + 1024;
  const n = BigInt(words * 32 + 64);
  const one = 1n << n;
  const atanInv = (x: bigint): bigint => {
    const x2 = x * x;
    let term = one / x;
    let sum = term;
    for (let k = 1n; term !== 0n; k++) {
      term /= x2;
      const t = term / (2n * k + 1n);
      sum = k % 2n === 1n ? sum - t : sum + t;
    }
    return sum;
  };
  const pi = 16n * atanInv(5n) - 4n * atanInv(239n);
  const frac = pi - 3n * one;
  const all = new Uint32Array(words);
  for (let i = 0; i < words; i++) {
    all[i] = Number((frac >> (n - 32n * BigInt(i + 1))) & 0xffffffffn);
  }
  initial = { p: all.slice(0, 18), s: all.slice(18) };
  return initial;
}

class Blowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array;
  constructor() {
    const init = piWords();
    this.p = init.p.slice();
    this.s = init.s.slice();
  }
  private f(x: number): number {
    const s = this.s;
    const h = ((s[x >>> 24] as number) + (s[256 + ((x >>> 16) & 0xff)] as number)) >>> 0;
    return (
      (((h ^ (s[512 + ((x >>> 8) & 0xff)] as number)) >>> 0) + (s[768 + (x & 0xff)] as number)) >>>
      0
    );
  }
  encrypt(l0: number, r0: number): [number, number] {
    let l = l0;
    let r = r0;
    const p = this.p;
    l ^= p[0] as number;
    for (let i = 1; i <= 16; i += 2) {
      r ^= this.f(l) ^ (p[i] as number);
      l ^= this.f(r) ^ (p[i + 1] as number);
    }
    r ^= p[17] as number;
    return [r >>> 0, l >>> 0];
  }
}

function streamWord(data: Uint8Array, pos: { j: number }): number {
  let w = 0;
  for (let i = 0; i < 4; i++) {
    w = ((w << 8) | (data[pos.j] as number)) >>> 0;
    pos.j = (pos.j + 1) % data.length;
  }
  return w;
}

function expandKey(c: Blowfish, key: Uint8Array, salt?: Uint8Array): void {
  const kp = { j: 0 };
  for (let i = 0; i < 18; i++) c.p[i] = ((c.p[i] as number) ^ streamWord(key, kp)) >>> 0;
  let l = 0;
  let r = 0;
  const sp = { j: 0 };
  const fill = (arr: Uint32Array): void => {
    for (let i = 0; i < arr.length; i += 2) {
      if (salt) {
        l = (l ^ streamWord(salt, sp)) >>> 0;
        r = (r ^ streamWord(salt, sp)) >>> 0;
      }
      [l, r] = c.encrypt(l, r);
      arr[i] = l;
      arr[i + 1] = r;
    }
  };
  fill(c.p);
  fill(c.s);
}

const B64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function bcryptBase64(b: Uint8Array): string {
  const std = Buffer.from(b).toString('base64').replace(/=+$/, '');
  const from = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (const ch of std) out += B64[from.indexOf(ch)];
  return out;
}

/** bcrypt.GenerateFromPassword(password, cost). */
export function bcryptHash(
  password: string,
  cost = 10,
  salt: Uint8Array = randomBytes(16),
): string {
  const pw = goBytes(password);
  if (pw.length > 72) throw new Error('bcrypt: password length exceeds 72 bytes');
  const key = Buffer.concat([pw, Buffer.from([0])]);
  const c = new Blowfish();
  expandKey(c, key, salt);
  const rounds = 1 << cost;
  for (let i = 0; i < rounds; i++) {
    expandKey(c, key);
    expandKey(c, salt);
  }
  const text = Buffer.from('OrpheanBeholderScryDoubt');
  const words = new Uint32Array(6);
  for (let i = 0; i < 6; i++) words[i] = text.readUInt32BE(i * 4);
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 6; j += 2) {
      const [l, r] = c.encrypt(words[j] as number, words[j + 1] as number);
      words[j] = l;
      words[j + 1] = r;
    }
  }
  const out = Buffer.alloc(24);
  for (let i = 0; i < 6; i++) out.writeUInt32BE(words[i] as number, i * 4);
  const costText = String(cost).padStart(2, '0');
  return `$2a$${costText}$${bcryptBase64(salt).slice(0, 22)}${bcryptBase64(out.subarray(0, 23))}`;
}
