// Kubernetes' IP and CIDR libraries (net.IP, net.CIDR) with Go netip's parsing rules: no zones,
// no IPv4-mapped IPv6, no leading zeros in IPv4.
import { fail, global, library, member, type Library } from '../library.js';
import { T } from '../types.js';
import { CelOpaque, type CelValue } from '../values.js';

export const IP_TYPE = T.opaque('net.IP');
export const CIDR_TYPE = T.opaque('net.CIDR');

export class IPValue extends CelOpaque {
  readonly typeName = 'net.IP';
  constructor(readonly bytes: Uint8Array) {
    super();
  }
  get family(): 4 | 6 {
    return this.bytes.length === 4 ? 4 : 6;
  }
  equals(o: CelOpaque): boolean {
    return o instanceof IPValue && sameBytes(this.bytes, o.bytes);
  }
  override toString(): string {
    return formatIP(this.bytes);
  }
}

export class CIDRValue extends CelOpaque {
  readonly typeName = 'net.CIDR';
  constructor(
    readonly ip: IPValue,
    readonly prefix: number,
  ) {
    super();
  }
  equals(o: CelOpaque): boolean {
    return o instanceof CIDRValue && o.prefix === this.prefix && this.ip.equals(o.ip);
  }
  masked(): CIDRValue {
    return new CIDRValue(new IPValue(mask(this.ip.bytes, this.prefix)), this.prefix);
  }
  containsIP(ip: IPValue): boolean {
    if (ip.family !== this.ip.family) return false;
    return sameBytes(mask(ip.bytes, this.prefix), mask(this.ip.bytes, this.prefix));
  }
  override toString(): string {
    return `${this.ip.toString()}/${this.prefix}`;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function mask(b: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = (b[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

/** Go's netip IPv4 parser: the bytes, or its error (message and the rest of the input). */
function parseV4Go(s: string): Uint8Array | { msg: string; at?: string } {
  const out = new Uint8Array(4);
  let val = 0;
  let pos = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c >= '0' && c <= '9') {
      if (digits === 1 && val === 0) return { msg: 'IPv4 field has octet with leading zero' };
      val = val * 10 + Number(c);
      digits++;
      if (val > 255) return { msg: 'IPv4 field has value >255' };
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.')
        return { msg: 'IPv4 field must have at least one digit', at: s.slice(i) };
      if (pos === 3) return { msg: 'IPv4 address too long' };
      out[pos++] = val;
      val = 0;
      digits = 0;
    } else return { msg: 'unexpected character', at: s.slice(i) };
  }
  if (pos < 3) return { msg: 'IPv4 address too short' };
  out[3] = val;
  return out;
}

function parseV4(s: string): Uint8Array | undefined {
  const r = parseV4Go(s);
  return r instanceof Uint8Array ? r : undefined;
}

function parseV6(s: string): Uint8Array | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] ?? '';
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseV4(p);
        if (v4 === undefined) return undefined;
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const all = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** Parses like Kubernetes' parseIPAddr; returns the error text when invalid. */
export function parseIP(raw: string): IPValue | string {
  if (raw.includes('%')) return `IP address ${JSON.stringify(raw)} with zone value is not allowed`;
  const fail = (msg: string, at?: string): string =>
    `IP Address ${JSON.stringify(raw)} parse error during conversion from string: ParseAddr(${JSON.stringify(raw)}): ${msg}${at === undefined ? '' : ` (at ${JSON.stringify(at)})`}`;
  const first = /[.:]/.exec(raw)?.[0];
  let b: Uint8Array | undefined;
  if (first === '.') {
    const r = parseV4Go(raw);
    if (!(r instanceof Uint8Array)) return fail(r.msg, r.at);
    b = r;
  } else if (first === ':') b = parseV6(raw);
  if (b === undefined) return fail('unable to parse IP');
  if (b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff)
    return `IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`;
  return new IPValue(b);
}

export function parseCIDR(raw: string): CIDRValue | string {
  const slash = raw.lastIndexOf('/');
  const bad = `network address parse error during conversion from string: netip.ParsePrefix(${JSON.stringify(raw)}): `;
  if (slash < 0) return `${bad}no '/'`;
  const ip = parseIP(raw.slice(0, slash));
  if (typeof ip === 'string') {
    if (ip.includes('IPv4-mapped'))
      return `IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`;
    return `${bad}ParseAddr(${JSON.stringify(raw.slice(0, slash))}): unable to parse IP`;
  }
  const bitsStr = raw.slice(slash + 1);
  const max = ip.family === 4 ? 32 : 128;
  if (
    !/^\d+$/.test(bitsStr) ||
    (bitsStr.length > 1 && bitsStr.startsWith('0')) ||
    Number(bitsStr) > max
  )
    return `${bad}bad bits after slash: ${JSON.stringify(bitsStr)}`;
  return new CIDRValue(ip, Number(bitsStr));
}

function formatIP(b: Uint8Array): string {
  if (b.length === 4) return [...b].join('.');
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  // the longest run of zero groups (two or more) becomes ::
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

function ip(v: CelValue): IPValue {
  if (!(v instanceof IPValue)) fail('no such overload');
  return v;
}

function cidr(v: CelValue): CIDRValue {
  if (!(v instanceof CIDRValue)) fail('no such overload');
  return v;
}

function mustIP(s: CelValue): IPValue {
  const r = parseIP(s as string);
  if (typeof r === 'string') fail(r);
  return r;
}

function mustCIDR(s: CelValue): CIDRValue {
  const r = parseCIDR(s as string);
  // kube-apiserver wraps the parse error in the same words once more
  if (typeof r === 'string')
    fail(
      r.startsWith('network address')
        ? `network address parse error during conversion from string: ${r}`
        : r,
    );
  return r;
}

const b = (x: IPValue): Uint8Array => x.bytes;

export const NET: Library = library({
  ip: [
    global('string_to_ip', [T.string], IP_TYPE, ([s]) => mustIP(s as CelValue)),
    member('cidr_ip', [CIDR_TYPE], IP_TYPE, ([c]) => cidr(c as CelValue).ip),
  ],
  isIP: [global('is_ip', [T.string], T.bool, ([s]) => typeof parseIP(s as string) !== 'string')],
  'ip.isCanonical': [
    global('ip_is_canonical', [T.string], T.bool, ([s]) => mustIP(s as CelValue).toString() === s),
  ],
  family: [member('ip_family', [IP_TYPE], T.int, ([x]) => BigInt(ip(x as CelValue).family))],
  isUnspecified: [
    member('ip_is_unspecified', [IP_TYPE], T.bool, ([x]) =>
      b(ip(x as CelValue)).every((y) => y === 0),
    ),
  ],
  isLoopback: [
    member('ip_is_loopback', [IP_TYPE], T.bool, ([x]) => {
      const a = b(ip(x as CelValue));
      return a.length === 4 ? a[0] === 127 : a.slice(0, 15).every((y) => y === 0) && a[15] === 1;
    }),
  ],
  isLinkLocalMulticast: [
    member('ip_is_link_local_multicast', [IP_TYPE], T.bool, ([x]) => {
      const a = b(ip(x as CelValue));
      return a.length === 4
        ? a[0] === 224 && a[1] === 0 && a[2] === 0
        : a[0] === 0xff && (a[1] ?? 0 & 0x0f) === 0x02;
    }),
  ],
  isLinkLocalUnicast: [
    member('ip_is_link_local_unicast', [IP_TYPE], T.bool, ([x]) => {
      const a = b(ip(x as CelValue));
      return a.length === 4
        ? a[0] === 169 && a[1] === 254
        : a[0] === 0xfe && ((a[1] ?? 0) & 0xc0) === 0x80;
    }),
  ],
  isGlobalUnicast: [
    member('ip_is_global_unicast', [IP_TYPE], T.bool, ([x]) => {
      const a = b(ip(x as CelValue));
      if (a.length === 4) {
        if (a.every((y) => y === 255) || a.every((y) => y === 0)) return false;
        return !(a[0] === 127 || (a[0] ?? 0) >= 224 || (a[0] === 169 && a[1] === 254));
      }
      if (a.every((y) => y === 0)) return false;
      if (a.slice(0, 15).every((y) => y === 0) && a[15] === 1) return false;
      return !(a[0] === 0xff || (a[0] === 0xfe && ((a[1] ?? 0) & 0xc0) === 0x80));
    }),
  ],
  cidr: [global('string_to_cidr', [T.string], CIDR_TYPE, ([s]) => mustCIDR(s as CelValue))],
  isCIDR: [
    global('is_cidr', [T.string], T.bool, ([s]) => typeof parseCIDR(s as string) !== 'string'),
  ],
  containsIP: [
    member('cidr_contains_ip_string', [CIDR_TYPE, T.string], T.bool, ([c, s]) =>
      cidr(c as CelValue).containsIP(mustIP(s as CelValue)),
    ),
    member('cidr_contains_ip_ip', [CIDR_TYPE, IP_TYPE], T.bool, ([c, x]) =>
      cidr(c as CelValue).containsIP(ip(x as CelValue)),
    ),
  ],
  containsCIDR: [
    member('cidr_contains_cidr_string', [CIDR_TYPE, T.string], T.bool, ([c, s]) => {
      const o = mustCIDR(s as CelValue);
      const me = cidr(c as CelValue);
      return o.prefix >= me.prefix && me.containsIP(o.ip);
    }),
    member('cidr_contains_cidr', [CIDR_TYPE, CIDR_TYPE], T.bool, ([c, x]) => {
      const o = cidr(x as CelValue);
      const me = cidr(c as CelValue);
      return o.prefix >= me.prefix && me.containsIP(o.ip);
    }),
  ],
  prefixLength: [
    member('cidr_prefix_length', [CIDR_TYPE], T.int, ([c]) => BigInt(cidr(c as CelValue).prefix)),
  ],
  masked: [member('cidr_masked', [CIDR_TYPE], CIDR_TYPE, ([c]) => cidr(c as CelValue).masked())],
  string: [
    global('ip_to_string', [IP_TYPE], T.string, ([x]) => ip(x as CelValue).toString()),
    global('cidr_to_string', [CIDR_TYPE], T.string, ([c]) => cidr(c as CelValue).toString()),
  ],
});
