// Strategic merge patch as kustomize v5.5.0 applies it: a port of kyaml's merge2 visitor and walk
// package (walker, associative-list merging, ElementSetter), including their quirks, over decoded
// values. Maps and lists are merged in place as kyaml mutates its nodes; `$patch` directives are
// read off the patch as kyaml does (so the patch is consumed).
import { isEmptyNull, isYamlMap, resolveV3Value } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { BUILTIN_PATCH_SCHEMA } from './openapi-patch-meta.js';
import type { PatchField, PatchSchema } from './openapi-patch-meta.js';

export class MergeError extends Error {}

/** Where the walk is in the schema: a known object definition, a list field, or known-but-without-metadata. */
type Schema =
  { readonly def: string } | { readonly list: PatchField } | { readonly none: true } | undefined;
const NO_META: Schema = { none: true };

/** Where the walk is, for error messages: built as a chain, joined only when an error needs it. */
interface Path {
  readonly parent: Path | undefined;
  readonly key: string;
}
function pathText(p: Path | undefined): string {
  const parts: string[] = [];
  for (let q = p; q !== undefined; q = q.parent) parts.unshift(q.key);
  return parts.join('.');
}

/** A node: a value, or undefined for a missing one (kyaml's nil). null is a node tagged !!null. */
type Node = YamlValue | undefined;

/**
 * kyaml's "persistent null": the destination's explicit `null` kept when the patch does not touch
 * it. Any other null a walk returns clears the field.
 */
const KEEP_NULL: YamlMap = Object.freeze(Object.create(null) as YamlMap);

/** A null destination node, and whether it was written with text (`null`, `~`) or empty (`key:`). */
interface DestInfo {
  readonly emptyNull: boolean;
}
const NOT_EMPTY: DestInfo = { emptyNull: false };

/** The schema of the merge in progress (merges are synchronous, so a module variable is safe). */
let active: PatchSchema = BUILTIN_PATCH_SCHEMA;

function fieldSchema(s: Schema, key: string): Schema {
  if (s === undefined) return undefined;
  if (!('def' in s)) return NO_META;
  // Own properties only: a field called `constructor` or `__proto__` is just a field.
  const def = Object.hasOwn(active.defs, s.def) ? active.defs[s.def] : undefined;
  const f = def !== undefined && Object.hasOwn(def, key) ? def[key] : undefined;
  if (!f) return NO_META;
  if (f.ref) return { def: f.ref };
  return { list: f };
}

function elementSchema(s: Schema): Schema {
  if (s === undefined) return undefined;
  if ('list' in s && s.list.elem) return { def: s.list.elem };
  return NO_META;
}

/** kyaml's GetSchema: the walker's schema, else the schema of a source's apiVersion/kind. */
function schemaOfSources(sources: readonly Node[], given: Schema): Schema {
  if (given !== undefined) return given;
  for (const v of sources) {
    if (!isYamlMap(v)) continue;
    const av = v['apiVersion'];
    const k = v['kind'];
    if (typeof av !== 'string' || typeof k !== 'string' || av === '' || k === '') continue;
    const def = active.kinds.get(`${av} ${k}`);
    if (def !== undefined) return { def };
  }
  return undefined;
}

function isMissingOrNull(v: Node): v is null | undefined {
  return v === undefined || v === null;
}

type Kind = 'map' | 'seq' | 'scalar';
function kindOf(v: YamlValue): Kind {
  if (Array.isArray(v)) return 'seq';
  if (isYamlMap(v)) return 'map';
  return 'scalar';
}
const KIND_NAMES: Record<Kind, string> = {
  map: 'MappingNode',
  seq: 'SequenceNode',
  scalar: 'ScalarNode',
};

/** A scalar node's text (yaml.Node.Value): maps and lists have none. */
function nodeValue(v: YamlValue | undefined, emptyNull = false): string {
  if (v === undefined) return '';
  if (v === null) return emptyNull ? '' : 'null';
  if (typeof v === 'object') return '';
  return String(v);
}

/** RNode.IsNilOrEmpty: missing, null, an empty map or list. */
function isNilOrEmpty(v: Node): boolean {
  if (isMissingOrNull(v)) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isYamlMap(v)) return Object.keys(v).length === 0;
  return false;
}

function isEmptyMapNode(v: Node): boolean {
  return isMissingOrNull(v) || (isYamlMap(v) && Object.keys(v).length === 0);
}

const DIRECTIVE = '$patch';
type Directive = 'merge' | 'replace' | 'delete';

/** merge2's determineSmpDirective: reads (and removes) a `$patch` directive from the patch node. */
function smpDirective(patch: Node): Directive {
  if (patch === undefined) return 'merge';
  if (Array.isArray(patch)) {
    const el = patch.find((e) => isYamlMap(e) && DIRECTIVE in e) as YamlMap | undefined;
    if (el === undefined || Object.keys(el).length > 1) return 'merge';
    const v = nodeValue(el[DIRECTIVE]);
    if (v === 'delete' || v === 'replace' || v === 'merge') {
      elementSetter(patch, undefined, [DIRECTIVE], [v]);
      return v;
    }
    throw new MergeError(`unknown patch strategy '${v}'`);
  }
  if (isYamlMap(patch)) {
    if (!(DIRECTIVE in patch)) return 'merge';
    const v = nodeValue(patch[DIRECTIVE]);
    if (v === 'delete' || v === 'replace' || v === 'merge') {
      delete patch[DIRECTIVE];
      return v;
    }
    throw new MergeError(`unknown patch strategy '${v}'`);
  }
  throw new MergeError(
    `no implemented strategic merge patch strategy for '${patch === null ? '!!null' : '!!' + typeof patch}'`,
  );
}

function directiveOrMerge(patch: Node): Directive | 'unknown' {
  try {
    return smpDirective(patch);
  } catch {
    return 'unknown';
  }
}

/**
 * Merges `patch` into `dest` in place (consuming the patch, as kyaml does); returns `dest`, or
 * undefined when the patch deleted it. As in kustomize, only deletion looks at the walk's result: a
 * top-level `$patch: replace` leaves the object as it was.
 */
export function strategicMerge(
  dest: YamlMap,
  patch: YamlMap,
  schema: PatchSchema = BUILTIN_PATCH_SCHEMA,
): YamlMap | undefined {
  active = schema;
  const r = walk(dest, patch, undefined, undefined, NOT_EMPTY);
  if (r === undefined || r === null || r === KEEP_NULL) return undefined;
  return dest;
}

function walk(
  dest: Node,
  origin: Node,
  given: Schema,
  path: Path | undefined,
  info: DestInfo,
): Node {
  const schema = schemaOfSources([dest, origin], given);
  const first = !isMissingOrNull(dest) ? dest : !isMissingOrNull(origin) ? origin : undefined;
  if (first === undefined) return walkMap(dest, origin, schema, path, info);
  const kind = kindOf(first);
  for (const s of [dest, origin]) {
    if (isMissingOrNull(s) || kindOf(s) === kind) continue;
    throw new MergeError(
      `wrong Node Kind for ${pathText(path)} expected: ${KIND_NAMES[kind]} was ${KIND_NAMES[kindOf(s)]}`,
    );
  }
  switch (kind) {
    case 'map':
      return walkMap(dest, origin, schema, path, info);
    case 'seq':
      if (schema && 'list' in schema && (schema.list.strategy ?? '').split(',').includes('merge'))
        return walkAssociative(dest, origin, schema, path);
      // Non-associative lists: the patch's list replaces the destination's.
      return origin !== undefined ? origin : dest;
    case 'scalar':
      return origin !== undefined ? origin : dest;
  }
}

/** An existing node against a patch's: cleared by null or `$patch: delete`, replaced by `$patch: replace`, else kept. */
function byDirective(dest: Node, origin: Node): Node {
  if (origin === null) return undefined;
  switch (smpDirective(origin)) {
    case 'delete':
      return undefined;
    case 'replace':
      return origin;
    default:
      return dest;
  }
}

/** merge2's VisitMap: the node the map's fields are merged into, undefined to clear it. */
function visitMap(dest: Node, origin: Node, info: DestInfo): Node {
  if (isMissingOrNull(dest)) {
    if (directiveOrMerge(origin) === 'delete') return undefined;
    // An explicit null in the destination that the patch does not mention is kept.
    if (origin === undefined && dest === null && !info.emptyNull) return KEEP_NULL;
    return origin;
  }
  return byDirective(dest, origin);
}

function walkMap(
  dest: Node,
  origin: Node,
  schema: Schema,
  path: Path | undefined,
  info: DestInfo,
): Node {
  const target = visitMap(dest, origin, info);
  if (target === undefined || !isYamlMap(target) || target === KEEP_NULL) return target;
  const o = isYamlMap(origin) ? origin : undefined;
  const names = new Set(Object.keys(target));
  if (o) for (const k of Object.keys(o)) names.add(k);
  for (const key of [...names].sort()) {
    const fd = target[key];
    const fo = o?.[key];
    const val = walk(
      fd,
      fo,
      fieldSchema(schema, key),
      { parent: path, key },
      {
        emptyNull: fd === null && isEmptyNull(target, key),
      },
    );
    // FieldSetter: a missing or null value clears the field (a kept null stays).
    if (val === undefined || val === null) delete target[key];
    else target[key] = val === KEEP_NULL ? null : val;
  }
  return target;
}

/** merge2's VisitList for associative lists. */
function visitList(dest: Node, origin: Node): Node {
  if (isMissingOrNull(dest)) return origin;
  return byDirective(dest, origin);
}

/** RNode.ElementValuesList: each element's values for the keys ("" when missing or empty). */
function elementValuesList(list: readonly YamlValue[], keys: readonly string[]): string[][] {
  return list.map((el) =>
    keys.map((k) => {
      if (!isYamlMap(el) || !(k in el) || isNilOrEmpty(el[k])) return '';
      return nodeValue(el[k]);
    }),
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** walk's elementValues: the key tuples of all elements, patch first (kustomize prepends), without repeats. */
function elementValues(sources: readonly Node[], keys: readonly string[]): string[][] {
  const out: string[][] = [];
  for (const src of sources) {
    if (!Array.isArray(src)) continue;
    for (const t of elementValuesList(src, keys)) {
      if (t.length === 0 || out.some((s) => sameList(s, t))) continue;
      out.push(t);
    }
  }
  return out;
}

function elementPrimitiveValues(sources: readonly Node[]): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const src of sources) {
    if (!Array.isArray(src)) continue;
    for (const item of src) {
      const v = nodeValue(item);
      if (seen.has(v)) continue;
      seen.add(v);
      out.push([v]);
    }
  }
  return out;
}

/** validateKeys: the keys that have a value in some tuple (all keys when none has), and this tuple's values for them. */
function validateKeys(
  valuesList: readonly (readonly string[])[],
  values: readonly string[],
  keys: readonly string[],
): [string[], string[]] {
  const valid = new Set<string>();
  for (const vs of valuesList) vs.forEach((v, i) => v !== '' && valid.add(keys[i] as string));
  if (valid.size === 0) return [[...keys], [...values]];
  const vk = keys.filter((k) => valid.has(k));
  const vv = values.filter((v, i) => v !== '' || valid.has(keys[i] as string));
  return [vk, vv];
}

/** mergeValues: tuples that agree where both have values are treated as the same element. */
function mergeValues(valuesList: string[][]): string[][] {
  for (let i = 0; i < valuesList.length; i++) {
    const v1 = valuesList[i] as string[];
    for (let j = 0; j < valuesList.length; j++) {
      const m = matchValues(v1, valuesList[j] as string[]);
      if (m) {
        valuesList[i] = m;
        valuesList[j] = m;
      }
    }
  }
  return valuesList;
}

function matchValues(a: readonly string[], b: readonly string[]): string[] | undefined {
  if (a.length !== b.length) return undefined;
  let common = false;
  const res: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) {
      common = true;
      res.push(x);
      continue;
    }
    if (x !== '' && y !== '') return undefined;
    res.push(x !== '' ? x : y);
  }
  return common ? res : undefined;
}

/** FieldMatcher{Name, StringValue}: the element has the field (with that value, when one is given). */
function fieldMatches(el: YamlValue, key: string, value: string): boolean {
  if (isMissingOrNull(el)) return false;
  if (key === '') {
    if (typeof el === 'object') throw new MergeError('wrong Node Kind: expected ScalarNode');
    return nodeValue(el) === value;
  }
  if (!isYamlMap(el)) throw new MergeError('wrong Node Kind: expected MappingNode');
  if (!(key in el)) return false;
  return value === '' || nodeValue(el[key], isEmptyNull(el, key)) === value;
}

/** ElementList (MatchField on every key): the first element whose fields hold exactly these values. */
function elementList(list: Node, keys: readonly string[], values: readonly string[]): Node {
  if (!Array.isArray(list)) return undefined;
  if (keys.length === 0 || keys[0] === '') return list.find((el) => nodeValue(el) === values[0]);
  return list.find(
    (el) =>
      isYamlMap(el) &&
      keys.every((k, i) => k in el && nodeValue(el[k], isEmptyNull(el, k)) === (values[i] ?? '')),
  );
}

/**
 * kyaml's ElementSetter on a list, in place: drops null and empty-map elements, replaces every
 * element matching the keys and values with `element` (removes them when it is undefined), and
 * appends `element` when none matched. With fewer values than keys, elements that do not match are
 * dropped, as kyaml does.
 */
function elementSetter(
  list: YamlValue[],
  element: Node,
  keysIn: readonly string[],
  values: readonly string[],
): void {
  const keys = keysIn.length === 0 ? [''] : keysIn;
  const mappingSetter = keys[0] !== '' && values.length > 0 && values[0] !== '';
  const out: YamlValue[] = [];
  let matched = false;
  for (const el of list) {
    if (isEmptyMapNode(el)) continue;
    if (!isYamlMap(el) && mappingSetter) {
      out.push(el);
      continue;
    }
    let found = true;
    let last = false;
    for (let j = 0; j < keys.length; j++) {
      if (j < values.length) last = fieldMatches(el, keys[j] as string, values[j] as string);
      if (!last) {
        found = false;
        break;
      }
    }
    if (!found) {
      if (values.length > 0) out.push(el);
      continue;
    }
    matched = true;
    if (element !== undefined) out.push(element);
  }
  list.length = 0;
  list.push(...out);
  if (isMissingOrNull(element)) return;
  if (!matched) list.push(element);
}

/** appendListNode: the destination's elements go after the patch's (kustomize prepends patch elements). */
function appendListNode(
  dst: YamlValue[],
  src: readonly YamlValue[],
  keys: readonly string[],
): void {
  for (const el of [...src]) {
    if (keys[0] === '') {
      elementSetter(dst, el, [''], [nodeValue(el)]);
      continue;
    }
    const v: string[] = [];
    for (const key of keys) {
      if (el !== null && !isYamlMap(el))
        throw new MergeError('wrong Node Kind: expected MappingNode in an associative list');
      if (el === null || !(key in el)) {
        dst.push(el);
        continue;
      }
      v.push(nodeValue(el[key], isEmptyNull(el, key)));
    }
    // kyaml removes an element matched on several keys before setting it, to avoid a duplicate.
    if (keys.length > 1) elementSetter(dst, undefined, keys, v);
    elementSetter(dst, el, keys, v);
  }
}

function walkAssociative(dest: Node, origin: Node, schema: Schema, path: Path | undefined): Node {
  const target = visitList(dest, origin);
  if (target === undefined || !Array.isArray(target)) return target;
  const keys = schema && 'list' in schema ? [...(schema.list.keys ?? [])] : [];
  // Patch elements come first (kustomize merges with ListIncreaseDirection=Prepend).
  const sources: Node[] = [origin, target];
  const values = elementValues(sources, keys);
  if (values.length !== 0 || keys.length > 0)
    return setAssociativeElements(target, origin, values, keys, schema, path);
  return setAssociativeElements(
    target,
    origin,
    elementPrimitiveValues(sources),
    [''],
    schema,
    path,
  );
}

function setAssociativeElements(
  dest: YamlValue[],
  origin: Node,
  valuesListIn: string[][],
  keys: readonly string[],
  schema: Schema,
  path: Path | undefined,
): Node {
  const items: YamlValue[] = [];
  const elemSchema = elementSchema(schema);
  const valuesList = keys.length > 1 ? mergeValues(valuesListIn) : valuesListIn;
  let validKeys: string[] = [];
  let validValues: string[] = [];
  for (let n = 0; n < valuesList.length; n++) {
    const values = valuesList[n] as string[];
    if (values.length === 0) continue;
    [validKeys, validValues] = validateKeys(valuesList, values, keys);
    const [lk, lv] = validateKeys([validValues], validValues, validKeys);
    const de = elementList(dest, lk, lv);
    const oe = elementList(origin, lk, lv);
    const val = walk(
      de,
      oe,
      elemSchema,
      { parent: path, key: `[${lk.join(',')}=${lv.join(',')}]` },
      NOT_EMPTY,
    );
    const gone = isMissingOrNull(val) || val === KEEP_NULL || isEmptyMapNode(val);
    if (gone) {
      if (validKeys.length > 0) elementSetter(dest, undefined, validKeys, validValues);
      continue;
    }
    // Make sure the element carries its keys (scalar elements of primitive lists need nothing).
    validKeys.forEach((key, i) => {
      const v = validValues[i] ?? '';
      if (v === '' || key === '' || (isYamlMap(val) && key in val)) return;
      if (!isYamlMap(val))
        throw new MergeError('wrong Node Kind: expected MappingNode in an associative list');
      val[key] = resolveV3Value(v);
    });
    elementSetter(items, val, validKeys, validValues);
  }
  if (valuesList.length > 0) appendListNode(items, dest, validKeys);
  return items;
}

/** A fresh empty map (re-exported for callers building patches). */
export function emptyMap(): YamlMap {
  return Object.create(null) as YamlMap;
}
