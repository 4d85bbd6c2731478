// providers.aws.sign_req: an http.send request object signed with AWS Signature Version 4, as
// OPA's topdown/providers.go and internal/providers/aws/signing_v4.go do it. OPA builds its own
// canonical request (path as Go's URL.EscapedPath, query as written, header values as given,
// S3/Glacier get x-amz-content-sha256), so this follows that code rather than a generic signer.
import { createHash, createHmac } from 'node:crypto';
import { T, type BuiltinDef } from '../builtin-types.js';
import { builtinError, operandError } from '../errors.js';
import { toJSON } from '../json.js';
import type { ObjectValue, Value } from '../value.js';
import { ObjectBuilder, setOf, str, valueToString } from '../value.js';
import { typeErr } from './operands.js';

const NAME = 'providers.aws.sign_req';

const REQUIRED_CONFIG = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];
/** The keys an http.send request may have (validateHTTPRequestOperand). */
const REQUEST_KEYS = new Set([
  'method',
  'url',
  'body',
  'enable_redirect',
  'force_json_decode',
  'force_yaml_decode',
  'headers',
  'raw_body',
  'tls_use_system_certs',
  'tls_ca_cert',
  'tls_ca_cert_file',
  'tls_ca_cert_env_variable',
  'tls_client_cert',
  'tls_client_cert_file',
  'tls_client_cert_env_variable',
  'tls_client_key',
  'tls_client_key_file',
  'tls_client_key_env_variable',
  'tls_insecure_skip_verify',
  'tls_server_name',
  'timeout',
  'cache',
  'force_cache',
  'force_cache_duration_seconds',
  'raise_error',
  'caching_mode',
  'max_retry_attempts',
  'cache_ignored_headers',
]);
/** Headers a proxy may change: never signed (aws-sdk-go's ignore list). */
const IGNORED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id']);

function field(o: ObjectValue, key: string): Value | undefined {
  return o.get(str(key));
}

/** A string field's text, '' when absent or not a string (OPA's stringFromTerm). */
function text(v: Value | undefined): string {
  return v?.kind === 'string' ? v.value : '';
}

/** `{"a", "b"}`: a set of names as OPA prints it in these errors. */
function nameSet(names: readonly string[]): string {
  return valueToString(setOf(names.map(str)));
}

function validateConfig(c: ObjectValue): void {
  const missing = REQUIRED_CONFIG.filter((k) => field(c, k) === undefined);
  if (missing.length > 0) {
    throw operandError(NAME, 2, `missing required AWS config parameters(s): ${nameSet(missing)}`);
  }
  const invalid = REQUIRED_CONFIG.filter((k) => field(c, k)?.kind !== 'string');
  if (invalid.length > 0) {
    throw operandError(
      NAME,
      2,
      `invalid values for required AWS config parameters(s): ${nameSet(invalid)}`,
    );
  }
}

function validateRequest(r: ObjectValue): void {
  const keys = r.keys().map((k) => (k.kind === 'string' ? k.value : toJSON(k)));
  const invalid = keys.filter((k) => !REQUEST_KEYS.has(k));
  if (invalid.length > 0) {
    throw operandError(NAME, 1, `invalid request parameters(s): ${nameSet(invalid)}`);
  }
  const missing = ['method', 'url'].filter((k) => field(r, k) === undefined);
  if (missing.length > 0) {
    throw operandError(NAME, 1, `missing required request parameters(s): ${nameSet(missing)}`);
  }
  const wrong = ['url', 'method'].filter((k) => field(r, k)?.kind !== 'string');
  if (wrong.length > 0) {
    throw operandError(
      NAME,
      1,
      `invalid values for required request parameters(s): ${nameSet(wrong)}`,
    );
  }
}

/** The host (with port) and escaped path and raw query of a URL, as Go's url.URL has them. */
function parseURL(raw: string): { host: string; path: string; query: string } {
  let rest = raw.split('#')[0] ?? '';
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  let host = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?]/);
    const authority = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    host = authority.slice(authority.lastIndexOf('@') + 1);
    rest = end < 0 ? '' : rest.slice(2 + end);
  }
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  return { host, path: escapedPath(path), query: q < 0 ? '' : rest.slice(q + 1) };
}

/** Go's URL.EscapedPath: the path as written when validly escaped, else escaped. */
function escapedPath(path: string): string {
  if (/^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/[\]]|%[0-9A-Fa-f]{2})*$/.test(path)) return path;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path;
  }
  return [...Buffer.from(decoded, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/.test(c) && b < 0x80
        ? c
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

function hmac(key: Buffer | string, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}

/** UTC date parts of a Unix time in nanoseconds: `20151228` and `20151228T140825Z`. */
function stamps(ns: bigint): { day: string; iso: string } {
  const ms = Number(ns / 1_000_000n) - (ns % 1_000_000n < 0n ? 1 : 0);
  const iso = new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return { day: iso.slice(0, 8), iso };
}

function sign(req: ObjectValue, config: ObjectValue, ns: bigint): Value {
  const service = text(field(config, 'aws_service'));
  const region = text(field(config, 'aws_region'));
  const secret = text(field(config, 'aws_secret_access_key'));
  const accessKey = text(field(config, 'aws_access_key'));
  const token = text(field(config, 'aws_session_token'));
  const headersValue = field(req, 'headers');
  if (headersValue !== undefined && headersValue.kind !== 'object') {
    throw typeErr(NAME, 0, headersValue, 'object');
  }
  const rawBody = field(req, 'raw_body');
  const bodyValue = field(req, 'body');
  const body = rawBody !== undefined ? text(rawBody) : bodyValue ? toJSON(bodyValue) : '';
  const disable = field(config, 'disable_payload_signing');
  if (disable !== undefined && disable.kind !== 'boolean') {
    throw operandError(NAME, 2, "invalid value for 'disable_payload_signing' in AWS config");
  }
  const payload =
    disable?.kind === 'boolean' && disable.value
      ? 'UNSIGNED-PAYLOAD'
      : createHash('sha256').update(body, 'utf8').digest('hex');
  const url = parseURL(text(field(req, 'url')));
  const { day, iso } = stamps(ns);

  const awsHeaders = new Map<string, string>([
    ['host', url.host],
    ['x-amz-date', iso],
  ]);
  if (service === 's3' || service === 'glacier') awsHeaders.set('x-amz-content-sha256', payload);
  if (token !== '') awsHeaders.set('x-amz-security-token', token);
  const headers: [string, string][] = [];
  headersValue?.forEach((k, v) => {
    headers.push([text(k), text(v)]);
  });
  const toSign = new Map(awsHeaders);
  for (const [k, v] of headers) {
    const lower = k.toLowerCase();
    if (!IGNORED_HEADERS.has(lower)) toSign.set(lower, v);
  }
  const names = [...toSign.keys()].sort();
  const canonical = [
    text(field(req, 'method')),
    url.path,
    url.query,
    ...names.map((k) => `${k}:${toSign.get(k) ?? ''}`),
    '',
    names.join(';'),
    payload,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSignText = [
    'AWS4-HMAC-SHA256',
    iso,
    scope,
    createHash('sha256').update(canonical, 'utf8').digest('hex'),
  ].join('\n');
  let key = hmac(`AWS4${secret}`, day);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const signature = hmac(key, toSignText).toString('hex');
  const authorization =
    `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope},` +
    `SignedHeaders=${names.join(';')},Signature=${signature}`;

  const out = new ObjectBuilder();
  for (const [k, v] of headers) out.set(str(k), str(v));
  out.set(str('Authorization'), str(authorization));
  for (const [k, v] of awsHeaders) out.set(str(k), str(v));
  const signed = new ObjectBuilder();
  req.forEach((k, v) => {
    signed.set(k, v);
  });
  signed.set(str('headers'), out.build());
  return signed.build();
}

export const AWS_BUILTINS: readonly BuiltinDef[] = [
  {
    name: NAME,
    args: [T.objectOf(T.string, T.any), T.objectOf(T.string, T.any), T.number],
    result: T.objectOf(T.string, T.any),
    impl: (args) => {
      const [req, config, time] = args as [Value, Value, Value];
      if (req.kind !== 'object') throw typeErr(NAME, 1, req, 'object');
      if (config.kind !== 'object') throw typeErr(NAME, 1, config, 'object');
      validateConfig(config);
      if (time.kind !== 'number') throw typeErr(NAME, 1, time, 'number');
      const ns = time.toBigInt();
      if (ns === undefined || ns > 2n ** 63n - 1n || ns < -(2n ** 63n)) {
        throw operandError(NAME, 3, 'could not convert time_ns value into a unix timestamp');
      }
      validateRequest(req);
      try {
        return sign(req, config, ns);
      } catch (e) {
        if (e instanceof Error && e.name === 'RegoError') throw e;
        throw builtinError(NAME, e instanceof Error ? e.message : String(e));
      }
    },
  },
];
