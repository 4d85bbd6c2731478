// SOPS values: ENC[AES256_GCM,data:…,iv:…,tag:…,type:…], AES-256-GCM with the value's path as
// additional data, decrypted back to the type that was encrypted (sops' aes.Cipher).
import { createDecipheriv } from 'node:crypto';
import { Comment, SopsTime, stringFromBytes, type Scalar } from './tree.js';
import { parseGoBool, parseGoFloat, parseGoInt, parseRfc3339 } from './go-values.js';

const ENCRYPTED = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A value that cannot be decrypted; the message never contains the value itself. */
export class CipherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CipherError';
  }
}

/** Whether a string has the shape of an encrypted SOPS value. */
export function isEncryptedValue(value: string): boolean {
  return ENCRYPTED.test(value);
}

function base64(field: string, text: string): Buffer {
  if (!BASE64.test(text)) throw new CipherError(`error base64-decoding ${field}`);
  return Buffer.from(text, 'base64');
}

/**
 * Decrypts one value with the data key; `additionalData` is the value's path joined with ':'
 * plus a trailing ':'. An empty string stays empty, as SOPS never encrypts those.
 */
export function decryptValue(
  ciphertext: string,
  key: Uint8Array,
  additionalData: string,
): Scalar | Comment {
  if (ciphertext === '') return '';
  const m = ENCRYPTED.exec(ciphertext);
  if (!m) throw new CipherError("the value does not match sops' data format");
  const data = base64('data', m[1] as string);
  const iv = base64('iv', m[2] as string);
  const tag = base64('tag', m[3] as string);
  const type = m[4] as string;
  if (iv.length === 0) throw new CipherError('the value has an empty iv');
  if (tag.length !== 16) throw new CipherError('the value has a malformed authentication tag');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(additionalData, 'utf8'));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new CipherError('could not decrypt with AES_GCM: message authentication failed');
  }
  return typed(plain, type);
}

function typed(plain: Buffer, type: string): Scalar | Comment {
  const text = plain.toString('utf8');
  const fail = (what: string): never => {
    throw new CipherError(`the decrypted value is not a valid ${what}`);
  };
  switch (type) {
    case 'str':
      return stringFromBytes(plain);
    case 'int':
      return parseGoInt(text) ?? fail('int');
    case 'float':
      return parseGoFloat(text) ?? fail('float');
    case 'bool':
      return parseGoBool(text) ?? fail('bool');
    case 'bytes':
      return stringFromBytes(plain);
    case 'time':
      return parseRfc3339(text) === undefined ? fail('time') : new SopsTime(text);
    case 'comment':
      return new Comment(text);
    default:
      throw new CipherError(`unknown datatype '${type}'`);
  }
}
