// The compiled form the evaluator runs: names resolved to frame slots, data paths and built-ins.
import type { Location } from './ast.js';
import type { BuiltinDef } from './builtin-types.js';
import type { Value } from './value.js';

export type CallTarget =
  | { readonly kind: 'builtin'; readonly name: string; readonly def: BuiltinDef }
  /** A user function at a data path (`data.pkg.f`). */
  | { readonly kind: 'function'; readonly name: string; readonly path: readonly string[] }
  /** `print(...)`: evaluator-bound, each operand may be undefined. */
  | { readonly kind: 'print'; readonly name: string }
  /** `trace(note)`: adds a note to the explanation trace; always true. */
  | { readonly kind: 'trace'; readonly name: string };

export type IRTerm =
  | { readonly t: 'const'; readonly v: Value }
  | { readonly t: 'local'; readonly slot: number; readonly name: string }
  | { readonly t: 'input' }
  | { readonly t: 'data' }
  | { readonly t: 'ref'; readonly head: IRTerm; readonly path: readonly IRTerm[] }
  | { readonly t: 'array'; readonly items: readonly IRTerm[] }
  | { readonly t: 'set'; readonly items: readonly IRTerm[] }
  | { readonly t: 'object'; readonly keys: readonly IRTerm[]; readonly values: readonly IRTerm[] }
  | {
      readonly t: 'arraycompr' | 'setcompr';
      readonly term: IRTerm;
      readonly body: readonly IRExpr[];
      readonly closure: readonly number[];
    }
  | {
      readonly t: 'objectcompr';
      readonly key: IRTerm;
      readonly value: IRTerm;
      readonly body: readonly IRExpr[];
      readonly closure: readonly number[];
    }
  | {
      readonly t: 'call';
      readonly target: CallTarget;
      readonly args: readonly IRTerm[];
      readonly loc: Location;
      /**
       * The order to evaluate the operands in, when one binds a variable another needs by
       * iterating a reference (`foo == input.foos[foo]`); absent: left to right.
       */
      readonly argOrder?: readonly number[];
    }
  | {
      readonly t: 'template';
      readonly parts: readonly (string | IRExpr)[];
      readonly closure: readonly number[];
    };

/** A `with` modifier: what it replaces and the value (or function) it replaces it with. */
export interface IRWith {
  readonly target:
    | { readonly kind: 'input'; readonly path: readonly Value[] }
    | { readonly kind: 'data'; readonly path: readonly string[] }
    | { readonly kind: 'builtin'; readonly name: string }
    | { readonly kind: 'function'; readonly path: readonly string[] };
  readonly value: IRTerm;
  /** When the replacement is a function (`with f as g`): its target. */
  readonly fn: CallTarget | undefined;
}

export type IRExpr = (
  | { readonly k: 'term'; readonly term: IRTerm }
  | { readonly k: 'unify'; readonly a: IRTerm; readonly b: IRTerm }
  | {
      readonly k: 'not';
      readonly body: readonly IRExpr[];
      /**
       * Terms OPA evaluates before the negation (compiler-hoist.ts) that yield at most one
       * value: each is evaluated into its slot first, and the expression fails when one is
       * undefined. (Ones that iterate stay expressions of their own, before this one.)
       */
      readonly guards?: readonly { readonly slot: number; readonly term: IRTerm }[];
    }
  | {
      readonly k: 'somein';
      readonly key: IRTerm | undefined;
      readonly value: IRTerm;
      readonly coll: IRTerm;
    }
  | {
      readonly k: 'every';
      readonly key: IRTerm | undefined;
      readonly value: IRTerm;
      readonly domain: IRTerm;
      readonly body: readonly IRExpr[];
    }
  /** `some x`: resets the declared slots (they are fresh at this point). */
  | { readonly k: 'some'; readonly slots: readonly number[] }
  | { readonly k: 'with'; readonly inner: IRExpr; readonly mods: readonly IRWith[] }
) & { readonly loc: Location; readonly text?: string };

export interface IRRule {
  readonly kind: 'complete' | 'multi' | 'object' | 'function';
  /** Keys of the head below the node the rule lives at (object rules; may be empty). */
  readonly keys: readonly IRTerm[];
  readonly value: IRTerm;
  readonly body: readonly IRExpr[];
  /** Function arguments (patterns bound at the start). */
  readonly args: readonly IRTerm[];
  readonly nslots: number;
  readonly elseRule: IRRule | undefined;
  readonly isDefault: boolean;
  readonly loc: Location;
  /** True when the head value and keys are constants: one solution of the body suffices. */
  readonly constHead: boolean;
}

/** A node of the rule tree: the rules defined at a data path and the nodes below it. */
export interface RuleNode {
  readonly path: readonly string[];
  readonly children: Map<string, RuleNode>;
  readonly rules: IRRule[];
  readonly defaults: IRRule[];
  /** True when any rule lives at or below this node. */
  hasRules: boolean;
  readonly id: number;
}
