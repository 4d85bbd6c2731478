// End to end: Gatekeeper-style (Rego v0) policies that use the extended built-ins, through the public API.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compile, isRegoError, type EvalOptions } from '../index.js';

/** The `violation` messages of a v0 template for one admission review object. */
function violations(
  rego: string,
  object: unknown,
  parameters: unknown,
  options: EvalOptions = {},
): unknown[] {
  const policy = compile([{ file: 'template.rego', source: rego }], { regoVersion: 'v0' });
  const results = policy.eval('x := data.k8s.violation', {
    input: { review: { object }, parameters },
    ...options,
  });
  const set = results[0]?.bindings['x'];
  assert.ok(Array.isArray(set));
  return set.map((v) => (v as { msg: unknown }).msg);
}

const pod = (images: string[]): unknown => ({
  kind: 'Pod',
  metadata: { name: 'web', annotations: { 'flotilla.io/expires': '2030-01-01T00:00:00Z' } },
  spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) },
});

const ALLOWED_REPOS = `package k8s

violation[{"msg": msg}] {
  container := input.review.object.spec.containers[_]
  not allowed(container.image)
  msg := sprintf("container <%v> has an invalid image repo <%v>", [container.name, container.image])
}

allowed(image) {
  glob.match(input.parameters.repos[_], ["/"], image)
}

allowed(image) {
  regex.match(input.parameters.patterns[_], image)
}
`;

const EXPIRY = `package k8s

violation[{"msg": msg}] {
  expires := time.parse_rfc3339_ns(input.review.object.metadata.annotations["flotilla.io/expires"])
  expires - time.now_ns() < time.parse_duration_ns(input.parameters.minValidity)
  msg := sprintf("expires on %v", [time.format([expires, "UTC", "2006-01-02"])])
}
`;

const SOURCE_RANGES = `package k8s

violation[{"msg": msg}] {
  cidr := input.review.object.spec.loadBalancerSourceRanges[_]
  not net.cidr_contains(input.parameters.allowed, cidr)
  msg := sprintf("source range %v is outside %v", [cidr, input.parameters.allowed])
}
`;

const CERT = `package k8s

violation[{"msg": msg}] {
  cert := crypto.x509.parse_certificates(input.review.object.data["tls.crt"])[0]
  not cert.Subject.CommonName == input.parameters.host
  msg := sprintf("certificate is for %v", [cert.Subject.CommonName])
}

violation[{"msg": msg}] {
  cert := crypto.x509.parse_certificates(input.review.object.data["tls.crt"])[0]
  not glob.match(input.parameters.sanPattern, ["."], cert.DNSNames[_])
  msg := "no SAN matches"
}
`;

const TOKEN = `package k8s

violation[{"msg": "token invalid"}] {
  [valid, _, _] := io.jwt.decode_verify(input.review.object.token, {"secret": input.parameters.secret, "iss": "flotilla"})
  not valid
}
`;

describe('Gatekeeper-style policies with extended built-ins', () => {
  it('allowed repositories by glob and by RE2 pattern', () => {
    const params = {
      repos: ['registry.flotilla.test/*/*'],
      patterns: ['^ghcr\\.io/flotilla/[a-z-]+:v\\d+$'],
    };
    assert.deepEqual(
      violations(
        ALLOWED_REPOS,
        pod(['registry.flotilla.test/team/api:1', 'ghcr.io/flotilla/web:v2']),
        params,
      ),
      [],
    );
    assert.deepEqual(
      violations(ALLOWED_REPOS, pod(['docker.io/nginx', 'registry.flotilla.test/api:1']), params),
      [
        'container <c0> has an invalid image repo <docker.io/nginx>',
        'container <c1> has an invalid image repo <registry.flotilla.test/api:1>',
      ],
    );
  });

  it('an invalid pattern is undefined, or an eval_builtin_error with strict built-in errors', () => {
    const params = { repos: [], patterns: ['(unclosed'] };
    assert.deepEqual(violations(ALLOWED_REPOS, pod(['x']), params), [
      'container <c0> has an invalid image repo <x>',
    ]);
    assert.throws(
      () => violations(ALLOWED_REPOS, pod(['x']), params, { strictBuiltinErrors: true }),
      (e: unknown) =>
        isRegoError(e) &&
        e.code === 'eval_builtin_error' &&
        e.detail === 'regex.match: error parsing regexp: missing closing ): `(unclosed`',
    );
  });

  it('expiry against time.now_ns of the evaluation', () => {
    const params = { minValidity: '720h' };
    const at = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
    assert.deepEqual(
      violations(EXPIRY, pod([]), params, { nowNs: at('2029-01-01T00:00:00Z') }),
      [],
    );
    assert.deepEqual(violations(EXPIRY, pod([]), params, { nowNs: at('2029-12-15T00:00:00Z') }), [
      'expires on 2030-01-01',
    ]);
  });

  it('load balancer source ranges inside an allowed network', () => {
    const svc = (ranges: string[]): unknown => ({ spec: { loadBalancerSourceRanges: ranges } });
    assert.deepEqual(
      violations(SOURCE_RANGES, svc(['10.1.0.0/16', '10.2.3.4/32']), { allowed: '10.0.0.0/8' }),
      [],
    );
    assert.deepEqual(
      violations(SOURCE_RANGES, svc(['10.1.0.0/16', '0.0.0.0/0']), { allowed: '10.0.0.0/8' }),
      ['source range 0.0.0.0/0 is outside 10.0.0.0/8'],
    );
  });

  it('TLS secret certificate subject and SANs', () => {
    const crt = readFileSync(new URL('./testdata/leaf.pem', import.meta.url), 'utf8');
    const secret = { data: { 'tls.crt': Buffer.from(crt).toString('base64') } };
    assert.deepEqual(
      violations(CERT, secret, { host: 'policy.flotilla.test', sanPattern: '*.flotilla.test' }),
      [],
    );
    assert.deepEqual(violations(CERT, secret, { host: 'other.test', sanPattern: '*.other.test' }), [
      'certificate is for policy.flotilla.test',
      'no SAN matches',
    ]);
  });

  it('signed tokens verified with io.jwt.decode_verify', () => {
    const sign = (payload: object): string => {
      const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      return `${input}.${createHmac('sha256', 's3cret').update(input).digest('base64url')}`;
    };
    const params = { secret: 's3cret' };
    assert.deepEqual(violations(TOKEN, { token: sign({ iss: 'flotilla' }) }, params), []);
    assert.deepEqual(violations(TOKEN, { token: sign({ iss: 'someone' }) }, params), [
      'token invalid',
    ]);
    assert.deepEqual(violations(TOKEN, { token: sign({ iss: 'flotilla' }) }, { secret: 'other' }), [
      'token invalid',
    ]);
  });
});
