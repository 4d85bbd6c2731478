// The static types the checker works with (cel-go's type model, enough for Kubernetes: primitives,
// lists, maps, schema objects, opaque library types, type params) and their display names.

export type PrimName =
  | 'int'
  | 'uint'
  | 'double'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'null'
  | 'dyn'
  | 'timestamp'
  | 'duration'
  | 'error';

/** Size bounds a type carries when it comes from an OpenAPI schema (for cost estimation). */
export interface SizeBound {
  /** most elements (chars of a string, items of a list, entries of a map) */
  readonly maxElements?: number;
  /** a list's `x-kubernetes-list-type` (`set` and `map` lists compare and concatenate as such) */
  readonly listType?: string;
  /** a map list's `x-kubernetes-list-map-keys` */
  readonly mapKeys?: readonly string[];
}

export type CelT = SizeBound &
  (
    | { readonly k: 'prim'; readonly name: PrimName }
    | { readonly k: 'list'; readonly elem: CelT }
    | { readonly k: 'map'; readonly key: CelT; readonly value: CelT }
    | {
        readonly k: 'object';
        readonly name: string;
        readonly fields: ReadonlyMap<string, CelT>;
      }
    | { readonly k: 'opaque'; readonly name: string; readonly params: readonly CelT[] }
    | { readonly k: 'type'; readonly param: CelT | undefined }
    | { readonly k: 'param'; readonly name: string }
  );

const prim = (name: PrimName): CelT => ({ k: 'prim', name });
export const T = {
  int: prim('int'),
  uint: prim('uint'),
  double: prim('double'),
  bool: prim('bool'),
  string: prim('string'),
  bytes: prim('bytes'),
  null: prim('null'),
  dyn: prim('dyn'),
  timestamp: prim('timestamp'),
  duration: prim('duration'),
  error: prim('error'),
  list: (elem: CelT, maxElements?: number): CelT =>
    maxElements === undefined ? { k: 'list', elem } : { k: 'list', elem, maxElements },
  map: (key: CelT, value: CelT, maxElements?: number): CelT =>
    maxElements === undefined ? { k: 'map', key, value } : { k: 'map', key, value, maxElements },
  opaque: (name: string, ...params: CelT[]): CelT => ({ k: 'opaque', name, params }),
  optional: (t: CelT): CelT => ({ k: 'opaque', name: 'optional_type', params: [t] }),
  type: (param?: CelT): CelT => ({ k: 'type', param }),
  param: (name: string): CelT => ({ k: 'param', name }),
} as const;

/** cel-go's FormatCELType. */
export function formatType(t: CelT): string {
  switch (t.k) {
    case 'prim':
      return t.name === 'error' ? '!error!' : t.name;
    case 'list':
      return `list(${formatType(t.elem)})`;
    case 'map':
      return `map(${formatType(t.key)}, ${formatType(t.value)})`;
    case 'object':
      return t.name;
    case 'opaque':
      return t.params.length === 0 ? t.name : `${t.name}(${t.params.map(formatType).join(', ')})`;
    case 'type':
      return t.param === undefined ? 'type' : `type(${formatType(t.param)})`;
    case 'param':
      return t.name;
  }
}

export function isDyn(t: CelT): boolean {
  return t.k === 'prim' && (t.name === 'dyn' || t.name === 'error');
}

/** Substitutes bound type parameters. */
export function substitute(t: CelT, b: ReadonlyMap<string, CelT>, free = false): CelT {
  switch (t.k) {
    case 'param': {
      const v = b.get(t.name);
      return v === undefined ? (free ? T.dyn : t) : substitute(v, b, free);
    }
    case 'list':
      return { ...t, elem: substitute(t.elem, b, free) };
    case 'map':
      return { ...t, key: substitute(t.key, b, free), value: substitute(t.value, b, free) };
    case 'opaque':
      return { ...t, params: t.params.map((p) => substitute(p, b, free)) };
    case 'type':
      return t.param === undefined ? t : { k: 'type', param: substitute(t.param, b, free) };
    default:
      return t;
  }
}

/**
 * Whether a value of type `actual` may be passed where `formal` is expected, binding type
 * parameters in `b` (cel-go's isAssignable with dyn as the top type).
 */
export function assignable(formal: CelT, actual: CelT, b: Map<string, CelT>): boolean {
  if (formal.k === 'param') {
    const bound = b.get(formal.name);
    if (bound === undefined) {
      b.set(formal.name, actual);
      return true;
    }
    if (assignable(bound, actual, b)) {
      // keep the more general of the two (cel-go's mostGeneral): `c ? null : dyn` is dyn
      if (!isEqualOrLessSpecific(bound, actual)) b.set(formal.name, actual);
      return true;
    }
    if (isDyn(actual)) return true;
    // widen to the more general (e.g. null to a message-like type)
    if (assignable(actual, bound, new Map(b))) {
      b.set(formal.name, actual);
      return true;
    }
    return false;
  }
  if (isDyn(formal) || isDyn(actual)) return true;
  if (actual.k === 'param') return true;
  switch (formal.k) {
    case 'prim':
      if (actual.k !== 'prim') return false;
      return formal.name === actual.name;
    case 'list':
      return actual.k === 'list' && assignable(formal.elem, actual.elem, b);
    case 'map':
      return (
        actual.k === 'map' &&
        assignable(formal.key, actual.key, b) &&
        assignable(formal.value, actual.value, b)
      );
    case 'object':
      return actual.k === 'object' && actual.name === formal.name;
    case 'opaque':
      return (
        actual.k === 'opaque' &&
        actual.name === formal.name &&
        actual.params.length === formal.params.length &&
        formal.params.every((p, i) => assignable(p, actual.params[i] as CelT, b))
      );
    case 'type':
      return actual.k === 'type';
  }
}

/** cel-go's isEqualOrLessSpecific: whether `a` is at least as general as `b`. */
function isEqualOrLessSpecific(a: CelT, b: CelT): boolean {
  if (isDyn(a) || a.k === 'param') return true;
  if (isDyn(b) || b.k === 'param') return false;
  if (a.k !== b.k) return false;
  if (a.k === 'list' && b.k === 'list') return isEqualOrLessSpecific(a.elem, b.elem);
  if (a.k === 'map' && b.k === 'map')
    return isEqualOrLessSpecific(a.key, b.key) && isEqualOrLessSpecific(a.value, b.value);
  if (a.k === 'prim' && b.k === 'prim') return a.name === b.name;
  return true;
}

/** The more general of two types for a join (list literal elements, conditional branches). */
export function joinTypes(a: CelT, b: CelT): CelT | undefined {
  if (isDyn(a)) return b.k === 'prim' && isDyn(b) ? a : T.dyn;
  if (isDyn(b)) return T.dyn;
  if (a.k === 'prim' && a.name === 'null') return b;
  if (b.k === 'prim' && b.name === 'null') return a;
  if (assignable(a, b, new Map()) && assignable(b, a, new Map())) return a;
  return undefined;
}

/** Drops schema size bounds (for display and equality of overload results). */
export function sameType(a: CelT, b: CelT): boolean {
  return formatType(a) === formatType(b);
}
