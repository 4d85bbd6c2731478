// A synchronous reader of gzipped tar archives (ustar, GNU long names, PAX paths), enough for packaged charts.
import { gunzipSync } from 'node:zlib';

export interface TarEntry {
  readonly name: string;
  /** '0' regular file, '5' directory, '2' symlink, … */
  readonly type: string;
  readonly data: Buffer;
}

function cstring(b: Buffer, start: number, len: number): string {
  const slice = b.subarray(start, start + len);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? slice.length : nul).toString('utf8');
}

function octal(b: Buffer, start: number, len: number): number {
  const first = b[start] as number;
  if (first & 0x80) {
    // GNU base-256 encoding.
    let v = 0;
    for (let i = 1; i < len; i++) v = v * 256 + (b[start + i] as number);
    return v;
  }
  const s = cstring(b, start, len).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number(data.subarray(i, sp).toString('utf8'));
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = data.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

/** Gunzips and reads every entry; throws the zlib or format error for a damaged archive. */
export function readTarGz(gz: Buffer): TarEntry[] {
  const tar = gunzipSync(gz);
  const out: TarEntry[] = [];
  let off = 0;
  let longName: string | undefined;
  let pax: Map<string, string> | undefined;
  while (off + 512 <= tar.length) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    let name = cstring(h, 0, 100);
    if (cstring(h, 257, 5) === 'ustar') {
      const prefix = cstring(h, 345, 155);
      if (prefix !== '') name = prefix + '/' + name;
    }
    const data = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cstring(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      pax = paxRecords(data);
      continue;
    }
    if (type === 'g') continue;
    if (longName !== undefined) name = longName;
    if (pax?.get('path') !== undefined) name = pax.get('path') as string;
    longName = undefined;
    pax = undefined;
    out.push({ name, type, data: Buffer.from(data) });
  }
  return out;
}
