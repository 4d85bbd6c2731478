// IP addresses and CIDR networks with Go's net package semantics (ParseIP, ParseCIDR, IP.String, IPNet.String).

/** An address: 4 or 16 bytes as a bigint. IPv4-mapped IPv6 addresses are reduced to IPv4 as Go's To4 does. */
export interface IP {
  readonly bits: 32 | 128;
  readonly value: bigint;
}

/** A network: its (not necessarily masked) address and prefix length. */
export interface IPNet {
  readonly ip: IP;
  readonly prefix: number;
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    // Go rejects empty fields, more than 3 digits, leading zeros and values over 255.
    if (!/^[0-9]{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIPv6(s: string): bigint | undefined {
  let head = s;
  let tailV4: bigint | undefined;
  // An embedded IPv4 address in the last 32 bits.
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.indexOf('.', lastColon) >= 0) {
    tailV4 = parseIPv4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const dbl = head.indexOf('::');
  if (dbl >= 0 && head.indexOf('::', dbl + 1) >= 0) return undefined;
  const parseGroups = (t: string): number[] | undefined => {
    if (t === '') return [];
    const out: number[] = [];
    for (const g of t.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const left = parseGroups(head.slice(0, dbl));
    const right = parseGroups(head.slice(dbl + 2));
    if (left === undefined || right === undefined) return undefined;
    const fill = 8 - left.length - right.length;
    if (fill < 1) return undefined;
    groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  } else {
    const all = parseGroups(head);
    if (all === undefined || all.length !== 8) return undefined;
    groups = all;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  if (tailV4 !== undefined) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

/** Go's net.ParseIP (zones not allowed). IPv4-mapped IPv6 comes back as IPv4. */
export function parseIP(s: string): IP | undefined {
  if (s.includes(':')) {
    const v = parseIPv6(s);
    if (v === undefined) return undefined;
    if (v >> 32n === 0xffffn) return { bits: 32, value: v & 0xffffffffn };
    return { bits: 128, value: v };
  }
  const v = parseIPv4(s);
  return v === undefined ? undefined : { bits: 32, value: v };
}

function mask(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** Go's net.ParseCIDR: the network with its address masked. Throws "invalid CIDR address: S". */
export function parseCIDR(s: string): IPNet {
  const slash = s.indexOf('/');
  const fail = (): Error => new Error(`invalid CIDR address: ${s}`);
  if (slash < 0) throw fail();
  const addr = s.slice(0, slash);
  const pfx = s.slice(slash + 1);
  let ip: IP | undefined;
  let bits: 32 | 128;
  if (addr.includes(':')) {
    const v = parseIPv6(addr);
    if (v === undefined) throw fail();
    ip = { bits: 128, value: v };
    bits = 128;
  } else {
    const v = parseIPv4(addr);
    if (v === undefined) throw fail();
    ip = { bits: 32, value: v };
    bits = 32;
  }
  if (!/^[0-9]{1,3}$/.test(pfx) || (pfx.length > 1 && pfx[0] === '0')) throw fail();
  const prefix = Number(pfx);
  if (prefix > bits) throw fail();
  const masked = ip.value & mask(bits, prefix);
  // An IPv4-mapped IPv6 network with a /96 or longer prefix is an IPv4 network to Go's Contains.
  if (bits === 128 && masked >> 32n === 0xffffn && prefix >= 96) {
    return { ip: { bits: 32, value: masked & 0xffffffffn }, prefix: prefix - 96 };
  }
  return { ip: { bits, value: masked }, prefix };
}

/** IPNet.Contains. */
export function netContains(n: IPNet, ip: IP): boolean {
  if (n.ip.bits !== ip.bits) return false;
  const m = mask(n.ip.bits, n.prefix);
  return (ip.value & m) === (n.ip.value & m);
}

/** The first and last address of a network. */
export function netRange(n: IPNet): [bigint, bigint] {
  const m = mask(n.ip.bits, n.prefix);
  const first = n.ip.value & m;
  const last = first | ((1n << BigInt(n.ip.bits - n.prefix)) - 1n);
  return [first, last];
}

/** Go's IP.String. */
export function ipString(ip: IP): string {
  if (ip.bits === 32) {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  // Longest run (>= 2) of zero groups becomes "::" (RFC 5952).
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]): string => a.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** Go's IPNet.String: address (unmasked as stored) and prefix length. */
export function netString(n: IPNet): string {
  return `${ipString(n.ip)}/${n.prefix}`;
}

/** Every address of a network, in order (net.cidr_expand). */
export function expandNet(n: IPNet): string[] {
  const [first, last] = netRange(n);
  const out: string[] = [];
  for (let v = first; v <= last; v++) out.push(ipString({ bits: n.ip.bits, value: v }));
  return out;
}

/** Go's IP.DefaultMask prefix for IPv4 (classful), or undefined for class D/E. */
export function defaultPrefix(ip: IP): number | undefined {
  const first = Number(ip.value >> 24n);
  if (first < 0x80) return 8;
  if (first < 0xc0) return 16;
  if (first < 0xe0) return 24;
  return undefined;
}

interface Block {
  first: bigint;
  last: bigint;
  bits: 32 | 128;
  net: IPNet | undefined;
}

function blockKey(b: Block, v: bigint): bigint {
  // Go compares the 16-byte forms; IPv4 addresses sort as ::ffff:a.b.c.d.
  return b.bits === 32 ? V4_MAPPED_PREFIX | v : v;
}

/** The smallest list of CIDRs covering first..last (netaddr's iprange_to_cidrs). */
function rangeToCIDRs(first: bigint, last: bigint, bits: 32 | 128): IPNet[] {
  const out: IPNet[] = [];
  let cur = first;
  while (cur <= last) {
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const blockMask = (1n << BigInt(next)) - 1n;
      if ((cur & blockMask) !== 0n || cur + blockMask > last) break;
      size = next;
    }
    out.push({ ip: { bits, value: cur }, prefix: bits - size });
    cur += 1n << BigInt(size);
  }
  return out;
}

/** net.cidr_merge's algorithm (OPA after netaddr): sort by last then first address, merge adjacent. */
export function mergeNets(nets: readonly IPNet[]): IPNet[] {
  const blocks: Block[] = nets.map((n) => {
    const [first, last] = netRange(n);
    return { first, last, bits: n.ip.bits, net: n };
  });
  blocks.sort((a, b) => {
    const la = blockKey(a, a.last);
    const lb = blockKey(b, b.last);
    if (la !== lb) return la < lb ? -1 : 1;
    const fa = blockKey(a, a.first);
    const fb = blockKey(b, b.first);
    return fa < fb ? -1 : fa > fb ? 1 : 0;
  });
  for (let i = blocks.length - 1; i > 0; i--) {
    const cur = blocks[i]!;
    const prev = blocks[i - 1]!;
    const prevIP = blockKey(cur, cur.first) - 1n;
    if (prevIP <= blockKey(prev, prev.last)) {
      const first = blockKey(prev, prev.first) < blockKey(cur, cur.first) ? prev : cur;
      blocks[i - 1] = { first: first.first, last: cur.last, bits: cur.bits, net: undefined };
      blocks.splice(i, 1);
    }
  }
  const out: IPNet[] = [];
  for (const b of blocks) {
    if (b.net !== undefined) out.push(b.net);
    else out.push(...rangeToCIDRs(b.first, b.last, b.bits));
  }
  return out;
}
