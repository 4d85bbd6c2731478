// JSON Schema validation of chart values as santhosh-tekuri/jsonschema v6 does it for Helm: drafts
// 4 to 2020-12, $ref within the document, formats asserted before draft 2019, and its error tree
// printed with golang.org/x/text's English number formatting ("1,500", "2×10⁰⁶").
import { GoInt, formatFloat, goQuote, goStringCompare, isGoMap } from '../gotemplate/index.js';
import type { GoMap, GoValue } from '../gotemplate/index.js';
import { unmarshalJson } from '../gotemplate/json.js';
import { compileGoRegexp } from '../gotemplate/regexp.js';
import type { GoRegexp } from '../gotemplate/regexp.js';
import { isIP } from 'node:net';

const ROOT = 'file:///values.schema.json';

/** A decimal number: value = m × 10^e (exact). */
interface Dec {
  readonly m: bigint;
  readonly e: number;
}

function decOf(v: GoValue | string): Dec | undefined {
  let text: string;
  if (typeof v === 'string') text = v;
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    text = formatFloat(v, 'g', -1, 64);
  } else if (v instanceof GoInt) text = v.v.toString();
  else return undefined;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const digits = (m[2] ?? '') + (m[3] ?? '');
  return {
    m: BigInt((m[1] === '-' ? '-' : '') + (digits === '' ? '0' : digits)),
    e: Number(m[4] ?? 0) - (m[3] ?? '').length,
  };
}
function decCmp(a: Dec, b: Dec): number {
  const e = Math.min(a.e, b.e);
  const x = a.m * 10n ** BigInt(a.e - e);
  const y = b.m * 10n ** BigInt(b.e - e);
  return x < y ? -1 : x > y ? 1 : 0;
}
function decIsInt(a: Dec): boolean {
  if (a.e >= 0) return true;
  return a.m % 10n ** BigInt(-a.e) === 0n;
}
function decFloat(a: Dec): number {
  return Number(`${a.m}e${a.e}`);
}
function decMultiple(a: Dec, b: Dec): boolean {
  if (b.m === 0n) return false;
  if (a.e >= b.e) return (a.m * 10n ** BigInt(a.e - b.e)) % b.m === 0n;
  return a.m % (b.m * 10n ** BigInt(b.e - a.e)) === 0n;
}

// ---- x/text English number formatting ----

function group(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
const SUPER: Record<string, string> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '-': '⁻',
};

/** p.Sprintf("%d", n) with language.English. */
export function localizedInt(n: number | bigint): string {
  const s = String(n);
  return s.startsWith('-') ? '-' + group(s.slice(1)) : group(s);
}

/** p.Sprintf("%v", f) with language.English (x/text's variable float format). */
export function localizedFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f < 0 ? '-∞' : '∞';
  const neg = f < 0 || Object.is(f, -0);
  const g = formatFloat(Math.abs(f), 'e', -1, 64);
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(g) as RegExpExecArray;
  const digits = (m[1] ?? '') + (m[2] ?? '');
  const exp = Number(m[3]);
  const sign = neg ? '-' : '';
  if (f === 0) return sign + '0';
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = String(Math.abs(exp)).padStart(2, '0');
    return `${sign}${mant}×10${exp < 0 ? '⁻' : ''}${[...e].map((c) => SUPER[c]).join('')}`;
  }
  const plain = formatFloat(Math.abs(f), 'f', -1, 64);
  const [int = '0', frac] = plain.split('.');
  return sign + group(int) + (frac !== undefined ? '.' + frac : '');
}

// ---- schemas ----

type Json = GoValue;

interface Schema {
  readonly location: string;
  readonly draft: number;
  bool?: boolean | undefined;
  ref?: Schema | undefined;
  types?: string[] | undefined;
  enum?: Json[] | undefined;
  const?: { v: Json } | undefined;
  format?: { name: string; check: (v: Json) => string | undefined } | undefined;
  minimum?: Dec | undefined;
  maximum?: Dec | undefined;
  exclusiveMinimum?: Dec | undefined;
  exclusiveMaximum?: Dec | undefined;
  multipleOf?: Dec | undefined;
  minLength?: number | undefined;
  maxLength?: number | undefined;
  pattern?: { re: GoRegexp; src: string } | undefined;
  minItems?: number | undefined;
  maxItems?: number | undefined;
  uniqueItems?: boolean | undefined;
  items?: Schema | Schema[] | undefined;
  additionalItems?: boolean | Schema | undefined;
  prefixItems?: Schema[] | undefined;
  items2020?: Schema | undefined;
  contains?: Schema | undefined;
  minContains?: number | undefined;
  maxContains?: number | undefined;
  minProperties?: number | undefined;
  maxProperties?: number | undefined;
  required?: string[] | undefined;
  properties?: Map<string, Schema> | undefined;
  patternProperties?: { re: GoRegexp; schema: Schema }[] | undefined;
  additionalProperties?: boolean | Schema | undefined;
  propertyNames?: Schema | undefined;
  dependencies?: Map<string, string[] | Schema> | undefined;
  dependentRequired?: Map<string, string[]> | undefined;
  dependentSchemas?: Map<string, Schema> | undefined;
  allOf?: Schema[] | undefined;
  anyOf?: Schema[] | undefined;
  oneOf?: Schema[] | undefined;
  not?: Schema | undefined;
  if?: Schema | undefined;
  then?: Schema | undefined;
  else?: Schema | undefined;
}

/** A schema the validator cannot use (bad JSON, bad regex, unresolvable $ref); the message is Helm's. */
export class SchemaError extends Error {}

const DRAFTS: Readonly<Record<string, number>> = {
  'http://json-schema.org/draft-04/schema': 4,
  'http://json-schema.org/draft-06/schema': 6,
  'http://json-schema.org/draft-07/schema': 7,
  'https://json-schema.org/draft/2019-09/schema': 2019,
  'https://json-schema.org/draft/2020-12/schema': 2020,
};

function escapePtr(t: string): string {
  return t.replace(/~/g, '~0').replace(/\//g, '~1');
}
function encodeFragment(ptr: string): string {
  return ptr.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/g, (c) =>
    Array.from(
      Buffer.from(c, 'utf8'),
      (b) => '%' + b.toString(16).toUpperCase().padStart(2, '0'),
    ).join(''),
  );
}

class Compiler {
  private readonly cache = new Map<string, Schema>();
  constructor(
    private readonly doc: Json,
    private readonly draft: number,
  ) {}

  resolvePointer(ptr: string): Json | undefined {
    if (ptr === '') return this.doc;
    let cur: Json = this.doc;
    for (const raw of ptr.slice(1).split('/')) {
      const tok = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (Array.isArray(cur)) cur = cur[Number(tok)];
      else if (isGoMap(cur)) cur = Object.hasOwn(cur, tok) ? cur[tok] : undefined;
      else return undefined;
      if (cur === undefined) return undefined;
    }
    return cur;
  }

  private findAnchor(node: Json, name: string, ptr: string): string | undefined {
    if (isGoMap(node)) {
      if (node['$anchor'] === name) return ptr;
      const id = node[this.draft <= 4 ? 'id' : '$id'];
      if (typeof id === 'string' && id === '#' + name) return ptr;
      for (const k of Object.keys(node).sort(goStringCompare)) {
        if (k === 'enum' || k === 'const') continue;
        const r = this.findAnchor(node[k], name, `${ptr}/${escapePtr(k)}`);
        if (r !== undefined) return r;
      }
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const r = this.findAnchor(node[i], name, `${ptr}/${i}`);
        if (r !== undefined) return r;
      }
    }
    return undefined;
  }

  schemaAt(ptr: string): Schema {
    const hit = this.cache.get(ptr);
    if (hit !== undefined) return hit;
    const node = this.resolvePointer(ptr);
    if (node === undefined)
      throw new SchemaError(`jsonschema: invalid jsonPointer ${goQuote(ROOT + '#' + ptr)}`);
    const s: Schema = { location: ROOT + '#' + encodeFragment(ptr), draft: this.draft };
    this.cache.set(ptr, s);
    this.compile(s, node, ptr);
    return s;
  }

  private sub(ptr: string, key: string): Schema {
    return this.schemaAt(`${ptr}/${escapePtr(key)}`);
  }

  private ref(ref: string): Schema {
    const hash = ref.indexOf('#');
    const base = hash < 0 ? ref : ref.slice(0, hash);
    const frag = hash < 0 ? '' : ref.slice(hash + 1);
    if (base !== '' && base !== ROOT && base !== 'values.schema.json') {
      throw new SchemaError(
        `jsonschema: failing loading ${goQuote(base)}: no URL loader for references outside the chart`,
      );
    }
    if (frag === '' || frag.startsWith('/')) return this.schemaAt(decodeURI(frag));
    const ptr = this.findAnchor(this.doc, decodeURIComponent(frag), '');
    if (ptr === undefined)
      throw new SchemaError(`jsonschema: anchor ${goQuote(frag)} not found in ${ROOT}`);
    return this.schemaAt(ptr);
  }

  private regexp(src: string, where: string): GoRegexp {
    try {
      return compileGoRegexp(src);
    } catch (e) {
      throw new SchemaError(
        `jsonschema: invalid regex ${goQuote(src)} at ${goQuote(where)}: ${(e as Error).message}`,
      );
    }
  }

  private compile(s: Schema, node: Json, ptr: string): void {
    if (typeof node === 'boolean') {
      s.bool = node;
      return;
    }
    if (!isGoMap(node)) return;
    const num = (k: string): Dec | undefined =>
      Object.hasOwn(node, k) ? decOf(node[k]) : undefined;
    const int = (k: string): number | undefined => {
      const d = num(k);
      return d !== undefined && decIsInt(d) ? Math.trunc(decFloat(d)) : undefined;
    };
    const has = (k: string): boolean => Object.hasOwn(node, k);
    const arr = (k: string): Schema[] | undefined => {
      const v = node[k];
      return Array.isArray(v)
        ? v.map((_, i) => this.schemaAt(`${ptr}/${escapePtr(k)}/${i}`))
        : undefined;
    };
    const map = (k: string): Map<string, Schema> | undefined => {
      const v = node[k];
      if (!isGoMap(v)) return undefined;
      return new Map(
        Object.keys(v).map((p) => [p, this.schemaAt(`${ptr}/${escapePtr(k)}/${escapePtr(p)}`)]),
      );
    };
    const addl = (k: string): boolean | Schema | undefined => {
      const v = node[k];
      if (v === undefined) return undefined;
      if (typeof v === 'boolean') return v;
      return this.sub(ptr, k);
    };
    if (typeof node['$ref'] === 'string') {
      s.ref = this.ref(node['$ref']);
      if (this.draft < 2019) return;
    }
    s.allOf = arr('allOf');
    s.anyOf = arr('anyOf');
    s.oneOf = arr('oneOf');
    if (has('not')) s.not = this.sub(ptr, 'not');
    if (this.draft < 2020 && has('items')) {
      if (Array.isArray(node['items'])) {
        s.items = arr('items');
        s.additionalItems = addl('additionalItems');
      } else s.items = this.sub(ptr, 'items');
    }
    s.properties = map('properties');
    const pp = node['patternProperties'];
    if (isGoMap(pp)) {
      s.patternProperties = Object.keys(pp).map((p) => ({
        re: this.regexp(p, `${ROOT}#${ptr}/patternProperties`),
        schema: this.schemaAt(`${ptr}/patternProperties/${escapePtr(p)}`),
      }));
    }
    s.additionalProperties = addl('additionalProperties');
    const deps = node['dependencies'];
    if (isGoMap(deps)) {
      s.dependencies = new Map(
        Object.keys(deps).map((p) => {
          const d = deps[p];
          return [
            p,
            Array.isArray(d)
              ? d.filter((x): x is string => typeof x === 'string')
              : this.schemaAt(`${ptr}/dependencies/${escapePtr(p)}`),
          ];
        }),
      );
    }
    const t = node['type'];
    const types =
      typeof t === 'string'
        ? [t]
        : Array.isArray(t)
          ? t.filter((x): x is string => typeof x === 'string')
          : [];
    const known = ['null', 'boolean', 'number', 'integer', 'string', 'array', 'object'];
    const ts = known.filter((k) => types.includes(k));
    if (ts.length > 0) s.types = ts;
    if (Array.isArray(node['enum'])) s.enum = node['enum'];
    s.multipleOf = num('multipleOf');
    s.maximum = num('maximum');
    if (node['exclusiveMaximum'] === true) {
      s.exclusiveMaximum = s.maximum;
      delete s.maximum;
    } else s.exclusiveMaximum = num('exclusiveMaximum');
    s.minimum = num('minimum');
    if (node['exclusiveMinimum'] === true) {
      s.exclusiveMinimum = s.minimum;
      delete s.minimum;
    } else s.exclusiveMinimum = num('exclusiveMinimum');
    s.minLength = int('minLength');
    s.maxLength = int('maxLength');
    if (typeof node['pattern'] === 'string')
      s.pattern = {
        re: this.regexp(node['pattern'], `${ROOT}#${ptr}/pattern`),
        src: node['pattern'],
      };
    s.minItems = int('minItems');
    s.maxItems = int('maxItems');
    s.uniqueItems = node['uniqueItems'] === true;
    s.maxProperties = int('maxProperties');
    s.minProperties = int('minProperties');
    if (Array.isArray(node['required']))
      s.required = node['required'].filter((x): x is string => typeof x === 'string');
    if (this.draft < 2019 && typeof node['format'] === 'string') {
      const f = FORMATS[node['format']];
      if (f !== undefined) s.format = { name: node['format'], check: f };
    }
    if (this.draft >= 6) {
      if (has('contains')) s.contains = this.sub(ptr, 'contains');
      if (has('propertyNames')) s.propertyNames = this.sub(ptr, 'propertyNames');
      if (has('const')) s.const = { v: node['const'] };
    }
    if (this.draft >= 7 && has('if')) {
      s.if = this.sub(ptr, 'if');
      const b = node['if'];
      if (has('then') && b !== false) s.then = this.sub(ptr, 'then');
      if (has('else') && b !== true) s.else = this.sub(ptr, 'else');
    }
    if (this.draft >= 2019) {
      if (s.contains) {
        s.minContains = int('minContains');
        s.maxContains = int('maxContains');
      }
      const dr = node['dependentRequired'];
      if (isGoMap(dr)) {
        s.dependentRequired = new Map(
          Object.keys(dr)
            .filter((p) => Array.isArray(dr[p]))
            .map((p) => [p, (dr[p] as Json[]).filter((x): x is string => typeof x === 'string')]),
        );
      }
      s.dependentSchemas = map('dependentSchemas');
    }
    if (this.draft >= 2020) {
      s.prefixItems = arr('prefixItems');
      if (has('items')) s.items2020 = this.sub(ptr, 'items');
    }
  }
}

// ---- formats (asserted for drafts before 2019) ----

const FORMATS: Readonly<Record<string, (v: Json) => string | undefined>> = {
  ipv4: (v) => (typeof v !== 'string' || isIP(v) === 4 ? undefined : 'invalid ipv4 address'),
  ipv6: (v) => (typeof v !== 'string' || isIP(v) === 6 ? undefined : 'invalid ipv6 address'),
  email: (v) =>
    typeof v !== 'string' || /^[^@\s]+@[^@\s]+$/.test(v) ? undefined : 'invalid email',
  'date-time': (v) =>
    typeof v !== 'string' ||
    /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v)
      ? undefined
      : 'invalid date-time',
  date: (v) =>
    typeof v !== 'string' || /^\d{4}-\d{2}-\d{2}$/.test(v) ? undefined : 'invalid date',
  uuid: (v) =>
    typeof v !== 'string' ||
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v)
      ? undefined
      : 'invalid uuid',
  hostname: (v) =>
    typeof v !== 'string' ||
    /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(
      v,
    )
      ? undefined
      : 'invalid hostname',
  regex: (v) => {
    if (typeof v !== 'string') return undefined;
    try {
      compileGoRegexp(v);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },
};

// ---- validation ----

interface VError {
  instance: string[];
  message: string | undefined;
  /** A group or reference that only carries causes. */
  kind: 'group' | 'ref' | 'leaf' | 'schema';
  causes: VError[];
}

function jsonType(v: Json): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number' || v instanceof GoInt) return 'number';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  if (isGoMap(v)) return 'object';
  return undefined;
}

function equal(a: Json, b: Json): boolean {
  const ta = jsonType(a);
  if (ta !== jsonType(b)) return false;
  if (ta === 'number') return decCmp(decOf(a) as Dec, decOf(b) as Dec) === 0;
  if (ta === 'array')
    return (
      (a as Json[]).length === (b as Json[]).length &&
      (a as Json[]).every((x, i) => equal(x, (b as Json[])[i]))
    );
  if (ta === 'object') {
    const ka = Object.keys(a as GoMap);
    return (
      ka.length === Object.keys(b as GoMap).length &&
      ka.every((k) => Object.hasOwn(b as GoMap, k) && equal((a as GoMap)[k], (b as GoMap)[k]))
    );
  }
  return a === b;
}

/** The schema library's quote: %q with single quotes. */
function q(s: string): string {
  const dq = goQuote(s);
  return "'" + dq.slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'") + "'";
}

function display(v: Json): string {
  if (typeof v === 'string') return q(v);
  if (Array.isArray(v) || isGoMap(v)) return 'value';
  if (v === null) return '<nil>';
  if (typeof v === 'number') return formatFloat(v, 'g', -1, 64);
  return v ? 'true' : 'false';
}

class Validator {
  constructor(private readonly boolResult: boolean) {}

  validate(s: Schema, v: Json, loc: string[]): VError | undefined {
    const errs: VError[] = [];
    const leaf = (message: string): VError => ({
      instance: loc,
      message,
      kind: 'leaf',
      causes: [],
    });
    if (s.bool !== undefined) return s.bool ? undefined : leaf('false schema');
    const t = jsonType(v);
    if (s.types !== undefined) {
      const ok =
        (t !== undefined && s.types.includes(t)) ||
        (s.types.includes('integer') && t === 'number' && decIsInt(decOf(v) as Dec));
      if (!ok) return leaf(`got ${t}, want ${s.types.join(' or ')}`);
    }
    if (s.const !== undefined && !equal(v, s.const.v)) {
      const w = s.const.v;
      return leaf(
        Array.isArray(w) || isGoMap(w) ? "'const' failed" : `value must be ${display(w)}`,
      );
    }
    if (s.enum !== undefined && !s.enum.some((x) => equal(v, x))) {
      const allPrimitive = s.enum.every((x) => !Array.isArray(x) && !isGoMap(x));
      if (!allPrimitive) return leaf("'enum' failed");
      if (s.enum.length === 1) return leaf(`value must be ${display(s.enum[0] ?? null)}`);
      return leaf(`value must be one of ${s.enum.map(display).join(', ')}`);
    }
    if (s.format !== undefined) {
      const err = s.format.check(v);
      if (err !== undefined) return leaf(`${display(v)} is not valid ${s.format.name}: ${err}`);
    }
    if (s.ref !== undefined) {
      const err = this.ref(s.ref, v, loc);
      if (s.draft < 2019) return err;
      if (err) errs.push(err);
    }
    if (t === 'object') this.object(s, v as GoMap, loc, errs, leaf);
    else if (t === 'array') this.array(s, v as Json[], loc, errs, leaf);
    else if (t === 'string') this.string(s, v as string, errs, leaf);
    else if (t === 'number') this.number(s, v, errs, leaf);
    if (errs.length === 0 || !this.boolResult) this.conditions(s, v, loc, errs, leaf);
    if (errs.length === 0) return undefined;
    if (errs.length === 1) return errs[0];
    return { instance: loc, message: 'validation failed', kind: 'group', causes: errs };
  }

  private ref(s: Schema, v: Json, loc: string[]): VError | undefined {
    const err = this.validate(s, v, loc);
    if (err === undefined) return undefined;
    return {
      instance: loc,
      message: 'validation failed',
      kind: 'ref',
      causes: err.kind === 'group' ? err.causes : [err],
    };
  }

  private object(
    s: Schema,
    obj: GoMap,
    loc: string[],
    errs: VError[],
    leaf: (m: string) => VError,
  ): void {
    const keys = Object.keys(obj).sort(goStringCompare);
    if (s.minProperties !== undefined && keys.length < s.minProperties) {
      errs.push(
        leaf(
          `minProperties: got ${localizedInt(keys.length)}, want ${localizedInt(s.minProperties)}`,
        ),
      );
    }
    if (s.maxProperties !== undefined && keys.length > s.maxProperties) {
      errs.push(
        leaf(
          `maxProperties: got ${localizedInt(keys.length)}, want ${localizedInt(s.maxProperties)}`,
        ),
      );
    }
    if (s.required !== undefined) {
      const missing = s.required.filter((p) => !Object.hasOwn(obj, p));
      if (missing.length === 1) errs.push(leaf(`missing property ${q(missing[0] as string)}`));
      else if (missing.length > 1)
        errs.push(leaf(`missing properties ${missing.map(q).join(', ')}`));
    }
    if (this.boolResult && errs.length > 0) return;
    for (const [p, dep] of s.dependencies ?? []) {
      if (!Object.hasOwn(obj, p)) continue;
      if (Array.isArray(dep)) {
        const missing = dep.filter((x) => !Object.hasOwn(obj, x));
        if (missing.length > 0)
          errs.push(leaf(`properties ${missing.map(q).join(', ')} required, if ${q(p)} exists`));
      } else {
        const e = this.validate(dep, obj, loc);
        if (e) errs.push(e);
      }
    }
    const additional: string[] = [];
    for (const p of keys) {
      if (this.boolResult && errs.length > 0) return;
      let evaluated = false;
      const ps = s.properties?.get(p);
      if (ps !== undefined) {
        evaluated = true;
        const e = this.validate(ps, obj[p], [...loc, p]);
        if (e) errs.push(e);
      }
      for (const pp of s.patternProperties ?? []) {
        if (pp.re.test(p)) {
          evaluated = true;
          const e = this.validate(pp.schema, obj[p], [...loc, p]);
          if (e) errs.push(e);
        }
      }
      if (!evaluated && s.additionalProperties !== undefined) {
        if (s.additionalProperties === false) additional.push(p);
        else if (s.additionalProperties !== true) {
          const e = this.validate(s.additionalProperties, obj[p], [...loc, p]);
          if (e) errs.push(e);
        }
      }
    }
    if (additional.length > 0)
      errs.push(leaf(`additional properties ${additional.map(q).join(', ')} not allowed`));
    if (s.draft === 4) return;
    if (s.propertyNames !== undefined) {
      for (const p of keys) {
        if (this.validate(s.propertyNames, p, loc) !== undefined)
          errs.push(leaf(`invalid propertyName ${q(p)}`));
      }
    }
    if (s.draft === 6) return;
    for (const [p, sch] of s.dependentSchemas ?? []) {
      if (Object.hasOwn(obj, p)) {
        const e = this.validate(sch, obj, loc);
        if (e) errs.push(e);
      }
    }
    for (const [p, reqd] of s.dependentRequired ?? []) {
      if (!Object.hasOwn(obj, p)) continue;
      const missing = reqd.filter((x) => !Object.hasOwn(obj, x));
      if (missing.length > 0)
        errs.push(leaf(`properties ${missing.map(q).join(', ')} required, if ${q(p)} exists`));
    }
  }

  private array(
    s: Schema,
    arr: Json[],
    loc: string[],
    errs: VError[],
    leaf: (m: string) => VError,
  ): void {
    if (s.minItems !== undefined && arr.length < s.minItems)
      errs.push(
        leaf(`minItems: got ${localizedInt(arr.length)}, want ${localizedInt(s.minItems)}`),
      );
    if (s.maxItems !== undefined && arr.length > s.maxItems)
      errs.push(
        leaf(`maxItems: got ${localizedInt(arr.length)}, want ${localizedInt(s.maxItems)}`),
      );
    if (s.uniqueItems && arr.length > 1) {
      outer: for (let i = 1; i < arr.length; i++) {
        for (let j = 0; j < i; j++) {
          if (equal(arr[i], arr[j])) {
            errs.push(leaf(`items at ${localizedInt(j)} and ${localizedInt(i)} are equal`));
            break outer;
          }
        }
      }
    }
    const item = (sch: Schema, i: number, at: number): void => {
      const e = this.validate(sch, arr[i], [...loc, String(at)]);
      if (e) errs.push(e);
    };
    if (s.draft < 2020) {
      let evaluated = 0;
      if (Array.isArray(s.items)) {
        const n = Math.min(arr.length, s.items.length);
        for (let i = 0; i < n; i++) item(s.items[i] as Schema, i, i);
        evaluated = n;
      } else if (s.items !== undefined) {
        for (let i = 0; i < arr.length; i++) item(s.items, i, i);
        evaluated = arr.length;
      }
      if (s.additionalItems === false && evaluated !== arr.length) {
        errs.push(
          leaf(`last ${localizedInt(arr.length - evaluated)} additionalItem(s) not allowed`),
        );
      } else if (s.additionalItems !== undefined && typeof s.additionalItems !== 'boolean') {
        for (let i = evaluated; i < arr.length; i++) item(s.additionalItems, i, i - evaluated);
      }
    } else {
      const n = Math.min((s.prefixItems ?? []).length, arr.length);
      for (let i = 0; i < n; i++) item((s.prefixItems as Schema[])[i] as Schema, i, i);
      if (s.items2020 !== undefined)
        for (let i = n; i < arr.length; i++) item(s.items2020, i, i - n);
    }
    if (s.contains !== undefined) {
      const causes: VError[] = [];
      const matched: number[] = [];
      arr.forEach((x, i) => {
        const e = this.validate(s.contains as Schema, x, [...loc, String(i)]);
        if (e) causes.push(e);
        else matched.push(i);
      });
      if (s.minContains !== undefined) {
        if (matched.length < s.minContains) {
          const msg =
            matched.length === 0
              ? `min ${localizedInt(s.minContains)} items required to match contains schema, but none matched`
              : `min ${localizedInt(s.minContains)} items required to match contains schema, but matched ${localizedInt(matched.length)} items at ${matched.join(' ')}`;
          errs.push({ instance: loc, message: msg, kind: 'leaf', causes });
        }
      } else if (matched.length === 0) {
        errs.push({
          instance: loc,
          message: 'no items match contains schema',
          kind: 'leaf',
          causes,
        });
      }
      if (s.maxContains !== undefined && matched.length > s.maxContains) {
        errs.push(
          leaf(
            `max ${localizedInt(s.maxContains)} items required to match contains schema, but matched ${localizedInt(matched.length)} items at ${matched.join(' ')}`,
          ),
        );
      }
    }
  }

  private string(s: Schema, str: string, errs: VError[], leaf: (m: string) => VError): void {
    const len = Array.from(str).length;
    if (s.minLength !== undefined && len < s.minLength)
      errs.push(leaf(`minLength: got ${localizedInt(len)}, want ${localizedInt(s.minLength)}`));
    if (s.maxLength !== undefined && len > s.maxLength)
      errs.push(leaf(`maxLength: got ${localizedInt(len)}, want ${localizedInt(s.maxLength)}`));
    if (s.pattern !== undefined && !s.pattern.re.test(str))
      errs.push(leaf(`${q(str)} does not match pattern ${q(s.pattern.src)}`));
  }

  private number(s: Schema, v: Json, errs: VError[], leaf: (m: string) => VError): void {
    const n = decOf(v) as Dec;
    const show = (d: Dec): string => localizedFloat(decFloat(d));
    if (s.minimum !== undefined && decCmp(n, s.minimum) < 0)
      errs.push(leaf(`minimum: got ${show(n)}, want ${show(s.minimum)}`));
    if (s.maximum !== undefined && decCmp(n, s.maximum) > 0)
      errs.push(leaf(`maximum: got ${show(n)}, want ${show(s.maximum)}`));
    if (s.exclusiveMinimum !== undefined && decCmp(n, s.exclusiveMinimum) <= 0) {
      errs.push(leaf(`exclusiveMinimum: got ${show(n)}, want ${show(s.exclusiveMinimum)}`));
    }
    if (s.exclusiveMaximum !== undefined && decCmp(n, s.exclusiveMaximum) >= 0) {
      errs.push(leaf(`exclusiveMaximum: got ${show(n)}, want ${show(s.exclusiveMaximum)}`));
    }
    if (s.multipleOf !== undefined && !decMultiple(n, s.multipleOf))
      errs.push(leaf(`multipleOf: got ${show(n)}, want ${show(s.multipleOf)}`));
  }

  private conditions(
    s: Schema,
    v: Json,
    loc: string[],
    errs: VError[],
    leaf: (m: string) => VError,
  ): void {
    const strict = new Validator(true);
    if (s.not !== undefined && strict.validate(s.not, v, loc) === undefined)
      errs.push(leaf("'not' failed"));
    if (s.allOf !== undefined) {
      const causes: VError[] = [];
      for (const sch of s.allOf) {
        const e = this.validate(sch, v, loc);
        if (e) {
          causes.push(e);
          if (this.boolResult) break;
        }
      }
      if (causes.length > 0)
        errs.push({ instance: loc, message: "'allOf' failed", kind: 'leaf', causes });
    }
    if (s.anyOf !== undefined) {
      const causes: VError[] = [];
      let matched = false;
      for (const sch of s.anyOf) {
        const e = this.validate(sch, v, loc);
        if (e) causes.push(e);
        else {
          matched = true;
          break;
        }
      }
      if (!matched) errs.push({ instance: loc, message: "'anyOf' failed", kind: 'leaf', causes });
    }
    if (s.oneOf !== undefined) {
      let matched = -1;
      const causes: VError[] = [];
      for (let i = 0; i < s.oneOf.length; i++) {
        const e = (matched !== -1 ? strict : this).validate(s.oneOf[i] as Schema, v, loc);
        if (e) {
          if (matched === -1) causes.push(e);
        } else if (matched === -1) matched = i;
        else {
          errs.push(leaf(`'oneOf' failed, subschemas ${matched}, ${i} matched`));
          break;
        }
      }
      if (matched === -1)
        errs.push({ instance: loc, message: "'oneOf' failed, none matched", kind: 'leaf', causes });
    }
    if (s.if !== undefined) {
      if (strict.validate(s.if, v, loc) === undefined) {
        if (s.then !== undefined) {
          const e = this.validate(s.then, v, loc);
          if (e) errs.push(e);
        }
      } else if (s.else !== undefined) {
        const e = this.validate(s.else, v, loc);
        if (e) errs.push(e);
      }
    }
  }
}

function pointer(tokens: readonly string[]): string {
  return tokens.map((t) => '/' + escapePtr(t)).join('');
}

/** ValidationError.Error(): the tree, each line "- at '/path': message", indented by depth. */
function displayError(e: VError, indent: number, out: string[]): void {
  const skip = e.kind === 'ref' && e.causes.length === 1;
  let next = indent;
  if (!skip) {
    let line = '';
    if (indent > 0) line += '\n' + '  '.repeat(indent - 1) + '- ';
    next = indent + 1;
    line +=
      e.kind === 'schema' ? (e.message as string) : `at ${q(pointer(e.instance))}: ${e.message}`;
    out.push(line);
  }
  for (const c of e.causes) displayError(c, next, out);
}

/** Validates values against a chart's values.schema.json; returns Helm's error text or undefined. */
export function validateAgainstSchema(schemaJson: Buffer, values: GoMap): string | undefined {
  let doc: Json;
  try {
    doc = unmarshalJson(schemaJson.toString('utf8'));
  } catch (e) {
    throw new SchemaError((e as Error).message);
  }
  let draft = 2020;
  if (isGoMap(doc) && typeof doc['$schema'] === 'string') {
    const url = doc['$schema'].replace(/#$/, '').replace(/^https?:\/\/json-schema\.org/, (m) => m);
    draft =
      DRAFTS[url] ??
      DRAFTS[url.replace(/^https:/, 'http:')] ??
      DRAFTS[url.replace(/^http:/, 'https:')] ??
      2020;
  }
  const compiler = new Compiler(doc, draft);
  const root = compiler.schemaAt('');
  const err = new Validator(false).validate(root, values, []);
  if (err === undefined) return undefined;
  const top: VError = {
    instance: [],
    message: `jsonschema validation failed with ${q(ROOT + '#')}`,
    kind: 'schema',
    causes: err.kind === 'group' ? err.causes : [err],
  };
  const out: string[] = [];
  displayError(top, 0, out);
  const text = out.join('');
  return text.replace(`jsonschema validation failed with ${q(ROOT + '#')}\n`, '') + '\n';
}
