// Deterministic mutations of JSON documents for differential and fuzz tests: from a seed document,
// variants with fields added and removed, values of other types, empty containers, unicode text,
// special keys and numbers at the edges (beyond 2^53, tiny, negative zero, exponents).
//
// Numbers that JSON.parse would round are kept exact as `BigJSON` and written as their digits
// by `stringifyJSON`, so both sides of a comparison read the same text.

import type { Rng } from './rng.js';

/** A number written as these exact digits in the JSON text. */
export class BigJSON {
  constructor(readonly digits: string) {}
}

export type JSONDoc =
  null | boolean | number | string | BigJSON | JSONDoc[] | { [k: string]: JSONDoc };

const STRINGS = [
  '',
  ' ',
  'latest',
  'nginx:1.25',
  'docker.io/library/nginx@sha256:' + 'a'.repeat(64),
  'ñandú',
  '日本語のラベル',
  '🚀 rocket',
  'line\nbreak',
  'quote"and\\backslash',
  '*',
  '100m',
  '1Gi',
  '0.5',
  '-1',
  'true',
  'null',
  'a'.repeat(300),
];

const NUMBERS: JSONDoc[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  1e-7,
  1.5e300,
  2 ** 53,
  new BigJSON('12345678901234567890'),
  new BigJSON('-98765432109876543210'),
  new BigJSON('1e400'),
  new BigJSON('3.14159265358979323846264338327950288'),
  100,
  65535,
];

const KEYS = [
  'name',
  'image',
  'labels',
  'annotations',
  'x',
  'ünïcödé',
  'with space',
  'a.b/c',
  '__proto__',
  'constructor',
  'prototype',
  '',
];

function clone(d: JSONDoc): JSONDoc {
  if (Array.isArray(d)) return d.map(clone);
  if (d !== null && typeof d === 'object' && !(d instanceof BigJSON)) {
    const out: { [k: string]: JSONDoc } = {};
    for (const [k, v] of Object.entries(d)) define(out, k, clone(v));
    return out;
  }
  return d;
}

/** Sets a key as an own data property, even `__proto__`. */
function define(o: { [k: string]: JSONDoc }, k: string, v: JSONDoc): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function isObject(d: JSONDoc): d is { [k: string]: JSONDoc } {
  return d !== null && typeof d === 'object' && !Array.isArray(d) && !(d instanceof BigJSON);
}

/** Every container in the document with the path to it (the root included). */
function containers(d: JSONDoc, out: JSONDoc[] = []): JSONDoc[] {
  if (Array.isArray(d) || isObject(d)) {
    out.push(d);
    for (const v of Array.isArray(d) ? d : Object.values(d)) containers(v, out);
  }
  return out;
}

function randomValue(rng: Rng, depth = 0): JSONDoc {
  switch (rng.int(depth > 1 ? 5 : 7)) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return rng.pick(NUMBERS);
    case 3:
    case 4:
      return rng.pick(STRINGS);
    case 5:
      return [randomValue(rng, depth + 1), randomValue(rng, depth + 1)].slice(0, rng.int(3));
    default: {
      const o: { [k: string]: JSONDoc } = {};
      define(o, rng.pick(KEYS), randomValue(rng, depth + 1));
      return o;
    }
  }
}

/** A value of another kind in place of `v` (a string for a number, an array for an object…). */
function otherType(rng: Rng, v: JSONDoc): JSONDoc {
  if (typeof v === 'string') return rng.pick([rng.pick(NUMBERS), v.length, [v], { value: v }]);
  if (typeof v === 'number' || v instanceof BigJSON) {
    return rng.pick([String(v instanceof BigJSON ? v.digits : v), [v], rng.pick(NUMBERS)]);
  }
  if (Array.isArray(v)) return rng.pick([{}, v[0] ?? null, 'a', v.length]);
  if (isObject(v)) return rng.pick([[], Object.values(v)[0] ?? null, 'a', 0]);
  return rng.pick(['true', 1, [], {}]);
}

/** One mutation of a copy of `seed`, chosen and placed by `rng`. */
export function mutate(seed: JSONDoc, rng: Rng): JSONDoc {
  const doc = clone(seed);
  const targets = containers(doc);
  const c = rng.pick(targets);
  const keys: (string | number)[] = Array.isArray(c)
    ? c.map((_, i) => i)
    : Object.keys(c as object);
  const op = rng.int(7);
  if (keys.length === 0 || op === 0) {
    // Add a field or an element.
    if (Array.isArray(c)) c.splice(rng.int(c.length + 1), 0, randomValue(rng));
    else define(c as { [k: string]: JSONDoc }, rng.pick(KEYS), randomValue(rng));
    return doc;
  }
  const key: string | number = rng.pick(keys);
  const get = (): JSONDoc => (c as Record<string | number, JSONDoc>)[key] as JSONDoc;
  const set = (v: JSONDoc): void => {
    if (Array.isArray(c)) c[key as number] = v;
    else define(c as { [k: string]: JSONDoc }, String(key), v);
  };
  switch (op) {
    case 1: // remove
      if (Array.isArray(c)) c.splice(key as number, 1);
      else delete (c as Record<string, JSONDoc>)[key];
      break;
    case 2:
      set(otherType(rng, get()));
      break;
    case 3: {
      const v = get();
      set(Array.isArray(v) ? [] : isObject(v) ? {} : '');
      break;
    }
    case 4:
      set(typeof get() === 'string' ? rng.pick(STRINGS) : rng.pick(NUMBERS));
      break;
    case 5: // duplicate an element or copy a value under another key
      if (Array.isArray(c)) c.push(clone(get()));
      else define(c as { [k: string]: JSONDoc }, rng.pick(KEYS), clone(get()));
      break;
    default:
      set(randomValue(rng));
  }
  return doc;
}

/** JSON text of a document; BigJSON numbers as their digits. */
export function stringifyJSON(d: JSONDoc): string {
  if (d instanceof BigJSON) return d.digits;
  if (Array.isArray(d)) return `[${d.map(stringifyJSON).join(',')}]`;
  if (isObject(d)) {
    return `{${Object.entries(d)
      .map(([k, v]) => `${JSON.stringify(k)}:${stringifyJSON(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(d);
}
