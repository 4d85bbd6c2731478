// Who may act in Tower. Users log in with a bearer token listed in a token file or in a Secret,
// both in kube-apiserver's static token format (`token,user,uid,"group1,group2"` per line); a
// login opens a session (an HttpOnly, SameSite=Strict cookie) with its own CSRF token, which every
// action must send back in a header. API clients may send `Authorization: Bearer TOKEN` instead.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { FlotillaError } from '../../core/index.js';
import type { KubeClient, KubeObject } from '../../kube/index.js';

export interface TokenUser {
  readonly user: string;
  readonly uid: string;
  readonly groups: readonly string[];
  /** SHA-256 of the token (tokens themselves are not kept). */
  readonly digest: Buffer;
}

export interface AuthOptions {
  /** A token file (static token CSV). */
  readonly tokenFile?: string;
  /** A Secret holding the same CSV under `key` (default `tokens.csv`). */
  readonly secret?: {
    readonly client: KubeClient;
    readonly namespace: string;
    readonly name: string;
    readonly key?: string;
  };
  /** How long a session lasts without use. @default 8 hours */
  readonly sessionTtlMs?: number;
  /** How often the file's modification time or the Secret is checked. @default 5000 */
  readonly reloadMs?: number;
}

export interface Session {
  readonly id: string;
  readonly user: string;
  readonly groups: readonly string[];
  readonly csrf: string;
  expiresAt: number;
}

const digestOf = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** Splits one CSV line as kube-apiserver's token file reader does (quoted fields may hold commas). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

/** Parses a static token CSV; errors name the source and line, never the token. */
export function parseTokens(text: string, source: string): TokenUser[] {
  const users: TokenUser[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [token = '', user = '', uid = '', groups = ''] = csvFields(line);
    if (token === '' || user === '') {
      throw new FlotillaError(`${source}:${i + 1}: expected token,user[,uid[,"group1,group2"]]`, {
        reason: 'InvalidTokenFile',
        file: source,
      });
    }
    users.push({
      user,
      uid,
      groups: groups
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g !== ''),
      digest: digestOf(token),
    });
  });
  return users;
}

export class Authenticator {
  private users: TokenUser[] = [];
  private readonly sessions = new Map<string, Session>();
  private loadedAt = 0;
  private fileMtime = -1;
  private secretVersion = '';

  constructor(private readonly options: AuthOptions) {}

  /** Whether any login is configured (otherwise Tower is read-only). */
  get configured(): boolean {
    return this.options.tokenFile !== undefined || this.options.secret !== undefined;
  }

  /** Reads the tokens now; throws (naming the file or Secret) when they cannot be read. */
  async load(): Promise<void> {
    const users: TokenUser[] = [];
    const file = this.options.tokenFile;
    if (file !== undefined) {
      const st = await stat(file).catch((err: unknown) => {
        throw new FlotillaError(`cannot read token file ${file}: ${(err as Error).message}`, {
          reason: 'InvalidTokenFile',
          file,
        });
      });
      this.fileMtime = st.mtimeMs;
      users.push(...parseTokens(await readFile(file, 'utf8'), file));
    }
    const s = this.options.secret;
    if (s !== undefined) {
      const key = s.key ?? 'tokens.csv';
      const where = `Secret ${s.namespace}/${s.name}`;
      const secret = await s.client
        .get<KubeObject & { data?: Record<string, string> }>({
          apiVersion: 'v1',
          kind: 'Secret',
          namespace: s.namespace,
          name: s.name,
        })
        .catch((err: unknown) => {
          throw new FlotillaError(`cannot read ${where}: ${(err as Error).message}`, {
            reason: 'InvalidTokenSecret',
            object: where,
          });
        });
      const data = secret.data?.[key];
      if (data === undefined) {
        throw new FlotillaError(
          `${where} has no key '${key}' (a static token CSV: token,user,uid,"groups")`,
          {
            reason: 'InvalidTokenSecret',
            object: where,
            field: `data.${key}`,
          },
        );
      }
      this.secretVersion = secret.metadata.resourceVersion ?? '';
      users.push(
        ...parseTokens(Buffer.from(data, 'base64').toString('utf8'), `${where} key ${key}`),
      );
    }
    this.users = users;
    this.loadedAt = Date.now();
  }

  /** Re-reads the tokens when the file or Secret changed (checked every reloadMs). */
  private async reload(): Promise<void> {
    if (Date.now() - this.loadedAt < (this.options.reloadMs ?? 5000)) return;
    this.loadedAt = Date.now();
    const file = this.options.tokenFile;
    const fileChanged =
      file !== undefined &&
      (await stat(file).then(
        (s) => s.mtimeMs,
        () => -2,
      )) !== this.fileMtime;
    let secretChanged = false;
    const s = this.options.secret;
    if (s) {
      const obj = await s.client
        .getOrUndefined({ apiVersion: 'v1', kind: 'Secret', namespace: s.namespace, name: s.name })
        .catch(() => undefined);
      secretChanged = (obj?.metadata.resourceVersion ?? '') !== this.secretVersion;
    }
    // A broken file keeps the last good tokens (and the sessions): logins go on working.
    if (fileChanged || secretChanged) await this.load().catch(() => undefined);
  }

  /** The user a token belongs to (compared in constant time), or undefined. */
  async authenticate(token: string): Promise<TokenUser | undefined> {
    if (!this.configured || token === '') return undefined;
    await this.reload();
    const digest = digestOf(token);
    let found: TokenUser | undefined;
    for (const u of this.users) if (timingSafeEqual(u.digest, digest)) found ??= u;
    return found;
  }

  login(user: TokenUser): Session {
    this.expire();
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      user: user.user,
      groups: user.groups,
      csrf: randomBytes(24).toString('base64url'),
      expiresAt: Date.now() + (this.options.sessionTtlMs ?? 8 * 3600_000),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session of a cookie value; its lifetime is extended on use. */
  session(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= Date.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    s.expiresAt = Date.now() + (this.options.sessionTtlMs ?? 8 * 3600_000);
    return s;
  }

  /** Whether the user behind a session is still listed (a removed token ends its sessions). */
  stillListed(session: Session): boolean {
    return this.users.some((u) => u.user === session.user);
  }

  logout(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}

/** Compares a CSRF header with the session's token in constant time. */
export function csrfMatches(session: Session, header: string | undefined): boolean {
  if (header === undefined) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(header);
  return a.length === b.length && timingSafeEqual(a, b);
}
