import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { callBuiltin, outcomeText } from './testing/builtin-harness.js';

const pki = (f: string): string =>
  readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');
const ROOT = pki('root.pem');
const INTER = pki('inter.pem');
const LEAF = pki('leaf.pem');
const LEAF_KEY = pki('leaf.key');
const OTHER = pki('other.pem');
const CSR = pki('leaf.csr');
const EC_KEY = pki('inter.key');
// 2030-01-01: inside every test certificate's validity.
const IN_2030 = 1893456000000000000n;

function parse(name: string, args: readonly unknown[]): unknown {
  const o = callBuiltin(name, args);
  if (o.error !== undefined) throw o.error;
  return JSON.parse(o.json!) as unknown;
}

/** The value at a path of object keys / array indices in parsed JSON. */
function get(v: unknown, ...path: ReadonlyArray<string | number>): unknown {
  let cur = v;
  for (const k of path) cur = (cur as Record<string | number, unknown> | undefined)?.[k];
  return cur;
}

describe('crypto.x509 built-ins', () => {
  it('parse_certificates: Go x509.Certificate fields from PEM, base64 PEM and base64 DER chains', () => {
    const der = Buffer.concat(
      [LEAF, INTER].map((p) => Buffer.from(p.replace(/-----[^-]+-----|\s/g, ''), 'base64')),
    );
    for (const input of [
      LEAF + INTER,
      Buffer.from(LEAF + INTER).toString('base64'),
      der.toString('base64'),
    ]) {
      const certs = parse('crypto.x509.parse_certificates', [input]);
      assert.equal(get(certs, 'length'), 2);
      const leaf = get(certs, 0);
      const inter = get(certs, 1);
      assert.equal(get(leaf, 'Subject', 'CommonName'), 'policy.flotilla.test');
      assert.deepEqual(get(leaf, 'Subject', 'Country'), ['US']);
      assert.deepEqual(get(leaf, 'Subject', 'Locality'), ['Springfield']);
      assert.deepEqual(get(leaf, 'Subject', 'OrganizationalUnit'), ['Policy']);
      assert.equal(get(leaf, 'Subject', 'Province'), null);
      assert.equal(get(leaf, 'Issuer', 'CommonName'), 'Flotilla Test Intermediate CA');
      assert.deepEqual(get(leaf, 'DNSNames'), ['policy.flotilla.test', 'alt.flotilla.test']);
      assert.deepEqual(get(leaf, 'IPAddresses'), ['10.0.0.1']);
      assert.deepEqual(get(leaf, 'EmailAddresses'), ['ops@flotilla.test']);
      assert.deepEqual(get(leaf, 'URIStrings'), ['spiffe://flotilla.test/policy']);
      assert.equal(get(leaf, 'URIs', 0, 'Host'), 'flotilla.test');
      assert.deepEqual(get(leaf, 'ExtKeyUsage'), [1, 2]);
      assert.equal(get(leaf, 'KeyUsage'), 5); // digitalSignature | keyEncipherment
      assert.equal(get(leaf, 'Version'), 3);
      assert.equal(get(leaf, 'SignatureAlgorithm'), 10); // ECDSAWithSHA256
      assert.equal(get(leaf, 'PublicKeyAlgorithm'), 1); // RSA
      assert.equal(get(leaf, 'PublicKey', 'E'), 65537);
      assert.equal(get(leaf, 'BasicConstraintsValid'), true);
      assert.equal(get(leaf, 'IsCA'), false);
      assert.equal(get(leaf, 'NotBefore'), '2026-11-26T14:17:44Z');
      assert.match(String(get(leaf, 'SubjectKeyId')), /^[A-Za-z0-9+/]+=*$/);
      assert.equal(get(inter, 'IsCA'), true);
      assert.equal(get(inter, 'MaxPathLen'), 0);
      assert.equal(get(inter, 'MaxPathLenZero'), true);
      assert.equal(get(inter, 'PublicKeyAlgorithm'), 3); // ECDSA
      assert.equal(get(inter, 'URIStrings'), null);
    }
  });

  it('parse_certificates errors: Go wording', () => {
    assert.equal(
      outcomeText(callBuiltin('crypto.x509.parse_certificates', ['YmFkc3RyaW5n'])),
      'ERR eval_builtin_error: crypto.x509.parse_certificates: x509: malformed certificate',
    );
    assert.equal(
      outcomeText(callBuiltin('crypto.x509.parse_certificates', ['foobar'])),
      'ERR eval_builtin_error: crypto.x509.parse_certificates: illegal base64 data at input byte 4',
    );
    assert.equal(
      outcomeText(callBuiltin('crypto.x509.parse_certificates', [LEAF_KEY])),
      "ERR eval_builtin_error: crypto.x509.parse_certificates: PEM block type is 'PRIVATE KEY', expected CERTIFICATE",
    );
  });

  it('parse_and_verify_certificates: root first, leaf last; the verified chain leaf to root', () => {
    const opts = { CurrentTime: IN_2030 };
    const verify = (pem: string, o: object = opts): string =>
      outcomeText(callBuiltin('crypto.x509.parse_and_verify_certificates_with_options', [pem, o]));
    const ok = parse('crypto.x509.parse_and_verify_certificates_with_options', [
      ROOT + INTER + LEAF,
      opts,
    ]);
    assert.equal(get(ok, 0), true);
    assert.deepEqual(
      (get(ok, 1) as unknown[]).map((c) => get(c, 'Subject', 'CommonName')),
      ['policy.flotilla.test', 'Flotilla Test Intermediate CA', 'Flotilla Test Root CA'],
    );
    assert.equal(verify(OTHER + INTER + LEAF), '[false,[]]', 'wrong root');
    assert.equal(verify(ROOT + LEAF), '[false,[]]', 'missing intermediate');
    assert.equal(verify(LEAF), '[false,[]]', 'one certificate');
    assert.equal(
      verify(ROOT + INTER + LEAF, { CurrentTime: 1_600_000_000_000_000_000n }),
      '[false,[]]',
      'not yet valid',
    );
    assert.equal(
      verify(ROOT + INTER + LEAF, { ...opts, DNSName: 'alt.flotilla.test' }).slice(0, 6),
      '[true,',
    );
    assert.equal(verify(ROOT + INTER + LEAF, { ...opts, DNSName: 'other.test' }), '[false,[]]');
    assert.equal(
      verify(ROOT + INTER + LEAF, { ...opts, KeyUsages: ['KeyUsageClientAuth'] }).slice(0, 6),
      '[true,',
    );
    assert.equal(
      verify(ROOT + INTER + LEAF, { ...opts, KeyUsages: ['KeyUsageCodeSigning'] }),
      '[false,[]]',
    );
    assert.equal(
      verify(ROOT + INTER + LEAF, { ...opts, KeyUsages: ['Nope'] }),
      "ERR eval_builtin_error: crypto.x509.parse_and_verify_certificates_with_options: invalid entries for 'KeyUsages' found: [Nope]",
    );
    assert.equal(
      verify(ROOT + INTER + LEAF, { Bogus: 1 }),
      'ERR eval_builtin_error: crypto.x509.parse_and_verify_certificates_with_options: invalid key option',
    );
    assert.equal(
      outcomeText(callBuiltin('crypto.x509.parse_and_verify_certificates', ['garbage'])),
      '[false,[]]',
    );
  });

  it('parse_certificate_request from PEM, base64 PEM and base64 DER', () => {
    const der = Buffer.from(CSR.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('base64');
    for (const input of [CSR, Buffer.from(CSR).toString('base64'), der]) {
      const csr = parse('crypto.x509.parse_certificate_request', [input]);
      assert.equal(get(csr, 'Subject', 'CommonName'), 'policy.flotilla.test');
      assert.deepEqual(get(csr, 'DNSNames'), ['policy.flotilla.test', 'alt.flotilla.test']);
      assert.equal(get(csr, 'PublicKeyAlgorithm'), 1);
    }
    assert.match(
      outcomeText(callBuiltin('crypto.x509.parse_certificate_request', ['YmFkc3RyaW5n'])),
      /^ERR eval_builtin_error: crypto.x509.parse_certificate_request: asn1: structure error/,
    );
    assert.equal(
      outcomeText(
        callBuiltin('crypto.x509.parse_certificate_request', [
          Buffer.from(LEAF).toString('base64'),
        ]),
      ),
      'ERR eval_builtin_error: crypto.x509.parse_certificate_request: invalid PEM-encoded certificate signing request',
    );
  });

  it('parse_keypair: tls.Certificate with the DER chain, key and leaf; mismatched key fails', () => {
    const kp = parse('crypto.x509.parse_keypair', [LEAF + INTER, LEAF_KEY]);
    assert.equal(get(kp, 'Certificate', 'length'), 2);
    assert.equal(get(kp, 'Certificate', 0), LEAF.replace(/-----[^-]+-----|\s/g, ''));
    assert.equal(get(kp, 'Leaf', 'Subject', 'CommonName'), 'policy.flotilla.test');
    assert.equal(get(kp, 'PrivateKey', 'E'), 65537);
    const b64 = parse('crypto.x509.parse_keypair', [
      Buffer.from(LEAF).toString('base64'),
      Buffer.from(LEAF_KEY).toString('base64'),
    ]);
    assert.deepEqual(get(b64, 'Certificate'), [get(kp, 'Certificate', 0)]);
    assert.equal(
      outcomeText(callBuiltin('crypto.x509.parse_keypair', [OTHER, LEAF_KEY])),
      'ERR eval_builtin_error: crypto.x509.parse_keypair: tls: private key does not match public key',
    );
  });

  it('parse_rsa_private_key returns the JWK; parse_private_keys every key in Go form', () => {
    const jwk = parse('crypto.x509.parse_rsa_private_key', [LEAF_KEY]);
    assert.equal(get(jwk, 'kty'), 'RSA');
    assert.equal(get(jwk, 'e'), 'AQAB');
    for (const f of ['n', 'd', 'p', 'q', 'dp', 'dq', 'qi'])
      assert.equal(typeof get(jwk, f), 'string');
    assert.equal(
      outcomeText(callBuiltin('crypto.x509.parse_rsa_private_key', ['invalid'])),
      'ERR eval_builtin_error: crypto.x509.parse_rsa_private_key: illegal base64 data at input byte 4',
    );
    assert.equal(
      outcomeText(callBuiltin('crypto.x509.parse_rsa_private_key', [''])),
      'ERR eval_builtin_error: crypto.x509.parse_rsa_private_key: input PEM data was empty',
    );
    const keys = JSON.parse(
      callBuiltin('crypto.parse_private_keys', [LEAF_KEY + EC_KEY]).json!,
    ) as Array<Record<string, unknown>>;
    assert.equal(keys.length, 2);
    assert.equal(keys[0]!['E'], 65537);
    assert.equal((keys[0]!['Primes'] as unknown[]).length, 2);
    assert.deepEqual(Object.keys(keys[1]!).sort(), ['Curve', 'D', 'X', 'Y']);
    assert.equal(outcomeText(callBuiltin('crypto.parse_private_keys', [''])), 'null');
    assert.equal(outcomeText(callBuiltin('crypto.parse_private_keys', ['nope'])), '[]');
  });
});
