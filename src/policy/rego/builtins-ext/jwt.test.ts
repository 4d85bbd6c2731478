import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  callBuiltin,
  outcomeText,
  rowTests,
  testContext,
  type Row,
} from './testing/builtin-harness.js';
import { JWS_ALGORITHMS } from './jws-keys.js';

// The HMAC key and tokens of RFC 7515 appendix A.1 as OPA's own tests use them.
const OCT = {
  kty: 'oct',
  k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow',
};
const EMPTY_HS256 =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.6cvao8lnOu6FAdK68jQFcDMXOmaWNwWiYhCgijd-AD8';

/** An HS256 token computed independently of the code under test. */
function hs256(header: string, payload: string, secret: Buffer | string): string {
  const input = `${Buffer.from(header).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const SIMPLE = hs256('{"typ":"JWT","alg":"HS256"}', '{"sub":"0","iss":"opa"}', 'secret');
const SIMPLE_SIG = SIMPLE.split('.')[2]!;
const OCT_SECRET = Buffer.from(OCT.k, 'base64url');

const ROWS: readonly Row[] = [
  [
    'io.jwt.decode',
    [SIMPLE],
    `[{"alg":"HS256","typ":"JWT"},{"iss":"opa","sub":"0"},"${Buffer.from(SIMPLE_SIG, 'base64url').toString('hex')}"]`,
  ],
  [
    'io.jwt.decode',
    ['abc'],
    'ERR eval_builtin_error: io.jwt.decode: encoded JWT had no period separators',
  ],
  [
    'io.jwt.decode',
    ['a.b'],
    'ERR eval_builtin_error: io.jwt.decode: encoded JWT must have 3 sections, found 2',
  ],
  [
    'io.jwt.decode',
    ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVC%9.e30.x'],
    'ERR eval_builtin_error: io.jwt.decode: JWT header had invalid encoding: illegal base64 data at input byte 34',
  ],
  [
    'io.jwt.decode',
    ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9%.e30.x'],
    'ERR eval_builtin_error: io.jwt.decode: JWT header had invalid encoding: illegal base64url string: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9%',
  ],
  [
    'io.jwt.decode',
    ['eyJlbmMiOiJBMTI4R0NNIn0.e30.'],
    'ERR eval_builtin_error: io.jwt.decode: JWT is a JWE object, which is not supported',
  ],
  [
    'io.jwt.decode',
    ['e30.WzFd.'],
    'ERR eval_builtin_error: io.jwt.decode: decoded JSON type was not an Object',
  ],
  ['io.jwt.verify_hs256', [EMPTY_HS256, 'not the key'], 'false'],
  ['io.jwt.verify_hs256', [SIMPLE, 'secret'], 'true'],
  ['io.jwt.verify_hs256', [SIMPLE, 'wrong'], 'false'],
  [
    'io.jwt.verify_hs256',
    ['a.b', 'secret'],
    'ERR eval_builtin_error: io.jwt.verify_hs256: encoded JWT must have 3 sections, found 2',
  ],
  [
    'io.jwt.verify_rs256',
    [SIMPLE, '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n'],
    'ERR eval_builtin_error: io.jwt.verify_rs256: failed to extract a Key from the PEM certificate',
  ],
  [
    'io.jwt.verify_rs256',
    [SIMPLE, '{not json'],
    "ERR eval_builtin_error: io.jwt.verify_rs256: failed to parse a JWK key (set): Expected property name or '}' in JSON at position 1",
  ],
  ['io.jwt.encode_sign', [{ alg: 'HS256', typ: 'JWT' }, {}, OCT], `"${EMPTY_HS256}"`],
  // Headers and payload are serialised like Go's json.Marshal: sorted keys, sets as sorted arrays.
  [
    'io.jwt.encode_sign',
    [
      { typ: 'JWT', alg: 'HS256' },
      { iss: 'joe', aud: new Set(['saul', 'bob']), exp: 1300819380 },
      OCT,
    ],
    `"${hs256('{"alg":"HS256","typ":"JWT"}', '{"aud":["bob","saul"],"exp":1300819380,"iss":"joe"}', OCT_SECRET)}"`,
  ],
  [
    'io.jwt.encode_sign_raw',
    [
      '{"typ":"JWT",\r\n "alg":"HS256"}',
      '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}',
      JSON.stringify(OCT),
    ],
    '"eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"',
  ],
  [
    'io.jwt.encode_sign_raw',
    ['{"typ":"text/plain","alg":"HS256"}', '', JSON.stringify(OCT)],
    `"${hs256('{"typ":"text/plain","alg":"HS256"}', '', OCT_SECRET)}"`,
  ],
  [
    'io.jwt.encode_sign_raw',
    ['{"alg":"dummy"}', '{}', JSON.stringify(OCT)],
    'ERR eval_builtin_error: io.jwt.encode_sign_raw: unknown JWS algorithm: dummy',
  ],
  [
    'io.jwt.encode_sign_raw',
    ['{}', '{}', JSON.stringify(OCT)],
    'ERR eval_builtin_error: io.jwt.encode_sign_raw: missing or invalid \'alg\' header: jwsbb: header "alg" not found',
  ],
  [
    'io.jwt.encode_sign_raw',
    ['', '{}', JSON.stringify(OCT)],
    "ERR eval_builtin_error: io.jwt.encode_sign_raw: missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string",
  ],
  [
    'io.jwt.encode_sign_raw',
    ['{"typ":"JWT","alg":"HS256"}', 'e', JSON.stringify(OCT)],
    'ERR eval_builtin_error: io.jwt.encode_sign_raw: type is JWT but payload is not JSON',
  ],
  [
    'io.jwt.encode_sign_raw',
    ['{"alg":"HS256"}', '{}', '{"keys":[]}'],
    'ERR eval_builtin_error: io.jwt.encode_sign_raw: no keys found in JWK set',
  ],
];

const SECRET = { secret: 'secret' };

describe('io.jwt built-ins', () => {
  rowTests(ROWS);

  it('signs and verifies with every asymmetric algorithm, by PEM public key, certificate-less JWK and JWKS', () => {
    const keys = {
      RS: generateKeyPairSync('rsa', { modulusLength: 2048 }),
      ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
      ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
      ES512: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
      EdDSA: generateKeyPairSync('ed25519'),
    };
    const algs = [...JWS_ALGORITHMS].filter((a) => !a.startsWith('HS'));
    for (const alg of algs) {
      const pair =
        alg.startsWith('RS') || alg.startsWith('PS')
          ? keys.RS
          : keys[alg as 'ES256' | 'ES384' | 'ES512' | 'EdDSA'];
      const jwk = pair.privateKey.export({ format: 'jwk' });
      const token = callBuiltin('io.jwt.encode_sign', [
        { alg, typ: 'JWT' },
        { iss: 'flotilla' },
        jwk,
      ]).json!;
      const jwt = JSON.parse(token) as string;
      const pem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const pubJwk = JSON.stringify({ ...pair.publicKey.export({ format: 'jwk' }), alg });
      const fn = `io.jwt.verify_${alg.toLowerCase()}`;
      assert.equal(outcomeText(callBuiltin(fn, [jwt, pem])), 'true', `${alg} by PEM`);
      assert.equal(outcomeText(callBuiltin(fn, [jwt, pubJwk])), 'true', `${alg} by JWK`);
      assert.equal(
        outcomeText(callBuiltin(fn, [jwt, `{"keys":[${pubJwk}]}`])),
        'true',
        `${alg} by JWKS`,
      );
      const tampered = jwt.replace(
        /\.[^.]+\./,
        `.${Buffer.from('{"iss":"evil"}').toString('base64url')}.`,
      );
      assert.equal(outcomeText(callBuiltin(fn, [tampered, pem])), 'false', `${alg} tampered`);
      const dv = callBuiltin('io.jwt.decode_verify', [jwt, { cert: pem, iss: 'flotilla' }]);
      assert.equal(
        outcomeText(dv),
        `[true,{"alg":"${alg}","typ":"JWT"},{"iss":"flotilla"}]`,
        `${alg} decode_verify`,
      );
    }
    // A key of the wrong type verifies nothing.
    const rsToken = JSON.parse(
      callBuiltin('io.jwt.encode_sign', [
        { alg: 'RS256' },
        {},
        keys.RS.privateKey.export({ format: 'jwk' }),
      ]).json!,
    ) as string;
    const ecPem = keys.ES256.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    assert.equal(outcomeText(callBuiltin('io.jwt.verify_rs256', [rsToken, ecPem])), 'false');
  });

  it('decode_verify checks the signature, alg, iss, aud, exp and nbf as OPA does', () => {
    const sign = (payload: object, header: object = { alg: 'HS256', typ: 'JWT' }): string =>
      JSON.parse(
        callBuiltin('io.jwt.encode_sign', [
          header,
          payload,
          { kty: 'oct', k: Buffer.from('secret').toString('base64url') },
        ]).json!,
      ) as string;
    const ctx = testContext(2_000_000_000_000_000_000n); // 2033-05-18, in seconds 2e9
    const dv = (token: string, constraints: object): string =>
      outcomeText(callBuiltin('io.jwt.decode_verify', [token, constraints], ctx));
    const unverified = '[false,{},{}]';
    const ok = (payload: string): string => `[true,{"alg":"HS256","typ":"JWT"},${payload}]`;
    assert.equal(dv(sign({ exp: 3e9 }), SECRET), ok('{"exp":3000000000}'));
    assert.equal(dv(sign({ exp: 1e9 }), SECRET), unverified);
    assert.equal(dv(sign({ exp: 2e9 }), SECRET), unverified, 'exp equal to now is expired');
    assert.equal(
      dv(sign({ nbf: 2e9 }), SECRET),
      ok('{"nbf":2000000000}'),
      'nbf equal to now is valid',
    );
    assert.equal(dv(sign({ nbf: 2.5e9 }), SECRET), unverified);
    assert.equal(dv(sign({ exp: 3e9 }), { ...SECRET, time: 3.5e18 }), unverified, 'explicit time');
    assert.equal(dv(sign({ iss: 'a' }), { ...SECRET, iss: 'a' }), ok('{"iss":"a"}'));
    assert.equal(dv(sign({ iss: 'a' }), { ...SECRET, iss: 'b' }), unverified);
    assert.equal(dv(sign({}), { ...SECRET, iss: 'b' }), unverified);
    assert.equal(dv(sign({ aud: ['x', 'y'] }), { ...SECRET, aud: 'y' }), ok('{"aud":["x","y"]}'));
    assert.equal(
      dv(sign({ aud: 'x' }), SECRET),
      unverified,
      'a token with aud needs an aud constraint',
    );
    assert.equal(dv(sign({}), { ...SECRET, aud: 'x' }), unverified);
    assert.equal(dv(sign({}), { ...SECRET, alg: 'HS512' }), unverified);
    assert.equal(dv(sign({}), { secret: 'wrong' }), unverified);
    assert.equal(
      dv(sign({}, { alg: 'HS256', typ: 'JWT', crit: ['x'], x: 1 }), SECRET),
      unverified,
      'unknown critical header',
    );
    assert.equal(
      dv(sign({ exp: 'soon' }), SECRET),
      'ERR eval_builtin_error: io.jwt.decode_verify: exp value must be a number',
    );
    assert.equal(
      dv(sign({}), {}),
      'ERR eval_builtin_error: io.jwt.decode_verify: no key constraint',
    );
    assert.equal(
      dv(sign({}), { ...SECRET, cert: '{"kty":"oct","k":"eA"}' }),
      'ERR eval_builtin_error: io.jwt.decode_verify: duplicate key constraints',
    );
    assert.equal(
      dv(sign({}), { ...SECRET, foo: 1 }),
      'ERR eval_builtin_error: io.jwt.decode_verify: unknown token validation constraint: foo',
    );
    // A nested token (cty JWT) is verified level by level and the innermost payload returned.
    const inner = sign({ sub: 'inner' });
    const outer = JSON.parse(
      callBuiltin('io.jwt.encode_sign_raw', [
        '{"alg":"HS256","typ":"JOSE","cty":"JWT"}',
        inner,
        JSON.stringify({ kty: 'oct', k: Buffer.from('secret').toString('base64url') }),
      ]).json!,
    ) as string;
    assert.equal(dv(outer, SECRET), ok('{"sub":"inner"}'));
  });
});
