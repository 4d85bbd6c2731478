// JSON Schema (drafts 4, 6, 7) validation with gojsonschema's error types, fields and messages, as OPA reports them.
import { compileGoRegexp } from './go-regexp.js';
import { parseIP } from './ip-net.js';
import { lookupTable } from '../lookup-table.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** One validation error: gojsonschema's type, field, description and "field: description". */
export interface SchemaError {
  readonly type: string;
  readonly field: string;
  readonly desc: string;
  readonly error: string;
}

const PRIMITIVE_TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

function kindOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k]!, b[k]!))
    );
  }
  return false;
}

/** Go's %v of a JSON value inside messages (e.g. enum lists): compact JSON. */
function show(v: Json): string {
  return JSON.stringify(v);
}

class SchemaCompileError extends Error {}

/** A compiled schema: the document plus the root used to resolve local $refs. */
export class CompiledSchema {
  private constructor(
    private readonly root: Json,
    private readonly draft: 4 | 6 | 7,
  ) {}

  /** gojsonschema's SchemaLoader.Compile: validates the schema itself; throws its message. */
  static compile(schema: Json): CompiledSchema {
    let draft: 4 | 6 | 7 = 7;
    if (isObject(schema) && typeof schema['$schema'] === 'string') {
      const s = schema['$schema'];
      if (s.includes('draft-04')) draft = 4;
      else if (s.includes('draft-06')) draft = 6;
    }
    const c = new CompiledSchema(schema, draft);
    c.check(schema, new Set());
    return c;
  }

  private check(s: Json, seen: Set<Json>): void {
    if (typeof s === 'boolean') {
      if (this.draft === 4)
        throw new SchemaCompileError('Invalid type. Expected: object, given: boolean');
      return;
    }
    if (!isObject(s))
      throw new SchemaCompileError(`Invalid type. Expected: object, given: ${kindOf(s)}`);
    if (seen.has(s)) return;
    seen.add(s);
    const t = s['type'];
    if (t !== undefined) {
      const types = Array.isArray(t) ? t : [t];
      if (typeof t !== 'string' && !Array.isArray(t)) {
        throw new SchemaCompileError('type must be of type string/array');
      }
      const found = new Set<string>();
      for (const x of types) {
        if (typeof x !== 'string') throw new SchemaCompileError('type items must be string');
        if (!PRIMITIVE_TYPES.includes(x)) {
          throw new SchemaCompileError(
            `has a primitive type that is NOT VALID -- given: /${x}/ Expected valid values are:[${PRIMITIVE_TYPES.join(' ')}]`,
          );
        }
        if (found.has(x)) throw new SchemaCompileError(`${x} type is duplicated`);
        found.add(x);
      }
    }
    for (const k of [
      'minLength',
      'maxLength',
      'minItems',
      'maxItems',
      'minProperties',
      'maxProperties',
    ]) {
      const v = s[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isInteger(v))
        throw new SchemaCompileError(`${k} must be of type integer`);
      if (v < 0) throw new SchemaCompileError(`${k} must be greater than or equal to 0`);
    }
    for (const k of ['minimum', 'maximum', 'multipleOf']) {
      if (s[k] !== undefined && typeof s[k] !== 'number')
        throw new SchemaCompileError(`${k} must be of type number`);
    }
    if (typeof s['multipleOf'] === 'number' && s['multipleOf'] <= 0) {
      throw new SchemaCompileError('multipleOf must be strictly greater than 0');
    }
    if (s['required'] !== undefined) {
      if (!Array.isArray(s['required']))
        throw new SchemaCompileError('required must be of an array');
      if (s['required'].some((x) => typeof x !== 'string'))
        throw new SchemaCompileError('required items must be string');
    }
    if (s['enum'] !== undefined && !Array.isArray(s['enum']))
      throw new SchemaCompileError('enum must be of an array');
    if (s['pattern'] !== undefined) {
      if (typeof s['pattern'] !== 'string')
        throw new SchemaCompileError('pattern must be of type string');
      try {
        compileGoRegexp(s['pattern']);
      } catch {
        throw new SchemaCompileError(`Invalid regex pattern '${s['pattern']}'`);
      }
    }
    if (s['properties'] !== undefined) {
      if (!isObject(s['properties']))
        throw new SchemaCompileError('properties must be of an object');
      for (const v of Object.values(s['properties'])) this.check(v, seen);
    }
    if (s['patternProperties'] !== undefined) {
      if (!isObject(s['patternProperties']))
        throw new SchemaCompileError('patternProperties must be of an object');
      for (const [p, v] of Object.entries(s['patternProperties'])) {
        try {
          compileGoRegexp(p);
        } catch {
          throw new SchemaCompileError(`Invalid regex pattern '${p}'`);
        }
        this.check(v, seen);
      }
    }
    for (const k of [
      'additionalProperties',
      'additionalItems',
      'not',
      'propertyNames',
      'contains',
      'if',
      'then',
      'else',
    ]) {
      const v = s[k];
      if (
        v !== undefined &&
        !(typeof v === 'boolean' && (k === 'additionalProperties' || k === 'additionalItems'))
      ) {
        this.check(v, seen);
      }
    }
    if (s['items'] !== undefined) {
      const items = s['items'];
      if (Array.isArray(items)) for (const v of items) this.check(v, seen);
      else this.check(items, seen);
    }
    for (const k of ['allOf', 'anyOf', 'oneOf']) {
      const v = s[k];
      if (v === undefined) continue;
      if (!Array.isArray(v)) throw new SchemaCompileError(`${k} must be of an array`);
      for (const x of v) this.check(x, seen);
    }
    for (const k of ['definitions', '$defs']) {
      const defs = s[k];
      if (isObject(defs)) for (const v of Object.values(defs)) this.check(v, seen);
    }
    if (typeof s['$ref'] === 'string') this.resolve(s['$ref']);
  }

  /** Resolves a local reference ("#", "#/definitions/x"); remote references are not fetched. */
  private resolve(ref: string): Json {
    if (!ref.startsWith('#')) {
      throw new SchemaCompileError(`Reference ${ref} must be canonical`);
    }
    let cur: Json = this.root;
    const pointer = ref.slice(1);
    if (pointer === '') return cur;
    for (const raw of pointer.replace(/^\//, '').split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (Array.isArray(cur)) cur = cur[Number(key)] ?? null;
      else if (isObject(cur) && Object.hasOwn(cur, key)) cur = cur[key]!;
      else throw new SchemaCompileError(`Object has no key '${key}'`);
    }
    return cur;
  }

  /** Validates a document; errors in gojsonschema's order. */
  validate(doc: Json): SchemaError[] {
    const errors: SchemaError[] = [];
    this.validateNode(this.root, doc, ['(Root)'], errors);
    return errors;
  }

  private add(errors: SchemaError[], type: string, path: readonly string[], desc: string): void {
    const context = path.join('.');
    const field = context === '(Root)' ? context : context.replace(/^\(Root\)\./, '');
    errors.push({ type, field, desc, error: `${field}: ${desc}` });
  }

  private validateNode(s: Json, v: Json, path: readonly string[], errors: SchemaError[]): void {
    if (s === true) return;
    if (s === false) {
      this.add(errors, 'false', path, 'False always fails validation');
      return;
    }
    if (!isObject(s)) return;
    if (typeof s['$ref'] === 'string') {
      // Up to draft 7 the siblings of $ref are ignored.
      this.validateNode(this.resolve(s['$ref']), v, path, errors);
      return;
    }
    const kind = kindOf(v);
    const t = s['type'];
    if (t !== undefined) {
      const types = (Array.isArray(t) ? t : [t]) as string[];
      const ok = types.includes(kind) || (kind === 'integer' && types.includes('number'));
      if (!ok) {
        const expected = types.length === 1 ? types[0]! : `[${types.join(',')}]`;
        this.add(
          errors,
          'invalid_type',
          path,
          `Invalid type. Expected: ${expected}, given: ${kind}`,
        );
        return;
      }
    }
    // gojsonschema's order: combinators, the kind's keywords, const/enum, then property children.
    this.validateCombinators(s, v, path, errors);
    if (Array.isArray(v)) this.validateArray(s, v, path, errors);
    else if (isObject(v)) this.validateObject(s, v, path, errors);
    else if (typeof v === 'string') this.validateString(s, v, path, errors);
    else if (typeof v === 'number') this.validateNumber(s, v, path, errors);
    this.validateCommon(s, v, path, errors);
    if (isObject(v) && isObject(s['properties'])) {
      for (const [k, sub] of Object.entries(s['properties'])) {
        if (Object.hasOwn(v, k)) this.validateNode(sub, v[k]!, [...path, k], errors);
      }
    }
  }

  private valid(s: Json, v: Json, path: readonly string[]): boolean {
    const errs: SchemaError[] = [];
    this.validateNode(s, v, path, errs);
    return errs.length === 0;
  }

  private validateCombinators(
    s: { [k: string]: Json },
    v: Json,
    path: readonly string[],
    errors: SchemaError[],
  ): void {
    const anyOf = s['anyOf'];
    if (Array.isArray(anyOf)) {
      let best: SchemaError[] | undefined;
      let matched = false;
      for (const sub of anyOf) {
        const errs: SchemaError[] = [];
        this.validateNode(sub, v, path, errs);
        if (errs.length === 0) {
          matched = true;
          break;
        }
        if (best === undefined || errs.length < best.length) best = errs;
      }
      if (!matched) {
        this.add(errors, 'number_any_of', path, 'Must validate at least one schema (anyOf)');
        errors.push(...(best ?? []));
      }
    }
    const oneOf = s['oneOf'];
    if (Array.isArray(oneOf)) {
      let count = 0;
      let best: SchemaError[] | undefined;
      for (const sub of oneOf) {
        const errs: SchemaError[] = [];
        this.validateNode(sub, v, path, errs);
        if (errs.length === 0) count++;
        else if (best === undefined || errs.length < best.length) best = errs;
      }
      if (count !== 1) {
        this.add(errors, 'number_one_of', path, 'Must validate one and only one schema (oneOf)');
        if (count === 0) errors.push(...(best ?? []));
      }
    }
    const allOf = s['allOf'];
    if (Array.isArray(allOf)) {
      const errs: SchemaError[] = [];
      for (const sub of allOf) this.validateNode(sub, v, path, errs);
      errors.push(...errs);
      if (errs.length > 0)
        this.add(errors, 'number_all_of', path, 'Must validate all the schemas (allOf)');
    }
    if (s['not'] !== undefined && this.valid(s['not'], v, path)) {
      this.add(errors, 'number_not', path, 'Must not validate the schema (not)');
    }
    const deps = s['dependencies'];
    if (isObject(deps) && isObject(v)) {
      for (const [k, dep] of Object.entries(deps)) {
        if (!Object.hasOwn(v, k)) continue;
        if (Array.isArray(dep)) {
          for (const d of dep) {
            if (typeof d === 'string' && !Object.hasOwn(v, d))
              this.add(errors, 'missing_dependency', path, `Has a dependency on ${d}`);
          }
        } else this.validateNode(dep, v, path, errors);
      }
    }
    if (s['if'] !== undefined && this.draft >= 7) {
      if (this.valid(s['if'], v, path)) {
        if (s['then'] !== undefined && !this.valid(s['then'], v, path)) {
          this.add(errors, 'condition_then', path, 'Must validate "then" as "if" was valid');
          this.validateNode(s['then'], v, path, errors);
        }
      } else if (s['else'] !== undefined && !this.valid(s['else'], v, path)) {
        this.add(errors, 'condition_else', path, 'Must validate "else" as "if" was not valid');
        this.validateNode(s['else'], v, path, errors);
      }
    }
  }

  private validateCommon(
    s: { [k: string]: Json },
    v: Json,
    path: readonly string[],
    errors: SchemaError[],
  ): void {
    const field = path.length === 1 ? '(Root)' : path.slice(1).join('.');
    if (s['const'] !== undefined && this.draft >= 6 && !deepEqual(s['const'], v)) {
      this.add(errors, 'const', path, `${field} does not match: ${show(s['const'])}`);
    }
    const en = s['enum'];
    if (Array.isArray(en) && !en.some((e) => deepEqual(e, v))) {
      this.add(
        errors,
        'enum',
        path,
        `${field} must be one of the following: ${en.map(show).join(', ')}`,
      );
    }
  }

  private validateArray(
    s: { [k: string]: Json },
    v: Json[],
    path: readonly string[],
    errors: SchemaError[],
  ): void {
    const items = s['items'];
    if (Array.isArray(items)) {
      v.forEach((x, i) => {
        if (i < items.length) this.validateNode(items[i]!, x, [...path, String(i)], errors);
        else if (s['additionalItems'] === false) {
          this.add(
            errors,
            'array_no_additional_items',
            path,
            'No additional items allowed on array',
          );
        } else if (s['additionalItems'] !== undefined) {
          this.validateNode(s['additionalItems'], x, [...path, String(i)], errors);
        }
      });
    } else if (items !== undefined) {
      v.forEach((x, i) => this.validateNode(items, x, [...path, String(i)], errors));
    }
    const min = s['minItems'];
    if (typeof min === 'number' && v.length < min)
      this.add(errors, 'array_min_items', path, `Array must have at least ${min} items`);
    const max = s['maxItems'];
    if (typeof max === 'number' && v.length > max)
      this.add(errors, 'array_max_items', path, `Array must have at most ${max} items`);
    if (s['uniqueItems'] === true) {
      outer: for (let i = 0; i < v.length; i++) {
        for (let j = i + 1; j < v.length; j++) {
          if (deepEqual(v[i]!, v[j]!)) {
            this.add(errors, 'unique', path, `array items[${i},${j}] must be unique`);
            break outer;
          }
        }
      }
    }
    if (
      s['contains'] !== undefined &&
      this.draft >= 6 &&
      !v.some((x, i) => this.valid(s['contains']!, x, [...path, String(i)]))
    ) {
      this.add(errors, 'contains', path, 'At least one of the items must match');
    }
  }

  private validateObject(
    s: { [k: string]: Json },
    v: { [k: string]: Json },
    path: readonly string[],
    errors: SchemaError[],
  ): void {
    const n = Object.keys(v).length;
    const min = s['minProperties'];
    if (typeof min === 'number' && n < min)
      this.add(errors, 'array_min_properties', path, `Must have at least ${min} properties`);
    const max = s['maxProperties'];
    if (typeof max === 'number' && n > max)
      this.add(errors, 'array_max_properties', path, `Must have at most ${max} properties`);
    const required = s['required'];
    if (Array.isArray(required)) {
      for (const r of required) {
        if (typeof r === 'string' && !Object.hasOwn(v, r))
          this.add(errors, 'required', path, `${r} is required`);
      }
    }
    const props = isObject(s['properties']) ? s['properties'] : {};
    const patterns = isObject(s['patternProperties']) ? Object.entries(s['patternProperties']) : [];
    const additional = s['additionalProperties'];
    for (const k of Object.keys(v).sort()) {
      const child = [...path, k];
      // Declared properties are validated after const/enum (see validateNode).
      let matched = k in props;
      for (const [p, sub] of patterns) {
        if (compileGoRegexp(p).test(k)) {
          matched = true;
          this.validateNode(sub, v[k]!, child, errors);
        }
      }
      if (!matched && additional !== undefined) {
        if (additional === false) {
          this.add(
            errors,
            'additional_property_not_allowed',
            path,
            `Additional property ${k} is not allowed`,
          );
        } else this.validateNode(additional, v[k]!, child, errors);
      }
    }
    if (s['propertyNames'] !== undefined && this.draft >= 6) {
      for (const k of Object.keys(v).sort()) {
        if (!this.valid(s['propertyNames'], k, path)) {
          this.add(errors, 'invalid_property_name', path, `Property name of "${k}" does not match`);
        }
      }
    }
  }

  private validateString(
    s: { [k: string]: Json },
    v: string,
    path: readonly string[],
    errors: SchemaError[],
  ): void {
    const len = [...v].length;
    const min = s['minLength'];
    if (typeof min === 'number' && len < min)
      this.add(errors, 'string_gte', path, `String length must be greater than or equal to ${min}`);
    const max = s['maxLength'];
    if (typeof max === 'number' && len > max)
      this.add(errors, 'string_lte', path, `String length must be less than or equal to ${max}`);
    const pattern = s['pattern'];
    if (typeof pattern === 'string' && !compileGoRegexp(pattern).test(v)) {
      this.add(errors, 'pattern', path, `Does not match pattern '${pattern}'`);
    }
    const format = s['format'];
    if (typeof format === 'string' && !checkFormat(format, v)) {
      this.add(errors, 'format', path, `Does not match format '${format}'`);
    }
  }

  private validateNumber(
    s: { [k: string]: Json },
    v: number,
    path: readonly string[],
    errors: SchemaError[],
  ): void {
    const mult = s['multipleOf'];
    if (typeof mult === 'number') {
      const q = v / mult;
      if (Math.abs(q - Math.round(q)) > 1e-9)
        this.add(errors, 'multiple_of', path, `Must be a multiple of ${mult}`);
    }
    const num = (k: string): number | undefined => (typeof s[k] === 'number' ? s[k] : undefined);
    const min = num('minimum');
    const max = num('maximum');
    if (this.draft === 4) {
      if (min !== undefined) {
        if (s['exclusiveMinimum'] === true ? v <= min : v < min) {
          this.add(
            errors,
            s['exclusiveMinimum'] === true ? 'number_gt' : 'number_gte',
            path,
            s['exclusiveMinimum'] === true
              ? `Must be greater than ${min}`
              : `Must be greater than or equal to ${min}`,
          );
        }
      }
      if (max !== undefined) {
        if (s['exclusiveMaximum'] === true ? v >= max : v > max) {
          this.add(
            errors,
            s['exclusiveMaximum'] === true ? 'number_lt' : 'number_lte',
            path,
            s['exclusiveMaximum'] === true
              ? `Must be less than ${max}`
              : `Must be less than or equal to ${max}`,
          );
        }
      }
      return;
    }
    if (max !== undefined && v > max)
      this.add(errors, 'number_lte', path, `Must be less than or equal to ${max}`);
    const xmax = num('exclusiveMaximum');
    if (xmax !== undefined && v >= xmax)
      this.add(errors, 'number_lt', path, `Must be less than ${xmax}`);
    if (min !== undefined && v < min)
      this.add(errors, 'number_gte', path, `Must be greater than or equal to ${min}`);
    const xmin = num('exclusiveMinimum');
    if (xmin !== undefined && v <= xmin)
      this.add(errors, 'number_gt', path, `Must be greater than ${xmin}`);
  }
}

const FORMATS: Readonly<Record<string, (s: string) => boolean>> = lookupTable({
  'date-time': (s) =>
    /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s),
  time: (s) => /^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s),
  email: (s) => /^[^@\s]+@[^@\s]+$/.test(s),
  hostname: (s) =>
    s.length <= 255 &&
    /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(
      s,
    ),
  ipv4: (s) => !s.includes(':') && parseIP(s) !== undefined,
  ipv6: (s) => s.includes(':') && parseIP(s) !== undefined,
  uri: (s) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s),
  'uri-reference': (s) => !/\s/.test(s),
  uuid: (s) =>
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s),
  regex: (s) => {
    try {
      compileGoRegexp(s);
      return true;
    } catch {
      return false;
    }
  },
});

function checkFormat(format: string, v: string): boolean {
  const f = FORMATS[format];
  // Unknown formats are accepted, as gojsonschema does.
  return f === undefined ? true : f(v);
}
