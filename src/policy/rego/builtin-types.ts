// The contract between built-in function sets and the compiler/evaluator: definitions, context and types.

import type { Value } from './value.js';

/** Per-evaluation state handed to every built-in call. */
export interface BuiltinContext {
  /** time.now_ns for the whole evaluation. */
  readonly nowNs: bigint;
  /** Per-evaluation cache (rand.intn results, compiled regexes, ...). Key by built-in name + args. */
  readonly cache: Map<string, unknown>;
  /** strict-builtin-errors: when false, eval_builtin_error failures make the call undefined. */
  readonly strict: boolean;
}

/**
 * A small type language mirroring OPA's types package (v1/types): any, null, boolean, number,
 * string, array (static prefix + dynamic rest), set(of), object (static keys + dynamic
 * key/value), any-of (union; `any` with `of` in OPA).
 */
export type RegoType =
  | { readonly kind: 'any' }
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'number' }
  | { readonly kind: 'string' }
  | {
      readonly kind: 'array';
      readonly static?: readonly RegoType[];
      readonly dynamic?: RegoType;
    }
  | { readonly kind: 'set'; readonly of: RegoType }
  | {
      readonly kind: 'object';
      readonly static?: Readonly<Record<string, RegoType>>;
      readonly dynamic?: { readonly key: RegoType; readonly value: RegoType };
    }
  | { readonly kind: 'any-of'; readonly of: readonly RegoType[] };

/** Shorthands for declaring built-in signatures. */
export const T = {
  any: { kind: 'any' } as RegoType,
  null: { kind: 'null' } as RegoType,
  boolean: { kind: 'boolean' } as RegoType,
  number: { kind: 'number' } as RegoType,
  string: { kind: 'string' } as RegoType,
  arrayOf: (of: RegoType): RegoType => ({ kind: 'array', dynamic: of }),
  tuple: (...items: readonly RegoType[]): RegoType => ({ kind: 'array', static: items }),
  setOf: (of: RegoType): RegoType => ({ kind: 'set', of }),
  objectOf: (key: RegoType, value: RegoType): RegoType => ({
    kind: 'object',
    dynamic: { key, value },
  }),
  record: (fields: Readonly<Record<string, RegoType>>): RegoType => ({
    kind: 'object',
    static: fields,
  }),
  anyOf: (...of: readonly RegoType[]): RegoType => ({ kind: 'any-of', of }),
} as const;

export interface BuiltinDef {
  /** e.g. "count", "strings.replace_n", "plus". */
  readonly name: string;
  /** Declared operand types (for the type checker). */
  readonly args: readonly RegoType[];
  /** Type of further operands when the built-in is variadic (only print in OPA). */
  readonly variadic?: RegoType;
  /** Result type; {kind:'any'} where OPA declares any. */
  readonly result: RegoType;
  /** True: impl returns every output as an array of values (e.g. walk). */
  readonly relation?: boolean;
  /** True for built-ins whose result may differ between evaluations (rand, time.now_ns, ...). */
  readonly nondeterministic?: boolean;
  /**
   * True for built-ins OPA deprecated (any, all, set_diff, cast_*, re_match, net.cidr_overlap):
   * still callable from v0 modules; OPA's v1 capabilities leave them out.
   */
  readonly deprecated?: boolean;
  /**
   * Returns the result, `undefined` for an undefined result, or (relation) every output. Throws
   * RegoError with eval_type_error / eval_builtin_error on failure.
   */
  readonly impl: (
    args: readonly Value[],
    ctx: BuiltinContext,
  ) => Value | undefined | readonly Value[];
}

/** OPA's printed form of a type (types.Sprint): "any<number, string>", "array[string]", "set[any]", "object[string: any]". */
export function typeString(t: RegoType): string {
  switch (t.kind) {
    case 'any':
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return t.kind;
    case 'any-of':
      return `any<${t.of.map(typeString).join(', ')}>`;
    case 'set':
      return `set[${typeString(t.of)}]`;
    case 'array': {
      const st = t.static?.map(typeString) ?? [];
      if (st.length === 0) return `array[${t.dynamic ? typeString(t.dynamic) : 'any'}]`;
      const dyn = t.dynamic ? `, ${typeString(t.dynamic)}...` : '';
      return `array<${st.join(', ')}${dyn}>`;
    }
    case 'object': {
      const st = Object.entries(t.static ?? {}).map(([k, v]) => `${k}: ${typeString(v)}`);
      const dyn = t.dynamic ? `${typeString(t.dynamic.key)}: ${typeString(t.dynamic.value)}` : '';
      if (st.length === 0) return `object[${dyn || 'any: any'}]`;
      return `object<${st.join(', ')}>${dyn ? `[${dyn}]` : ''}`;
    }
  }
}
