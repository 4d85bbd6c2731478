// Seeded generators of hostile input for fuzz tests: JSON values with keys that name members of
// Object.prototype or patch directives, deep nesting, huge strings, lone surrogates; and raw
// bodies (JSON with bad escapes, invalid UTF-8, truncated documents, YAML anchors, tags and
// merge keys). The same seed gives the same sequence, so a failure can be replayed.

import { Rng } from './rng.js';

export { Rng };

/** Keys that name members of Object.prototype: assigning or reading them naively pollutes. */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
] as const;

/** Keys patch engines and field sets give meaning to. */
const DIRECTIVE_KEYS = [
  '$patch',
  '$retainKeys',
  '$setElementOrder/containers',
  '$deleteFromPrimitiveList/finalizers',
  'f:data',
  'k:{"name":"a"}',
  'v:"x"',
  'i:0',
  '.',
  '',
];

const ORDINARY_KEYS = [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'namespace',
  'labels',
  'annotations',
  'finalizers',
  'managedFields',
  'data',
  'stringData',
  'spec',
  'status',
  'containers',
  'items',
  'replicas',
  'a',
];

const STRINGS = [
  '',
  'x',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u2066',
  'ü',
  '🚀',
  '%E0%A4%A',
  '${VAR}',
  '{{ .x }}',
  '\\',
  '"',
  "'",
  '\n- a\n',
  'null',
  'true',
  '0x1F',
  '1e999',
  '*',
  '&a',
  '!!binary',
  'replace',
  'delete',
  'merge',
];

export function hostileKey(rng: Rng): string {
  const r = rng.next();
  if (r < 0.3) return rng.pick(PROTOTYPE_KEYS);
  if (r < 0.45) return rng.pick(DIRECTIVE_KEYS);
  if (r < 0.9) return rng.pick(ORDINARY_KEYS);
  return rng.pick(STRINGS);
}

export function hostileString(rng: Rng): string {
  const r = rng.next();
  if (r < 0.6) return rng.pick(STRINGS);
  if (r < 0.99) return rng.pick(STRINGS).repeat(1 + rng.int(64));
  return 'x'.repeat(64 * 1024 * (1 + rng.int(16))); // up to 1 MiB, rarely: they are slow
}

function hostileScalar(rng: Rng): unknown {
  switch (rng.int(8)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -0, 1, -1, 2 ** 53, -(2 ** 63), 1.5, 1e308, Number.MIN_VALUE]);
    case 3:
      return rng.int(1000);
    default:
      return hostileString(rng);
  }
}

/** `{"a": {"a": … }}` or `[[…]]` nested `depth` levels around `leaf`. */
export function nested(depth: number, leaf: unknown, array = false): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = array ? [v] : { a: v };
  return v;
}

/** A random JSON value of bounded size (objects built with own keys, `__proto__` included). */
export function hostileValue(rng: Rng, depth = 0): unknown {
  if (depth > 0 && rng.chance(0.02))
    return nested(rng.pick([50, 200, 999, 1001, 1500]), hostileScalar(rng), rng.chance(0.5));
  if (depth > 6 || rng.chance(0.35)) return hostileScalar(rng);
  if (rng.chance(0.3))
    return Array.from({ length: rng.int(5) }, () => hostileValue(rng, depth + 1));
  const out: Record<string, unknown> = {};
  for (let i = rng.int(6); i > 0; i--)
    Object.defineProperty(out, hostileKey(rng), {
      value: hostileValue(rng, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

/** A Kubernetes-shaped object (apiVersion, kind, name) with hostile fields mixed in. */
export function hostileObject(rng: Rng, apiVersion: string, kind: string, name: string): unknown {
  const body = hostileValue(rng, 1);
  const extra = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {};
  const metadata = hostileValue(rng, 2);
  return {
    ...extra,
    apiVersion: rng.chance(0.9) ? apiVersion : hostileScalar(rng),
    kind: rng.chance(0.9) ? kind : hostileScalar(rng),
    metadata: {
      ...(typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)
        ? metadata
        : {}),
      name: rng.chance(0.9) ? name : hostileScalar(rng),
    },
  };
}

const BROKEN_JSON = [
  '{"a":"\\q"}',
  '{"a":"\\u12x4"}',
  '{"a":"\\ud800"}',
  '{"a":"unterminated}',
  '{"a":1,}',
  '{"a" 1}',
  '[1,2',
  '{"__proto__":{"x":1},"__proto__":{"y":2}}',
  '{"a":1e999999}',
  '{"a":-}',
  '\ufeff{"a":1}',
  '{"a":1} // comment',
  '{"a":NaN}',
  'null',
  '[]',
  '"string"',
  '1',
];

const HOSTILE_YAML = [
  'a: &a [*a, *a]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\ne: &e [*d, *d]\nf: [*e, *e]\n',
  'a: &x {b: 1}\n<<: *x\n__proto__: *x\n',
  '<<: {__proto__: {polluted: 1}}\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\ndata: !!binary aGVsbG8=\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  name: z\n',
  '? [a, b]\n: c\n',
  'a: !!js/function "function(){}"\n',
  'a: !<tag:yaml.org,2002:str> 1\n',
  '---\na: 1\n---\nb: 2\n...\n',
  '\ta: 1\n',
  'a: "\\x"\n',
  'a: [\n',
  'a: {b: c\n',
  '%YAML 1.1\n---\na: yes\n',
  'a:\n  - b\n   - c\n',
  `a: ${'['.repeat(2000)}${']'.repeat(2000)}\n`,
  `a: ${'{b: '.repeat(1200)}1${'}'.repeat(1200)}\n`,
];

/** A raw request body: JSON (valid or not), YAML, invalid UTF-8, or nothing. */
export function hostileBody(rng: Rng, object: () => unknown): Buffer {
  switch (rng.int(10)) {
    case 0:
      return Buffer.from(rng.pick(BROKEN_JSON));
    case 1:
      return Buffer.from(rng.pick(HOSTILE_YAML));
    case 2: {
      const text = Buffer.from(JSON.stringify(object()));
      // invalid UTF-8 somewhere in it
      const at = rng.int(text.length + 1);
      return Buffer.concat([
        text.subarray(0, at),
        Buffer.from([0xff, 0xc0, 0xe0, 0x80]),
        text.subarray(at),
      ]);
    }
    case 3: {
      const text = JSON.stringify(object());
      return Buffer.from(text.slice(0, rng.int(text.length + 1))); // truncated
    }
    case 4: {
      const depth = rng.pick([999, 1000, 1001, 5000, 100_000]);
      return Buffer.from(
        `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      );
    }
    case 5:
      return Buffer.alloc(rng.int(3) === 0 ? 0 : 1 + rng.int(8), ' ');
    default:
      return Buffer.from(JSON.stringify(object()));
  }
}

/** Hostile YAML documents for parsers: the fixed traps plus generated objects as YAML flow. */
export function hostileYaml(rng: Rng): string {
  if (rng.chance(0.4)) return rng.pick(HOSTILE_YAML);
  const value = hostileValue(rng);
  const json = JSON.stringify(value) ?? 'null';
  // JSON is YAML flow; with keys unquoted where that still parses, and a document marker
  return rng.chance(0.5) ? json : `---\n${json.replace(/"([A-Za-z_$][\w$]*)":/g, '$1: ')}\n`;
}

/** The seed of this run: FUZZ_SEED when set, else one fixed seed (runs are reproducible). */
export function fuzzSeed(): number {
  const s = Number(process.env['FUZZ_SEED'] ?? '22');
  return Number.isInteger(s) ? s : 22;
}

/** Seconds to spend on each fuzz target: FUZZ_SECONDS when set, else 3 (the normal suite). */
export function fuzzSeconds(): number {
  const s = Number(process.env['FUZZ_SECONDS'] ?? '3');
  return Number.isFinite(s) && s > 0 ? s : 3;
}

/**
 * The own properties of Object.prototype and Array.prototype with their types, to check that
 * nothing was added or replaced.
 */
export function prototypeSnapshot(): string {
  return [Object.prototype, Array.prototype]
    .map((proto) =>
      Object.getOwnPropertyNames(proto)
        .sort()
        .map((k) => `${k}:${typeof (proto as Record<string, unknown>)[k]}`)
        .join(','),
    )
    .join(' | ');
}
