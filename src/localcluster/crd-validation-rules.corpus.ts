// The corpus of the validation-rules differential test: CRDs with x-kubernetes-validations and the
// writes sent to both servers (valid and invalid objects, transition rules, compile errors, cost
// limits, messageExpression, reason, fieldPath, status, ratcheting).

export interface Step {
  /** `crd` replaces the CRD's spec schema with `schema` (rules tightened after objects exist) */
  readonly op: 'create' | 'update' | 'status' | 'merge' | 'apply' | 'crd';
  readonly schema?: Record<string, unknown>;
  readonly spec?: unknown;
  readonly status?: unknown;
  readonly name?: string;
}

export interface RuleCase {
  readonly name: string;
  /** the schema of `spec` (rules may sit anywhere in it) */
  readonly spec: Record<string, unknown>;
  readonly status?: Record<string, unknown>;
  /** rules at the root of the schema (self is the whole object) */
  readonly root?: readonly unknown[];
  /** schemas of `spec` for more versions (v2, v3…), served, not stored */
  readonly versions?: readonly Record<string, unknown>[];
  readonly steps: readonly Step[];
}

const int = { type: 'integer' };
const str = { type: 'string' };
const rules = (...r: unknown[]): Record<string, unknown> => ({ 'x-kubernetes-validations': r });
const obj = (properties: Record<string, unknown>, ...r: unknown[]): Record<string, unknown> => ({
  type: 'object',
  properties,
  ...(r.length > 0 ? rules(...r) : {}),
});

export const CORPUS: readonly RuleCase[] = [
  {
    name: 'compile errors',
    spec: obj(
      { a: int, s: str },
      { rule: 'self.nope == 1' },
      { rule: 'self.a' },
      { rule: "self.a == 'x'" },
      { rule: 'foo(self.a)' },
      { rule: 'self.s.size() > 1', messageExpression: '1' },
      { rule: 'self.a > 1', messageExpression: 'self.nope' },
    ),
    steps: [],
  },
  {
    name: 'rule field checks',
    spec: obj(
      { a: int, l: { type: 'array', items: obj({ x: int }, { rule: 'self.x == oldSelf.x' }) } },
      { rule: 'self.a > 0', optionalOldSelf: true },
      { rule: 'self.a > 0', reason: 'Bogus' },
      { rule: 'self.a > 0', fieldPath: '.nope' },
      { rule: 'self.a > 0', message: '' },
      { rule: 'self.a >\n0' },
    ),
    steps: [],
  },
  {
    name: 'cost over budget',
    spec: obj(
      { l: { type: 'array', items: str } },
      { rule: 'self.l.all(x, self.l.all(y, x == y))' },
    ),
    steps: [],
  },
  {
    name: 'object rules and messages',
    spec: obj(
      {
        replicas: int,
        name: { type: 'string', maxLength: 20 },
        tags: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 10 } },
      },
      { rule: 'self.replicas < 10', message: 'too many' },
      {
        rule: "!has(self.name) || self.name != 'x'",
        messageExpression: "'name ' + self.name + ' is bad'",
      },
      { rule: '!has(self.tags) || self.tags.size() < 3', reason: 'FieldValueForbidden' },
      { rule: "!has(self.tags) || !('dup' in self.tags)", reason: 'FieldValueDuplicate' },
      {
        rule: "!has(self.name) || self.name != 'req'",
        reason: 'FieldValueRequired',
        message: 'name is required to differ',
      },
      { rule: 'self.replicas != 7', fieldPath: '.replicas', message: 'seven' },
    ),
    steps: [
      { op: 'create', spec: { replicas: 12, name: 'x', tags: ['a', 'b', 'c'] } },
      { op: 'create', spec: { replicas: 7, name: 'req', tags: ['dup'] } },
      { op: 'create', spec: { replicas: 1, name: 'ok' } },
    ],
  },
  {
    name: 'scalar rules',
    spec: obj({
      n: { type: 'integer', ...rules({ rule: 'self >= 0', message: 'must be non-negative' }) },
      f: { type: 'number', ...rules({ rule: 'self < 1.5' }) },
      s: {
        type: 'string',
        maxLength: 30,
        ...rules(
          { rule: "self.startsWith('a')" },
          { rule: 'self.size() < 5', messageExpression: "'too long: ' + string(self.size())" },
        ),
      },
      b: { type: 'boolean', ...rules({ rule: 'self' }) },
    }),
    steps: [
      { op: 'create', spec: { n: -1, f: 2.5, s: 'bcdefg', b: false } },
      { op: 'create', spec: { n: 3, f: 1, s: 'abc', b: true } },
    ],
  },
  {
    name: 'evaluation errors',
    spec: obj(
      { a: int, b: int, m: { type: 'object', additionalProperties: str } },
      { rule: 'self.a / self.b > 0' },
      { rule: "self.m['k'] == 'v'" },
      { rule: 'self.c == 1' },
    ),
    steps: [{ op: 'create', spec: { a: 1, b: 0, m: {} } }],
  },
  {
    name: 'transition rules',
    spec: obj(
      {
        replicas: int,
        mode: {
          type: 'string',
          ...rules({ rule: 'self == oldSelf', message: 'mode is immutable' }),
        },
      },
      {
        rule: 'self.replicas >= oldSelf.replicas',
        message: 'no scale down',
        fieldPath: '.replicas',
      },
      {
        rule: '!oldSelf.hasValue() || self.replicas <= oldSelf.value().replicas + 5',
        optionalOldSelf: true,
        message: 'grows too fast',
      },
    ),
    steps: [
      { op: 'create', spec: { replicas: 5, mode: 'a' } },
      { op: 'update', spec: { replicas: 3, mode: 'b' } },
      { op: 'update', spec: { replicas: 20, mode: 'a' } },
      { op: 'update', spec: { replicas: 6, mode: 'a' } },
    ],
  },
  {
    name: 'lists and maps',
    spec: obj({
      items: {
        type: 'array',
        maxItems: 20,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: {
          ...obj(
            { name: { type: 'string', maxLength: 10 }, v: int },
            { rule: 'self.v > 0', message: 'v must be positive' },
            { rule: 'self.v >= oldSelf.v', message: 'v only grows' },
          ),
          required: ['name'],
        },
        ...rules({ rule: 'self.all(x, x.name.size() > 1)' }),
      },
      set: {
        type: 'array',
        maxItems: 5,
        'x-kubernetes-list-type': 'set',
        items: { type: 'string', maxLength: 5 },
        ...rules({ rule: 'self.size() <= 3', message: 'at most three' }),
      },
      labels: {
        type: 'object',
        maxProperties: 5,
        additionalProperties: {
          type: 'string',
          maxLength: 20,
          ...rules({ rule: "self != 'forbidden'" }),
        },
        ...rules({ rule: "!('bad' in self)", message: 'no bad key' }),
      },
    }),
    steps: [
      {
        op: 'create',
        spec: {
          items: [
            { name: 'a', v: 0 },
            { name: 'bb', v: 2 },
          ],
          set: ['a', 'b', 'c', 'd'],
          labels: { bad: 'x', ok: 'forbidden' },
        },
      },
      { op: 'create', spec: { items: [{ name: 'bb', v: 2 }], set: ['a'], labels: { ok: 'fine' } } },
      {
        op: 'update',
        spec: {
          items: [
            { name: 'bb', v: 1 },
            { name: 'cc', v: 1 },
          ],
          set: ['a'],
          labels: { ok: 'fine' },
        },
      },
    ],
  },
  {
    name: 'int-or-string and embedded resources',
    spec: obj({
      port: {
        'x-kubernetes-int-or-string': true,
        ...rules({
          rule: "type(self) == int ? self < 65536 : self.matches('^[a-z]+$')",
          message: 'bad port',
        }),
      },
      template: {
        type: 'object',
        'x-kubernetes-embedded-resource': true,
        'x-kubernetes-preserve-unknown-fields': true,
        ...rules(
          { rule: "self.kind == 'ConfigMap'", message: 'only ConfigMaps' },
          { rule: "self.metadata.name.startsWith('cm-')" },
        ),
      },
      extra: {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        ...rules({ rule: 'size(self) < 3' }),
      },
    }),
    steps: [
      {
        op: 'create',
        spec: {
          port: 70000,
          template: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } },
          extra: { a: 1, b: 2, c: 3 },
        },
      },
      {
        op: 'create',
        spec: {
          port: 'HTTP',
          template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-a' } },
        },
      },
      {
        op: 'create',
        spec: {
          port: 'http',
          template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-a' } },
          extra: {},
        },
      },
    ],
  },
  {
    name: 'libraries',
    spec: obj(
      {
        mem: { type: 'string', maxLength: 20 },
        ip: { type: 'string', maxLength: 40 },
        cidr: { type: 'string', maxLength: 45 },
        url: { type: 'string', maxLength: 100 },
        ver: { type: 'string', maxLength: 20 },
        host: { type: 'string', maxLength: 63 },
        nums: { type: 'array', maxItems: 10, items: int },
      },
      {
        rule: "!has(self.mem) || (isQuantity(self.mem) && quantity(self.mem).isLessThan(quantity('1Gi')))",
        message: 'memory below 1Gi',
      },
      {
        rule: '!has(self.ip) || (isIP(self.ip) && ip(self.ip).family() == 4)',
        message: 'IPv4 only',
      },
      {
        rule: "!has(self.cidr) || cidr(self.cidr).containsIP(ip('10.0.0.1'))",
        message: 'must contain 10.0.0.1',
      },
      {
        rule: "!has(self.url) || (isURL(self.url) && url(self.url).getScheme() == 'https')",
        message: 'https only',
      },
      {
        rule: "!has(self.ver) || (isSemver(self.ver) && semver(self.ver).isGreaterThan(semver('1.0.0')))",
        message: 'version above 1.0.0',
      },
      {
        rule: '!has(self.host) || !format.dns1123Label().validate(self.host).hasValue()',
        messageExpression: "format.dns1123Label().validate(self.host).value().join(', ')",
      },
      {
        rule: '!has(self.nums) || (self.nums.isSorted() && self.nums.sum() < 100)',
        message: 'sorted, sum below 100',
      },
      { rule: "self.?host.orValue('') != 'default'", message: 'not default' },
    ),
    steps: [
      {
        op: 'create',
        spec: {
          mem: '2Gi',
          ip: '::1',
          cidr: '192.168.0.0/16',
          url: 'http://x.example.com/a',
          ver: '0.9.0',
          host: 'Bad_Host',
          nums: [3, 1, 200],
        },
      },
      {
        op: 'create',
        spec: {
          mem: '512Mi',
          ip: '10.1.1.1',
          cidr: '10.0.0.0/8',
          url: 'https://x.example.com/a',
          ver: '1.2.3',
          host: 'good-host',
          nums: [1, 2, 3],
        },
      },
      { op: 'create', spec: { host: 'default' } },
    ],
  },
  {
    name: 'status subresource',
    spec: obj({ a: int }),
    status: obj(
      { phase: { type: 'string', maxLength: 20, ...rules({ rule: "self != 'Bad'" }) }, count: int },
      { rule: '!has(self.count) || self.count < 5', message: 'count below 5' },
    ),
    steps: [
      { op: 'create', spec: { a: 1 } },
      { op: 'status', status: { phase: 'Bad', count: 9 } },
      { op: 'status', status: { phase: 'Good', count: 1 } },
    ],
  },
  {
    name: 'runtime cost limit',
    spec: obj({
      l: {
        type: 'array',
        maxItems: 800,
        items: int,
        ...rules({ rule: 'self.all(x, self.all(y, x >= 0 && y >= 0))' }),
      },
    }),
    steps: [{ op: 'create', spec: { l: Array.from({ length: 800 }, (_, i) => i) } }],
  },
  {
    name: 'schema errors block rules',
    spec: obj(
      { a: { type: 'integer', minimum: 0 }, e: { type: 'string', enum: ['x', 'y'] } },
      { rule: 'self.a > 10', message: 'a above 10' },
    ),
    steps: [
      { op: 'create', spec: { a: -1, e: 'x' } },
      { op: 'create', spec: { a: 1, e: 'z' } },
    ],
  },
];

/** More cases: write paths, ratcheting after a CRD change, formats, runtime error texts. */
export const MORE: readonly RuleCase[] = [
  {
    name: 'write paths',
    spec: obj(
      { a: int, s: { type: 'string', maxLength: 10 } },
      { rule: 'self.a < 10', message: 'a below 10' },
    ),
    steps: [
      { op: 'create', spec: { a: 1, s: 'x' } },
      { op: 'merge', spec: { a: 11 } },
      { op: 'apply', spec: { a: 12, s: 'y' } },
      { op: 'merge', spec: { a: 2 } },
    ],
  },
  {
    name: 'ratcheting after the CRD tightens',
    spec: obj({ a: int, b: int }),
    steps: [
      { op: 'create', spec: { a: 5, b: 1 } },
      {
        op: 'crd',
        schema: obj({ a: int, b: int }, { rule: 'self.a < 3', message: 'a below 3' }),
        spec: {},
      },
      { op: 'update', spec: { a: 5, b: 2 } },
      { op: 'update', spec: { a: 6, b: 2 } },
      { op: 'create', spec: { a: 7, b: 2 } },
    ],
  },
  {
    name: 'ratcheting a property rule',
    spec: obj({ a: int, b: int }),
    steps: [
      { op: 'create', spec: { a: 5, b: 1 } },
      {
        op: 'crd',
        schema: obj({
          a: { type: 'integer', ...rules({ rule: 'self < 3', message: 'a below 3' }) },
          b: int,
        }),
        spec: {},
      },
      { op: 'update', spec: { a: 5, b: 2 } },
      { op: 'merge', spec: { a: 6 } },
    ],
  },
  {
    name: 'messageExpression fallbacks and optionalOldSelf on create',
    spec: obj(
      {
        a: int,
        m: {
          type: 'object',
          maxProperties: 3,
          additionalProperties: { type: 'string', maxLength: 5 },
        },
      },
      { rule: 'self.a < 10', messageExpression: "''", message: 'plain message' },
      { rule: 'self.a < 20', messageExpression: "self.m['missing']", message: 'fallback message' },
      { rule: 'self.a < 30', messageExpression: "'a is ' + string(self.a)" },
      {
        rule: 'oldSelf.hasValue() || self.a < 40',
        optionalOldSelf: true,
        message: 'create needs a below 40',
      },
    ),
    steps: [
      { op: 'create', spec: { a: 50, m: {} } },
      { op: 'create', spec: { a: 5, m: {} } },
    ],
  },
  {
    name: 'formats as CEL types',
    spec: obj(
      {
        t: { type: 'string', format: 'date-time' },
        d: { type: 'string', format: 'duration' },
        b: { type: 'string', format: 'byte' },
      },
      {
        rule: "!has(self.t) || self.t < timestamp('2030-01-01T00:00:00Z')",
        message: 'before 2030',
      },
      { rule: "!has(self.d) || self.d < duration('1h')", message: 'under an hour' },
      { rule: '!has(self.b) || size(self.b) < 4', message: 'short bytes' },
    ),
    steps: [
      { op: 'create', spec: { t: '2031-05-01T00:00:00Z', d: '2h', b: 'aGVsbG8=' } },
      { op: 'create', spec: { t: '2021-05-01T00:00:00Z', d: '30m', b: 'aGk=' } },
    ],
  },
  {
    name: 'runtime error texts',
    spec: obj(
      { s: { type: 'string', maxLength: 10 }, l: { type: 'array', maxItems: 3, items: int } },
      { rule: 'self.l[5] == 1' },
      { rule: 'int(self.s) > 0' },
      { rule: "duration(self.s) > duration('1s')" },
      { rule: "timestamp(self.s) > timestamp('2020-01-01T00:00:00Z')" },
      { rule: 'quantity(self.s).isInteger()' },
      { rule: 'ip(self.s).family() == 4' },
      { rule: 'cidr(self.s).prefixLength() > 0' },
      { rule: "url(self.s).getScheme() == 'https'" },
      { rule: 'semver(self.s).major() > 0' },
      { rule: 'self.s.matches(self.s)' },
      { rule: "self.s.find(self.s) == ''" },
      { rule: 'self.l.min() > 0' },
    ),
    steps: [
      { op: 'create', spec: { s: '[x', l: [] } },
      { op: 'create', spec: { s: '1.5.a', l: [1] } },
    ],
  },
  {
    name: 'more compile errors',
    spec: obj(
      {
        l: { type: 'array', maxItems: 3, items: obj({ x: int }) },
        m: { type: 'object', maxProperties: 3, additionalProperties: int },
        n: int,
      },
      { rule: 'self.l.exists(e, e.nope == 1)' },
      { rule: "self.m.all(k, self.m[k] > 'a')" },
      { rule: 'has(self.n.x)' },
      { rule: "self.?n.orValue('x') == 1" },
      { rule: 'self.l.map(e, e.x).sum() > 1.0' },
      { rule: 'math.greatest(1, 2) == 2' },
    ),
    steps: [],
  },
  {
    name: 'versions with different schemas',
    spec: obj({ a: int }, { rule: 'self.a < oldSelf.b' }),
    versions: [obj({ a: int, b: int }, { rule: 'self.a.size() > 0' })],
    steps: [],
  },
  {
    name: 'cost near the limit',
    spec: obj(
      { l: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 64 } } },
      { rule: 'self.l.all(x, self.l.exists(y, x == y))' },
    ),
    steps: [],
  },
];

/** Rules whose estimated cost lands near the limits: the printed factor must agree. */
export const COSTS: readonly RuleCase[] = [
  ["self.l.all(x, x.matches('^[a-z]+$'))", 200000, 64],
  ['self.l.all(x, self.l.exists(y, x == y))', 3000, 64],
  ["self.l.map(x, x + 'a').size() > 0", 300000, 64],
  ["self.l.filter(x, x.startsWith('a')).size() < 5", 400000, 1000],
  ['self.l.all(x, x.size() < 10)', 1500000, 10],
  ["self.m.all(k, self.m[k].contains('x'))", 0, 200],
].map(([rule, max, len], k) => ({
  name: `cost estimate ${k}`,
  spec:
    max === 0
      ? obj(
          { m: { type: 'object', additionalProperties: { type: 'string', maxLength: len } } },
          { rule },
        )
      : obj(
          { l: { type: 'array', maxItems: max, items: { type: 'string', maxLength: len } } },
          { rule },
        ),
  steps: [],
}));

/** Rules as CRDs in the wild write them: on the root, immutability, int-or-string at run time. */
export const COMMON: readonly RuleCase[] = [
  {
    name: 'root rules and immutability',
    root: [
      { rule: "self.metadata.name.startsWith('app-')", message: 'name must start with app-' },
      { rule: "self.kind == 'Rc' + 'x' || true" },
      {
        rule: 'self.spec.mode == oldSelf.spec.mode',
        message: 'mode is immutable',
        fieldPath: '.spec.mode',
      },
    ],
    spec: obj(
      { mode: { type: 'string', maxLength: 10 }, size: { 'x-kubernetes-int-or-string': true } },
      { rule: 'self == oldSelf', message: 'Value is immutable' },
    ),
    steps: [
      { op: 'create', name: 'bad', spec: { mode: 'a', size: 1 } },
      { op: 'create', name: 'app-1', spec: { mode: 'a', size: 1 } },
      { op: 'update', spec: { mode: 'b', size: 1 } },
    ],
  },
  {
    name: 'set and map lists compare as sets and maps',
    spec: obj({
      set: {
        type: 'array',
        maxItems: 5,
        'x-kubernetes-list-type': 'set',
        items: { type: 'string', maxLength: 5 },
        ...rules(
          { rule: 'self == oldSelf', message: 'set is immutable' },
          {
            rule: "self + ['z'] == ['z'] + self || size(self + self) == size(self)",
            message: 'union',
          },
        ),
      },
      ports: {
        type: 'array',
        maxItems: 5,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['port'],
        items: {
          ...obj({ port: int, name: { type: 'string', maxLength: 5 } }),
          required: ['port'],
        },
        ...rules(
          { rule: 'self == oldSelf', message: 'ports are immutable' },
          { rule: 'size(self + self) == size(self)', message: 'merge' },
        ),
      },
    }),
    steps: [
      {
        op: 'create',
        spec: {
          set: ['a', 'b'],
          ports: [
            { port: 80, name: 'http' },
            { port: 443, name: 'https' },
          ],
        },
      },
      {
        op: 'update',
        spec: {
          set: ['b', 'a'],
          ports: [
            { port: 443, name: 'https' },
            { port: 80, name: 'http' },
          ],
        },
      },
      {
        op: 'update',
        spec: {
          set: ['b', 'c'],
          ports: [
            { port: 443, name: 'tls' },
            { port: 80, name: 'http' },
          ],
        },
      },
    ],
  },
  {
    name: 'int-or-string at run time',
    spec: obj(
      { size: { 'x-kubernetes-int-or-string': true } },
      { rule: 'self.size < 10' },
      { rule: "self.size.endsWith('%')" },
    ),
    steps: [
      { op: 'create', spec: { size: '50%' } },
      { op: 'create', spec: { size: 50 } },
    ],
  },
];
