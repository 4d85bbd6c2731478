// The cost model: cel-go's runtime costs with Kubernetes' CostEstimator for its libraries
// (CallCost), and the static worst-case estimate (EstimateCost) from the sizes that schema
// types carry (maxLength, maxItems, maxProperties, or what fits in a 3 MiB request).
import { ACCU, type Expr } from './ast.js';
import type { CheckedExpr } from './checker.js';
import { isDyn, type CelT } from './types.js';
import { CelOptional, isCelList, isCelMap, type CelValue } from './values.js';
import { CIDRValue, IPValue } from './lib/net.js';

const STRING_TRAVERSAL = 0.1;
const REGEX_LENGTH = 0.25;
const LIST_CREATE = 10;
const MAP_CREATE = 30;
/** Functions that cost one traversal of their (first) string argument. */
const STRING_SCANS = new Set([
  'url',
  'lowerAscii',
  'upperAscii',
  'substring',
  'trim',
  'cidr',
  'isIP',
  'isCIDR',
  'charAt',
  'quantity',
  'isQuantity',
  'semver',
  'isSemver',
  'validate',
]);
/** Those whose result is as long as their input. */
const RESULT_SIZED = new Set(['substring', 'trim', 'lowerAscii', 'upperAscii']);

/** An unknown size: cel-go's math.MaxUint64. */
export const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/** cel-go's actualSize: length of strings/bytes/lists/maps, 1 for everything else. */
export function actualSize(v: CelValue): number {
  if (typeof v === 'string') return [...v].length;
  if (v instanceof Uint8Array) return v.length;
  if (isCelList(v) || isCelMap(v)) return v.size;
  if (v instanceof CelOptional && v.hasValue) return actualSize(v.value as CelValue);
  if (v instanceof IPValue) return v.bytes.length;
  if (v instanceof CIDRValue) return v.ip.bytes.length;
  return 1;
}

const ceil = Math.ceil;

/** Functions whose runtime cost does not depend on their arguments (cel-go's default of 1). */
const CONSTANT_COST = new Set([
  '_-_',
  '_*_',
  '_/_',
  '_%_',
  '-_',
  '!_',
  '@not_strictly_false',
  '_[_]',
  'size',
  'int',
  'uint',
  'double',
  'bool',
  'dyn',
  'type',
  'timestamp',
  'duration',
  'hasValue',
  'value',
  'orValue',
  'or',
  'optional.of',
  'optional.none',
  'optional.ofNonZeroValue',
]);

/** Runtime cost of one call (Kubernetes' CallCost first, then cel-go's defaults). */
export function callCost(
  fn: string,
  overloadId: string,
  args: CelValue[],
  result: CelValue,
): number {
  if (args.length === 0 || CONSTANT_COST.has(fn)) return 1;
  if (STRING_SCANS.has(fn) || fn === 'format.named')
    return ceil(actualSize(args[0] as CelValue) * STRING_TRAVERSAL);
  switch (fn) {
    case 'check':
      return 350000;
    case 'serviceAccount':
    case 'path':
    case 'group':
    case 'resource':
    case 'subresource':
    case 'namespace':
    case 'name':
    case 'allowed':
    case 'reason':
    case 'error':
    case 'errored':
      return 1;
    case 'isSorted':
    case 'sum':
    case 'max':
    case 'min':
    case 'indexOf':
    case 'lastIndexOf':
      if (overloadId.startsWith('list_')) return traversal(args[0] as CelValue);
      if (fn === 'indexOf' || fn === 'lastIndexOf')
        return ceil(actualSize(args[0] as CelValue) * STRING_TRAVERSAL);
      return 1;
    case 'replace':
    case 'split':
      return ceil(actualSize(args[0] as CelValue) * 2 * STRING_TRAVERSAL);
    case 'join':
      return ceil(actualSize(result) * 2 * STRING_TRAVERSAL);
    case 'find':
    case 'findAll':
      return regexCost(args);
    case 'ip':
      return overloadId === 'cidr_ip'
        ? 1
        : ceil(actualSize(args[0] as CelValue) * STRING_TRAVERSAL);
    case 'ip.isCanonical':
      return ceil(actualSize(args[0] as CelValue) * 2 * STRING_TRAVERSAL);
    case 'masked':
    case 'prefixLength':
    case 'family':
    case 'isUnspecified':
    case 'isLoopback':
    case 'isLinkLocalMulticast':
    case 'isLinkLocalUnicast':
    case 'isGlobalUnicast':
      return 1;
    case 'containsIP': {
      let c = ceil(
        (actualSize(args[0] as CelValue) + actualSize(args[0] as CelValue)) * STRING_TRAVERSAL,
      );
      if (overloadId === 'cidr_contains_ip_string')
        c += ceil(actualSize(args[1] as CelValue) * STRING_TRAVERSAL);
      return c;
    }
    case 'containsCIDR': {
      let c =
        ceil(
          (actualSize(args[0] as CelValue) + actualSize(args[0] as CelValue)) * STRING_TRAVERSAL,
        ) +
        ceil(actualSize(args[0] as CelValue) * STRING_TRAVERSAL) +
        1;
      if (overloadId === 'cidr_contains_cidr_string')
        c += ceil(actualSize(args[1] as CelValue) * STRING_TRAVERSAL);
      return c;
    }
    case 'sign':
    case 'asInteger':
    case 'isInteger':
    case 'asApproximateFloat':
    case 'isGreaterThan':
    case 'isLessThan':
    case 'compareTo':
    case 'add':
    case 'sub':
    case 'major':
    case 'minor':
    case 'patch':
      return 1;
    case 'sets.contains':
    case 'sets.equivalent':
    case 'sets.intersects':
      return actualSize(args[0] as CelValue) * actualSize(args[1] as CelValue);
    case 'slice':
    case 'flatten':
    case 'distinct':
    case 'reverse':
    case 'sort':
    case 'lists.range':
      return actualSize(result) + 1;
  }
  switch (overloadId) {
    case 'starts_with_string':
    case 'ends_with_string':
    case 'bytes_from_string':
    case 'string_from_bytes':
    case 'strings_quote':
    case 'string_format':
      return ceil(actualSize(args[0] as CelValue) * STRING_TRAVERSAL);
    case 'in_list':
      return actualSize(args[1] as CelValue);
    case 'add_string':
    case 'add_bytes':
      return ceil(
        (actualSize(args[0] as CelValue) + actualSize(args[1] as CelValue)) * STRING_TRAVERSAL,
      );
    case 'matches_string':
    case 'matches':
      return regexCost(args);
    case 'contains_string':
      return (
        ceil(actualSize(args[0] as CelValue) * STRING_TRAVERSAL) *
        ceil(actualSize(args[1] as CelValue) * STRING_TRAVERSAL)
      );
  }
  if (fn === '_==_' || fn === '_!=_' || (/^_[<>]=?_$/.test(fn) && !isNumericArgs(args)))
    return ceil(
      Math.min(actualSize(args[0] as CelValue), actualSize(args[1] as CelValue)) * STRING_TRAVERSAL,
    );
  return 1;
}

/** A regular expression's run: the string's traversal times a guess from the pattern's length. */
function regexCost(args: CelValue[]): number {
  return (
    ceil((1 + actualSize(args[0] as CelValue)) * STRING_TRAVERSAL) *
    ceil(actualSize(args[1] as CelValue) * REGEX_LENGTH)
  );
}

function isNumericArgs(args: CelValue[]): boolean {
  return args.every(
    (a) => typeof a === 'bigint' || typeof a === 'number' || typeof a === 'boolean',
  );
}

function traversal(v: CelValue): number {
  return actualSize(v);
}

/** A worst-case and best-case estimate. */
export interface CostEstimate {
  readonly min: number;
  readonly max: number;
}

const add = (a: CostEstimate, b: CostEstimate): CostEstimate => ({
  min: sat(a.min + b.min),
  max: sat(a.max + b.max),
});
const sat = (n: number): number => (n > UNBOUNDED ? UNBOUNDED : n);
const mul = (a: number, b: number): number =>
  a === 0 || b === 0 ? 0 : a > UNBOUNDED / b ? UNBOUNDED : a * b;

/** The static cost estimate of a checked expression (cel-go's EstimateCost, simplified). */
export function estimateCost(checked: CheckedExpr): CostEstimate {
  return new Estimator(checked).cost(checked.parsed.expr);
}

class Estimator {
  private readonly sizes = new Map<number, number>();
  private readonly iterSizes = new Map<string, number>();

  constructor(private readonly checked: CheckedExpr) {}

  private typeOf(e: Expr): CelT | undefined {
    return this.checked.types.get(e.id);
  }

  /** Most elements of a node's value. */
  size(e: Expr): number {
    const known = this.sizes.get(e.id);
    if (known !== undefined) return known;
    if (e.k === 'const') return typeof e.value === 'string' ? [...e.value].length : 1;
    if (e.k === 'list') return e.elems.length;
    if (e.k === 'map') return e.entries.length;
    if (e.k === 'ident' && this.iterSizes.has(e.name))
      return this.iterSizes.get(e.name) ?? UNBOUNDED;
    const t = this.typeOf(e);
    if (t?.maxElements !== undefined) return t.maxElements;
    return t === undefined ? UNBOUNDED : this.elemDefault(t);
  }

  cost(e: Expr): CostEstimate {
    switch (e.k) {
      case 'const':
        return { min: 0, max: 0 };
      case 'ident':
        return { min: 1, max: 1 };
      case 'select':
        return add(this.cost(e.operand), e.test ? { min: 0, max: 0 } : { min: 1, max: 1 });
      case 'list':
        return e.elems.reduce((acc, x) => add(acc, this.cost(x)), {
          min: LIST_CREATE,
          max: LIST_CREATE,
        });
      case 'map':
        return e.entries.reduce((acc, x) => add(add(acc, this.cost(x.key)), this.cost(x.value)), {
          min: MAP_CREATE,
          max: MAP_CREATE,
        });
      case 'comp':
        return this.comprehension(e);
      case 'call':
        return this.call(e);
    }
  }

  private comprehension(e: Extract<Expr, { k: 'comp' }>): CostEstimate {
    const range = this.cost(e.range);
    const n = this.size(e.range);
    const rt = this.typeOf(e.range);
    const elemSize =
      rt?.k === 'list'
        ? (rt.elem.maxElements ?? this.elemDefault(rt.elem))
        : rt?.k === 'map'
          ? (rt.value.maxElements ?? this.elemDefault(rt.value))
          : UNBOUNDED;
    this.iterSizes.set(e.iterVar, e.iterVar2 === '' ? elemSize : 1);
    if (e.iterVar2 !== '') this.iterSizes.set(e.iterVar2, elemSize);
    const init = this.cost(e.init);
    const cond = this.cost(e.cond);
    const step = this.cost(e.step);
    const result = this.cost(e.result);
    if (e.accuVar === ACCU && e.init.k === 'list') this.sizes.set(e.id, n);
    const loop = { min: 0, max: mul(n, cond.max + step.max) };
    return add(add(add(range, init), loop), result);
  }

  private elemDefault(t: CelT): number {
    // schema objects have no element bound in Kubernetes' size estimator (MaxElements 0)
    if (t.k === 'object') return 0;
    const sized =
      t.k === 'list' ||
      t.k === 'map' ||
      (t.k === 'prim' && (isDyn(t) || t.name === 'string' || t.name === 'bytes'));
    return sized ? UNBOUNDED : 1;
  }

  private call(e: Extract<Expr, { k: 'call' }>): CostEstimate {
    const qualified = this.checked.qualified.has(e.id);
    const args = e.target !== undefined && !qualified ? [e.target, ...e.args] : [...e.args];
    let sum = args.reduce((acc, x) => add(acc, this.cost(x)), { min: 0, max: 0 });
    const fn = this.checked.qualified.get(e.id) ?? e.fn;
    if (fn === '_&&_' || fn === '_||_' || fn === '_?_:_') {
      if (fn === '_?_:_') {
        const [c, a, b] = args.map((x) => this.cost(x));
        return {
          min: (c?.min ?? 0) + Math.min(a?.min ?? 0, b?.min ?? 0),
          max: sat((c?.max ?? 0) + Math.max(a?.max ?? 0, b?.max ?? 0)),
        };
      }
      return sum;
    }
    const ids = this.checked.overloads.get(e.id) ?? [];
    const sizes = args.map((x) => this.size(x));
    const fc = this.functionCost(fn, ids[0] ?? '', sizes, e);
    sum = add(sum, fc);
    return sum;
  }

  private functionCost(
    fn: string,
    id: string,
    sizes: number[],
    e: Extract<Expr, { k: 'call' }>,
  ): CostEstimate {
    const s = (i: number): number => sizes[i] ?? UNBOUNDED;
    const trav = (n: number): number => (n >= UNBOUNDED ? UNBOUNDED : ceil(n * STRING_TRAVERSAL));
    const one = { min: 1, max: 1 };
    if (STRING_SCANS.has(fn)) {
      if (RESULT_SIZED.has(fn)) this.sizes.set(e.id, s(0));
      return { min: 1, max: trav(fn === 'validate' ? s(1) : s(0)) };
    }
    switch (fn) {
      case 'check':
        return { min: 350000, max: 350000 };
      case 'isSorted':
      case 'sum':
      case 'max':
      case 'min':
        return { min: 0, max: s(0) };
      case 'indexOf':
      case 'lastIndexOf':
        return id.startsWith('list_') ? { min: 0, max: s(0) } : { min: 1, max: trav(s(0)) };
      case 'replace':
      case 'split':
        this.sizes.set(e.id, s(0));
        return { min: 1, max: trav(2 * s(0)) };
      case 'join':
        this.sizes.set(e.id, s(0));
        return { min: 1, max: trav(2 * s(0)) };
      case 'find':
      case 'findAll':
      case 'matches':
        if (fn === 'findAll') this.sizes.set(e.id, s(0));
        return { min: 1, max: mul(trav(1 + s(0)), ceil(s(1) * REGEX_LENGTH)) };
      case 'ip':
        return id === 'cidr_ip' ? one : { min: 1, max: trav(s(0)) };
      case 'sets.contains':
      case 'sets.equivalent':
      case 'sets.intersects':
        return { min: 1, max: mul(s(0), s(1)) };
    }
    switch (id) {
      case 'starts_with_string':
      case 'ends_with_string':
        // cel-go estimates prefix and suffix checks by the argument's size
        return { min: 1, max: trav(s(1)) };
      case 'string_format':
      case 'strings_quote':
        return { min: 1, max: trav(s(0)) };
      case 'in_list':
        return { min: 1, max: s(1) };
      case 'add_string':
      case 'add_bytes':
        this.sizes.set(e.id, sat(s(0) + s(1)));
        return { min: 1, max: trav(sat(s(0) + s(1))) };
      case 'add_list':
        this.sizes.set(e.id, sat(s(0) + s(1)));
        return one;
      case 'contains_string':
        return { min: 1, max: mul(trav(s(0)), trav(s(1))) };
    }
    if (fn === '_==_' || fn === '_!=_' || /^_[<>]=?_$/.test(fn)) {
      const m = Math.min(s(0), s(1));
      return { min: 1, max: Math.max(1, trav(m)) };
    }
    return one;
  }
}
