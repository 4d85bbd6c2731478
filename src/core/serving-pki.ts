// A self-made CA and a serving certificate signed by it (ECDSA P-256), for servers Flotilla runs
// itself: the local cluster's API server and the policy admission webhook. @peculiar/x509 is
// loaded on first use, so importing core does not pay for it.
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { lazyRequire } from './lazy-require.js';

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const loadX509 = lazyRequire<typeof X509>('@peculiar/x509');
let providerSet = false;

/** @peculiar/x509 resolves its services through tsyringe, which needs Reflect metadata first. */
function x509(): typeof X509 {
  if (!providerSet) {
    lazyRequire('reflect-metadata')();
    loadX509().cryptoProvider.set(
      webcrypto as unknown as Parameters<typeof X509.cryptoProvider.set>[0],
    );
    providerSet = true;
  }
  return loadX509();
}

export interface ServingPki {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface ServingPkiOptions {
  /** The CA's common name. */
  readonly caName: string;
  /** The serving certificate's common name. */
  readonly serverName: string;
  /** DNS names the certificate is valid for (IPs 127.0.0.1 and ::1 always are). @default localhost */
  readonly dnsNames?: readonly string[];
  /** @default ten years */
  readonly validForMs?: number;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
}

/** Creates a CA and a serving certificate for the given DNS names, 127.0.0.1 and ::1. */
export async function createServingPki(options: ServingPkiOptions): Promise<ServingPki> {
  const x = x509();
  const notBefore = new Date(Date.now() - 3600 * 1000);
  const notAfter = new Date(Date.now() + (options.validForMs ?? TEN_YEARS_MS));
  const caKeys = await generateKeys();
  const ca = await x.X509CertificateGenerator.createSelfSigned({
    name: `CN=${options.caName}`,
    keys: caKeys,
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    extensions: [
      new x.BasicConstraintsExtension(true, undefined, true),
      new x.KeyUsagesExtension(x.KeyUsageFlags.keyCertSign | x.KeyUsageFlags.cRLSign, true),
      await x.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keys = await generateKeys();
  const cert = await x.X509CertificateGenerator.create({
    subject: `CN=${options.serverName}`,
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x.BasicConstraintsExtension(false, undefined, true),
      new x.KeyUsagesExtension(
        x.KeyUsageFlags.digitalSignature | x.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x.ExtendedKeyUsageExtension([x.ExtendedKeyUsage.serverAuth]),
      new x.SubjectAlternativeNameExtension([
        ...(options.dnsNames ?? ['localhost']).map((value) => ({ type: 'dns' as const, value })),
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      await x.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keyDer = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    caPem: ca.toString('pem') + '\n',
    certPem: cert.toString('pem') + '\n',
    keyPem: toPem(keyDer, 'PRIVATE KEY'),
  };
}
