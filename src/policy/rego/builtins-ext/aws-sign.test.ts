// providers.aws.sign_req against opa on requests the conformance corpus does not hold: paths that
// need escaping, query strings, ports and user info, ignored and overriding headers, session
// tokens, services with and without x-amz-content-sha256, times before 1970, errors.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { oracleSkip } from '../../../testing/index.js';
import { OpaComparison } from '../testing/opa-compare.js';

const CONFIG =
  '{"aws_access_key": "AKID", "aws_secret_access_key": "SECRET", "aws_region": "eu-west-1", "aws_service": "SERVICE"}';

const cases: readonly [string, string, string, string][] = [
  [
    'plain GET to S3',
    '{"method": "GET", "url": "https://bucket.s3.amazonaws.com/key.txt"}',
    's3',
    '1451311705000000000',
  ],
  [
    'path needing escapes and a query',
    '{"method": "GET", "url": "https://h.example.com/a b/ü%2F?x=1&a=b c#frag"}',
    'execute-api',
    '1700000000123456789',
  ],
  [
    'port and user info in the URL',
    '{"method": "POST", "url": "http://user:pw@h.example.com:8443/p", "raw_body": "hello"}',
    'glacier',
    '0',
  ],
  [
    'ignored and overriding headers',
    '{"method": "PUT", "url": "https://h.example.com/", "headers": {"User-Agent": "x", "Authorization": "old", "X-Amz-Date": "mine", "Content-Type": "application/json"}, "body": {"b": [1, 2], "a": "<&>"}}',
    's3',
    '1451311705000000000',
  ],
  [
    'session token and a service without the payload header',
    '{"method": "GET", "url": "https://sts.amazonaws.com/?Action=GetCallerIdentity"}',
    'sts',
    '-1000000000',
  ],
  [
    'headers that are not strings',
    '{"method": "GET", "url": "https://h.example.com/", "headers": {"n": 1, "b": true}}',
    's3',
    '1451311705000000000',
  ],
];

describe('providers.aws.sign_req', { skip: oracleSkip('opa') }, () => {
  const compare = new OpaComparison();
  after(() => compare.dispose());
  for (const [name, req, service, time] of cases) {
    test(name, () => {
      const config = CONFIG.replace('SERVICE', service).replace(
        '}',
        name.startsWith('session') ? ', "aws_session_token": "TOKEN"}' : '}',
      );
      const r = compare.run({
        name,
        v1: true,
        query: `providers.aws.sign_req(${req}, ${config}, ${time})`,
      });
      assert.ok(r.same, r.report);
    });
  }
  test('errors: unknown request keys, bad config values', () => {
    for (const query of [
      `providers.aws.sign_req({"method": "GET", "url": "http://x", "nope": 1}, ${CONFIG.replace('SERVICE', 's3')}, 0)`,
      'providers.aws.sign_req({"method": "GET", "url": "http://x"}, {"aws_access_key": "a", "aws_secret_access_key": "b", "aws_region": "c", "aws_service": "s3", "disable_payload_signing": 1}, 0)',
      `providers.aws.sign_req({"method": "GET", "url": "http://x"}, ${CONFIG.replace('SERVICE', 's3')}, 1.5)`,
    ]) {
      const r = compare.run({ name: query, v1: true, query });
      assert.ok(r.same, r.report);
    }
  });
});
