// Authentication: the admin bearer token and service account tokens; Impersonate-User,
// Impersonate-Group and Impersonate-Uid headers switch the identity when the real user may
// `impersonate` (checked by the authorizer, as kube-apiserver's impersonation filter does).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { badRequest, unauthorized } from './status-errors.js';

export interface UserInfo {
  readonly username: string;
  readonly uid: string;
  readonly groups: readonly string[];
  /** Set when the request impersonated this user: who really sent it. */
  readonly impersonatedBy?: string;
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** Checks that `user` may impersonate a user, group, uid or service account (403 otherwise). */
export type ImpersonationCheck = (
  user: UserInfo,
  what: { resource: string; name: string; namespace?: string },
) => void;

/** Verifies bearer tokens other than the admin's (service account tokens). */
export type TokenAuthenticator = (token: string) => UserInfo | undefined;

export const ADMIN_USER: UserInfo = {
  username: 'flotilla-admin',
  uid: 'flotilla-admin',
  groups: ['system:masters', 'system:authenticated'],
};

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

function headerList(headers: IncomingHttpHeaders, name: string): string[] {
  const v = headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Who sent the request, or a 401 error for anonymous or unknown credentials. The admin token is
 * known by its SHA-256 digest only (the server keeps no clear copy).
 */
export function authenticate(
  headers: IncomingHttpHeaders,
  adminTokenDigest: Buffer,
  tokens?: TokenAuthenticator,
): UserInfo {
  const auth = headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(auth);
  if (!m) throw unauthorized();
  const token = m[1]?.trim() ?? '';
  const given = createHash('sha256').update(token).digest();
  if (given.length === adminTokenDigest.length && timingSafeEqual(given, adminTokenDigest))
    return ADMIN_USER;
  const user = tokens?.(token);
  if (user === undefined) throw unauthorized();
  return user;
}

const SA_PREFIX = 'system:serviceaccount:';

/**
 * The identity a request acts as: the authenticated user, or the one its Impersonate-* headers
 * name once the authenticated user may impersonate each part of it.
 */
export function impersonate(
  user: UserInfo,
  headers: IncomingHttpHeaders,
  check: ImpersonationCheck,
): UserInfo {
  const name = headers['impersonate-user'];
  const groups =
    headers['impersonate-group'] === undefined ? [] : headerList(headers, 'impersonate-group');
  if (name === undefined || Array.isArray(name) || name === '') {
    if (groups.length > 0) {
      const list = groups.map((g) => JSON.stringify(g)).join(', ');
      throw badRequest(
        `requested &user.DefaultInfo{Name:"", UID:"", Groups:[]string{${list}}, Extra:map[string][]string(nil)} without impersonating a user name`,
      );
    }
    return user;
  }
  const all = [...groups];
  if (name.startsWith(SA_PREFIX)) {
    const [ns = '', sa = ''] = name.slice(SA_PREFIX.length).split(':');
    check(user, { resource: 'serviceaccounts', name: sa, namespace: ns });
    for (const g of ['system:serviceaccounts', `system:serviceaccounts:${ns}`])
      if (!all.includes(g)) all.push(g);
  } else check(user, { resource: 'users', name });
  for (const g of groups) check(user, { resource: 'groups', name: g });
  const uid = headerList(headers, 'impersonate-uid')[0] ?? '';
  if (uid !== '') check(user, { resource: 'uids', name: uid });
  if (name !== 'system:anonymous' && !all.includes('system:authenticated'))
    all.push('system:authenticated');
  return { username: name, uid, groups: all, impersonatedBy: user.username };
}
