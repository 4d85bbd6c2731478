import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callBuiltin, rowTests, testContext, type Row } from './testing/builtin-harness.js';

const V2 =
  '{"clocksequence":12800,"domain":"Person","id":1000,"macvariables":"local:unicast","nodeid":"32-50-96-b3-9f-47","time":1693566990121469600,"variant":"RFC4122","version":2}';

const ROWS: readonly Row[] = [
  ['uuid.parse', ['00000000-0000-4000-8000-000000000000'], '{"variant":"RFC4122","version":4}'],
  ['uuid.parse', ['{00000000-0000-4000-8000-000000000000}'], '{"variant":"RFC4122","version":4}'],
  ['uuid.parse', ['6bea8ef2d3d33cd184e09bab06a52ece'], '{"variant":"RFC4122","version":3}'],
  ['uuid.parse', ['000003e8-48b9-21ee-b200-325096b39f47'], V2],
  ['uuid.parse', ['URN:UUID:000003e8-48b9-21ee-b200-325096b39f47'], V2],
  ['uuid.parse', ['00000000-0000-4000-c000-000000000000'], '{"variant":"Microsoft","version":4}'],
  ['uuid.parse', ['not-a-uuid'], 'undefined'],
  ['uuid.parse', ['00000000-0000-4000-8000-00000000000g'], 'undefined'],
  ['uuid.parse', [123], 'ERR eval_type_error: uuid.parse: operand 1 must be string but got number'],
  ['rand.intn', ['k', 0], '0'],
  [
    'rand.intn',
    ['k', 1.5],
    'ERR eval_type_error: rand.intn: operand 2 must be integer number but got floating-point number',
  ],
];

describe('uuid and rand built-ins', () => {
  rowTests(ROWS);

  it('uuid.rfc4122 is a v4 UUID, the same for the same key within one evaluation', () => {
    const ctx = testContext();
    const a = callBuiltin('uuid.rfc4122', ['k'], ctx).json!;
    assert.match(a, /^"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$/);
    assert.equal(callBuiltin('uuid.rfc4122', ['k'], ctx).json, a);
    assert.notEqual(callBuiltin('uuid.rfc4122', ['other'], ctx).json, a);
    assert.notEqual(callBuiltin('uuid.rfc4122', ['k'], testContext()).json, a);
  });

  it('rand.intn is in [0, |n|) and cached per (key, n) within one evaluation', () => {
    const ctx = testContext();
    const first = Number(callBuiltin('rand.intn', ['k', -1000], ctx).json);
    assert.ok(first >= 0 && first < 1000);
    for (let i = 0; i < 20; i++)
      assert.equal(Number(callBuiltin('rand.intn', ['k', 1000], ctx).json), first);
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++)
      seen.add(Number(callBuiltin('rand.intn', [`k${i}`, 1000], ctx).json));
    assert.ok(seen.size > 1);
  });
});
