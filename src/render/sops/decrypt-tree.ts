// Decrypting a SOPS tree in place (sops.Tree.Decrypt): which values the file's rules say are
// encrypted, each decrypted with its path as additional data, and the MAC of the result.
import { createHash, type Hash } from 'node:crypto';
import type * as Re2 from 're2js';
import { lazyRequire } from '../../core/index.js';
import { CipherError, decryptValue } from './cipher.js';
import { macBytes } from './go-values.js';
import type { EncryptionRules } from './metadata.js';
import { Branch, Comment, type Scalar, type TreeValue } from './tree.js';

const loadRe2 = lazyRequire<typeof Re2>('re2js');

/**
 * MAC_ONLY_ENCRYPTED's initialisation bytes (sha256 of "sops"), so such a MAC always differs
 * from one over all values.
 */
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from(
  '8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69',
  'hex',
);

/** A value that failed to decrypt, with the path that names it (never the value). */
export class TreeDecryptError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'TreeDecryptError';
  }
}

type Matcher = (text: string) => boolean;

/** Go's regexp.Match with the error ignored: a pattern that does not compile matches nothing. */
function goRegexp(pattern: string): Matcher {
  try {
    const re = loadRe2().RE2JS.compile(pattern);
    return (text) => re.matcher(text).find();
  } catch {
    return () => false;
  }
}

interface CompiledRules {
  readonly rules: EncryptionRules;
  readonly unencryptedRegex?: Matcher;
  readonly encryptedRegex?: Matcher;
  readonly unencryptedCommentRegex?: Matcher;
  readonly encryptedCommentRegex?: Matcher;
}

function compile(rules: EncryptionRules): CompiledRules {
  return {
    rules,
    ...(rules.unencryptedRegex ? { unencryptedRegex: goRegexp(rules.unencryptedRegex) } : {}),
    ...(rules.encryptedRegex ? { encryptedRegex: goRegexp(rules.encryptedRegex) } : {}),
    ...(rules.unencryptedCommentRegex
      ? { unencryptedCommentRegex: goRegexp(rules.unencryptedCommentRegex) }
      : {}),
    ...(rules.encryptedCommentRegex
      ? { encryptedCommentRegex: goRegexp(rules.encryptedCommentRegex) }
      : {}),
  };
}

/** sops' Tree.shouldBeEncrypted. */
function shouldBeEncrypted(
  c: CompiledRules,
  path: readonly string[],
  comments: readonly (readonly string[])[],
  isComment: boolean,
): boolean {
  const r = c.rules;
  let encrypted = true;
  if (r.unencryptedSuffix && path.some((p) => p.endsWith(r.unencryptedSuffix as string)))
    encrypted = false;
  if (r.encryptedSuffix) encrypted = path.some((p) => p.endsWith(r.encryptedSuffix as string));
  if (c.unencryptedRegex && path.some(c.unencryptedRegex)) encrypted = false;
  if (c.encryptedRegex) encrypted = path.some(c.encryptedRegex);
  if (c.unencryptedCommentRegex && comments.some((cs) => cs.some(c.unencryptedCommentRegex!)))
    encrypted = false;
  if (c.encryptedCommentRegex) {
    const last = comments.length - 1;
    const lastLen = comments[last]?.length ?? 0;
    encrypted = comments.some((cs, i) =>
      cs.some(
        // The comment line that matches is not itself encrypted, only what follows it.
        (text, j) =>
          !(isComment && i === last && j === lastLen - 1) && c.encryptedCommentRegex!(text),
      ),
    );
  }
  return encrypted;
}

class TreeDecrypter {
  private readonly hash: Hash = createHash('sha512');
  private readonly rules: CompiledRules;

  constructor(
    rules: EncryptionRules,
    private readonly key: Uint8Array,
    /** Called with every value that was decrypted, so callers can keep it out of messages. */
    private readonly onPlaintext: (v: Scalar) => void,
  ) {
    this.rules = compile(rules);
    if (rules.macOnlyEncrypted) this.hash.update(MAC_ONLY_ENCRYPTED_INIT);
  }

  mac(): string {
    return this.hash.digest('hex').toUpperCase();
  }

  branch(b: Branch, path: string[], stack: string[][]): void {
    const comments = [...stack, []];
    const level = comments[comments.length - 1] as string[];
    for (const item of b.items) {
      if (item.key instanceof Comment) {
        level.push(item.key.value);
        const v = this.leaf(item.key, path, comments);
        // A comment decrypts to a comment; anything else would be a forged type, kept as written.
        if (v instanceof Comment) item.key = v;
        continue;
      }
      const valueIsComment = item.value instanceof Comment;
      if (item.value instanceof Comment) level.push(item.value.value);
      item.value = this.value(item.value, [...path, item.key], comments);
      if (!valueIsComment) level.length = 0;
    }
  }

  private slice(items: TreeValue[], path: string[], stack: string[][]): void {
    const comments = [...stack, []];
    const level = comments[comments.length - 1] as string[];
    for (let i = 0; i < items.length; i++) {
      const v = items[i] as TreeValue;
      const isComment = v instanceof Comment;
      if (v instanceof Comment) level.push(v.value);
      items[i] = this.value(v, path, comments);
      if (!isComment) level.length = 0;
    }
  }

  private value(v: TreeValue, path: string[], stack: string[][]): TreeValue {
    if (v instanceof Branch) {
      this.branch(v, path, stack);
      return v;
    }
    if (Array.isArray(v)) {
      this.slice(v, path, stack);
      return v;
    }
    if (v === null) return null;
    return this.leaf(v, path, stack);
  }

  private leaf(v: Scalar | Comment, path: string[], stack: string[][]): Scalar | Comment {
    const isComment = v instanceof Comment;
    const encrypted = shouldBeEncrypted(this.rules, path, stack, isComment);
    let out: Scalar | Comment = v;
    if (encrypted) {
      const aad = `${path.join(':')}:`;
      if (v instanceof Comment) {
        try {
          out = decryptValue(v.value, this.key, aad);
        } catch {
          // A comment that was never encrypted (files from older SOPS versions) stays as it is.
          out = v;
        }
      } else if (typeof v === 'string') {
        try {
          out = decryptValue(v, this.key, aad);
        } catch (err) {
          const why = err instanceof CipherError ? err.message : String(err);
          throw new TreeDecryptError(`could not decrypt value: ${why}`, path.join('.'));
        }
        if (!(out instanceof Comment)) this.onPlaintext(out);
      } else {
        throw new TreeDecryptError(
          `expected an encrypted value (a string), found a ${typeof v === 'object' ? 'value' : typeof v}`,
          path.join('.'),
        );
      }
    }
    if (
      (!this.rules.rules.macOnlyEncrypted || encrypted) &&
      !(out instanceof Comment) &&
      out !== null
    )
      this.hash.update(macBytes(out));
    return out;
  }
}

/**
 * Decrypts every branch in place and returns the MAC of the plaintext (uppercase hex SHA-512
 * over the values, in order, as sops computes it).
 */
export function decryptTree(
  branches: readonly Branch[],
  rules: EncryptionRules,
  key: Uint8Array,
  onPlaintext: (v: Scalar) => void = () => undefined,
): string {
  const d = new TreeDecrypter(rules, key, onPlaintext);
  for (const b of branches) d.branch(b, [], []);
  return d.mac();
}
