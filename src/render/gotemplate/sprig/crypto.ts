// Sprig's crypto functions on node:crypto: hashes, adler32, bcrypt/htpasswd, derivePassword (scrypt),
// AES-CBC, random bytes, UUIDs, private keys and X.509 certificates built as Go's x509 builds them.
import type { KeyObject } from 'node:crypto';
import {
  X509Certificate,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  scryptSync,
  sign,
} from 'node:crypto';
import { isIP } from 'node:net';
import { sprintf } from '../fmt.js';
import { GoError, GoStruct, T, T2, structType, goBytes, goString } from '../value.js';
import type { GoFunc, GoValue } from '../value.js';
import { bcryptHash } from './bcrypt.js';
import { fn } from './def.js';
import { base64Decode } from './encoding.js';

const S = T.string;
const I = T.int;

const certificateType = structType('sprig.certificate', [
  { name: 'Cert', type: T.string },
  { name: 'Key', type: T.string },
]);

function certificate(cert: string, key: string): GoStruct {
  return new GoStruct(certificateType, { Cert: cert, Key: key });
}

function hex(alg: string, input: string): string {
  return createHash(alg).update(goBytes(input)).digest('hex');
}

function adler32(input: string): number {
  let a = 1;
  let b = 0;
  for (const c of goBytes(input)) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function bcrypt(input: string): string {
  try {
    return bcryptHash(input, 10);
  } catch (e) {
    return `failed to encrypt string with bcrypt: ${(e as Error).message}`;
  }
}

// ---- derivePassword (Master Password algorithm) ----

const PASSWORD_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv',
    'CvcvCvcvnoCvcv',
    'CvcvCvcvCvcvno',
    'CvccnoCvcvCvcv',
    'CvccCvcvnoCvcv',
    'CvccCvcvCvcvno',
    'CvcvnoCvccCvcv',
    'CvcvCvccnoCvcv',
    'CvcvCvccCvcvno',
    'CvcvnoCvcvCvcc',
    'CvcvCvcvnoCvcc',
    'CvcvCvcvCvccno',
    'CvccnoCvccCvcv',
    'CvccCvccnoCvcv',
    'CvccCvccCvcvno',
    'CvcvnoCvccCvcc',
    'CvcvCvccnoCvcc',
    'CvcvCvccCvccno',
    'CvccnoCvcvCvcc',
    'CvccCvcvnoCvcc',
    'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};
const TEMPLATE_CHARS: Readonly<Record<string, string>> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function derivePassword(
  counter: number,
  passwordType: string,
  password: string,
  user: string,
  site: string,
): string {
  const templates = PASSWORD_TEMPLATES[passwordType];
  if (templates === undefined) return `cannot find password template ${passwordType}`;
  const seedText = Buffer.from('com.lyndir.masterpassword');
  const userB = Buffer.from(user, 'utf8');
  const salt = Buffer.concat([seedText, u32(userB.length), userB]);
  const key = scryptSync(Buffer.from(password, 'utf8'), salt, 64, {
    N: 32768,
    r: 8,
    p: 2,
    maxmem: 256 * 1024 * 1024,
  });
  const siteB = Buffer.from(site, 'utf8');
  const msg = Buffer.concat([seedText, u32(siteB.length), siteB, u32(counter)]);
  const seed = createHmac('sha256', key).update(msg).digest();
  const temp = templates[(seed[0] as number) % templates.length] as string;
  let out = '';
  for (let i = 0; i < temp.length; i++) {
    const chars = TEMPLATE_CHARS[temp[i] as string] as string;
    out += chars[(seed[i + 1] as number) % chars.length];
  }
  return out;
}

// ---- AES ----

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  goBytes(password).copy(key, 0, 0, 32);
  return key;
}

function encryptAES(password: string, plaintext: string): string {
  if (plaintext === '') return '';
  const content = goBytes(plaintext);
  const padding = 16 - (content.length % 16);
  const padded = Buffer.concat([content, Buffer.alloc(padding, padding)]);
  const iv = randomBytes(16);
  const c = createCipheriv('aes-256-cbc', aesKey(password), iv);
  c.setAutoPadding(false);
  return Buffer.concat([iv, c.update(padded), c.final()]).toString('base64');
}

function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  let crypt: Buffer;
  try {
    crypt = base64Decode(crypt64);
  } catch (e) {
    throw new GoError((e as Error).message);
  }
  const iv = crypt.subarray(0, 16);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new GoError('crypto/cipher: input not full blocks');
  const d = createDecipheriv('aes-256-cbc', aesKey(password), iv);
  d.setAutoPadding(false);
  const dec = Buffer.concat([d.update(body), d.final()]);
  const pad = dec[dec.length - 1] ?? 0;
  return goString(dec.subarray(0, dec.length - pad));
}

// ---- DER ----

function derLen(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
function der(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLen(body.length), body]);
}
const seq = (...items: Buffer[]): Buffer => der(0x30, Buffer.concat(items));
function derInt(v: bigint): Buffer {
  let h = v.toString(16);
  if (h.length % 2) h = '0' + h;
  let b = Buffer.from(h, 'hex');
  if ((b[0] as number) & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return der(0x02, b);
}
function derOid(oid: string): Buffer {
  const parts = oid.split('.').map(Number);
  const out: number[] = [(parts[0] as number) * 40 + (parts[1] as number)];
  for (const p of parts.slice(2)) {
    const bytes: number[] = [];
    let v = p;
    bytes.unshift(v & 0x7f);
    while ((v >>>= 7) > 0) bytes.unshift(0x80 | (v & 0x7f));
    out.push(...bytes);
  }
  return der(0x06, Buffer.from(out));
}
const derBool = (v: boolean): Buffer => der(0x01, Buffer.from([v ? 0xff : 0]));
const derOctets = (b: Buffer): Buffer => der(0x04, b);
const derBits = (b: Buffer, unused = 0): Buffer =>
  der(0x03, Buffer.concat([Buffer.from([unused]), b]));

function derString(s: string): Buffer {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?*&]*$/.test(s);
  return der(printable ? 0x13 : 0x0c, Buffer.from(s, 'utf8'));
}
function derTime(d: Date): Buffer {
  const y = d.getUTCFullYear();
  const p = (n: number): string => String(n).padStart(2, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return der(0x17, Buffer.from(p(y % 100) + rest));
  return der(0x18, Buffer.from(String(y).padStart(4, '0') + rest));
}

/** The elements of a DER SEQUENCE (offsets into `b`). */
function derChildren(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const { start, end } = derBody(b, 0);
  let i = start;
  while (i < end) {
    const h = derBody(b, i);
    out.push(b.subarray(i, h.end));
    i = h.end;
  }
  return out;
}
function derBody(b: Buffer, at: number): { start: number; end: number } {
  let i = at + 1;
  let len = b[i] as number;
  i++;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + (b[i + k] as number);
    i += n;
  }
  return { start: i, end: i + len };
}

function pem(type: string, body: Buffer): string {
  const b64 = body.toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${type}-----\n`;
}

function pemDecode(text: string): { type: string; body: Buffer } | undefined {
  const m = /-----BEGIN ([^-\n]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) return undefined;
  const lines = (m[2] ?? '').split(/\r?\n/).filter((l) => !l.includes(':'));
  return { type: m[1] ?? '', body: Buffer.from(lines.join(''), 'base64') };
}

// ---- keys ----

type KeyKind = 'rsa' | 'ec' | 'ed25519' | 'dsa';

function keyKind(k: KeyObject): KeyKind {
  const t = k.asymmetricKeyType;
  if (t === 'rsa' || t === 'ec' || t === 'ed25519' || t === 'dsa') return t;
  throw new GoError(`unable to get public key for type ${t ?? 'unknown'}`);
}

/** The PEM Go's pemBlockForKey writes for a private key. */
function privateKeyPem(k: KeyObject): string {
  switch (keyKind(k)) {
    case 'rsa':
      return k.export({ type: 'pkcs1', format: 'pem' }) as string;
    case 'ec':
      return k.export({ type: 'sec1', format: 'pem' }) as string;
    case 'dsa':
      return pem('DSA PRIVATE KEY', dsaKeyDer(k));
    default:
      return k.export({ type: 'pkcs8', format: 'pem' }) as string;
  }
}

/** Go's DSAKeyFormat {Version, P, Q, G, Y, X}. */
function dsaKeyDer(k: KeyObject): Buffer {
  // PKCS#8: SEQUENCE { version, SEQUENCE { oid, SEQUENCE { p, q, g } }, OCTET STRING { INTEGER x } }
  const p8 = k.export({ type: 'pkcs8', format: 'der' });
  const [, alg, priv] = derChildren(p8) as [Buffer, Buffer, Buffer];
  const params = derChildren(alg)[1] as Buffer;
  const [p, q, g] = derChildren(params) as [Buffer, Buffer, Buffer];
  const xb = priv.subarray(derBody(priv, 0).start);
  const x = intOf(xb);
  const y = modPow(intOf(g), x, intOf(p));
  return seq(derInt(0n), p, q, g, derInt(y), derInt(x));
}
function intOf(b: Buffer): bigint {
  const { start, end } = derBody(b, 0);
  return BigInt('0x' + (b.subarray(start, end).toString('hex') || '0'));
}
function modPow(base0: bigint, exp0: bigint, mod: bigint): bigint {
  let r = 1n;
  let base = base0 % mod;
  let exp = exp0;
  while (exp > 0n) {
    if (exp & 1n) r = (r * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return r;
}

function generatePrivateKey(typ: string): string {
  let key: KeyObject;
  try {
    switch (typ) {
      case '':
      case 'rsa':
        key = generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey;
        break;
      case 'dsa':
        key = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).privateKey;
        break;
      case 'ecdsa':
        key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
        break;
      case 'ed25519':
        key = generateKeyPairSync('ed25519').privateKey;
        break;
      default:
        return 'Unknown type ' + typ;
    }
  } catch (e) {
    return `failed to generate private key: ${(e as Error).message}`;
  }
  return privateKeyPem(key);
}

/** Sprig's parsePrivateKeyPEM. */
function parsePrivateKeyPem(text: string): KeyObject {
  const block = pemDecode(text);
  if (block === undefined) throw new GoError('no PEM data in input');
  if (block.type !== 'PRIVATE KEY' && !block.type.endsWith(' PRIVATE KEY')) {
    throw new GoError(`no private key data in PEM block of type ${block.type}`);
  }
  const kind = block.type.slice(0, -12);
  if (block.type !== 'PRIVATE KEY' && !['RSA', 'EC', 'DSA'].includes(kind)) {
    throw new GoError(`invalid private key type ${block.type}`);
  }
  try {
    return createPrivateKey({ key: text, format: 'pem' });
  } catch (e) {
    const what =
      block.type === 'PRIVATE KEY'
        ? 'decoding PEM as PKCS#8'
        : `parsing ${kind} private key from PEM`;
    throw new GoError(`${what}: ${(e as Error).message}`);
  }
}

// ---- certificates ----

interface CertTemplate {
  readonly cn: string;
  readonly ips: readonly Buffer[];
  readonly dns: readonly string[];
  readonly daysValid: number;
  readonly isCA: boolean;
}

function ipBytes(s: string): Buffer | undefined {
  const v = isIP(s);
  if (v === 4) return Buffer.from(s.split('.').map(Number));
  if (v === 6) {
    const [head = '', tail = ''] = s.split('::');
    const parse = (p: string): number[] =>
      p === ''
        ? []
        : p
            .split(':')
            .flatMap((h) =>
              h.includes('.')
                ? [...(ipBytes(h) ?? [])].reduce<number[]>(
                    (acc, b, i) =>
                      i % 2
                        ? [...acc.slice(0, -1), (acc[acc.length - 1] as number) * 256 + b]
                        : [...acc, b],
                    [],
                  )
                : [parseInt(h, 16)],
            );
    const hs = parse(head);
    const ts = parse(tail);
    const groups = s.includes('::')
      ? [...hs, ...new Array<number>(8 - hs.length - ts.length).fill(0), ...ts]
      : hs;
    const out = Buffer.alloc(16);
    groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
    // Go writes IPv4-mapped addresses in 4 bytes.
    if (out.subarray(0, 10).every((b) => b === 0) && out[10] === 0xff && out[11] === 0xff)
      return out.subarray(12);
    return out;
  }
  return undefined;
}

function netIPs(ips: GoValue): Buffer[] {
  if (ips === null || ips === undefined) return [];
  const out: Buffer[] = [];
  for (const ip of ips as GoValue[]) {
    if (typeof ip !== 'string')
      throw new GoError(`error parsing ip: ${sprintf('%v', [ip ?? null])} is not a string`);
    const b = ipBytes(ip);
    if (b === undefined) throw new GoError(`error parsing ip: ${ip}`);
    out.push(b);
  }
  return out;
}
function dnsNames(names: GoValue): string[] {
  if (names === null || names === undefined) return [];
  return (names as GoValue[]).map((n) => {
    if (typeof n !== 'string') {
      throw new GoError(
        `error processing alternate dns name: ${sprintf('%v', [n ?? null])} is not a string`,
      );
    }
    return n;
  });
}

function nameDer(cn: string): Buffer {
  if (cn === '') return seq();
  return seq(der(0x31, seq(derOid('2.5.4.3'), derString(cn))));
}

function signatureAlgorithm(k: KeyObject): { alg: Buffer; sign: (tbs: Buffer) => Buffer } {
  switch (keyKind(k)) {
    case 'rsa':
      return {
        alg: seq(derOid('1.2.840.113549.1.1.11'), der(0x05, Buffer.alloc(0))),
        sign: (t) => sign('sha256', t, k),
      };
    case 'ec':
      return {
        alg: seq(derOid('1.2.840.10045.4.3.2')),
        sign: (t) => sign('sha256', t, { key: k, dsaEncoding: 'der' }),
      };
    case 'ed25519':
      return { alg: seq(derOid('1.3.101.112')), sign: (t) => sign(null, t, k) };
    default:
      throw new GoError(
        'error creating certificate: x509: only RSA, ECDSA and Ed25519 keys supported',
      );
  }
}

/** The subjectPublicKey BIT STRING's bytes of a key (what the key identifiers hash). */
function publicKeyBits(spki: Buffer): Buffer {
  const parts = derChildren(spki);
  const bits = parts[1] as Buffer;
  return bits.subarray(derBody(bits, 0).start + 1);
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? seq(derOid(oid), derBool(true), derOctets(value))
    : seq(derOid(oid), derOctets(value));
}

/** x509.CreateCertificate for Sprig's templates; returns the certificate and key PEMs. */
function createCertificate(
  t: CertTemplate,
  signee: KeyObject,
  parent: { subject: Buffer; skid?: Buffer } | undefined,
  signer: KeyObject,
): GoStruct {
  const subject = nameDer(t.cn);
  const issuer = parent?.subject ?? subject;
  const spki = createPublicKey(signee).export({ type: 'spki', format: 'der' });
  const { alg, sign: signTbs } = signatureAlgorithm(signer);
  const serial = BigInt('0x' + randomBytes(16).toString('hex'));
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const notAfter = new Date(now.getTime() + t.daysValid * 86400000);
  const keyUsage = t.isCA ? 0b10100100 : 0b10100000;
  const exts: Buffer[] = [
    extension('2.5.29.15', true, derBits(Buffer.from([keyUsage]), t.isCA ? 2 : 5)),
    extension('2.5.29.37', false, seq(derOid('1.3.6.1.5.5.7.3.1'), derOid('1.3.6.1.5.5.7.3.2'))),
    extension('2.5.29.19', true, t.isCA ? seq(derBool(true)) : seq()),
  ];
  let skid: Buffer | undefined;
  if (t.isCA) {
    skid = createHash('sha256').update(publicKeyBits(spki)).digest().subarray(0, 20);
    exts.push(extension('2.5.29.14', false, derOctets(skid)));
  }
  if (parent?.skid && !issuer.equals(subject))
    exts.push(extension('2.5.29.35', false, seq(der(0x80, parent.skid))));
  if (t.dns.length > 0 || t.ips.length > 0) {
    const names = [
      ...t.dns.map((d) => der(0x82, Buffer.from(d, 'utf8'))),
      ...t.ips.map((ip) => der(0x87, ip)),
    ];
    exts.push(extension('2.5.29.17', false, seq(...names)));
  }
  const tbs = seq(
    der(0xa0, derInt(2n)),
    derInt(serial),
    alg,
    issuer,
    seq(derTime(now), derTime(notAfter)),
    subject,
    spki,
    der(0xa3, seq(...exts)),
  );
  const cert = seq(tbs, alg, derBits(signTbs(tbs)));
  return certificate(pem('CERTIFICATE', cert), privateKeyPem(signee));
}

function newRsaKey(): KeyObject {
  try {
    return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  } catch (e) {
    throw new GoError(`error generating rsa key: ${(e as Error).message}`);
  }
}

function withKey(privPEM: string): KeyObject {
  try {
    return parsePrivateKeyPem(privPEM);
  } catch (e) {
    throw new GoError(`parsing private key: ${(e as Error).message}`);
  }
}

function caTemplate(cn: string, days: number): CertTemplate {
  return { cn, ips: [], dns: [], daysValid: days, isCA: true };
}

const asText = (v: GoValue): string => (typeof v === 'string' ? v : '');

function signedBy(ca: GoValue): { subject: Buffer; skid?: Buffer; key: KeyObject } {
  const c = ca as GoStruct;
  const block = pemDecode(asText(c.field('Cert')));
  if (block === undefined) throw new GoError('unable to decode certificate');
  try {
    new X509Certificate(block.body);
  } catch (e) {
    throw new GoError(
      `error parsing certificate: decodedSignerCert.Bytes: ${(e as Error).message}`,
    );
  }
  let key: KeyObject;
  try {
    key = parsePrivateKeyPem(asText(c.field('Key')));
  } catch (e) {
    throw new GoError(`error parsing private key: ${(e as Error).message}`);
  }
  // The issuer's subject, as it is encoded in its certificate: the sixth element of the TBS.
  const tbs = derChildren(block.body)[0] as Buffer;
  const subject = derChildren(tbs)[5] as Buffer;
  const skid = subjectKeyIdOf(tbs);
  return { subject, ...(skid ? { skid } : {}), key };
}

function subjectKeyIdOf(tbs: Buffer): Buffer | undefined {
  const parts = derChildren(tbs);
  const extsWrap = parts.find((p) => p[0] === 0xa3);
  if (!extsWrap) return undefined;
  const exts = derChildren(extsWrap.subarray(derBody(extsWrap, 0).start));
  for (const e of exts) {
    const fields = derChildren(e);
    const oid = fields[0] as Buffer;
    if (oid.equals(derOid('2.5.29.14'))) {
      const value = fields[fields.length - 1] as Buffer;
      const inner = value.subarray(derBody(value, 0).start);
      return inner.subarray(derBody(inner, 0).start, derBody(inner, 0).end);
    }
  }
  return undefined;
}

function buildCustomCert(b64cert: string, b64key: string): GoStruct {
  let cert: Buffer;
  let key: Buffer;
  try {
    cert = base64Decode(b64cert);
  } catch {
    throw new GoError('unable to decode base64 certificate');
  }
  try {
    key = base64Decode(b64key);
  } catch {
    throw new GoError('unable to decode base64 private key');
  }
  const block = pemDecode(cert.toString('utf8'));
  if (block === undefined) throw new GoError('unable to decode certificate');
  try {
    new X509Certificate(block.body);
  } catch (e) {
    throw new GoError(`error parsing certificate: decodedCert.Bytes: ${(e as Error).message}`);
  }
  try {
    parsePrivateKeyPem(key.toString('utf8'));
  } catch (e) {
    throw new GoError(`error parsing private key: ${(e as Error).message}`);
  }
  return certificate(cert.toString('utf8'), key.toString('utf8'));
}

const SA = T2.sliceAny;
const C = certificateType;
const opts = { errors: true } as const;

export const cryptoFuncs: Readonly<Record<string, GoFunc>> = {
  sha1sum: fn([S], S, (s: string) => hex('sha1', s)),
  sha256sum: fn([S], S, (s: string) => hex('sha256', s)),
  sha512sum: fn([S], S, (s: string) => hex('sha512', s)),
  adler32sum: fn([S], S, (s: string) => String(adler32(s))),
  bcrypt: fn([S], S, bcrypt),
  htpasswd: fn([S, S], S, (user: string, pass: string) =>
    user.includes(':') ? `invalid username: ${user}` : `${user}:${bcrypt(pass)}`,
  ),
  derivePassword: fn([T.uint32, S, S, S, S], S, derivePassword),
  genPrivateKey: fn([S], S, generatePrivateKey),
  buildCustomCert: fn([S, S], C, buildCustomCert, opts),
  genCA: fn(
    [S, I],
    C,
    (cn: string, days: number) => {
      const k = newRsaKey();
      return createCertificate(caTemplate(cn, days), k, undefined, k);
    },
    opts,
  ),
  genCAWithKey: fn(
    [S, I, S],
    C,
    (cn: string, days: number, key: string) => {
      const k = withKey(key);
      return createCertificate(caTemplate(cn, days), k, undefined, k);
    },
    opts,
  ),
  genSelfSignedCert: fn(
    [S, SA, SA, I],
    C,
    (cn: string, ips: GoValue, dns: GoValue, days: number) => {
      const t = { cn, ips: netIPs(ips), dns: dnsNames(dns), daysValid: days, isCA: false };
      const k = newRsaKey();
      return createCertificate(t, k, undefined, k);
    },
    opts,
  ),
  genSelfSignedCertWithKey: fn(
    [S, SA, SA, I, S],
    C,
    (cn: string, ips: GoValue, dns: GoValue, days: number, key: string) => {
      const k = withKey(key);
      const t = { cn, ips: netIPs(ips), dns: dnsNames(dns), daysValid: days, isCA: false };
      return createCertificate(t, k, undefined, k);
    },
    opts,
  ),
  genSignedCert: fn(
    [S, SA, SA, I, C],
    C,
    (cn: string, ips: GoValue, dns: GoValue, days: number, ca: GoValue) => {
      const k = newRsaKey();
      const signer = signedBy(ca);
      const t = { cn, ips: netIPs(ips), dns: dnsNames(dns), daysValid: days, isCA: false };
      return createCertificate(t, k, signer, signer.key);
    },
    opts,
  ),
  genSignedCertWithKey: fn(
    [S, SA, SA, I, C, S],
    C,
    (cn: string, ips: GoValue, dns: GoValue, days: number, ca: GoValue, key: string) => {
      const k = withKey(key);
      const signer = signedBy(ca);
      const t = { cn, ips: netIPs(ips), dns: dnsNames(dns), daysValid: days, isCA: false };
      return createCertificate(t, k, signer, signer.key);
    },
    opts,
  ),
  encryptAES: fn([S, S], S, encryptAES, opts),
  decryptAES: fn([S, S], S, decryptAES, opts),
  randBytes: fn([I], S, (n: number) => randomBytes(Math.max(0, n)).toString('base64'), opts),
  uuidv4: fn([], S, () => randomUUID()),
};
