// Throw-away certificates for tests: a CA, a server certificate for 127.0.0.1 and localhost (and
// any other names), and a client certificate — made in-process with @peculiar/x509, so no test
// needs the openssl program.
import { randomBytes, webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill first
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface TestCertificateOptions {
  /** Common name of the CA. @default 'flotilla test CA' */
  readonly caName?: string;
  /** Common name of the server certificate. @default 'server' */
  readonly serverName?: string;
  /** DNS names of the server certificate. @default ['localhost'] */
  readonly dnsNames?: readonly string[];
  /** IP addresses of the server certificate. @default ['127.0.0.1'] */
  readonly ipAddresses?: readonly string[];
  /** Common name of the client certificate (a Kubernetes user name). @default 'client' */
  readonly clientName?: string;
  /** Organizations of the client certificate (Kubernetes groups). @default [] */
  readonly clientGroups?: readonly string[];
}

/** PEM texts; keys are PKCS #8. */
export interface TestCertificates {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** Where writeTestCertificates put them. */
export interface TestCertificateFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

/** A PEM block of DER bytes. */
export function toPem(der: ArrayBuffer, label: string): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A PKCS #8 PEM private key. */
export async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** A fresh P-256 key pair, as the certificates here use. */
export function newKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
}

/** Makes a CA valid from an hour ago for a week, and a server and a client certificate it signed. */
export async function makeTestCertificates(
  options: TestCertificateOptions = {},
): Promise<TestCertificates> {
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + 7 * 24 * 3600_000);
  const caKeys = await newKeyPair();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${options.caName ?? 'flotilla test CA'}`,
    keys: caKeys,
    signingAlgorithm: EC,
    notBefore,
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const issue = async (
    subject: string,
    usage: x509.ExtendedKeyUsage,
    names?: x509.JsonGeneralNames,
  ) => {
    const keys = await newKeyPair();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomBytes(8).toString('hex'),
      subject,
      issuer: ca.subject,
      notBefore,
      notAfter,
      signingAlgorithm: EC,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([usage]),
        ...(names ? [new x509.SubjectAlternativeNameExtension(names)] : []),
      ],
    });
    return { cert: `${cert.toString('pem')}\n`, key: await privateKeyPem(keys.privateKey) };
  };
  const server = await issue(
    `CN=${options.serverName ?? 'server'}`,
    x509.ExtendedKeyUsage.serverAuth,
    [
      ...(options.dnsNames ?? ['localhost']).map((value) => ({ type: 'dns' as const, value })),
      ...(options.ipAddresses ?? ['127.0.0.1']).map((value) => ({ type: 'ip' as const, value })),
    ],
  );
  const client = await issue(
    [
      `CN=${options.clientName ?? 'client'}`,
      ...(options.clientGroups ?? []).map((g) => `O=${g}`),
    ].join(', '),
    x509.ExtendedKeyUsage.clientAuth,
  );
  return {
    caCert: `${ca.toString('pem')}\n`,
    caKey: await privateKeyPem(caKeys.privateKey),
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
  };
}

/** makeTestCertificates, also written to files in `dir` (ca.crt, server.crt/key, client.crt/key). */
export async function writeTestCertificates(
  dir: string,
  options: TestCertificateOptions = {},
): Promise<TestCertificates & TestCertificateFiles> {
  const certs = await makeTestCertificates(options);
  mkdirSync(dir, { recursive: true });
  const files = {
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key'),
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
  };
  writeFileSync(files.caFile, certs.caCert);
  writeFileSync(files.certFile, certs.serverCert);
  writeFileSync(files.keyFile, certs.serverKey, { mode: 0o600 });
  writeFileSync(files.clientCertFile, certs.clientCert);
  writeFileSync(files.clientKeyFile, certs.clientKey, { mode: 0o600 });
  return { ...certs, ...files };
}
