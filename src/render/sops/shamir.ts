// Shamir's secret sharing over GF(2^8) as SOPS uses it for key groups (HashiCorp's shamir, in
// sops/shamir): each part is the y values of the shares followed by the x coordinate.

/** Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (the AES field). */
function mult(a: number, b: number): number {
  let acc = 0;
  for (let i = 7; i >= 0; i--) {
    const bit = (b >> i) & 1;
    acc = ((acc << 1) & 0xff) ^ ((acc >> 7) * 0x1b) ^ (bit * a);
  }
  return acc;
}

/** a^254, the multiplicative inverse (0 stays 0). */
function inverse(a: number): number {
  let b = mult(a, a);
  let c = mult(a, b);
  b = mult(c, c);
  b = mult(b, b);
  c = mult(b, c);
  b = mult(b, b);
  b = mult(b, b);
  b = mult(b, c);
  b = mult(b, b);
  b = mult(a, b);
  return mult(b, b);
}

function interpolateAtZero(xs: readonly number[], ys: readonly number[]): number {
  let result = 0;
  for (let i = 0; i < xs.length; i++) {
    let basis = 1;
    for (let j = 0; j < xs.length; j++) {
      if (i === j) continue;
      const num = xs[j] as number;
      const denom = (xs[i] as number) ^ (xs[j] as number);
      basis = mult(basis, mult(num, inverse(denom)));
    }
    result ^= mult(ys[i] as number, basis);
  }
  return result;
}

/** Reconstructs the secret from two or more parts (shamir.Combine). */
export function combineShares(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length < 2)
    throw new Error('less than two parts cannot be used to reconstruct the secret');
  const len = parts[0]?.length ?? 0;
  if (len < 2) throw new Error('parts must be at least two bytes');
  if (parts.some((p) => p.length !== len)) throw new Error('all parts must be the same length');
  const xs = parts.map((p) => p[len - 1] as number);
  if (new Set(xs).size !== xs.length) throw new Error('duplicate part detected');
  const secret = new Uint8Array(len - 1);
  for (let idx = 0; idx < len - 1; idx++) {
    secret[idx] = interpolateAtZero(
      xs,
      parts.map((p) => p[idx] as number),
    );
  }
  return secret;
}
