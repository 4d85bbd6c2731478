import { describe } from 'node:test';
import { rowTests, type Row } from './testing/builtin-harness.js';

// Go's net.ParseIP/ParseCIDR rules (no leading zeros in IPv4 fields) and OPA's results.
const ROWS: readonly Row[] = [
  ['net.cidr_contains', ['10.0.0.0/8', '10.1.0.0/24'], 'true'],
  ['net.cidr_contains', ['172.17.0.0/24', '172.17.0.0/16'], 'false'],
  ['net.cidr_contains', ['10.0.0.0/8', '10.1.2.3'], 'true'],
  ['net.cidr_contains', ['10.0.0.0/8', '192.168.1.1'], 'false'],
  ['net.cidr_contains', ['2001:4860:4860::8888/32', '2001:4860:4860:1234::8888/40'], 'true'],
  ['net.cidr_contains', ['2001:4860::/96', '2001:4860::/32'], 'false'],
  ['net.cidr_contains', ['10.0.0.0/8', '::1'], 'false'],
  ['net.cidr_contains', ['10.0.0.0/8', '::ffff:10.1.1.1'], 'true'],
  [
    'net.cidr_contains',
    ['not-a-cidr', '10.0.0.1'],
    'ERR eval_builtin_error: net.cidr_contains: invalid CIDR address: not-a-cidr',
  ],
  [
    'net.cidr_contains',
    ['10.0.0.0/8', 'not-a-cidr'],
    'ERR eval_builtin_error: net.cidr_contains: not a valid textual representation of an IP address or CIDR: not-a-cidr',
  ],
  [
    'net.cidr_contains',
    ['010.0.0.0/8', '10.0.0.1'],
    'ERR eval_builtin_error: net.cidr_contains: invalid CIDR address: 010.0.0.0/8',
  ],
  ['net.cidr_overlap', ['10.0.0.0/8', '10.1.2.3'], 'true'],
  ['net.cidr_intersects', ['192.168.1.0/25', '192.168.1.64/25'], 'true'],
  ['net.cidr_intersects', ['192.168.1.0/24', '192.168.2.0/24'], 'false'],
  ['net.cidr_intersects', ['fd1e:5bfe:8af3:9ddc::/64', 'fd1e:5bfe:8af3:9ddc:1111::/72'], 'true'],
  [
    'net.cidr_intersects',
    ['192.168.1.0/28', 'x'],
    'ERR eval_builtin_error: net.cidr_intersects: invalid CIDR address: x',
  ],
  ['net.cidr_is_valid', ['192.168.1.0/24'], 'true'],
  ['net.cidr_is_valid', ['2002::1234:abcd:ffff:c0a8:101/64'], 'true'],
  ['net.cidr_is_valid', ['192.168.1.2'], 'false'],
  ['net.cidr_is_valid', ['192.168.1.0/33'], 'false'],
  ['net.cidr_is_valid', [''], 'false'],
  [
    'net.cidr_expand',
    ['192.168.1.1/30'],
    '["192.168.1.0","192.168.1.1","192.168.1.2","192.168.1.3"]',
  ],
  ['net.cidr_expand', ['172.16.100.255/32'], '["172.16.100.255"]'],
  ['net.cidr_expand', ['2001:db8::/127'], '["2001:db8::","2001:db8::1"]'],
  [
    'net.cidr_expand',
    ['192.168.1.1/33'],
    'ERR eval_builtin_error: net.cidr_expand: invalid CIDR address: 192.168.1.1/33',
  ],
  [
    'net.cidr_expand',
    ['10.0.0.0/8'],
    'ERR eval_builtin_error: net.cidr_expand: CIDR 10.0.0.0/8 is too large to expand (more than 2^20 addresses)',
  ],
  ['net.cidr_contains_matches', ['1.1.1.0/24', '1.1.1.1'], '[["1.1.1.0/24","1.1.1.1"]]'],
  [
    'net.cidr_contains_matches',
    [
      ['1.1.2.0/24', '1.1.1.0/24'],
      ['1.1.1.1', '1.1.2.1'],
    ],
    '[[0,1],[1,0]]',
  ],
  [
    'net.cidr_contains_matches',
    [{ k1: '1.1.1.1/24', k2: ['1.1.1.2/24', 1] }, '1.1.1.128'],
    '[["k1","1.1.1.128"],["k2","1.1.1.128"]]',
  ],
  [
    'net.cidr_contains_matches',
    [new Set([['1.1.1.0/24', 'bar']]), new Set([['1.1.1.1', 'baz']])],
    '[[["1.1.1.0/24","bar"],["1.1.1.1","baz"]]]',
  ],
  [
    'net.cidr_contains_matches',
    [['1.1.1.0/24'], ['1.1.1.1', []]],
    'ERR eval_builtin_error: net.cidr_contains_matches: operand 2: element must be string or non-empty array',
  ],
  ['net.cidr_merge', [['192.0.128.0/24', '192.0.129.0/24']], '["192.0.128.0/23"]'],
  [
    'net.cidr_merge',
    [['192.0.2.112/30', '192.0.2.116/31', '192.0.2.118/31']],
    '["192.0.2.112/29"]',
  ],
  [
    'net.cidr_merge',
    [['192.0.2.112/31', '192.0.2.116/31', '192.0.2.118/31']],
    '["192.0.2.112/31","192.0.2.116/30"]',
  ],
  ['net.cidr_merge', [['192.0.128.0/24', '0.0.0.0/0']], '["0.0.0.0/0"]'],
  [
    'net.cidr_merge',
    [['fe80::/120', '192.0.2.0/24', '192.0.3.0/24', '192.0.4.0/25', '192.0.4.128/25']],
    '["192.0.2.0/23","192.0.4.0/24","fe80::/120"]',
  ],
  // A bare IPv4 address takes its classful default mask (Go's IP.DefaultMask), as OPA does.
  ['net.cidr_merge', [['192.0.2.112', '192.0.2.116/31']], '["192.0.2.0/24"]'],
  ['net.cidr_merge', [['10.1.2.3']], '["10.1.2.3/8"]'],
  ['net.cidr_merge', [new Set(['192.0.2.112/30', '192.0.2.116/30'])], '["192.0.2.112/29"]'],
  ['net.cidr_merge', [[]], '[]'],
  [
    'net.cidr_merge',
    [['2601:600::1']],
    'ERR eval_builtin_error: net.cidr_merge: IPv6 invalid: needs prefix length',
  ],
  [
    'net.cidr_merge',
    [['foo']],
    'ERR eval_builtin_error: net.cidr_merge: invalid CIDR address: foo',
  ],
  ['net.cidr_merge', [[1]], 'ERR eval_builtin_error: net.cidr_merge: element must be string'],
];

describe('net built-ins', () => {
  rowTests(ROWS);
});
