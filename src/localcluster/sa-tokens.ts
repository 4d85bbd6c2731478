// Service account tokens: TokenRequest (`serviceaccounts/<name>/token`) issues ES256 JWTs with
// kube-apiserver's claims, signed with the server's key; a bearer token that verifies and whose
// service account still exists (same uid) authenticates as that service account.
import {
  createPrivateKey,
  createPublicKey,
  randomUUID,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { isPlainObject, metaOf, type KubeObject } from './object-meta.js';
import type { ObjectStore } from './store.js';
import type { UserInfo } from './auth.js';

export const ISSUER = 'https://kubernetes.default.svc.cluster.local';

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

export class ServiceAccountTokens {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly kid: string;

  constructor(
    keyPem: string,
    private readonly store: ObjectStore,
  ) {
    this.privateKey = createPrivateKey(keyPem);
    this.publicKey = createPublicKey(this.privateKey);
    this.kid = b64url(this.publicKey.export({ type: 'spki', format: 'der' }).subarray(-32));
  }

  /** A token for a service account (its stored object), valid for `seconds`. */
  issue(
    sa: KubeObject,
    audiences: readonly string[],
    seconds: number,
    now = new Date(),
  ): IssuedToken {
    const m = metaOf(sa);
    const iat = Math.floor(now.getTime() / 1000);
    const header = { alg: 'ES256', kid: this.kid };
    const claims = {
      aud: audiences,
      exp: iat + seconds,
      iat,
      iss: ISSUER,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: m.namespace,
        serviceaccount: { name: m.name, uid: m.uid },
      },
      nbf: iat,
      sub: `system:serviceaccount:${m.namespace ?? ''}:${m.name ?? ''}`,
    };
    const signing = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = sign('sha256', Buffer.from(signing), {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return { token: `${signing}.${b64url(sig)}`, expiresAt: new Date((iat + seconds) * 1000) };
  }

  /** The service account a token stands for, or undefined (bad signature, expired, account gone). */
  authenticate(token: string, now = Date.now()): UserInfo | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [h, c, s] = parts as [string, string, string];
    const ok = verify(
      'sha256',
      Buffer.from(`${h}.${c}`),
      { key: this.publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(s, 'base64url'),
    );
    if (!ok) return undefined;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isPlainObject(claims) || typeof claims.exp !== 'number' || claims.exp * 1000 < now)
      return undefined;
    const k = isPlainObject(claims['kubernetes.io']) ? claims['kubernetes.io'] : {};
    const sa = isPlainObject(k.serviceaccount) ? k.serviceaccount : {};
    const ns = typeof k.namespace === 'string' ? k.namespace : '';
    const name = typeof sa.name === 'string' ? sa.name : '';
    const live = this.store.get('serviceaccounts', ns, name);
    if (live === undefined || metaOf(live).uid !== sa.uid) return undefined;
    return {
      username: `system:serviceaccount:${ns}:${name}`,
      uid: typeof sa.uid === 'string' ? sa.uid : '',
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      extra: {
        'authentication.kubernetes.io/credential-id': [
          `JTI=${typeof claims.jti === 'string' ? claims.jti : ''}`,
        ],
      },
    };
  }
}
