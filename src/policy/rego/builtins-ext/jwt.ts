// io.jwt.* built-ins: decode, verify_* per algorithm, decode_verify with constraints, encode_sign(_raw).
import { T, type BuiltinDef, type RegoType } from '../builtin-types.js';
import { parseJSON, toJSON, isValidJSON } from '../json.js';
import {
  arr,
  bool,
  compareNumbers,
  EMPTY_OBJECT,
  FALSE,
  num,
  str,
  TRUE,
  type ObjectValue,
  type Value,
} from '../value.js';
import { base64UrlRaw, opaBase64UrlDecode } from './go-base64.js';
import {
  JWS_ALGORITHMS,
  jwsSign,
  jwsVerify,
  keysFromCertOrJwk,
  parseJwkSet,
  type JwsKey,
  type VerificationKey,
} from './jws-keys.js';
import { guarded, objectArg, stringArg, typeErr } from './operands.js';

interface Token {
  readonly header: string;
  readonly payload: string;
  readonly signature: string;
}

/** Splits a compact JWS (OPA's decodeJWT). */
function splitToken(jwt: string): Token {
  if (!jwt.includes('.')) throw new Error('encoded JWT had no period separators');
  const parts = jwt.split('.');
  if (parts.length !== 3)
    throw new Error(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0]!, payload: parts[1]!, signature: parts[2]! };
}

function extractJSONObject(s: string): ObjectValue {
  let v: Value;
  try {
    v = parseJSON(s);
  } catch (e) {
    throw new Error(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (v.kind !== 'object') throw new Error('decoded JSON type was not an Object');
  return v;
}

function decodeHeader(token: Token): ObjectValue {
  let text: string;
  try {
    text = opaBase64UrlDecode(token.header).toString('utf8');
  } catch (e) {
    throw new Error(
      `JWT header had invalid encoding: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  let header: ObjectValue;
  try {
    header = extractJSONObject(text);
  } catch (e) {
    throw new Error(`bad JWT header: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (header.getStr('enc') !== undefined)
    throw new Error('JWT is a JWE object, which is not supported');
  return header;
}

function decodePayloadText(token: Token): string {
  try {
    return opaBase64UrlDecode(token.payload).toString('utf8');
  } catch (e) {
    throw new Error(
      `JWT payload had invalid encoding: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

function decodeSignature(token: Token): Buffer {
  return opaBase64UrlDecode(token.signature);
}

/** io.jwt.decode: [header, payload, hex signature]; nested tokens (cty JWT) are unwrapped. */
function decode(jwt: string): Value {
  const token = splitToken(jwt);
  const header = decodeHeader(token);
  let payloadText = decodePayloadText(token);
  const cty = header.getStr('cty');
  if (cty?.kind === 'string' && cty.value === 'JWT') {
    payloadText = payloadText.replace(/^["']+|["']+$/g, '');
    return decode(payloadText);
  }
  const payload = extractJSONObject(payloadText);
  let sig: Buffer;
  try {
    sig = decodeSignature(token);
  } catch (e) {
    throw new Error(
      `JWT signature had invalid encoding: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return arr([header, payload, str(sig.toString('hex'))]);
}

/** The parsed parameters of a JWT header (OPA's tokenHeader). */
interface TokenHeader {
  alg: string;
  kid: string;
  cty: string;
  crit: Set<string>;
  unknown: string[];
}

function parseTokenHeader(header: ObjectValue): TokenHeader {
  const h: TokenHeader = { alg: '', kid: '', cty: '', crit: new Set(), unknown: [] };
  header.forEach((k, v) => {
    const key = k.kind === 'string' ? k.value : '';
    switch (key) {
      case 'alg':
      case 'kid':
      case 'typ':
      case 'cty':
        if (v.kind !== 'string') throw new Error(`${key}: must be a string`);
        if (key !== 'typ') h[key] = v.value;
        break;
      case 'crit':
        if (v.kind !== 'array') throw new Error('crit: must be a list');
        for (const e of v.items) if (e.kind === 'string') h.crit.add(e.value);
        if (h.crit.size === 0) throw new Error('crit: must be a nonempty list');
        break;
      default:
        h.unknown.push(key);
    }
  });
  return h;
}

function headerValid(h: TokenHeader): boolean {
  if (h.alg === '') return false;
  return !h.unknown.some((u) => h.crit.has(u));
}

function tryVerify(key: JwsKey, alg: string, data: Buffer, sig: Buffer): boolean {
  try {
    return jwsVerify(key, alg, data, sig);
  } catch {
    return false;
  }
}

/** OPA's builtinJWTVerify for one fixed algorithm: kid match first, then every key. */
function verifyWithKeys(jwt: string, certificate: string, alg: string): boolean {
  const token = splitToken(jwt);
  const keys = keysFromCertOrJwk(certificate);
  const sig = decodeSignature(token);
  const header = parseTokenHeader(decodeHeader(token));
  const data = Buffer.from(`${token.header}.${token.payload}`, 'utf8');
  if (header.kid !== '') {
    const byKid = keys.find((k) => k.kid === header.kid);
    if (byKid !== undefined) return tryVerify(byKid.key, alg, data, sig);
  }
  for (const k of keys) {
    if (k.alg !== '' && k.alg !== header.alg) continue;
    if (tryVerify(k.key, alg, data, sig)) return true;
  }
  return false;
}

function verifyDef(alg: string): BuiltinDef {
  const name = `io.jwt.verify_${alg.toLowerCase()}`;
  const hs = alg.startsWith('HS');
  return {
    name,
    args: [T.string, T.string],
    result: T.boolean,
    impl: (args) => {
      const jwt = stringArg(name, args, 1);
      const keyText = stringArg(name, args, 2);
      return guarded(name, () => {
        if (hs) {
          const token = splitToken(jwt);
          const data = Buffer.from(`${token.header}.${token.payload}`, 'utf8');
          const sig = decodeSignature(token);
          return bool(tryVerify(Buffer.from(keyText, 'utf8'), alg, data, sig));
        }
        return bool(verifyWithKeys(jwt, keyText, alg));
      });
    },
  };
}

interface Constraints {
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  keys: VerificationKey[] | undefined;
  time: number;
}

function constraintString(name: string, v: Value): string {
  if (v.kind !== 'string') throw new Error(`${name} constraint: must be a string`);
  return v.value;
}

function timeFromValue(v: Value): number {
  if (v.kind !== 'number') throw new Error('token time constraint: must be a number');
  if (v.f < 0) throw new Error('token time constraint: must not be negative');
  return v.f;
}

function parseConstraints(o: ObjectValue, nowNs: bigint): Constraints {
  const c: Constraints = { secret: '', alg: '', iss: '', aud: '', keys: undefined, time: -1 };
  o.forEach((k, v) => {
    const key = k.kind === 'string' ? k.value : toJSON(k);
    switch (key) {
      case 'cert':
        c.keys = keysFromCertOrJwk(constraintString('cert', v));
        break;
      case 'secret':
      case 'alg':
      case 'iss':
      case 'aud':
        c[key] = constraintString(key, v);
        break;
      case 'time':
        c.time = timeFromValue(v);
        break;
      default:
        throw new Error(`unknown token validation constraint: ${key}`);
    }
  });
  if (c.time === -1) c.time = Number(nowNs);
  const n = (c.keys !== undefined ? 1 : 0) + (c.secret !== '' ? 1 : 0);
  if (n > 1) throw new Error('duplicate key constraints');
  if (n < 1) throw new Error('no key constraint');
  return c;
}

function constraintsVerify(c: Constraints, h: TokenHeader, data: Buffer, sig: Buffer): boolean {
  if (c.keys !== undefined) {
    if (h.kid !== '') {
      const byKid = c.keys.find((k) => k.kid === h.kid);
      if (byKid !== undefined) return tryVerify(byKid.key, h.alg, data, sig);
    }
    return c.keys.some(
      (k) => (k.alg === '' || k.alg === h.alg) && tryVerify(k.key, h.alg, data, sig),
    );
  }
  return tryVerify(Buffer.from(c.secret, 'utf8'), h.alg, data, sig);
}

function validAudience(aud: Value, want: string): boolean {
  if (aud.kind === 'string') return aud.value === want;
  if (aud.kind !== 'array') return false;
  return aud.items.some((e) => e.kind === 'string' && e.value === want);
}

const UNVERIFIED = arr([FALSE, EMPTY_OBJECT, EMPTY_OBJECT]);

/** io.jwt.decode_verify (OPA's builtinJWTDecodeVerify). */
function decodeVerify(jwt: string, constraintsObj: ObjectValue, nowNs: bigint): Value {
  const c = parseConstraints(constraintsObj, nowNs);
  let current = jwt;
  let token: Token;
  let header: ObjectValue;
  let payloadText: string;
  for (;;) {
    token = splitToken(current);
    header = decodeHeader(token);
    const h = parseTokenHeader(header);
    if (!headerValid(h)) return UNVERIFIED;
    if (c.alg !== '' && c.alg !== h.alg) return UNVERIFIED;
    const sig = decodeSignature(token);
    const data = Buffer.from(`${token.header}.${token.payload}`, 'utf8');
    if (!constraintsVerify(c, h, data, sig)) return UNVERIFIED;
    payloadText = decodePayloadText(token);
    if (h.cty.toUpperCase() === 'JWT') {
      current = payloadText;
      continue;
    }
    break;
  }
  const payload = extractJSONObject(payloadText);
  if (c.iss !== '') {
    const iss = payload.getStr('iss');
    if (iss === undefined || iss.kind !== 'string' || iss.value !== c.iss) return UNVERIFIED;
  }
  const aud = payload.getStr('aud');
  if (aud !== undefined) {
    if (!validAudience(aud, c.aud)) return UNVERIFIED;
  } else if (c.aud !== '') return UNVERIFIED;
  const nowSec = num(c.time / 1e9);
  const exp = payload.getStr('exp');
  if (exp !== undefined) {
    if (exp.kind !== 'number') throw new Error('exp value must be a number');
    if (compareNumbers(nowSec, exp) !== -1) return UNVERIFIED;
  }
  const nbf = payload.getStr('nbf');
  if (nbf !== undefined) {
    if (nbf.kind !== 'number') throw new Error('nbf value must be a number');
    if (compareNumbers(nowSec, nbf) === -1) return UNVERIFIED;
  }
  return arr([TRUE, header, payload]);
}

/** jwsbb.HeaderGetString(HeaderParse(h), "alg") as OPA reports its failures. */
function headerString(headers: string, field: string): string | undefined {
  const trimmed = headers.trim();
  if (trimmed === '') throw new Error('cannot parse JSON: cannot parse empty string');
  let v: Value;
  try {
    v = parseJSON(headers);
  } catch (e) {
    if (trimmed.startsWith('{'))
      throw new Error(`cannot parse JSON: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const f = v.kind === 'object' ? v.getStr(field) : undefined;
  return f?.kind === 'string' ? f.value : undefined;
}

/** OPA's commonBuiltinJWTEncodeSign. */
function encodeSign(headers: string, payload: string, jwk: string): string {
  const keys = parseJwkSet(jwk, true);
  const first = keys[0];
  if (first === undefined) throw new Error('no keys found in JWK set');
  let alg: string | undefined;
  try {
    alg = headerString(headers, 'alg');
    if (alg === undefined) throw new Error('jwsbb: header "alg" not found');
  } catch (e) {
    throw new Error(
      `missing or invalid 'alg' header: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (!JWS_ALGORITHMS.has(alg)) throw new Error(`unknown JWS algorithm: ${alg}`);
  let typ: string | undefined;
  try {
    typ = headerString(headers, 'typ');
  } catch {
    typ = undefined;
  }
  if ((typ === undefined || typ === 'JWT') && !isValidJSON(payload)) {
    throw new Error('type is JWT but payload is not JSON');
  }
  const signingInput = `${base64UrlRaw(Buffer.from(headers, 'utf8'))}.${base64UrlRaw(Buffer.from(payload, 'utf8'))}`;
  const sig = jwsSign(first.key, alg, Buffer.from(signingInput, 'utf8'));
  return `${signingInput}.${base64UrlRaw(sig)}`;
}

const ANY_OBJECT: RegoType = T.objectOf(T.any, T.any);

export const JWT_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'io.jwt.decode',
    args: [T.string],
    result: T.tuple(ANY_OBJECT, ANY_OBJECT, T.string),
    impl: (args) => {
      const jwt = stringArg('io.jwt.decode', args, 1);
      return guarded('io.jwt.decode', () => decode(jwt));
    },
  },
  // One io.jwt.verify_<alg> per algorithm OPA knows.
  ...[...JWS_ALGORITHMS].map(verifyDef),
  {
    name: 'io.jwt.decode_verify',
    nondeterministic: true,
    args: [T.string, T.objectOf(T.string, T.any)],
    result: T.tuple(T.boolean, ANY_OBJECT, ANY_OBJECT),
    impl: (args, ctx) => {
      const name = 'io.jwt.decode_verify';
      const constraints = objectArg(name, args, 2);
      const jwt = args[0]!;
      if (jwt.kind !== 'string') throw typeErr(name, 1, jwt, 'string');
      return guarded(name, () => decodeVerify(jwt.value, constraints, ctx.nowNs));
    },
  },
  {
    name: 'io.jwt.encode_sign',
    nondeterministic: true,
    args: [T.objectOf(T.string, T.any), T.objectOf(T.string, T.any), T.objectOf(T.string, T.any)],
    result: T.string,
    impl: (args) => {
      const name = 'io.jwt.encode_sign';
      // Go's json.Marshal of the values: sorted keys, HTML-escaped, sets as arrays.
      const [h, p, k] = args.map((a) => toJSON(a));
      return guarded(name, () => str(encodeSign(h!, p!, k!)));
    },
  },
  {
    name: 'io.jwt.encode_sign_raw',
    nondeterministic: true,
    args: [T.string, T.string, T.string],
    result: T.string,
    impl: (args) => {
      const name = 'io.jwt.encode_sign_raw';
      const key = stringArg(name, args, 3);
      const headers = stringArg(name, args, 1);
      const payload = stringArg(name, args, 2);
      return guarded(name, () => str(encodeSign(headers, payload, key)));
    },
  },
];
