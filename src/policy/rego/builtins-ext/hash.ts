// crypto.md5/sha1/sha256 and crypto.hmac.* over the UTF-8 bytes of strings (node:crypto).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { T, type BuiltinDef } from '../builtin-types.js';
import { bool, str } from '../value.js';
import { stringArg } from './operands.js';

function digestDef(name: string, algorithm: string): BuiltinDef {
  return {
    name,
    args: [T.string],
    result: T.string,
    impl: (args) =>
      str(
        createHash(algorithm)
          .update(stringArg(name, args, 1), 'utf8')
          .digest('hex'),
      ),
  };
}

function hmacDef(name: string, algorithm: string): BuiltinDef {
  return {
    name,
    args: [T.string, T.string],
    result: T.string,
    impl: (args) => {
      const message = stringArg(name, args, 1);
      const key = stringArg(name, args, 2);
      return str(
        createHmac(algorithm, Buffer.from(key, 'utf8')).update(message, 'utf8').digest('hex'),
      );
    },
  };
}

export const HASH_BUILTINS: readonly BuiltinDef[] = [
  digestDef('crypto.md5', 'md5'),
  digestDef('crypto.sha1', 'sha1'),
  digestDef('crypto.sha256', 'sha256'),
  hmacDef('crypto.hmac.md5', 'md5'),
  hmacDef('crypto.hmac.sha1', 'sha1'),
  hmacDef('crypto.hmac.sha256', 'sha256'),
  hmacDef('crypto.hmac.sha512', 'sha512'),
  {
    name: 'crypto.hmac.equal',
    args: [T.string, T.string],
    result: T.boolean,
    impl: (args) => {
      const a = Buffer.from(stringArg('crypto.hmac.equal', args, 1), 'utf8');
      const b = Buffer.from(stringArg('crypto.hmac.equal', args, 2), 'utf8');
      // Constant time for equal lengths, as Go's hmac.Equal.
      return bool(a.length === b.length && timingSafeEqual(a, b));
    },
  },
];
