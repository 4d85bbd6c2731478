// Authentication: the admin bearer token, plus Impersonate-User/Impersonate-Group headers that
// the admin (system:masters) may use to act as someone else.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, unauthorized } from './status-errors.js';

export interface UserInfo {
  readonly username: string;
  readonly uid: string;
  readonly groups: readonly string[];
  /** Set when the request impersonated this user: who really sent it. */
  readonly impersonatedBy?: string;
}

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
export function authenticate(headers: IncomingHttpHeaders, adminTokenDigest: Buffer): UserInfo {
  const auth = headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(auth);
  if (!m) throw unauthorized();
  const given = createHash('sha256')
    .update(m[1]?.trim() ?? '')
    .digest();
  if (given.length !== adminTokenDigest.length || !timingSafeEqual(given, adminTokenDigest))
    throw unauthorized();
  const user = headers['impersonate-user'];
  const groups =
    headers['impersonate-group'] === undefined ? [] : headerList(headers, 'impersonate-group');
  if (user === undefined || Array.isArray(user) || user === '') {
    if (groups.length > 0) {
      throw new ApiError(
        500,
        'InternalError',
        'Internal error occurred: requested [' +
          groups.map((g) => `{Group  ${g}  authorization.k8s.io/v1  }`).join(' ') +
          '] without impersonating a user',
      );
    }
    return ADMIN_USER;
  }
  const all = [...groups];
  if (!all.includes('system:authenticated')) all.push('system:authenticated');
  return {
    username: user,
    uid: headerList(headers, 'impersonate-uid')[0] ?? '',
    groups: all,
    impersonatedBy: ADMIN_USER.username,
  };
}
