// Encoding built-ins with Go's semantics and error wording: base64, base64url, hex, urlquery, json and yaml.

import { stringify } from 'yaml';
import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { builtinError, operandError } from '../errors.js';
import { isValidJSON, JsonSyntaxError, parseJSON, toJSON } from '../json.js';
import {
  arr,
  bool,
  FALSE,
  goQuote,
  ObjectBuilder,
  str,
  toJS,
  valueToString,
  type Value,
} from '../value.js';
import { parseYAML, YamlSyntaxError } from '../yaml.js';
import { objectOperand, stringOperand } from './operands.js';

// ---------------------------------------------------------------------------------------------
// base64 (Go encoding/base64: strict padding, CR/LF ignored)

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Go's base64 DecodeString with padding; throws "illegal base64 data at input byte N". */
export function goBase64Decode(s: string, alphabet: string): Buffer {
  const out: number[] = [];
  let quantum: number[] = [];
  let pos = 0;
  const fail = (at: number): never => {
    throw new Error(`illegal base64 data at input byte ${at}`);
  };
  for (; pos < s.length; pos++) {
    const c = s[pos]!;
    if (c === '\r' || c === '\n') continue;
    if (c === '=') {
      // Padding: only valid after 2 or 3 symbols, and must complete the quantum.
      if (quantum.length < 2) fail(pos);
      const need = 4 - quantum.length;
      let seen = 0;
      let k = pos;
      for (; k < s.length && seen < need; k++) {
        const ch = s[k]!;
        if (ch === '\r' || ch === '\n') continue;
        if (ch !== '=') fail(k);
        seen++;
      }
      if (seen < need) fail(s.length);
      for (; k < s.length; k++) if (s[k] !== '\r' && s[k] !== '\n') fail(k);
      const [a = 0, b = 0, c2 = 0] = quantum;
      out.push((a << 2) | (b >> 4));
      if (quantum.length === 3) out.push(((b & 15) << 4) | (c2 >> 2));
      return Buffer.from(out);
    }
    const v = alphabet.indexOf(c);
    if (v < 0) fail(pos);
    quantum.push(v);
    if (quantum.length === 4) {
      const [a = 0, b = 0, c2 = 0, d = 0] = quantum;
      out.push((a << 2) | (b >> 4), ((b & 15) << 4) | (c2 >> 2), ((c2 & 3) << 6) | d);
      quantum = [];
    }
  }
  if (quantum.length > 0) fail(s.length);
  return Buffer.from(out);
}

function base64Encode(s: string, url: boolean, pad: boolean): string {
  let out = Buffer.from(s, 'utf8').toString(url ? 'base64url' : 'base64');
  if (url && pad) while (out.length % 4 !== 0) out += '=';
  return out;
}

function decodeWith(name: string, f: () => Buffer): Value {
  try {
    return str(f().toString('utf8'));
  } catch (e) {
    throw builtinError(name, e instanceof Error ? e.message : String(e));
  }
}

// ---------------------------------------------------------------------------------------------
// hex (Go encoding/hex)

function hexDecode(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  const val = (b: number): number =>
    b >= 48 && b <= 57 ? b - 48 : b >= 97 && b <= 102 ? b - 87 : b >= 65 && b <= 70 ? b - 55 : -1;
  const invalid = (b: number): never => {
    const ch = String.fromCharCode(b);
    const u = b.toString(16).toUpperCase().padStart(4, '0');
    throw builtinError('hex.decode', `encoding/hex: invalid byte: U+${u} '${ch}'`);
  };
  const out: number[] = [];
  let j = 1;
  for (; j < bytes.length; j += 2) {
    const a = val(bytes[j - 1]!);
    const b = val(bytes[j]!);
    if (a < 0) invalid(bytes[j - 1]!);
    if (b < 0) invalid(bytes[j]!);
    out.push((a << 4) | b);
  }
  if (bytes.length % 2 === 1) {
    if (val(bytes[j - 1]!) < 0) invalid(bytes[j - 1]!);
    throw builtinError('hex.decode', 'encoding/hex: odd length hex string');
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------------------------------------
// urlquery (Go net/url QueryEscape / QueryUnescape / Values)

function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function queryUnescape(name: string, s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) {
        const bad = s.slice(i, i + 3);
        throw builtinError(name, `invalid URL escape ${JSON.stringify(bad)}`);
      }
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c === '+') bytes.push(0x20);
    else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function encodeObject(o: Value): string {
  const name = 'urlquery.encode_object';
  const obj = objectOperand(name, o, 1);
  const bad = (): never => {
    throw operandError(name, 1, 'values must be string, array[string], or set[string]');
  };
  const parts: Array<[string, string[]]> = [];
  obj.forEach((k, v) => {
    const key = k.kind === 'string' ? k.value : toJSON(k);
    let vals: string[] = [];
    if (v.kind === 'string') vals = [v.value];
    else if (v.kind === 'array' || v.kind === 'set') {
      vals = (v.kind === 'array' ? v.items : v.sorted()).map((x) =>
        x.kind === 'string' ? x.value : bad(),
      );
    } else bad();
    parts.push([key, vals]);
  });
  // url.Values.Encode sorts by key.
  parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return parts.flatMap(([k, vs]) => vs.map((v) => `${queryEscape(k)}=${queryEscape(v)}`)).join('&');
}

function decodeObject(s: string): Value {
  const order: string[] = [];
  const values = new Map<string, string[]>();
  for (const part of s.split('&')) {
    if (part === '') continue;
    if (part.includes(';'))
      throw builtinError('urlquery.decode_object', 'invalid semicolon separator in query');
    const eq = part.indexOf('=');
    const k = queryUnescape('urlquery.decode_object', eq < 0 ? part : part.slice(0, eq));
    const v = queryUnescape('urlquery.decode_object', eq < 0 ? '' : part.slice(eq + 1));
    let list = values.get(k);
    if (list === undefined) {
      list = [];
      values.set(k, list);
      order.push(k);
    }
    list.push(v);
  }
  const b = new ObjectBuilder();
  for (const k of order) b.set(str(k), arr(values.get(k)!.map(str)));
  return b.build();
}

// ---------------------------------------------------------------------------------------------
// json / yaml

function jsonUnmarshal(name: string, s: string): Value {
  try {
    return parseJSON(s);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw builtinError(name, e.message);
    throw e;
  }
}

const MARSHAL_OPTIONS = new Set(['pretty', 'indent', 'prefix']);

function marshalWithOptions(v: Value, o: Value): Value {
  const name = 'json.marshal_with_options';
  const opts = objectOperand(name, o, 2);
  let pretty: boolean | undefined;
  let indent = '\t';
  let prefix = '';
  let prettyImplied = false;
  let idx = 0;
  opts.forEach((k, val) => {
    const i = idx++;
    if (k.kind !== 'string') {
      throw operandError(
        name,
        2,
        `failed to stringify key ${valueToString(k)} at index ${i}: operand ${i} must be string but got ${k.kind}`,
      );
    }
    // OPA formats the key with %s of an ast.String, i.e. quoted.
    if (!MARSHAL_OPTIONS.has(k.value)) {
      throw operandError(name, 2, `object contained unknown key ${goQuote(k.value)}`);
    }
    if (k.value === 'pretty') {
      if (val.kind !== 'boolean') throw operandError(name, 2, 'key pretty failed cast to bool');
      pretty = val.value;
    } else {
      if (val.kind !== 'string') {
        const why = `operand ${i} must be string but got ${val.kind}`;
        throw operandError(name, 2, `key ${k.value} failed cast to string: ${why}`);
      }
      if (k.value === 'indent') indent = val.value;
      else prefix = val.value;
      prettyImplied = true;
    }
  });
  if (pretty === false || (pretty === undefined && !prettyImplied)) return str(toJSON(v));
  return str(prefix + toJSON(v, { indent, prefix }));
}

/** YAML to a value with YAML 1.1 scalars (yes/no/on/off booleans) as Go's yaml.v2 reads them; integers stay exact. */
function yamlToValue(name: string, s: string): Value {
  try {
    return parseYAML(s);
  } catch (e) {
    if (!(e instanceof YamlSyntaxError)) throw e;
    const where = e.line !== undefined ? `line ${e.line}: ` : '';
    throw builtinError(name, `error converting YAML to JSON: yaml: ${where}${e.message}`);
  }
}

function yamlMarshal(v: Value): string {
  // Through JSON first (sets become arrays, non-string keys become their JSON text) like OPA,
  // keeping big integers exact; YAML 1.1 so strings such as "yes" are quoted as yaml.v2 does.
  const js = toJS(v);
  return stringify(js, { indentSeq: false, sortMapEntries: true, lineWidth: 0, version: '1.1' });
}

// ---------------------------------------------------------------------------------------------

const S = T.string;

function strToStr(name: string, f: (s: string) => Value): BuiltinDef {
  return { name, args: [S], result: T.any, impl: ([v]) => f(stringOperand(name, v!, 1)) };
}

export const ENCODING_BUILTINS: readonly BuiltinDef[] = [
  { ...strToStr('base64.encode', (s) => str(base64Encode(s, false, true))), result: S },
  {
    ...strToStr('base64.decode', (s) => decodeWith('base64.decode', () => goBase64Decode(s, STD))),
    result: S,
  },
  {
    name: 'base64.is_valid',
    args: [S],
    result: T.boolean,
    impl: ([v]) => {
      try {
        goBase64Decode(stringOperand('base64.is_valid', v!, 1), STD);
        return bool(true);
      } catch (e) {
        if (e instanceof Error && e.message.startsWith('illegal base64')) return FALSE;
        throw e;
      }
    },
  },
  { ...strToStr('base64url.encode', (s) => str(base64Encode(s, true, true))), result: S },
  { ...strToStr('base64url.encode_no_pad', (s) => str(base64Encode(s, true, false))), result: S },
  {
    ...strToStr('base64url.decode', (s) =>
      decodeWith('base64url.decode', () => {
        let t = s;
        // RFC 7515 appendix C: padding may be omitted.
        if (!t.endsWith('=')) {
          const r = t.length % 4;
          if (r === 1) throw new Error(`illegal base64url string: ${s}`);
          t += r === 2 ? '==' : r === 3 ? '=' : '';
        }
        return goBase64Decode(t, URL);
      }),
    ),
    result: S,
  },
  { ...strToStr('hex.encode', (s) => str(Buffer.from(s, 'utf8').toString('hex'))), result: S },
  { ...strToStr('hex.decode', (s) => str(hexDecode(s).toString('utf8'))), result: S },
  { ...strToStr('urlquery.encode', (s) => str(queryEscape(s))), result: S },
  { ...strToStr('urlquery.decode', (s) => str(queryUnescape('urlquery.decode', s))), result: S },
  {
    name: 'urlquery.encode_object',
    args: [T.objectOf(S, T.anyOf(S, T.arrayOf(S), T.setOf(S)))],
    result: S,
    impl: ([o]) => str(encodeObject(o!)),
  },
  {
    ...strToStr('urlquery.decode_object', decodeObject),
    result: T.objectOf(S, T.arrayOf(S)),
  },
  { name: 'json.marshal', args: [T.any], result: S, impl: ([v]) => str(toJSON(v!)) },
  {
    name: 'json.marshal_with_options',
    args: [T.any, T.objectOf(S, T.any)],
    result: S,
    impl: ([v, o]) => marshalWithOptions(v!, o!),
  },
  { ...strToStr('json.unmarshal', (s) => jsonUnmarshal('json.unmarshal', s)), result: T.any },
  {
    name: 'json.is_valid',
    args: [T.any],
    result: T.boolean,
    impl: (args) => {
      const v = args[0]!;
      return bool(v.kind === 'string' && isValidJSON(v.value));
    },
  },
  { name: 'yaml.marshal', args: [T.any], result: S, impl: ([v]) => str(yamlMarshal(v!)) },
  { ...strToStr('yaml.unmarshal', (s) => yamlToValue('yaml.unmarshal', s)), result: T.any },
  {
    name: 'yaml.is_valid',
    args: [T.any],
    result: T.boolean,
    impl: (args) => {
      const v = args[0]!;
      if (v.kind !== 'string') return FALSE;
      try {
        yamlToValue('yaml.is_valid', v.value);
        return bool(true);
      } catch {
        return FALSE;
      }
    },
  },
];
