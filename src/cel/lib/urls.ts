// Kubernetes' URL library (kubernetes.URL): url(), isURL() and the accessors, with Go's
// url.ParseRequestURI rules (an absolute URL or an absolute path).
import { fail, global, library, member, type Library } from '../library.js';
import { T } from '../types.js';
import { CelOpaque, celList, celMap, type CelValue } from '../values.js';

export const URL_TYPE = T.opaque('kubernetes.URL');

export class URLValue extends CelOpaque {
  readonly typeName = 'kubernetes.URL';
  constructor(
    readonly raw: string,
    readonly scheme: string,
    readonly host: string,
    readonly path: string,
    readonly query: string,
  ) {
    super();
  }
  equals(o: CelOpaque): boolean {
    return o instanceof URLValue && o.raw === this.raw;
  }
  get hostname(): string {
    if (this.host.startsWith('[')) return this.host.slice(1, this.host.indexOf(']'));
    const i = this.host.lastIndexOf(':');
    return i < 0 ? this.host : this.host.slice(0, i);
  }
  get port(): string {
    const h = this.host.startsWith('[') ? this.host.slice(this.host.indexOf(']') + 1) : this.host;
    const i = h.lastIndexOf(':');
    return i < 0 ? '' : h.slice(i + 1);
  }
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s;

/** Go's url.ParseRequestURI, for the parts the library exposes. */
export function parseURL(raw: string): URLValue | string {
  const err = (why: string): string =>
    `URL parse error during conversion from string: parse ${JSON.stringify(raw)}: ${why}`;
  if ([...raw].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    return err('net/url: invalid control character in URL');
  let rest = raw;
  let scheme = '';
  const m = SCHEME.exec(raw);
  if (m !== null) {
    scheme = (m[1] ?? '').toLowerCase();
    rest = m[2] ?? '';
  } else if (!raw.startsWith('/')) return err('invalid URI for request');
  const qi = rest.indexOf('?');
  const query = qi < 0 ? '' : rest.slice(qi + 1);
  if (qi >= 0) rest = rest.slice(0, qi);
  let host = '';
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
    host = authority.slice(authority.lastIndexOf('@') + 1);
    if (/[^A-Za-z0-9.\-_~:[\]%!$&'()*+,;=]/.test(host))
      return err(
        `invalid character ${JSON.stringify(host.match(/[^A-Za-z0-9.\-_~:[\]%!$&'()*+,;=]/)?.[0] ?? '')} in host name`,
      );
    const port = host.startsWith('[')
      ? host.slice(host.indexOf(']') + 1)
      : host.includes(':')
        ? host.slice(host.indexOf(':'))
        : '';
    if (port !== '' && !/^:\d*$/.test(port))
      return err(`invalid port ${JSON.stringify(port)} after host`);
  } else if (scheme !== '' && !rest.startsWith('/')) {
    // opaque URL like mailto:x
    return new URLValue(raw, scheme, '', '', query);
  }
  let path: string;
  try {
    path = encodeURI(decodeURIComponent(rest)).replace(/%5B/g, '[').replace(/%5D/g, ']');
  } catch {
    return err(
      `invalid URL escape ${JSON.stringify(rest.slice(rest.indexOf('%'), rest.indexOf('%') + 3))}`,
    );
  }
  return new URLValue(raw, scheme, host, path, query);
}

function u(v: CelValue): URLValue {
  if (!(v instanceof URLValue)) fail('no such overload');
  return v;
}

function parseQuery(q: string): CelValue {
  const out = new Map<string, string[]>();
  for (const part of q.split(/&/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const dec = (s: string): string => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    const k = dec(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : dec(part.slice(eq + 1));
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return celMap(new Map([...out].map(([k, v]) => [k, celList(v)])));
}

export const URLS: Library = library({
  url: [
    global('string_to_url', [T.string], URL_TYPE, ([s]) => {
      const r = parseURL(s as string);
      if (typeof r === 'string') fail(r);
      return r;
    }),
  ],
  isURL: [
    global('is_url_string', [T.string], T.bool, ([s]) => typeof parseURL(s as string) !== 'string'),
  ],
  getScheme: [member('url_get_scheme', [URL_TYPE], T.string, ([x]) => u(x as CelValue).scheme)],
  getHost: [member('url_get_host', [URL_TYPE], T.string, ([x]) => u(x as CelValue).host)],
  getHostname: [
    member('url_get_hostname', [URL_TYPE], T.string, ([x]) => u(x as CelValue).hostname),
  ],
  getPort: [member('url_get_port', [URL_TYPE], T.string, ([x]) => u(x as CelValue).port)],
  getEscapedPath: [
    member('url_get_escaped_path', [URL_TYPE], T.string, ([x]) => u(x as CelValue).path),
  ],
  getQuery: [
    member('url_get_query', [URL_TYPE], T.map(T.string, T.list(T.string)), ([x]) =>
      parseQuery(u(x as CelValue).query),
    ),
  ],
});
