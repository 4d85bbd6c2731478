// Encodes tar headers exactly as tar-stream (which the artifact store uses) does, without its
// per-entry stream overhead: ustar with a name/prefix split, PAX `path` records for the rest.

const ZEROS = '0000000000000000000';
const SEVENS = '7777777777777777777';
const ZERO = '0'.charCodeAt(0);
const USTAR_MAGIC = Buffer.from([0x75, 0x73, 0x74, 0x61, 0x72, 0x00]);
const USTAR_VER = Buffer.from([ZERO, ZERO]);
const MASK = 0o7777;

/** The entry kinds artifacts contain. */
export type UstarType = 'file' | 'directory';

function typeflag(type: UstarType | 'pax-header'): number {
  return type === 'directory' ? 5 : type === 'pax-header' ? 72 : 0;
}

function oct(val: number, n: number): string {
  const s = val.toString(8);
  if (s.length > n) return `${SEVENS.slice(0, n)} `;
  return `${ZEROS.slice(0, n - s.length)}${s} `;
}

function writeSize(num: number, buf: Buffer, off: number): void {
  if (num.toString(8).length > 11) {
    buf[off] = 0x80;
    let rest = num;
    for (let i = 11; i > 0; i--) {
      buf[off + i] = rest & 0xff;
      rest = Math.floor(rest / 0x100);
    }
  } else {
    buf.write(oct(num, 11), off, 'utf8');
  }
}

function cksum(block: Buffer): number {
  let sum = 8 * 32;
  for (let i = 0; i < 148; i++) sum += block[i] ?? 0;
  for (let j = 156; j < 512; j++) sum += block[j] ?? 0;
  return sum;
}

interface HeaderFields {
  readonly name: string;
  readonly type: UstarType | 'pax-header';
  readonly size: number;
  readonly mode: number;
  readonly mtime: Date;
}

/** One 512-byte ustar header, or null when the name needs a PAX record. */
function encode(h: HeaderFields): Buffer | null {
  let name = h.name;
  let prefix = '';
  if (Buffer.byteLength(name) !== name.length) return null;
  while (Buffer.byteLength(name) > 100) {
    const i = name.indexOf('/');
    if (i === -1) return null;
    prefix += prefix ? `/${name.slice(0, i)}` : name.slice(0, i);
    name = name.slice(i + 1);
  }
  if (Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) return null;
  const buf = Buffer.alloc(512);
  buf.write(name, 0, 'utf8');
  buf.write(oct(h.mode & MASK, 6), 100, 'utf8');
  buf.write(oct(0, 6), 108, 'utf8');
  buf.write(oct(0, 6), 116, 'utf8');
  writeSize(h.size, buf, 124);
  buf.write(oct((h.mtime.getTime() / 1000) | 0, 11), 136, 'utf8');
  buf[156] = ZERO + typeflag(h.type);
  USTAR_MAGIC.copy(buf, 257);
  USTAR_VER.copy(buf, 263);
  buf.write(oct(0, 6), 329, 'utf8');
  buf.write(oct(0, 6), 337, 'utf8');
  if (prefix) buf.write(prefix, 345, 'utf8');
  buf.write(oct(cksum(buf), 6), 148, 'utf8');
  return buf;
}

function paxRecord(str: string): string {
  const len = Buffer.byteLength(str);
  let digits = Math.floor(Math.log(len) / Math.log(10)) + 1;
  if (len + digits >= Math.pow(10, digits)) digits++;
  return `${len + digits}${str}`;
}

/** Zero padding that ends an entry's data on a 512-byte boundary. */
export function ustarPadding(size: number): Buffer | undefined {
  const rest = size & 511;
  return rest === 0 ? undefined : Buffer.alloc(512 - rest);
}

/** Two zero blocks: the end of the archive. */
export const USTAR_END = Buffer.alloc(1024);

/**
 * The header bytes of one entry (uid/gid 0, empty owner names), with a PAX `path` record first
 * when the name does not fit ustar — the same bytes tar-stream's pack writes.
 */
export function ustarHeader(
  name: string,
  type: UstarType,
  size: number,
  mode: number,
  mtime: Date,
): Buffer {
  const plain = encode({ name, type, size, mode, mtime });
  if (plain) return plain;
  const pax = Buffer.from(paxRecord(` path=${name}\n`));
  const paxHeader = encode({
    name: 'PaxHeader',
    type: 'pax-header',
    size: pax.length,
    mode,
    mtime,
  }) as Buffer;
  const real = encode({ name: 'PaxHeader', type, size, mode, mtime }) as Buffer;
  const pad = ustarPadding(pax.length);
  return Buffer.concat(pad ? [paxHeader, pax, pad, real] : [paxHeader, pax, real]);
}

/** A header with everything but name and size fixed, filled in without re-encoding the rest. */
export interface UstarTemplate {
  readonly block: Buffer;
  /** Checksum of `block` without its (zero) size field's digits. */
  readonly baseSum: number;
}

/** The template of every entry of one type, mode and time (the artifact's normalised fields). */
export function ustarTemplate(type: UstarType, mode: number, mtime: Date): UstarTemplate {
  const block = encode({ name: '', type, size: 0, mode, mtime }) as Buffer;
  let sizeSum = 0;
  for (let i = 124; i < 136; i++) sizeSum += block[i] ?? 0;
  return { block, baseSum: cksum(block) - sizeSum };
}

/**
 * Writes the header of a plain entry (ASCII name up to 100 bytes, size below 8 GiB) at `off`
 * in `target`, the same bytes `ustarHeader` gives. Returns false, writing nothing, when the
 * entry needs the general encoder (prefix split, PAX record, base-256 size).
 */
export function writeUstarHeader(
  t: UstarTemplate,
  name: string,
  size: number,
  target: Buffer,
  off: number,
): boolean {
  const len = name.length;
  if (len > 100 || size > 0o77777777777) return false;
  let sum = t.baseSum;
  for (let i = 0; i < len; i++) {
    const c = name.charCodeAt(i);
    if (c > 0x7f) return false;
    sum += c;
  }
  t.block.copy(target, off);
  target.write(name, off, 'latin1');
  const digits = size.toString(8);
  const field = `${ZEROS.slice(0, 11 - digits.length)}${digits} `;
  for (let i = 0; i < 12; i++) sum += field.charCodeAt(i);
  target.write(field, off + 124, 'latin1');
  target.write(oct(sum, 6), off + 148, 'latin1');
  return true;
}
