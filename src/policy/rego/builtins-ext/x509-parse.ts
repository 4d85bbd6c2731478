// X.509 certificates and CSRs decoded into the JSON shape of Go's x509.Certificate / x509.CertificateRequest.
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  bitString,
  children,
  DerError,
  integer,
  isContext,
  isUniversal,
  oidParts,
  oidString,
  parseDer,
  readNode,
  stringValue,
  TAG,
  timeValue,
  type DerNode,
} from './der.js';
import { ipString } from './ip-net.js';

/** Plain JSON data in Go's encoding (bytes as base64 strings, big integers as bigint). */
export type GoJSON = null | boolean | number | bigint | string | GoJSON[] | { [k: string]: GoJSON };

const b64 = (b: Buffer): string => b.toString('base64');

const SIGNATURE_ALGORITHMS: Readonly<Record<string, number>> = {
  '1.2.840.113549.1.1.2': 1,
  '1.2.840.113549.1.1.4': 2,
  '1.2.840.113549.1.1.5': 3,
  '1.2.840.113549.1.1.11': 4,
  '1.2.840.113549.1.1.12': 5,
  '1.2.840.113549.1.1.13': 6,
  '1.2.840.10040.4.3': 7,
  '2.16.840.1.101.3.4.3.2': 8,
  '1.2.840.10045.4.1': 9,
  '1.2.840.10045.4.3.2': 10,
  '1.2.840.10045.4.3.3': 11,
  '1.2.840.10045.4.3.4': 12,
  '1.2.840.113549.1.1.10': 13,
  '1.3.101.112': 16,
};

const PUBLIC_KEY_ALGORITHMS: Readonly<Record<string, number>> = {
  '1.2.840.113549.1.1.1': 1,
  '1.2.840.10040.4.1': 2,
  '1.2.840.10045.2.1': 3,
  '1.3.101.112': 4,
};

/** Go's x509.ExtKeyUsage numbering. */
export const EXT_KEY_USAGES: Readonly<Record<string, number>> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
  '1.3.6.1.4.1.311.10.3.3': 10,
  '2.16.840.1.113730.4.1': 11,
  '1.3.6.1.4.1.311.2.1.22': 12,
  '1.3.6.1.4.1.311.61.1.1': 13,
};

const NAME_FIELDS: Readonly<Record<string, string>> = {
  '2.5.4.6': 'Country',
  '2.5.4.10': 'Organization',
  '2.5.4.11': 'OrganizationalUnit',
  '2.5.4.7': 'Locality',
  '2.5.4.8': 'Province',
  '2.5.4.9': 'StreetAddress',
  '2.5.4.17': 'PostalCode',
};

function attrValue(n: DerNode): GoJSON {
  if (n.cls === 0 && (n.tag === TAG.INTEGER || n.tag === TAG.BOOLEAN)) {
    return n.tag === TAG.BOOLEAN ? n.content[0] !== 0 : integer(n);
  }
  return stringValue(n);
}

/** pkix.Name filled from an RDN sequence. */
function parseName(n: DerNode): { [k: string]: GoJSON } {
  const lists: Record<string, string[]> = {};
  let commonName = '';
  let serialNumber = '';
  const names: GoJSON[] = [];
  for (const rdn of children(n)) {
    for (const atv of children(rdn)) {
      const [t, v] = children(atv);
      if (t === undefined || v === undefined) throw new DerError('x509: invalid RDN');
      const oid = oidString(t);
      const value = attrValue(v);
      names.push({ Type: oidParts(t), Value: value });
      if (typeof value !== 'string') continue;
      if (oid === '2.5.4.3') commonName = value;
      else if (oid === '2.5.4.5') serialNumber = value;
      else {
        const field = NAME_FIELDS[oid];
        if (field !== undefined) (lists[field] ??= []).push(value);
      }
    }
  }
  const out: { [k: string]: GoJSON } = {};
  for (const f of [
    'Country',
    'Organization',
    'OrganizationalUnit',
    'Locality',
    'Province',
    'StreetAddress',
    'PostalCode',
  ]) {
    out[f] = lists[f] ?? null;
  }
  out['SerialNumber'] = serialNumber;
  out['CommonName'] = commonName;
  out['Names'] = names;
  out['ExtraNames'] = null;
  return out;
}

const CURVE_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

/** The public key as Go marshals it, plus a node:crypto key object when the type is supported. */
function parsePublicKey(spki: DerNode): {
  algorithm: number;
  json: GoJSON;
  key: KeyObject | undefined;
} {
  const [alg, bits] = children(spki);
  if (alg === undefined || bits === undefined) throw new DerError('x509: malformed spki');
  const [algOid, params] = children(alg);
  const oid = algOid === undefined ? '' : oidString(algOid);
  const algorithm = PUBLIC_KEY_ALGORITHMS[oid] ?? 0;
  const { bytes } = bitString(bits);
  let key: KeyObject | undefined;
  try {
    key = createPublicKey({ key: spki.raw, format: 'der', type: 'spki' });
  } catch {
    key = undefined;
  }
  let json: GoJSON = null;
  if (algorithm === 1) {
    const [n, e] = children(parseDer(bytes));
    if (n === undefined || e === undefined) throw new DerError('x509: malformed RSA key');
    json = { N: integer(n), E: integer(e) };
  } else if (algorithm === 3) {
    const curve =
      params !== undefined && isUniversal(params, TAG.OID)
        ? (CURVE_NAMES[oidString(params)] ?? '')
        : '';
    const size = (bytes.length - 1) / 2;
    json = {
      Curve: { Name: curve },
      X: BigInt(`0x${bytes.subarray(1, 1 + size).toString('hex') || '0'}`),
      Y: BigInt(`0x${bytes.subarray(1 + size).toString('hex') || '0'}`),
    };
  } else if (algorithm === 4) {
    json = b64(bytes);
  }
  return { algorithm, json, key };
}

interface GeneralNames {
  dns: string[];
  email: string[];
  ip: string[];
  uri: string[];
}

function parseGeneralNames(seq: DerNode, into: GeneralNames): void {
  for (const gn of children(seq)) {
    if (gn.cls !== 2) continue;
    if (gn.tag === 1) into.email.push(gn.content.toString('latin1'));
    else if (gn.tag === 2) into.dns.push(gn.content.toString('latin1'));
    else if (gn.tag === 6) into.uri.push(gn.content.toString('latin1'));
    else if (gn.tag === 7 && (gn.content.length === 4 || gn.content.length === 16)) {
      into.ip.push(
        ipString({
          bits: gn.content.length === 4 ? 32 : 128,
          value: BigInt(`0x${gn.content.toString('hex')}`),
        }),
      );
    }
  }
}

/** A url.URL struct as Go marshals it. */
function goURL(s: string): GoJSON {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(\/\/([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$/.exec(s);
  if (m === null)
    return {
      Scheme: '',
      Opaque: '',
      User: null,
      Host: '',
      Path: s,
      RawPath: '',
      OmitHost: false,
      ForceQuery: false,
      RawQuery: '',
      Fragment: '',
      RawFragment: '',
    };
  const hasAuthority = m[2] !== undefined;
  return {
    Scheme: m[1]!.toLowerCase(),
    Opaque: hasAuthority ? '' : m[4]!,
    User: null,
    Host: m[3] ?? '',
    Path: hasAuthority ? m[4]! : '',
    RawPath: '',
    OmitHost: false,
    ForceQuery: false,
    RawQuery: m[6] ?? '',
    Fragment: m[8] ?? '',
    RawFragment: '',
  };
}

interface Extensions {
  list: GoJSON[];
  names: GeneralNames;
  fields: { [k: string]: GoJSON };
  unhandledCritical: GoJSON[];
}

const HANDLED_CRITICAL = new Set([
  '2.5.29.15',
  '2.5.29.19',
  '2.5.29.17',
  '2.5.29.37',
  '2.5.29.30',
  '2.5.29.32',
]);

function parseExtensions(exts: DerNode[] | undefined): Extensions {
  const names: GeneralNames = { dns: [], email: [], ip: [], uri: [] };
  const fields: { [k: string]: GoJSON } = {
    KeyUsage: 0,
    ExtKeyUsage: null,
    UnknownExtKeyUsage: null,
    BasicConstraintsValid: false,
    IsCA: false,
    MaxPathLen: 0,
    MaxPathLenZero: false,
    SubjectKeyId: null,
    AuthorityKeyId: null,
    OCSPServer: null,
    IssuingCertificateURL: null,
    CRLDistributionPoints: null,
    PolicyIdentifiers: null,
  };
  const list: GoJSON[] = [];
  const unhandledCritical: GoJSON[] = [];
  for (const ext of exts ?? []) {
    const parts = children(ext);
    const oidNode = parts[0];
    if (oidNode === undefined) throw new DerError('x509: malformed extension');
    const critical = isUniversal(parts[1], TAG.BOOLEAN) ? parts[1].content[0] !== 0 : false;
    const valueNode = parts[parts.length - 1]!;
    const value = valueNode.content;
    const oid = oidString(oidNode);
    list.push({ Id: oidParts(oidNode), Critical: critical, Value: b64(value) });
    const inner = (): DerNode => parseDer(value);
    switch (oid) {
      case '2.5.29.17':
        parseGeneralNames(inner(), names);
        break;
      case '2.5.29.19': {
        const [ca, pathLen] = children(inner());
        let isCA = false;
        let maxPathLen = -1;
        if (isUniversal(ca, TAG.BOOLEAN)) isCA = ca.content[0] !== 0;
        const lenNode = isUniversal(ca, TAG.INTEGER) ? ca : pathLen;
        if (isUniversal(lenNode, TAG.INTEGER)) maxPathLen = Number(integer(lenNode));
        fields['BasicConstraintsValid'] = true;
        fields['IsCA'] = isCA;
        fields['MaxPathLen'] = maxPathLen;
        fields['MaxPathLenZero'] = maxPathLen === 0;
        break;
      }
      case '2.5.29.15': {
        const { bytes } = bitString(inner());
        let usage = 0;
        for (let i = 0; i < 9; i++) {
          const byte = bytes[i >> 3] ?? 0;
          if (byte & (0x80 >> (i & 7))) usage |= 1 << i;
        }
        fields['KeyUsage'] = usage;
        break;
      }
      case '2.5.29.37': {
        const known: GoJSON[] = [];
        const unknown: GoJSON[] = [];
        for (const o of children(inner())) {
          const k = EXT_KEY_USAGES[oidString(o)];
          if (k !== undefined) known.push(k);
          else unknown.push(oidParts(o));
        }
        fields['ExtKeyUsage'] = known.length > 0 ? known : null;
        fields['UnknownExtKeyUsage'] = unknown.length > 0 ? unknown : null;
        break;
      }
      case '2.5.29.14':
        fields['SubjectKeyId'] = b64(inner().content);
        break;
      case '2.5.29.35': {
        const keyId = children(inner()).find((c) => isContext(c, 0));
        if (keyId !== undefined) fields['AuthorityKeyId'] = b64(keyId.content);
        break;
      }
      case '1.3.6.1.5.5.7.1.1': {
        const ocsp: string[] = [];
        const issuers: string[] = [];
        for (const ad of children(inner())) {
          const [method, location] = children(ad);
          if (method === undefined || !isContext(location, 6)) continue;
          const m = oidString(method);
          if (m === '1.3.6.1.5.5.7.48.1') ocsp.push(location.content.toString('latin1'));
          else if (m === '1.3.6.1.5.5.7.48.2') issuers.push(location.content.toString('latin1'));
        }
        fields['OCSPServer'] = ocsp.length > 0 ? ocsp : null;
        fields['IssuingCertificateURL'] = issuers.length > 0 ? issuers : null;
        break;
      }
      case '2.5.29.31': {
        const urls: string[] = [];
        for (const dp of children(inner())) {
          const dpName = children(dp).find((c) => isContext(c, 0));
          if (dpName === undefined) continue;
          for (const full of children(dpName)) {
            if (!isContext(full, 0)) continue;
            for (const gn of children(full))
              if (isContext(gn, 6)) urls.push(gn.content.toString('latin1'));
          }
        }
        fields['CRLDistributionPoints'] = urls.length > 0 ? urls : null;
        break;
      }
      case '2.5.29.32': {
        const ids: GoJSON[] = [];
        for (const pi of children(inner())) {
          const first = children(pi)[0];
          if (first !== undefined) ids.push(oidParts(first));
        }
        fields['PolicyIdentifiers'] = ids.length > 0 ? ids : null;
        break;
      }
      default:
        if (critical && !HANDLED_CRITICAL.has(oid)) unhandledCritical.push(oidParts(oidNode));
    }
  }
  return { list, names, fields, unhandledCritical };
}

/** A parsed certificate: the Go-shaped JSON and what verification needs. */
export interface ParsedCert {
  readonly der: Buffer;
  readonly json: { [k: string]: GoJSON };
  readonly notBefore: number;
  readonly notAfter: number;
  readonly isCA: boolean;
  readonly basicConstraintsValid: boolean;
  readonly keyUsage: number;
  readonly extKeyUsage: readonly number[];
  readonly hasUnknownExtKeyUsage: boolean;
  readonly dnsNames: readonly string[];
  readonly publicKey: KeyObject | undefined;
}

function nullIfEmpty(a: string[]): GoJSON {
  return a.length > 0 ? a : null;
}

const toRFC3339 = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Go's x509.ParseCertificate. Throws "x509: malformed certificate" for anything that is not one. */
export function parseCertificate(der: Buffer): ParsedCert {
  try {
    return parseCertificateStrict(der);
  } catch (e) {
    if (e instanceof DerError) throw new Error('x509: malformed certificate');
    throw e;
  }
}

function parseCertificateStrict(der: Buffer): ParsedCert {
  const cert = parseDer(der);
  if (!isUniversal(cert, TAG.SEQUENCE)) throw new DerError('not a sequence');
  const [tbs, sigAlg, sig] = children(cert);
  if (
    !isUniversal(tbs, TAG.SEQUENCE) ||
    sigAlg === undefined ||
    !isUniversal(sig, TAG.BIT_STRING)
  ) {
    throw new DerError('bad certificate');
  }
  const t = children(tbs);
  let i = 0;
  let version = 1;
  if (isContext(t[0], 0)) {
    version = Number(integer(children(t[0])[0]!)) + 1;
    i++;
  }
  const serial = t[i++];
  const tbsSigAlg = t[i++];
  const issuer = t[i++];
  const validity = t[i++];
  const subject = t[i++];
  const spki = t[i++];
  if (!isUniversal(serial, TAG.INTEGER) || tbsSigAlg === undefined || issuer === undefined)
    throw new DerError('bad tbs');
  if (validity === undefined || subject === undefined || spki === undefined)
    throw new DerError('bad tbs');
  const extWrapper = t.slice(i).find((n) => isContext(n, 3));
  const exts = extWrapper === undefined ? undefined : children(children(extWrapper)[0]!);
  const [nb, na] = children(validity);
  if (nb === undefined || na === undefined) throw new DerError('bad validity');
  const notBefore = timeValue(nb);
  const notAfter = timeValue(na);
  const pk = parsePublicKey(spki);
  const e = parseExtensions(exts);
  const sigOid = oidString(children(sigAlg)[0]!);
  const json: { [k: string]: GoJSON } = {
    Raw: b64(der),
    RawTBSCertificate: b64(tbs.raw),
    RawSubjectPublicKeyInfo: b64(spki.raw),
    RawSubject: b64(subject.raw),
    RawIssuer: b64(issuer.raw),
    Signature: b64(bitString(sig).bytes),
    SignatureAlgorithm: SIGNATURE_ALGORITHMS[sigOid] ?? 0,
    PublicKeyAlgorithm: pk.algorithm,
    PublicKey: pk.json,
    Version: version,
    SerialNumber: integer(serial),
    Issuer: parseName(issuer),
    Subject: parseName(subject),
    NotBefore: toRFC3339(notBefore),
    NotAfter: toRFC3339(notAfter),
    KeyUsage: e.fields['KeyUsage']!,
    Extensions: e.list.length > 0 ? e.list : null,
    ExtraExtensions: null,
    UnhandledCriticalExtensions: e.unhandledCritical.length > 0 ? e.unhandledCritical : null,
    ...e.fields,
    DNSNames: nullIfEmpty(e.names.dns),
    EmailAddresses: nullIfEmpty(e.names.email),
    IPAddresses: nullIfEmpty(e.names.ip),
    URIs: e.names.uri.length > 0 ? e.names.uri.map(goURL) : null,
    URIStrings: nullIfEmpty(e.names.uri),
  };
  const eku = e.fields['ExtKeyUsage'];
  return {
    der,
    json,
    notBefore,
    notAfter,
    isCA: e.fields['IsCA'] === true,
    basicConstraintsValid: e.fields['BasicConstraintsValid'] === true,
    keyUsage: e.fields['KeyUsage'] as number,
    extKeyUsage: Array.isArray(eku) ? (eku as number[]) : [],
    hasUnknownExtKeyUsage: e.fields['UnknownExtKeyUsage'] !== null,
    dnsNames: e.names.dns,
    publicKey: pk.key,
  };
}

/** Go's x509.ParseCertificates: concatenated DER certificates. */
export function parseCertificates(der: Buffer): ParsedCert[] {
  const out: ParsedCert[] = [];
  let p = 0;
  while (p < der.length) {
    let next: number;
    try {
      next = readNode(der, p).next;
    } catch {
      throw new Error('x509: malformed certificate');
    }
    out.push(parseCertificate(der.subarray(p, next)));
    p = next;
  }
  return out;
}

/** Go's x509.ParseCertificateRequest, as the JSON of x509.CertificateRequest. */
export function parseCertificateRequest(der: Buffer): { [k: string]: GoJSON } {
  const csr = parseDer(der);
  const [info, sigAlg, sig] = children(csr);
  if (
    !isUniversal(info, TAG.SEQUENCE) ||
    sigAlg === undefined ||
    !isUniversal(sig, TAG.BIT_STRING)
  ) {
    throw new DerError("asn1: structure error: tags don't match");
  }
  const [version, subject, spki, attrs] = children(info);
  if (!isUniversal(version, TAG.INTEGER) || subject === undefined || spki === undefined) {
    throw new DerError("asn1: structure error: tags don't match");
  }
  const pk = parsePublicKey(spki);
  const attributes: GoJSON[] = [];
  let extNodes: DerNode[] | undefined;
  if (attrs !== undefined && isContext(attrs, 0)) {
    for (const attr of children(attrs)) {
      const [type, values] = children(attr);
      if (type === undefined || values === undefined) continue;
      if (oidString(type) === '1.2.840.113549.1.9.14') {
        const first = children(values)[0];
        if (first !== undefined) extNodes = children(first);
      }
      attributes.push({
        Type: oidParts(type),
        Value: children(values).map((v) =>
          isUniversal(v, TAG.SEQUENCE)
            ? children(v).map((atv) => {
                const [t, val] = children(atv);
                return {
                  Type: t === undefined ? [] : oidParts(t),
                  Value: val === undefined ? null : attrValue(val),
                };
              })
            : [],
        ),
      });
    }
  }
  const e = parseExtensions(extNodes);
  return {
    Raw: b64(der),
    RawTBSCertificateRequest: b64(info.raw),
    RawSubjectPublicKeyInfo: b64(spki.raw),
    RawSubject: b64(subject.raw),
    Version: Number(integer(version)),
    Signature: b64(bitString(sig).bytes),
    SignatureAlgorithm: SIGNATURE_ALGORITHMS[oidString(children(sigAlg)[0]!)] ?? 0,
    PublicKeyAlgorithm: pk.algorithm,
    PublicKey: pk.json,
    Subject: parseName(subject),
    Attributes: attributes.length > 0 ? attributes : null,
    Extensions: e.list.length > 0 ? e.list : null,
    ExtraExtensions: null,
    DNSNames: nullIfEmpty(e.names.dns),
    EmailAddresses: nullIfEmpty(e.names.email),
    IPAddresses: nullIfEmpty(e.names.ip),
    URIs: e.names.uri.length > 0 ? e.names.uri.map(goURL) : null,
  };
}
