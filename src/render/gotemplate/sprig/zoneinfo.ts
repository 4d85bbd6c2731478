// Zone abbreviations as Go reads them from the system's tz database (TZif files under
// /usr/share/zoneinfo): "JST", "CET", "+03"... where Intl only knows "GMT+9". Offsets still come
// from Intl; this names them the way Go's time.LoadLocation would.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where Go's LoadLocation looks for zone files on Unix (zoneinfo_unix.go's platformZoneSources). */
const SOURCES = [
  '/usr/share/zoneinfo/',
  '/usr/share/lib/zoneinfo/',
  '/usr/lib/locale/TZ/',
  '/etc/zoneinfo/',
];

/** Names an offset (seconds east of UTC) of a zone; undefined when the zone file does not know it. */
export type AbbreviationOf = (offset: number) => string | undefined;

const cache = new Map<string, AbbreviationOf | undefined>();

/** The abbreviations of an IANA zone from its TZif file, or undefined without one. */
export function zoneAbbreviations(name: string): AbbreviationOf | undefined {
  if (cache.has(name)) return cache.get(name);
  let result: AbbreviationOf | undefined;
  if (!name.split('/').includes('..')) {
    for (const dir of SOURCES) {
      let data: Buffer;
      try {
        data = readFileSync(join(dir, name));
      } catch {
        continue;
      }
      result = parseTzif(data);
      if (result !== undefined) break;
    }
  }
  cache.set(name, result);
  return result;
}

interface Counts {
  readonly isut: number;
  readonly isstd: number;
  readonly leap: number;
  readonly time: number;
  readonly type: number;
  readonly char: number;
}

function counts(b: Buffer, at: number): Counts {
  const n = (i: number): number => b.readUInt32BE(at + 20 + 4 * i);
  return { isut: n(0), isstd: n(1), leap: n(2), time: n(3), type: n(4), char: n(5) };
}

/** TZif (RFC 8536): the footer's standard and daylight names first, then the type table's. */
function parseTzif(b: Buffer): AbbreviationOf | undefined {
  if (b.length < 44 || b.toString('latin1', 0, 4) !== 'TZif') return undefined;
  const version = b[4] ?? 0;
  let c = counts(b, 0);
  let at = 44;
  let timeSize = 4;
  const blockSize = (x: Counts, ts: number): number =>
    x.time * ts + x.time + x.type * 6 + x.char + x.leap * (ts + 4) + x.isstd + x.isut;
  if (version >= 0x32) {
    at += blockSize(c, 4);
    if (b.length < at + 44 || b.toString('latin1', at, at + 4) !== 'TZif') return undefined;
    c = counts(b, at);
    at += 44;
    timeSize = 8;
  }
  const typesAt = at + c.time * timeSize + c.time;
  const charsAt = typesAt + c.type * 6;
  const chars = b.toString('latin1', charsAt, charsAt + c.char);
  const byOffset = new Map<number, string>();
  for (let i = 0; i < c.type; i++) {
    const off = b.readInt32BE(typesAt + i * 6);
    const idx = b[typesAt + i * 6 + 5] ?? 0;
    const end = chars.indexOf('\0', idx);
    byOffset.set(off, chars.slice(idx, end < 0 ? undefined : end));
  }
  if (version >= 0x32) {
    const footerAt = at + blockSize(c, 8);
    const text = b.toString('latin1', footerAt);
    const m = /^\n([^\n]*)\n/.exec(text);
    if (m) for (const [off, abbr] of footerNames(m[1] as string)) byOffset.set(off, abbr);
  }
  return (offset) => byOffset.get(offset);
}

/** The names and offsets of a POSIX TZ string's standard and daylight zones ("EST5EDT,M3.2.0,..."). */
function footerNames(tz: string): [number, string][] {
  const name = /^(?:<([^>]*)>|([A-Za-z]{3,}))/;
  const offset = /^([+-]?)(\d{1,3})(?::(\d{2}))?(?::(\d{2}))?/;
  const out: [number, string][] = [];
  let s = tz;
  const std = name.exec(s);
  if (!std) return out;
  s = s.slice(std[0].length);
  const so = offset.exec(s);
  if (!so) return out;
  s = s.slice(so[0].length);
  // POSIX offsets are west of UTC; Go's are east.
  const stdOffset =
    (so[1] === '-' ? 1 : -1) *
    (Number(so[2]) * 3600 + Number(so[3] ?? 0) * 60 + Number(so[4] ?? 0));
  out.push([stdOffset, std[1] ?? std[2] ?? '']);
  const dst = name.exec(s);
  if (!dst) return out;
  s = s.slice(dst[0].length);
  const dOff = offset.exec(s);
  const dstOffset = dOff
    ? (dOff[1] === '-' ? 1 : -1) *
      (Number(dOff[2]) * 3600 + Number(dOff[3] ?? 0) * 60 + Number(dOff[4] ?? 0))
    : stdOffset + 3600;
  out.push([dstOffset, dst[1] ?? dst[2] ?? '']);
  return out;
}
