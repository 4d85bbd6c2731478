// The Rego abstract syntax tree produced by the parser (before name resolution by the compiler).

/** Where something was written: file name, 1-based row and column. */
export interface Location {
  readonly file: string;
  readonly row: number;
  readonly col: number;
}

export type Term =
  | { readonly type: 'null'; readonly loc: Location }
  | { readonly type: 'boolean'; readonly value: boolean; readonly loc: Location }
  /** Numbers keep their source text so that precision is decided by the value model. */
  | { readonly type: 'number'; readonly text: string; readonly loc: Location }
  | { readonly type: 'string'; readonly value: string; readonly loc: Location }
  | { readonly type: 'var'; readonly name: string; readonly loc: Location }
  /** `head.a[b]...`: `terms[0]` is the head (a var, a composite or a call), the rest are keys. */
  | { readonly type: 'ref'; readonly terms: readonly Term[]; readonly loc: Location }
  | { readonly type: 'array'; readonly items: readonly Term[]; readonly loc: Location }
  | { readonly type: 'set'; readonly items: readonly Term[]; readonly loc: Location }
  | {
      readonly type: 'object';
      readonly pairs: readonly (readonly [Term, Term])[];
      readonly loc: Location;
    }
  | {
      readonly type: 'arraycompr' | 'setcompr';
      readonly term: Term;
      readonly body: readonly Expr[];
      readonly loc: Location;
    }
  | {
      readonly type: 'objectcompr';
      readonly key: Term;
      readonly value: Term;
      readonly body: readonly Expr[];
      readonly loc: Location;
    }
  /** A call: `op` is the operator's name as a dotted path (`count`, `data.lib.f`, `eq`). */
  | {
      readonly type: 'call';
      readonly op: readonly string[];
      readonly opLoc: Location;
      readonly args: readonly Term[];
      readonly loc: Location;
    }
  /** A template string `$"a {x} b"`: literal parts and embedded expressions. */
  | {
      readonly type: 'template';
      readonly parts: readonly (string | Expr)[];
      readonly loc: Location;
    };

export interface WithModifier {
  readonly target: Term;
  readonly value: Term;
  readonly loc: Location;
}

export type Expr =
  | {
      readonly type: 'expr';
      readonly negated: boolean;
      readonly term: Term;
      readonly with: readonly WithModifier[];
      readonly loc: Location;
    }
  /** `some x, y` */
  | { readonly type: 'some'; readonly vars: readonly Term[]; readonly loc: Location }
  /** `some k, v in coll` / `some v in coll` */
  | {
      readonly type: 'somein';
      readonly key: Term | undefined;
      readonly value: Term;
      readonly coll: Term;
      readonly with: readonly WithModifier[];
      readonly negated: boolean;
      readonly loc: Location;
    }
  /** `every k, v in domain { body }` */
  | {
      readonly type: 'every';
      readonly key: Term | undefined;
      readonly value: Term;
      readonly domain: Term;
      readonly body: readonly Expr[];
      readonly with: readonly WithModifier[];
      readonly negated: boolean;
      readonly loc: Location;
    };

export const RuleKind = {
  /** `p := v`, `p.q.r if ...` (one value at a ground path) */
  Complete: 'complete',
  /** `p contains x`, v0 `p[x] { }` */
  MultiValue: 'multi',
  /** `p[k] := v`, `p.q[r].s := v` (a path with variables: builds an object) */
  PartialObject: 'object',
  /** `f(x) := y` */
  Function: 'function',
} as const;
export type RuleKind = (typeof RuleKind)[keyof typeof RuleKind];

export interface RuleHead {
  /** The head reference: first a var, then keys (string terms for dotted names). */
  readonly ref: readonly Term[];
  readonly args: readonly Term[] | undefined;
  /** The value (`:=`/`=` or implied true) or, for multi-value rules, the element. */
  readonly value: Term;
  readonly assign: boolean;
  readonly kind: RuleKind;
  readonly loc: Location;
}

/** The YAML of a `# METADATA` comment block written right above a rule or package. */
export interface RawAnnotations {
  readonly yaml: string;
  readonly loc: Location;
}

export interface Rule {
  readonly head: RuleHead;
  readonly annotations?: RawAnnotations | undefined;
  readonly body: readonly Expr[];
  readonly isDefault: boolean;
  readonly elseRule: Rule | undefined;
  readonly loc: Location;
}

export interface Import {
  readonly path: readonly Term[];
  readonly alias: string | undefined;
  readonly loc: Location;
}

export interface Module {
  readonly file: string;
  /** The package path below `data` (`package a.b` → ["a", "b"]). */
  readonly pkg: readonly string[];
  readonly imports: readonly Import[];
  readonly rules: Rule[];
  readonly regoV1: boolean;
  readonly loc: Location;
  readonly annotations?: RawAnnotations | undefined;
}
