// Lists remote refs in-process over git:// and smart HTTP(S) (protocol v2 ls-refs, v0 fallback).
// An unchanged remote is detected with one such round trip, without starting any git process.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { ErrorCategory, FlotillaError } from '../../core/index.js';
import type { HttpAuth } from './auth.js';
import { parseLsRemote, type RemoteRef } from './remote-refs.js';
import { redact } from './run-git.js';

export interface LsRefsOptions {
  /** Only refs starting with these prefixes (protocol v2 `ref-prefix`); all refs when empty. */
  readonly prefixes: readonly string[];
  readonly http?: HttpAuth;
  readonly timeoutMs: number;
  readonly secrets?: readonly string[];
}

/** True when the URL can be listed in-process (git:// or http(s):// without a proxy). */
export function canListInProcess(url: string): boolean {
  if (/^git:\/\//i.test(url)) return true;
  if (!/^https?:\/\//i.test(url)) return false;
  const proxy = [
    'http_proxy',
    'https_proxy',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'all_proxy',
    'ALL_PROXY',
  ].some((k) => (process.env[k] ?? '') !== '');
  return !proxy;
}

function pkt(s: string): Buffer {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from((b.length + 4).toString(16).padStart(4, '0')), b]);
}

const FLUSH = Buffer.from('0000');
const DELIM = Buffer.from('0001');

/** Splits pkt-lines; `null` marks a flush/delim packet. Returns the unconsumed rest. */
function readPkts(buf: Buffer): { lines: (string | null)[]; rest: Buffer } {
  const lines: (string | null)[] = [];
  let off = 0;
  while (buf.length - off >= 4) {
    const len = parseInt(buf.subarray(off, off + 4).toString('ascii'), 16);
    if (Number.isNaN(len)) throw new Error('malformed pkt-line');
    if (len < 4) {
      lines.push(null);
      off += 4;
      continue;
    }
    if (buf.length - off < len) break;
    lines.push(buf.subarray(off + 4, off + len).toString('utf8'));
    off += len;
  }
  return { lines, rest: buf.subarray(off) };
}

function lsRefsCommand(prefixes: readonly string[]): Buffer {
  return Buffer.concat([
    pkt('command=ls-refs\n'),
    DELIM,
    pkt('peel\n'),
    ...prefixes.map((p) => pkt(`ref-prefix ${p}\n`)),
    FLUSH,
  ]);
}

/** Converts protocol v2 ls-refs lines (`<oid> <ref> [peeled:<oid>]`) to RemoteRefs. */
function fromV2(lines: readonly string[]): Map<string, RemoteRef> {
  const refs = new Map<string, RemoteRef>();
  for (const raw of lines) {
    const [oid, name, ...attrs] = raw.trim().split(' ');
    if (!oid || !name) continue;
    const peeled = attrs.find((a) => a.startsWith('peeled:'))?.slice('peeled:'.length);
    refs.set(name, peeled === undefined ? { name, oid } : { name, oid, peeled });
  }
  return refs;
}

/** Converts a protocol v0 advertisement (`<oid> <ref>[\0caps]`) to RemoteRefs. */
function fromV0(lines: readonly string[]): Map<string, RemoteRef> {
  const text = lines
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.split('\0')[0]?.trim().replace(' ', '\t') ?? '')
    .join('\n');
  const refs = parseLsRemote(text);
  refs.delete('capabilities^{}');
  return refs;
}

function keep(refs: Map<string, RemoteRef>, prefixes: readonly string[]): Map<string, RemoteRef> {
  if (prefixes.length === 0) return refs;
  return new Map([...refs].filter(([n]) => prefixes.some((p) => n.startsWith(p))));
}

function fail(
  url: string,
  why: string,
  category: ErrorCategory = ErrorCategory.Transient,
  secrets: readonly string[] = [],
): FlotillaError {
  return new FlotillaError(redact(`unable to list remote for '${url}': ${why}`, secrets), {
    reason: 'GitOperationFailed',
    category,
  });
}

/** Lists refs with one git:// connection. */
function lsRefsGitDaemon(url: string, options: LsRefsOptions): Promise<Map<string, RemoteRef>> {
  const u = new URL(url);
  const port = Number(u.port || 9418);
  return new Promise((resolve, reject) => {
    const sock = connect(port, u.hostname);
    let buf: Buffer = Buffer.alloc(0);
    let phase: 'caps' | 'refs' | 'v0' = 'caps';
    let first = true;
    const collected: string[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(fail(url, `timed out after ${options.timeoutMs}ms`));
    }, options.timeoutMs);
    const done = (err: Error | undefined, refs?: Map<string, RemoteRef>): void => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(refs ?? new Map());
    };
    sock.on('connect', () => {
      sock.write(
        pkt(`git-upload-pack ${decodeURIComponent(u.pathname)}\0host=${u.host}\0\0version=2\0`),
      );
    });
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      let parsed;
      try {
        parsed = readPkts(buf);
      } catch (e) {
        done(fail(url, (e as Error).message));
        return;
      }
      buf = parsed.rest;
      for (const line of parsed.lines) {
        if (first && line !== null) {
          first = false;
          if (line.startsWith('ERR ')) {
            done(fail(url, line.slice(4).trim()));
            return;
          }
          if (!line.startsWith('version 2')) phase = 'v0';
          if (phase === 'v0') collected.push(line);
          continue;
        }
        if (line === null) {
          if (phase === 'caps') {
            phase = 'refs';
            sock.write(lsRefsCommand(options.prefixes));
            continue;
          }
          done(
            undefined,
            phase === 'v0' ? keep(fromV0(collected), options.prefixes) : fromV2(collected),
          );
          return;
        }
        if (phase !== 'caps') collected.push(line);
      }
    });
    sock.on('error', (e) => done(fail(url, e.message)));
    sock.on('end', () => done(fail(url, 'connection closed by the remote')));
  });
}

interface HttpReply {
  readonly status: number;
  readonly body: Buffer;
  readonly location: string | undefined;
}

function send(
  target: URL,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: Buffer | undefined,
  options: LsRefsOptions,
): Promise<HttpReply> {
  const req = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const tls = options.http;
  return new Promise((resolve, reject) => {
    const r = req(
      target,
      {
        method,
        headers,
        timeout: options.timeoutMs,
        ...(target.protocol === 'https:' && tls?.ca ? { ca: tls.ca } : {}),
        ...(target.protocol === 'https:' && tls?.cert ? { cert: tls.cert } : {}),
        ...(target.protocol === 'https:' && tls?.key ? { key: tls.key } : {}),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks),
            location: res.headers.location,
          }),
        );
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`timed out after ${options.timeoutMs}ms`)));
    r.on('error', reject);
    r.end(body);
  });
}

/** Lists refs over smart HTTP: GET info/refs (capabilities), then POST ls-refs (protocol v2). */
async function lsRefsHttp(url: string, options: LsRefsOptions): Promise<Map<string, RemoteRef>> {
  const secrets = options.secrets ?? [];
  let base = new URL(url.replace(/\/+$/, ''));
  const origin = base.origin;
  const userinfo =
    base.username !== ''
      ? `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`
      : undefined;
  base.username = '';
  base.password = '';
  const headersFor = (target: URL): Record<string, string> => {
    const h: Record<string, string> = {
      'Git-Protocol': 'version=2',
      'User-Agent': 'git/flotilla',
      Accept: '*/*',
    };
    // Credentials go to the repository's own origin only, never to a redirect target elsewhere.
    if (target.origin === origin) {
      if (userinfo) h.Authorization = userinfo;
      Object.assign(h, options.http?.headers ?? {});
    }
    return h;
  };
  let reply: HttpReply;
  let redirects = 0;
  for (;;) {
    const target = new URL(`${base.pathname}/info/refs?service=git-upload-pack`, base);
    try {
      reply = await send(target, 'GET', headersFor(target), undefined, options);
    } catch (e) {
      throw fail(url, (e as Error).message, ErrorCategory.Transient, secrets);
    }
    if (reply.status >= 300 && reply.status < 400 && reply.location && redirects < 5) {
      redirects++;
      const next = new URL(reply.location, target);
      next.search = '';
      base = new URL(next.toString().replace(/\/info\/refs$/, ''));
      continue;
    }
    break;
  }
  if (reply.status === 401 || reply.status === 403)
    throw fail(
      url,
      `authentication required (HTTP ${reply.status})`,
      ErrorCategory.Transient,
      secrets,
    );
  if (reply.status === 404)
    throw fail(url, 'repository not found (HTTP 404)', ErrorCategory.Transient, secrets);
  if (reply.status !== 200)
    throw fail(url, `unexpected HTTP status ${reply.status}`, ErrorCategory.Transient, secrets);
  const adv = readPkts(reply.body).lines.filter((l): l is string => l !== null);
  const lines = adv[0]?.startsWith('# service=') ? adv.slice(1) : adv;
  if (!lines[0]?.startsWith('version 2')) {
    if (lines.length === 0 && adv.length === 0)
      throw fail(url, 'not a smart HTTP git server', ErrorCategory.Transient, secrets);
    return keep(fromV0(lines), options.prefixes);
  }
  const post = new URL(`${base.pathname}/git-upload-pack`, base);
  let res: HttpReply;
  try {
    res = await send(
      post,
      'POST',
      {
        ...headersFor(post),
        'Content-Type': 'application/x-git-upload-pack-request',
        Accept: 'application/x-git-upload-pack-result',
      },
      lsRefsCommand(options.prefixes),
      options,
    );
  } catch (e) {
    throw fail(url, (e as Error).message, ErrorCategory.Transient, secrets);
  }
  if (res.status === 401 || res.status === 403)
    throw fail(
      url,
      `authentication required (HTTP ${res.status})`,
      ErrorCategory.Transient,
      secrets,
    );
  if (res.status !== 200)
    throw fail(url, `unexpected HTTP status ${res.status}`, ErrorCategory.Transient, secrets);
  return fromV2(readPkts(res.body).lines.filter((l): l is string => l !== null));
}

/** Lists refs of a git:// or http(s):// remote in-process. */
export function lsRefs(url: string, options: LsRefsOptions): Promise<Map<string, RemoteRef>> {
  return /^git:\/\//i.test(url) ? lsRefsGitDaemon(url, options) : lsRefsHttp(url, options);
}
