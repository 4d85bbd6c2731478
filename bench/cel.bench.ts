// Benchmark of CRD validation rules: 20 x-kubernetes-validations rules evaluated on one object
// (per-object time and runtime cost), against a baseline measured in the same run: the same 20
// checks written as a plain JavaScript function over the same JSON.
import { KubernetesCelEnv, fromJson, schemaDeclType, T } from '../src/cel/index.js';

const schema = {
  type: 'object',
  properties: {
    replicas: { type: 'integer' },
    image: { type: 'string', maxLength: 200 },
    mem: { type: 'string', maxLength: 20 },
    ports: { type: 'array', maxItems: 20, items: { type: 'integer' } },
    labels: {
      type: 'object',
      maxProperties: 20,
      additionalProperties: { type: 'string', maxLength: 63 },
    },
    host: { type: 'string', maxLength: 63 },
    url: { type: 'string', maxLength: 200 },
  },
};
const RULES = [
  'self.replicas >= 0',
  'self.replicas <= 100',
  "self.image.contains(':')",
  "!self.image.endsWith(':latest')",
  "self.image.matches('^[a-z0-9./-]+:[a-z0-9.-]+$')",
  "quantity(self.mem).isLessThan(quantity('4Gi'))",
  'self.ports.all(p, p > 0 && p < 65536)',
  'self.ports.size() <= 10',
  'self.ports.isSorted()',
  'self.labels.all(k, k.size() < 64)',
  "'app' in self.labels",
  "self.labels['app'].size() > 0",
  '!format.dns1123Label().validate(self.host).hasValue()',
  "isURL(self.url) && url(self.url).getScheme() == 'https'",
  'self.?replicas.orValue(1) > 0',
  "self.image.split('/').size() <= 3",
  "self.labels.exists(k, k == 'tier')",
  'self.ports.exists_one(p, p == 443)',
  'self.host.lowerAscii() == self.host',
  'self.ports.map(p, p * 2).max() < 131072',
];
const obj = {
  replicas: 3,
  image: 'registry.example.com/team/app:1.2.3',
  mem: '512Mi',
  ports: [80, 443, 8080],
  labels: { app: 'web', tier: 'frontend' },
  host: 'web-frontend',
  url: 'https://example.com/health',
};

function baseline(o: typeof obj): boolean[] {
  return [
    o.replicas >= 0,
    o.replicas <= 100,
    o.image.includes(':'),
    !o.image.endsWith(':latest'),
    /^[a-z0-9./-]+:[a-z0-9.-]+$/.test(o.image),
    parseInt(o.mem) * 1024 * 1024 < 4 * 1024 ** 3,
    o.ports.every((p) => p > 0 && p < 65536),
    o.ports.length <= 10,
    o.ports.every((p, i) => i === 0 || (o.ports[i - 1] ?? 0) <= p),
    Object.keys(o.labels).every((k) => k.length < 64),
    'app' in o.labels,
    o.labels.app.length > 0,
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(o.host),
    new URL(o.url).protocol === 'https:',
    o.replicas > 0,
    o.image.split('/').length <= 3,
    Object.keys(o.labels).some((k) => k === 'tier'),
    o.ports.filter((p) => p === 443).length === 1,
    o.host.toLowerCase() === o.host,
    Math.max(...o.ports.map((p) => p * 2)) < 131072,
  ];
}

const decl = schemaDeclType(schema, false, 'selfType1');
const env = new KubernetesCelEnv({ variables: new Map([['self', decl?.type ?? T.dyn]]) });
const t0 = performance.now();
const programs = RULES.map((r) => env.compile(r));
const compileMs = performance.now() - t0;

function evalAll(): number {
  const self = fromJson(obj, decl?.type);
  const vars = new Map([['self', self]]);
  let cost = 0;
  for (const p of programs) {
    const r = p.evaluate(vars);
    if (r.value !== true) throw new Error(`rule failed: ${p.source}`);
    cost += r.cost;
  }
  return cost;
}

function time(label: string, n: number, f: () => unknown): number {
  for (let i = 0; i < Math.min(200, n); i++) f();
  const start = performance.now();
  for (let i = 0; i < n; i++) f();
  const us = ((performance.now() - start) * 1000) / n;
  console.log(`${label}: ${us.toFixed(1)} µs per object`);
  return us;
}

const cost = evalAll();
console.log(
  `compile 20 rules: ${compileMs.toFixed(1)} ms; runtime cost per object: ${cost} (budget 10,000,000)`,
);
const cel = time('CEL, 20 rules', 5000, evalAll);
const js = time('baseline: the same checks in plain JavaScript', 50000, () => baseline(obj));
console.log(`ratio CEL / plain JavaScript: ${(cel / js).toFixed(1)}x`);
