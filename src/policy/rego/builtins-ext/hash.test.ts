import { describe } from 'node:test';
import { rowTests, type Row } from './testing/builtin-harness.js';

const U_MSG = 'åäöçß🥲♙Ω';
const U_KEY = '秘密の';

const ROWS: readonly Row[] = [
  ['crypto.md5', ['lorem ipsum'], '"80a751fde577028640c419000e33eba6"'],
  ['crypto.sha1', ['lorem ipsum'], '"bfb7759a67daeb65410490b4d98bb9da7d1ea2ce"'],
  [
    'crypto.sha256',
    ['lorem ipsum'],
    '"5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269"',
  ],
  ['crypto.hmac.md5', ['foo', 'bar'], '"31b6db9e5eb4addb42f1a6ca07367adc"'],
  ['crypto.hmac.md5', [U_MSG, U_KEY], '"20a8743c2157ac60b7e8b79c83651b8d"'],
  ['crypto.hmac.sha1', ['foo', 'bar'], '"85d155c55ed286a300bd1cf124de08d87e914f3a"'],
  ['crypto.hmac.sha1', [U_MSG, U_KEY], '"81759c39013935fcf0de833d44c8018d7c1455dd"'],
  [
    'crypto.hmac.sha256',
    ['foo', 'bar'],
    '"147933218aaabc0b8b10a2b3a5c34684c8d94341bcf10a4736dc7270f7741851"',
  ],
  [
    'crypto.hmac.sha512',
    ['foo', 'bar'],
    '"24257d7210582a65c731ec55159c8184cc24c02489453e58587f71f44c23a2d61b4b72154a89d17b2d49448a8452ea066f4fc56a2bcead45c088572ffccdb3d8"',
  ],
  [
    'crypto.hmac.equal',
    ['31b6db9e5eb4addb42f1a6ca07367adc', '31b6db9e5eb4addb42f1a6ca07367adc'],
    'true',
  ],
  ['crypto.hmac.equal', ['31b6db9e5eb4addb42f1a6ca07367adc', '31b6db9e5eb4addb'], 'false'],
  ['crypto.hmac.equal', ['a', 'b'], 'false'],
  ['crypto.md5', [1], 'ERR eval_type_error: crypto.md5: operand 1 must be string but got number'],
  [
    'crypto.hmac.sha256',
    ['m', null],
    'ERR eval_type_error: crypto.hmac.sha256: operand 2 must be string but got null',
  ],
];

describe('crypto hash and HMAC built-ins', () => {
  rowTests(ROWS);
});
