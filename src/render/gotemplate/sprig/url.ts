// Go's net/url (Parse, URL.String and the escaping modes) for Sprig's urlParse and urlJoin.
import { isIPv4, isIPv6 } from 'node:net';
import { quote } from '../strconv.js';
import { T, T2, newGoMap, goBytes, goString } from '../value.js';
import type { GoFunc, GoMap } from '../value.js';
import { GoPanic, fn } from './def.js';
import { kindName } from './reflect.js';

/** Characters each escaping mode leaves alone (from net/url's encoding table). */
const ALLOWED = {
  path: '$&+,-./0123456789:;=@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~',
  host: '!"$&\'()*+,-.0123456789:;<=>ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz~',
  userPassword: '$&+,-.0123456789;=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~',
  fragment: '!$&()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~',
} as const;
type Mode = keyof typeof ALLOWED;

const allowedSets = Object.fromEntries(
  Object.entries(ALLOWED).map(([k, v]) => [k, new Set(Array.from(v, (c) => c.charCodeAt(0)))]),
) as Record<Mode, Set<number>>;

function shouldEscape(b: number, mode: Mode): boolean {
  return !allowedSets[mode].has(b);
}

function escape(s: string, mode: Mode): string {
  let out = '';
  let changed = false;
  for (const b of goBytes(s)) {
    if (shouldEscape(b, mode)) {
      out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
      changed = true;
    } else out += String.fromCharCode(b);
  }
  return changed ? out : s;
}

class UrlError extends Error {}

const isHex = (c: number | undefined): boolean =>
  c !== undefined &&
  ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));

function unescape(s: string, mode: Mode): string {
  const b = goBytes(s);
  let n = 0;
  for (let i = 0; i < b.length;) {
    if (b[i] === 0x25) {
      n++;
      if (i + 2 >= b.length || !isHex(b[i + 1]) || !isHex(b[i + 2])) {
        throw new UrlError(`invalid URL escape ${quote(goString(b.subarray(i, i + 3)))}`);
      }
      if (
        mode === 'host' &&
        parseInt(String.fromCharCode(b[i + 1] as number), 16) < 8 &&
        b.subarray(i, i + 3).toString() !== '%25'
      ) {
        throw new UrlError(`invalid URL escape ${quote(goString(b.subarray(i, i + 3)))}`);
      }
      i += 3;
    } else {
      if (mode === 'host' && (b[i] as number) < 0x80 && shouldEscape(b[i] as number, mode)) {
        throw new UrlError(
          `invalid character ${quote(String.fromCharCode(b[i] as number))} in host name`,
        );
      }
      i++;
    }
  }
  if (n === 0) return s;
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x25) {
      out.push(parseInt(b.subarray(i + 1, i + 3).toString(), 16));
      i += 2;
    } else out.push(b[i] as number);
  }
  return goString(Buffer.from(out));
}

interface Url {
  scheme: string;
  opaque: string;
  user?: { username: string; password?: string };
  host: string;
  path: string;
  rawPath: string;
  omitHost: boolean;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new UrlError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function parseHost(scheme: string, host: string): string {
  const open = host.lastIndexOf('[');
  if (open > 0) throw new UrlError('invalid IP-literal');
  if (open === 0) {
    // An IP literal ("[fe80::1%25en0]:80"); Go checks the address with netip.ParseAddr.
    const close = host.lastIndexOf(']');
    if (close < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!/^(:[0-9]*)?$/.test(colonPort))
      throw new UrlError(`invalid port ${quote(colonPort)} after host`);
    const name = unescape(host.slice(1, close), 'host');
    if (isIPv4(name)) throw new UrlError('invalid IP-literal');
    if (!isIPv6(name))
      throw new UrlError(`invalid host: ParseAddr(${quote(name)}): unable to parse IP`);
    return `[${name}]${unescape(colonPort, 'host')}`;
  }
  let i = host.indexOf(':');
  if (i !== -1) {
    // Go 1.26 (urlstrictcolons=1): http and https hosts have one colon at most.
    if (scheme !== 'http' && scheme !== 'https') i = host.lastIndexOf(':');
    const colonPort = host.slice(i);
    if (!/^(:[0-9]*)?$/.test(colonPort))
      throw new UrlError(`invalid port ${quote(colonPort)} after host`);
  }
  return unescape(host, 'host');
}

/** url.Parse. */
function parseUrl(raw: string): Url {
  const hash = raw.indexOf('#');
  const u = hash < 0 ? raw : raw.slice(0, hash);
  const frag = hash < 0 ? '' : raw.slice(hash + 1);
  const url: Url = {
    scheme: '',
    opaque: '',
    host: '',
    path: '',
    rawPath: '',
    omitHost: false,
    forceQuery: false,
    rawQuery: '',
    fragment: '',
    rawFragment: '',
  };
  try {
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f]/.test(u)) throw new UrlError('net/url: invalid control character in URL');
    if (u === '*') {
      url.path = '*';
    } else {
      let rest: string;
      [url.scheme, rest] = getScheme(u);
      url.scheme = url.scheme.toLowerCase();
      if (rest.endsWith('?') && rest.split('?').length === 2) {
        url.forceQuery = true;
        rest = rest.slice(0, -1);
      } else {
        const q = rest.indexOf('?');
        if (q >= 0) {
          url.rawQuery = rest.slice(q + 1);
          rest = rest.slice(0, q);
        }
      }
      if (!rest.startsWith('/')) {
        if (url.scheme !== '') {
          url.opaque = rest;
          return withFragment(url, frag, raw);
        }
        if ((rest.split('/')[0] as string).includes(':')) {
          throw new UrlError('first path segment in URL cannot contain colon');
        }
      }
      if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
        let authority = rest.slice(2);
        rest = '';
        const slash = authority.indexOf('/');
        if (slash >= 0) {
          rest = authority.slice(slash);
          authority = authority.slice(0, slash);
        }
        const at = authority.lastIndexOf('@');
        url.host = parseHost(url.scheme, at < 0 ? authority : authority.slice(at + 1));
        if (at >= 0) {
          const userinfo = authority.slice(0, at);
          const colon = userinfo.indexOf(':');
          url.user =
            colon < 0
              ? { username: unescape(userinfo, 'userPassword') }
              : {
                  username: unescape(userinfo.slice(0, colon), 'userPassword'),
                  password: unescape(userinfo.slice(colon + 1), 'userPassword'),
                };
        }
      } else if (url.scheme !== '' && rest.startsWith('/')) {
        url.omitHost = true;
      }
      url.path = unescape(rest, 'path');
      url.rawPath = escape(url.path, 'path') === rest ? '' : rest;
    }
  } catch (e) {
    throw new UrlError(`parse ${quote(u)}: ${(e as Error).message}`);
  }
  return withFragment(url, frag, raw);
}

function withFragment(url: Url, frag: string, raw: string): Url {
  if (frag === '') return url;
  try {
    url.fragment = unescape(frag, 'fragment');
  } catch (e) {
    throw new UrlError(`parse ${quote(raw)}: ${(e as Error).message}`);
  }
  url.rawFragment = escape(url.fragment, 'fragment') === frag ? '' : frag;
  return url;
}

function userString(u: NonNullable<Url['user']>): string {
  let s = escape(u.username, 'userPassword');
  if (u.password !== undefined) s += ':' + escape(u.password, 'userPassword');
  return s;
}

function validEncoded(s: string, mode: Mode): boolean {
  for (const b of goBytes(s)) {
    if ("!$&'()*+,;=:@[]%".includes(String.fromCharCode(b))) continue;
    if (shouldEscape(b, mode)) return false;
  }
  return true;
}

function escapedPath(u: Url): string {
  if (u.rawPath !== '' && validEncoded(u.rawPath, 'path')) {
    try {
      if (unescape(u.rawPath, 'path') === u.path) return u.rawPath;
    } catch {
      /* fall through */
    }
  }
  if (u.path === '*') return '*';
  return escape(u.path, 'path');
}

/** URL.String. */
function urlString(u: Url): string {
  let buf = '';
  if (u.scheme !== '') buf += u.scheme + ':';
  if (u.opaque !== '') buf += u.opaque;
  else {
    if (u.scheme !== '' || u.host !== '' || u.user !== undefined) {
      if (!(u.omitHost && u.host === '' && u.user === undefined)) {
        if (u.host !== '' || u.path !== '' || u.user !== undefined) buf += '//';
        if (u.user !== undefined) buf += userString(u.user) + '@';
        if (u.host !== '') buf += escape(u.host, 'host');
      }
    }
    const path = escapedPath(u);
    if (path !== '' && path[0] !== '/' && u.host !== '') buf += '/';
    if (buf.length === 0 && (path.split('/')[0] as string).includes(':')) buf += './';
    buf += path;
  }
  if (u.forceQuery || u.rawQuery !== '') buf += '?' + u.rawQuery;
  if (u.fragment !== '') {
    buf += '#';
    if (u.rawFragment !== '' && validEncoded(u.rawFragment, 'fragment')) {
      let ok = false;
      try {
        ok = unescape(u.rawFragment, 'fragment') === u.fragment;
      } catch {
        ok = false;
      }
      buf += ok ? u.rawFragment : escape(u.fragment, 'fragment');
    } else buf += escape(u.fragment, 'fragment');
  }
  return buf;
}

function hostname(host: string): string {
  if (host.startsWith('[')) {
    const i = host.indexOf(']');
    return i < 0 ? host.slice(1) : host.slice(1, i);
  }
  const i = host.lastIndexOf(':');
  return i >= 0 && /^:[0-9]*$/.test(host.slice(i)) ? host.slice(0, i) : host;
}

function dictGetOrEmpty(d: GoMap, key: string): string {
  if (!Object.hasOwn(d, key)) return '';
  const v = d[key];
  if (typeof v === 'string') return v;
  const kind = v === null || v === undefined ? undefined : kindName(v);
  if (kind === undefined)
    throw new GoPanic('runtime error: invalid memory address or nil pointer dereference');
  throw new GoPanic(`unable to parse ${key} key, must be of type string, but ${kind} found`);
}

export const urlFuncs: Readonly<Record<string, GoFunc>> = {
  urlParse: fn([T.string], T2.mapAny, (v: string) => {
    let u: Url;
    try {
      u = parseUrl(v);
    } catch (e) {
      throw new GoPanic(`unable to parse url: ${(e as Error).message}`);
    }
    const d = newGoMap();
    d['scheme'] = u.scheme;
    d['host'] = u.host;
    d['hostname'] = hostname(u.host);
    d['path'] = u.path;
    d['query'] = u.rawQuery;
    d['opaque'] = u.opaque;
    d['fragment'] = u.fragment;
    d['userinfo'] = u.user !== undefined ? userString(u.user) : '';
    return d;
  }),
  urlJoin: fn([T2.mapAny], T.string, (d0: GoMap | null) => {
    const d = d0 ?? newGoMap();
    const u: Url = {
      scheme: dictGetOrEmpty(d, 'scheme'),
      host: dictGetOrEmpty(d, 'host'),
      path: dictGetOrEmpty(d, 'path'),
      rawQuery: dictGetOrEmpty(d, 'query'),
      opaque: dictGetOrEmpty(d, 'opaque'),
      fragment: dictGetOrEmpty(d, 'fragment'),
      rawPath: '',
      omitHost: false,
      forceQuery: false,
      rawFragment: '',
    };
    const userinfo = dictGetOrEmpty(d, 'userinfo');
    if (userinfo !== '') {
      try {
        const t = parseUrl(`proto://${userinfo}@host`);
        if (t.user !== undefined) u.user = t.user;
      } catch (e) {
        throw new GoPanic(`unable to parse userinfo in dict: ${(e as Error).message}`);
      }
    }
    return urlString(u);
  }),
};
