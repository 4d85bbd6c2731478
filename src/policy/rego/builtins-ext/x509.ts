// crypto.x509.* and crypto.parse_private_keys built-ins: parsing, chain verification, key pairs, private keys.
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { T, type BuiltinDef, type RegoType } from '../builtin-types.js';
import {
  arr,
  EMPTY_ARRAY,
  FALSE,
  fromJS,
  NULL,
  TRUE,
  type ObjectValue,
  type Value,
} from '../value.js';
import { goBase64Decode } from './go-base64.js';
import { guarded, objectArg, stringArg } from './operands.js';
import { pemDecode, pemEncode } from './pem.js';
import {
  parseCertificate,
  parseCertificateRequest,
  parseCertificates,
  type GoJSON,
  type ParsedCert,
} from './x509-parse.js';
import { lookupTable } from '../lookup-table.js';

function toValue(j: GoJSON): Value {
  return fromJS(j);
}

/** OPA's getX509CertsFromPem: every CERTIFICATE block, then one DER parse of their concatenation. */
function certsFromPem(text: string): ParsedCert[] {
  const ders: Buffer[] = [];
  let rest = text;
  while (rest.length > 0) {
    const d = pemDecode(rest);
    if (d === undefined) break;
    if (d.block.type !== 'CERTIFICATE') {
      throw new Error(`PEM block type is '${d.block.type}', expected CERTIFICATE`);
    }
    ders.push(d.block.bytes);
    rest = d.rest;
  }
  return parseCertificates(Buffer.concat(ders));
}

/** OPA's getX509CertsFromString: PEM, base64 of PEM, or base64 of DER. */
export function certsFromString(certs: string): ParsedCert[] {
  if (certs.startsWith('-----BEGIN')) return certsFromPem(certs);
  const raw = goBase64Decode(certs);
  if (raw.subarray(0, 10).toString('latin1') === '-----BEGIN')
    return certsFromPem(raw.toString('latin1'));
  return parseCertificates(raw);
}

interface VerifyOptions {
  dnsName: string;
  /** Milliseconds since the epoch. */
  now: number;
  keyUsages: number[];
}

const EKU_ANY = 0;
const EKU_SERVER_AUTH = 1;
const EKU_MS_SGC = 10;
const EKU_NS_SGC = 11;

/** Go's checkChainForKeyUsage. */
function chainAllowsUsages(chain: readonly ParsedCert[], usages: readonly number[]): boolean {
  if (usages.includes(EKU_ANY)) return true;
  let remaining = [...usages];
  for (let i = chain.length - 1; i >= 0; i--) {
    const c = chain[i]!;
    if (c.extKeyUsage.length === 0 && !c.hasUnknownExtKeyUsage) continue;
    if (c.extKeyUsage.includes(EKU_ANY)) continue;
    remaining = remaining.filter(
      (u) =>
        c.extKeyUsage.includes(u) ||
        (u === EKU_SERVER_AUTH &&
          (c.extKeyUsage.includes(EKU_MS_SGC) || c.extKeyUsage.includes(EKU_NS_SGC))),
    );
    if (remaining.length === 0) return false;
  }
  return true;
}

function issued(parent: ParsedCert, child: ParsedCert): boolean {
  const p = new X509Certificate(parent.der);
  const c = new X509Certificate(child.der);
  return c.checkIssued(p) && c.verify(p.publicKey);
}

/** OPA's verifyX509CertificateChain: certs[0] is the root, the last the leaf, the rest intermediates. */
function verifyChain(certs: readonly ParsedCert[], opts: VerifyOptions): ParsedCert[] {
  if (certs.length < 2)
    throw new Error('must supply at least two certificates to be able to verify');
  const root = certs[0]!;
  const intermediates = certs.slice(1, -1);
  const leaf = certs[certs.length - 1]!;
  const valid = (c: ParsedCert): boolean => opts.now >= c.notBefore && opts.now <= c.notAfter;
  if (!valid(leaf)) throw new Error('x509: certificate has expired or is not yet valid');
  if (opts.dnsName !== '' && new X509Certificate(leaf.der).checkHost(opts.dnsName) === undefined) {
    throw new Error(`x509: certificate is not valid for ${opts.dnsName}`);
  }
  // Depth-first search from the leaf to the root through unused intermediates.
  const search = (chain: ParsedCert[]): ParsedCert[] | undefined => {
    const current = chain[chain.length - 1]!;
    if (issued(root, current) && valid(root)) return [...chain, root];
    for (const im of intermediates) {
      if (chain.includes(im) || !valid(im)) continue;
      if (!im.basicConstraintsValid || !im.isCA) continue;
      if (!issued(im, current)) continue;
      const found = search([...chain, im]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const chain = search([leaf]);
  if (chain === undefined) throw new Error('x509: certificate signed by unknown authority');
  if (!chainAllowsUsages(chain, opts.keyUsages.length > 0 ? opts.keyUsages : [EKU_SERVER_AUTH])) {
    throw new Error('x509: certificate specifies an incompatible key usage');
  }
  return chain;
}

const KEY_USAGE_NAMES: Readonly<Record<string, number>> = lookupTable({
  KeyUsageAny: 0,
  KeyUsageServerAuth: 1,
  KeyUsageClientAuth: 2,
  KeyUsageCodeSigning: 3,
  KeyUsageEmailProtection: 4,
  KeyUsageIPSECEndSystem: 5,
  KeyUsageIPSECTunnel: 6,
  KeyUsageIPSECUser: 7,
  KeyUsageTimeStamping: 8,
  KeyUsageOCSPSigning: 9,
  KeyUsageMicrosoftServerGatedCrypto: 10,
  KeyUsageNetscapeServerGatedCrypto: 11,
  KeyUsageMicrosoftCommercialCodeSigning: 12,
  KeyUsageMicrosoftKernelCodeSigning: 13,
});

/** OPA's extractVerifyOpts. */
function verifyOptions(o: ObjectValue): VerifyOptions {
  const opts: VerifyOptions = { dnsName: '', now: Date.now(), keyUsages: [] };
  for (const [k, v] of o.entries()) {
    if (k.kind !== 'string') continue;
    switch (k.value) {
      case 'DNSName':
        if (v.kind !== 'string') throw new Error("'DNSName' should be a string");
        opts.dnsName = v.value.replace(/^"+|"+$/g, '');
        break;
      case 'CurrentTime': {
        if (v.kind !== 'number') throw new Error("'CurrentTime' should be a number");
        const ns = v.toBigInt();
        if (ns === undefined) throw new Error("'CurrentTime' should be a valid int64 number");
        opts.now = Number(ns / 1000000n);
        break;
      }
      case 'MaxConstraintComparisons':
        if (v.kind !== 'number') throw new Error("'MaxConstraintComparisons' should be a number");
        if (v.toSafeInt() === undefined)
          throw new Error("'MaxConstraintComparisons' should be a valid number");
        break;
      case 'KeyUsages': {
        if (v.kind !== 'array' && v.kind !== 'set')
          throw new Error("'KeyUsages' should be an Array or Set");
        const invalid: string[] = [];
        for (const u of v.kind === 'array' ? v.items : [...v]) {
          if (u.kind !== 'string') continue;
          const name = u.value.replace(/^"+|"+$/g, '');
          const ku = KEY_USAGE_NAMES[name];
          if (ku === undefined) invalid.push(name);
          else opts.keyUsages.push(ku);
        }
        if (invalid.length > 0)
          throw new Error(`invalid entries for 'KeyUsages' found: [${invalid.join(' ')}]`);
        break;
      }
      default:
        throw new Error('invalid key option');
    }
  }
  return opts;
}

/** Decimal-free JSON of a big integer from base64url (JWK) form. */
function jwkInt(s: unknown): bigint {
  return typeof s === 'string' && s !== ''
    ? BigInt(`0x${Buffer.from(s, 'base64url').toString('hex')}`)
    : 0n;
}

/** A private key as Go's json.Marshal shows *rsa.PrivateKey, *ecdsa.PrivateKey or ed25519.PrivateKey. */
function goPrivateKeyJSON(key: KeyObject): GoJSON {
  const jwk = key.export({ format: 'jwk' }) as Record<string, unknown>;
  if (jwk['kty'] === 'RSA') {
    return {
      N: jwkInt(jwk['n']),
      E: jwkInt(jwk['e']),
      D: jwkInt(jwk['d']),
      Primes: [jwkInt(jwk['p']), jwkInt(jwk['q'])],
      Precomputed: {
        Dp: jwkInt(jwk['dp']),
        Dq: jwkInt(jwk['dq']),
        Qinv: jwkInt(jwk['qi']),
        CRTValues: [],
      },
    };
  }
  if (jwk['kty'] === 'EC') {
    return {
      Curve: { Name: String(jwk['crv']) },
      X: jwkInt(jwk['x']),
      Y: jwkInt(jwk['y']),
      D: jwkInt(jwk['d']),
    };
  }
  // Ed25519: the 64-byte seed || public key.
  const seed = Buffer.from(String(jwk['d']), 'base64url');
  const pub = Buffer.from(String(jwk['x']), 'base64url');
  return Buffer.concat([seed, pub]).toString('base64');
}

const PRIVATE_KEY_BLOCKS: Readonly<Record<string, 'pkcs1' | 'pkcs8' | 'sec1'>> = lookupTable({
  'RSA PRIVATE KEY': 'pkcs1',
  'PRIVATE KEY': 'pkcs8',
  'EC PRIVATE KEY': 'sec1',
});

/** OPA's getPrivateKeysFromPEMData (the input may be base64 of PEM). */
function privateKeysFromPem(pemData: string): KeyObject[] {
  let text = pemData;
  try {
    text = goBase64Decode(pemData).toString('latin1');
  } catch {
    // Not base64: PEM text as given.
  }
  const keys: KeyObject[] = [];
  let rest = text;
  for (;;) {
    const d = pemDecode(rest);
    if (d === undefined) break;
    rest = d.rest;
    const type = PRIVATE_KEY_BLOCKS[d.block.type];
    if (type === undefined) continue;
    try {
      keys.push(createPrivateKey({ key: d.block.bytes, format: 'der', type }));
    } catch (e) {
      throw new Error(
        `x509: failed to parse private key: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  return keys;
}

/** OPA's getTLSx509KeyPairFromString then tls.X509KeyPair, as the JSON of tls.Certificate. */
function parseKeyPair(certText: string, keyText: string): GoJSON {
  const begin = '-----BEGIN ';
  let certPem = certText.startsWith(begin) ? certText : goBase64Decode(certText).toString('latin1');
  let keyPem = keyText.startsWith(begin) ? keyText : goBase64Decode(keyText).toString('latin1');
  if (!certPem.startsWith(begin))
    certPem = pemEncode('CERTIFICATE', Buffer.from(certPem, 'latin1'));
  if (!keyPem.startsWith('-----BEGIN'))
    keyPem = pemEncode('PRIVATE KEY', Buffer.from(keyPem, 'latin1'));
  const certs: Buffer[] = [];
  let rest = certPem;
  for (;;) {
    const d = pemDecode(rest);
    if (d === undefined) break;
    rest = d.rest;
    if (d.block.type === 'CERTIFICATE') certs.push(d.block.bytes);
  }
  if (certs.length === 0) throw new Error('tls: failed to find any PEM data in certificate input');
  const keys = privateKeysFromPem(keyPem);
  const key = keys[0];
  if (key === undefined) throw new Error('tls: failed to find any PEM data in key input');
  const leaf = parseCertificate(certs[0]!);
  const pub = leaf.publicKey;
  const keyPub = createPublicKey(key).export({ format: 'der', type: 'spki' });
  if (pub === undefined || !pub.export({ format: 'der', type: 'spki' }).equals(keyPub)) {
    throw new Error('tls: private key does not match public key');
  }
  return {
    Certificate: certs.map((c) => c.toString('base64')),
    PrivateKey: goPrivateKeyJSON(key),
    SupportedSignatureAlgorithms: null,
    OCSPStaple: null,
    SignedCertificateTimestamps: null,
    Leaf: leaf.json,
  };
}

const CERT_OBJECT: RegoType = T.objectOf(T.string, T.any);

function verifyDef(name: string, withOptions: boolean): BuiltinDef {
  return {
    name,
    args: withOptions ? [T.string, T.objectOf(T.string, T.any)] : [T.string],
    result: T.tuple(T.boolean, T.arrayOf(CERT_OBJECT)),
    impl: (args) => {
      const input = stringArg(name, args, 1);
      const optsObj = withOptions ? objectArg(name, args, 2) : undefined;
      const invalid = arr([FALSE, EMPTY_ARRAY]);
      let certs: ParsedCert[];
      try {
        certs = certsFromString(input);
      } catch {
        return invalid;
      }
      // Like Go's x509 verification, the wall clock unless CurrentTime is given (not time.now_ns).
      const opts = guarded(name, () =>
        optsObj === undefined
          ? { dnsName: '', now: Date.now(), keyUsages: [] }
          : verifyOptions(optsObj),
      );
      try {
        const chain = verifyChain(certs, opts);
        return arr([TRUE, arr(chain.map((c) => toValue(c.json)))]);
      } catch {
        return invalid;
      }
    },
  };
}

export const X509_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'crypto.x509.parse_certificates',
    args: [T.string],
    result: T.arrayOf(CERT_OBJECT),
    impl: (args) => {
      const input = stringArg('crypto.x509.parse_certificates', args, 1);
      return guarded('crypto.x509.parse_certificates', () =>
        arr(certsFromString(input).map((c) => toValue(c.json))),
      );
    },
  },
  verifyDef('crypto.x509.parse_and_verify_certificates', false),
  verifyDef('crypto.x509.parse_and_verify_certificates_with_options', true),
  {
    name: 'crypto.x509.parse_certificate_request',
    args: [T.string],
    result: CERT_OBJECT,
    impl: (args) => {
      const name = 'crypto.x509.parse_certificate_request';
      const input = stringArg(name, args, 1);
      return guarded(name, () => {
        let bytes = input.startsWith('-----BEGIN CERTIFICATE REQUEST-----')
          ? Buffer.from(input, 'utf8')
          : goBase64Decode(input);
        const pem = pemDecode(bytes.toString('latin1'));
        if (pem !== undefined && pem.block.type !== 'CERTIFICATE REQUEST') {
          throw new Error('invalid PEM-encoded certificate signing request');
        }
        if (pem !== undefined) bytes = pem.block.bytes;
        return toValue(parseCertificateRequest(bytes));
      });
    },
  },
  {
    name: 'crypto.x509.parse_keypair',
    args: [T.string, T.string],
    result: CERT_OBJECT,
    impl: (args) => {
      const name = 'crypto.x509.parse_keypair';
      const cert = stringArg(name, args, 1);
      const key = stringArg(name, args, 2);
      return guarded(name, () => toValue(parseKeyPair(cert, key)));
    },
  },
  {
    name: 'crypto.x509.parse_rsa_private_key',
    args: [T.string],
    result: CERT_OBJECT,
    impl: (args) => {
      const name = 'crypto.x509.parse_rsa_private_key';
      const input = stringArg(name, args, 1);
      return guarded(name, () => {
        if (input === '') throw new Error('input PEM data was empty');
        const text = input.startsWith('-----BEGIN')
          ? input
          : goBase64Decode(input).toString('latin1');
        const key = privateKeysFromPem(text)[0];
        if (key === undefined) return NULL;
        return fromJS(key.export({ format: 'jwk' }));
      });
    },
  },
  {
    name: 'crypto.parse_private_keys',
    args: [T.string],
    result: T.arrayOf(CERT_OBJECT),
    impl: (args) => {
      const name = 'crypto.parse_private_keys';
      const input = stringArg(name, args, 1);
      if (input === '') return NULL;
      return guarded(name, () =>
        arr(privateKeysFromPem(input).map((k) => toValue(goPrivateKeyJSON(k)))),
      );
    },
  },
];
