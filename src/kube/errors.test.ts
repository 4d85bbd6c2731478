// Table test of metav1.Status → KubeApiError: reason, category, field and message.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  errorFromResponse,
  isConflict,
  isGone,
  isInvalid,
  isNotFound,
  isForbidden,
} from './index.js';

const status = (code: number, reason: string, message: string, causes?: unknown[]): string =>
  JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code,
    reason,
    message,
    ...(causes ? { details: { causes } } : {}),
  });

describe('errorFromResponse', () => {
  const cases: {
    name: string;
    code: number;
    body: string;
    reason: string;
    category: string;
    field?: string;
    is?: (e: unknown) => boolean;
  }[] = [
    {
      name: 'invalid with causes',
      code: 422,
      body: status(
        422,
        'Invalid',
        'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
        [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: -1: must be greater than or equal to 0',
            field: 'spec.replicas',
          },
        ],
      ),
      reason: 'Invalid',
      category: 'Terminal',
      field: 'spec.replicas',
      is: isInvalid,
    },
    {
      name: 'not found',
      code: 404,
      body: status(404, 'NotFound', 'namespaces "x" not found'),
      reason: 'NotFound',
      category: 'RetryLater',
      is: isNotFound,
    },
    {
      name: 'forbidden',
      code: 403,
      body: status(403, 'Forbidden', 'configmaps is forbidden'),
      reason: 'Forbidden',
      category: 'RetryLater',
      is: isForbidden,
    },
    {
      name: 'conflict',
      code: 409,
      body: status(409, 'Conflict', 'Apply failed with 1 conflict'),
      reason: 'Conflict',
      category: 'Transient',
      is: isConflict,
    },
    {
      name: 'gone',
      code: 410,
      body: status(410, 'Expired', 'too old resource version: 1 (5)'),
      reason: 'Expired',
      category: 'Transient',
      is: isGone,
    },
    {
      name: 'throttled',
      code: 429,
      body: status(429, 'TooManyRequests', 'slow down'),
      reason: 'TooManyRequests',
      category: 'Transient',
    },
    {
      name: 'server error without a Status',
      code: 503,
      body: '<html>bad gateway</html>',
      reason: 'ServiceUnavailable',
      category: 'Transient',
    },
    {
      name: 'unsupported media type',
      code: 415,
      body: status(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format'),
      reason: 'UnsupportedMediaType',
      category: 'Terminal',
    },
    { name: 'unknown 4xx', code: 418, body: '', reason: 'Unknown', category: 'Terminal' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const err = errorFromResponse({
        code: c.code,
        body: c.body,
        method: 'PATCH',
        path: '/apis/apps/v1/namespaces/a/deployments/web',
        object: 'Deployment/a/web',
      });
      assert.equal(err.code, c.code);
      assert.equal(err.statusReason, c.reason);
      assert.equal(err.reason, c.reason);
      assert.equal(err.category, c.category);
      assert.equal(err.field, c.field);
      assert.equal(err.object, 'Deployment/a/web');
      assert.match(err.message, /^PATCH \/apis\/apps\/v1\/namespaces\/a\/deployments\/web: /);
      if (c.is) assert.ok(c.is(err));
    });
  }
  it('keeps plain-text bodies as the message', () => {
    assert.match(
      errorFromResponse({ code: 502, body: 'upstream connect error', method: 'GET', path: '/api' })
        .message,
      /upstream connect error/,
    );
    assert.match(
      errorFromResponse({ code: 500, body: '', method: 'GET', path: '/api' }).message,
      /HTTP 500/,
    );
  });
});
