// Rego parser: modules (v0 and v1 syntax, chosen per module) and queries into the AST of ast.ts.
import type {
  Expr,
  Import,
  Location,
  Module,
  RawAnnotations,
  Rule,
  RuleHead,
  Term,
  WithModifier,
} from './ast.js';
import { RuleKind } from './ast.js';
import { parseError, readEscape, Tok, tokenize } from './lexer.js';
import type { Token } from './lexer.js';

export const RegoVersion = { V0: 'v0', V1: 'v1' } as const;
export type RegoVersion = (typeof RegoVersion)[keyof typeof RegoVersion];

export interface ParseOptions {
  /** Syntax of the module; v0 modules may opt into keywords with `import future.keywords`. @default 'v1' */
  readonly regoVersion?: RegoVersion;
}

const KEYWORDS = ['if', 'contains', 'in', 'every'] as const;
type Keyword = (typeof KEYWORDS)[number];

const RELATIONS: Record<string, string> = {
  '==': 'equal',
  '!=': 'neq',
  '<': 'lt',
  '>': 'gt',
  '<=': 'lte',
  '>=': 'gte',
};

class Parser {
  private pos = 0;
  private readonly kw = new Set<string>();
  /** Numbering of the wildcards `_` of one module (`$_0`, `$_1`, ...), as OPA's `$0`, `$1`. */
  private wildcards = { n: 0 };
  readonly v1: boolean;

  constructor(
    private readonly toks: readonly Token[],
    private readonly src: string,
    private readonly file: string,
    version: RegoVersion,
  ) {
    this.v1 = version === RegoVersion.V1;
    if (this.v1) for (const k of KEYWORDS) this.kw.add(k);
  }

  // --- token helpers -------------------------------------------------------------------------

  private get tok(): Token {
    return this.toks[this.pos] as Token;
  }
  private peek(n = 1): Token {
    return (this.toks[this.pos + n] ?? this.toks[this.toks.length - 1]) as Token;
  }
  private next(): Token {
    const t = this.tok;
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }
  private isOp(v: string, t: Token = this.tok): boolean {
    return t.kind === Tok.Op && t.value === v;
  }
  private isIdent(v: string, t: Token = this.tok): boolean {
    return t.kind === Tok.Ident && t.value === v;
  }
  private isKw(k: Keyword, t: Token = this.tok): boolean {
    return this.kw.has(k) && this.isIdent(k, t) && !(t === this.tok && this.refFollows());
  }
  /** True when the current identifier continues as a reference (`default.x`, `true[0]`, `if(`). */
  private refFollows(): boolean {
    const n = this.peek();
    return !n.space && (this.isOp('.', n) || this.isOp('[', n) || this.isOp('(', n));
  }
  /** The current token is the keyword `word` (not the head of a reference). */
  private word(w: string): boolean {
    return this.isIdent(w) && !this.refFollows();
  }
  private expectOp(v: string): Token {
    if (!this.isOp(v)) throw this.unexpected(`expected ${v}`);
    return this.next();
  }
  unexpected(hint?: string): Error {
    const t = this.tok;
    const what =
      t.kind === Tok.EOF
        ? 'unexpected eof token'
        : `unexpected ${t.kind === Tok.Op ? t.value : t.kind === Tok.Ident ? 'ident' : t.kind} token`;
    return parseError(t.loc.file, t.loc.row, t.loc.col, hint ? `${what}: ${hint}` : what);
  }
  private err(loc: Location, msg: string): Error {
    return parseError(loc.file, loc.row, loc.col, msg);
  }
  private atEOF(): boolean {
    return this.tok.kind === Tok.EOF;
  }
  /** The `# METADATA` block of comment lines ending right above `loc`, if there is one. */
  private annotationsAbove(loc: Location): RawAnnotations | undefined {
    const lines = this.src.split('\n');
    let r = loc.row - 2;
    const block: string[] = [];
    while (r >= 0 && (lines[r] ?? '').trimStart().startsWith('#')) {
      block.unshift((lines[r] ?? '').trimStart().replace(/^# ?/, ''));
      r--;
    }
    const start = block.findIndex((l) => l.trim() === 'METADATA');
    if (start < 0) return undefined;
    const row = loc.row - block.length + start;
    return { yaml: block.slice(start + 1).join('\n'), loc: { file: this.file, row, col: 1 } };
  }

  // --- module ---------------------------------------------------------------------------------

  parseModule(): Module {
    const loc = this.tok.loc;
    if (!this.isIdent('package')) throw this.unexpected('expected package');
    this.next();
    const pkgRef = this.parseRefOnly();
    const pkg = pkgRef.slice(1).map((t) => staticKey(t, this));
    const head = pkgRef[0];
    if (head?.type !== 'var') throw this.err(loc, 'package must be a reference');
    pkg.unshift(head.name);
    const imports: Import[] = [];
    let regoV1 = this.v1;
    while (this.isIdent('import')) {
      const iloc = this.next().loc;
      const path = this.parseRefOnly();
      let alias: string | undefined;
      if (this.isIdent('as') && !this.tok.nl) {
        this.next();
        const a = this.next();
        if (a.kind !== Tok.Ident) throw this.unexpected('expected alias');
        alias = a.value;
      }
      const root = path[0]?.type === 'var' ? path[0].name : '';
      const names = path.slice(1).map((t) => (t.type === 'string' ? t.value : ''));
      if (root === 'future' && names[0] === 'keywords') {
        if (names.length === 1) for (const k of KEYWORDS) this.kw.add(k);
        else if (KEYWORDS.includes(names[1] as Keyword)) {
          this.kw.add(names[1] as Keyword);
          // As OPA's scanner: importing `every` also imports `in`.
          if (names[1] === 'every') this.kw.add('in');
        } else throw this.err(iloc, `unexpected keyword, must be one of [contains every if in]`);
        continue;
      }
      if (root === 'rego' && names.length === 1 && names[0] === 'v1') {
        for (const k of KEYWORDS) this.kw.add(k);
        regoV1 = true;
        continue;
      }
      if (root !== 'data' && root !== 'input') {
        throw this.err(iloc, `invalid import ${root}, must begin with one of: {data, input}`);
      }
      imports.push({ path, alias, loc: iloc });
    }
    const rules: Rule[] = [];
    while (this.tok.kind !== Tok.EOF) {
      for (const r of this.parseRule(regoV1)) rules.push(r);
    }
    return {
      file: this.file,
      pkg,
      imports,
      rules,
      regoV1,
      loc,
      annotations: this.annotationsAbove(loc),
    };
  }

  /** `a.b["c"]` as terms; the head is a var. */
  private parseRefOnly(): Term[] {
    const t = this.next();
    if (t.kind !== Tok.Ident) throw this.unexpected('expected reference');
    const terms: Term[] = [{ type: 'var', name: t.value, loc: t.loc }];
    for (;;) {
      if (this.isOp('.') && !this.tok.space) {
        this.next();
        const k = this.next();
        if (k.kind !== Tok.Ident) throw this.unexpected('expected ident');
        terms.push({ type: 'string', value: k.value, loc: k.loc });
      } else if (this.isOp('[') && !this.tok.space) {
        this.next();
        terms.push(this.parseTermIn());
        this.expectOp(']');
      } else return terms;
    }
  }

  private parseRule(strictIf: boolean): Rule[] {
    const loc = this.tok.loc;
    let isDefault = false;
    if (this.word('default')) {
      this.next();
      isDefault = true;
    }
    // The head reference: `p`, `p.q[r]`, `f(x)`; an active keyword cannot name a rule.
    if (this.tok.kind === Tok.Ident && this.kw.has(this.tok.value) && !this.refFollows()) {
      throw this.unexpected(`${this.tok.value} keyword cannot be used for rule name`);
    }
    const t = this.next();
    if (t.kind !== Tok.Ident) {
      this.pos--;
      throw this.unexpected();
    }
    const ref: Term[] = [{ type: 'var', name: t.value, loc: t.loc }];
    let lastBracket = false;
    for (;;) {
      if (this.isOp('.') && !this.tok.space) {
        this.next();
        const k = this.next();
        if (k.kind !== Tok.Ident) throw this.unexpected('expected ident');
        ref.push({ type: 'string', value: k.value, loc: k.loc });
        lastBracket = false;
      } else if (this.isOp('[') && !this.tok.space) {
        this.next();
        ref.push(this.parseTermIn());
        this.expectOp(']');
        lastBracket = true;
      } else break;
    }
    let args: Term[] | undefined;
    if (this.isOp('(') && !this.tok.space) {
      this.next();
      args = [];
      while (!this.isOp(')')) {
        args.push(this.parseTermIn());
        if (!this.isOp(')')) this.expectOp(',');
      }
      this.next();
      // OPA: a head with no arguments, `f() := v`, is a complete rule named f (so `f` reads
      // it and `f()` is an undefined function).
      if (args.length === 0) args = undefined;
    }
    const trueAt = (l: Location): Term => ({ type: 'boolean', value: true, loc: l });
    if (isDefault) {
      if (!this.isOp('=') && !this.isOp(':='))
        throw this.unexpected('default rule requires a value');
      const assign = this.next().value === ':=';
      const value = this.parseTermIn();
      const head: RuleHead = {
        ref,
        args,
        value,
        assign,
        kind: args ? RuleKind.Function : RuleKind.Complete,
        loc,
      };
      return [
        {
          head,
          body: [],
          isDefault: true,
          elseRule: undefined,
          loc,
          annotations: this.annotationsAbove(loc),
        },
      ];
    }
    let kind: RuleKind;
    let value: Term;
    let assign = false;
    let headRef = ref;
    if (this.isKw('contains')) {
      this.next();
      value = this.parseTermIn();
      kind = RuleKind.MultiValue;
    } else if (this.isOp('=') || this.isOp(':=')) {
      assign = this.next().value === ':=';
      value = this.parseTermIn();
      kind = args ? RuleKind.Function : kindOfRef(ref);
    } else if (!this.v1 && lastBracket && !args) {
      // v0 `p[x] { ... }`: a partial set.
      value = ref[ref.length - 1] as Term;
      headRef = ref.slice(0, -1);
      kind = RuleKind.MultiValue;
    } else {
      value = trueAt(loc);
      kind = args ? RuleKind.Function : kindOfRef(ref);
    }
    const head: RuleHead = { ref: headRef, args, value, assign, kind, loc };
    const rules: Rule[] = [];
    const body = this.parseRuleBody(strictIf, true);
    const elseRule = this.parseElse(head, strictIf);
    rules.push({
      head,
      body: body ?? [bodyTrue(loc)],
      isDefault: false,
      elseRule,
      loc,
      annotations: this.annotationsAbove(loc),
    });
    // v0: `p { a } { b }` defines two rules with the same head.
    while (!this.v1 && this.isOp('{') && !this.tok.nl) {
      const more = this.parseBody();
      rules.push({ head, body: more, isDefault: false, elseRule: undefined, loc });
    }
    return rules;
  }

  /** `if { ... }`, `if literal`, or (v0) `{ ... }`; undefined when the rule has no body. */
  private parseRuleBody(strictIf: boolean, allowNone: boolean): Expr[] | undefined {
    if (this.isKw('if')) {
      this.next();
      if (this.isOp('{')) {
        // `if {` starts a body, unless the braces are an expression (`if {x | ...}`).
        const save = this.pos;
        const empty = this.isOp('}', this.peek());
        try {
          return this.parseBody();
        } catch (e) {
          if (empty) throw e;
          this.pos = save;
          try {
            return [this.parseLiteral()];
          } catch {
            throw e;
          }
        }
      }
      const lit = this.parseLiteral();
      return [lit];
    }
    if (this.isOp('{') && (!this.tok.nl || !allowNone)) {
      if (strictIf) throw this.err(this.tok.loc, '`if` keyword is required before rule body');
      return this.parseBody();
    }
    if (strictIf && this.isOp('{')) {
      throw this.err(this.tok.loc, '`if` keyword is required before rule body');
    }
    return undefined;
  }

  private parseElse(head: RuleHead, strictIf: boolean): Rule | undefined {
    if (!this.word('else')) return undefined;
    const loc = this.next().loc;
    let value: Term = { type: 'boolean', value: true, loc };
    let assign = head.assign;
    if (this.isOp('=') || this.isOp(':=')) {
      assign = this.next().value === ':=';
      value = this.parseTermIn();
    }
    const body = this.parseRuleBody(strictIf, false);
    const elseHead: RuleHead = { ...head, value, assign, loc };
    const elseRule = this.parseElse(head, strictIf);
    return { head: elseHead, body: body ?? [bodyTrue(loc)], isDefault: false, elseRule, loc };
  }

  // --- bodies and literals --------------------------------------------------------------------

  parseBody(): Expr[] {
    this.expectOp('{');
    const out: Expr[] = [];
    while (!this.isOp('}')) {
      if (this.isOp(';')) {
        this.next();
        continue;
      }
      out.push(this.parseLiteral());
      if (!this.isOp('}') && !this.isOp(';') && !this.tok.nl) throw this.unexpected();
    }
    this.next();
    if (out.length === 0) throw this.err(this.tok.loc, 'found empty body');
    return out;
  }

  /** Literals separated by `;` or newlines until the end of input (a query). */
  parseQueryBody(): Expr[] {
    const out: Expr[] = [];
    while (this.tok.kind !== Tok.EOF) {
      if (this.isOp(';')) {
        this.next();
        continue;
      }
      out.push(this.parseLiteral());
      if (!this.atEOF() && !this.isOp(';') && !this.tok.nl) throw this.unexpected();
    }
    if (out.length === 0) throw this.err(this.tok.loc, 'empty query');
    return out;
  }

  parseLiteral(): Expr {
    const loc = this.tok.loc;
    if (this.word('some')) return this.parseSome(loc);
    let negated = false;
    if (this.word('not')) {
      this.next();
      negated = true;
    }
    if (this.isKw('every')) {
      if (negated) {
        throw this.err(this.tok.loc, "unexpected every keyword: illegal negation of 'every'");
      }
      return this.parseEvery(loc, negated);
    }
    let term = this.parseTermIn(false, true);
    if ((this.isOp('=') || this.isOp(':=')) && !this.tok.nl) {
      const op = this.next().value === ':=' ? 'assign' : 'eq';
      const rhs = this.parseTermIn();
      term = call([op], [term, rhs], loc);
    }
    const withs = this.parseWith();
    return { type: 'expr', negated, term, with: withs, loc };
  }

  private parseWith(): WithModifier[] {
    const out: WithModifier[] = [];
    while (this.word('with')) {
      const loc = this.next().loc;
      const target = this.parseTerm();
      if (!this.word('as')) throw this.unexpected('expected as');
      this.next();
      const value = this.parseTermIn();
      out.push({ target, value, loc });
    }
    return out;
  }

  private parseSome(loc: Location): Expr {
    this.next();
    const first = this.parseTermIn();
    // `some x in xs` (parsed as a membership term) or `some k, v in xs`.
    if (first.type === 'call' && first.op.join('.') === 'internal.member_2') {
      const [value, coll] = first.args as [Term, Term];
      return {
        type: 'somein',
        key: undefined,
        value,
        coll,
        with: this.parseWith(),
        negated: false,
        loc,
      };
    }
    const vars: Term[] = [first];
    while (this.isOp(',')) {
      this.next();
      const t = this.parseTermIn();
      if (t.type === 'call' && t.op.join('.') === 'internal.member_2' && vars.length === 1) {
        const [value, coll] = t.args as [Term, Term];
        return {
          type: 'somein',
          key: first,
          value,
          coll,
          with: this.parseWith(),
          negated: false,
          loc,
        };
      }
      vars.push(t);
    }
    for (const v of vars) {
      if (v.type !== 'var') throw this.err(v.loc, 'expected var');
    }
    return { type: 'some', vars, loc };
  }

  private parseEvery(loc: Location, negated: boolean): Expr {
    this.next();
    let key: Term | undefined;
    let value = this.parseTermPrimary();
    if (this.isOp(',')) {
      this.next();
      key = value;
      value = this.parseTermPrimary();
    }
    if (!this.isKw('in')) throw this.unexpected('expected in');
    this.next();
    const domain = this.parseRelation(false);
    const body = this.parseBody();
    return { type: 'every', key, value, domain, body, with: this.parseWith(), negated, loc };
  }

  // --- terms ----------------------------------------------------------------------------------

  /** Membership (`x in xs`), the lowest-precedence term operator. */
  parseTermIn(noPipe = false, allowComma = false): Term {
    let t = this.parseRelation(noPipe);
    if (allowComma && this.isOp(',') && this.kw.has('in')) {
      // `k, v in xs` (only where a comma cannot separate items: literals and parentheses).
      const save = this.pos;
      this.next();
      const value = this.parseRelation(noPipe);
      if (this.isKw('in') && !this.tok.nl) {
        this.next();
        const coll = this.parseRelation(noPipe);
        t = call(['internal', 'member_3'], [t, value, coll], t.loc);
      } else this.pos = save;
    }
    while (this.isKw('in') && !this.tok.nl) {
      const loc = this.next().loc;
      const rhs = this.parseRelation(noPipe);
      t = call(['internal', 'member_2'], [t, rhs], loc);
    }
    return t;
  }

  private parseRelation(noPipe: boolean): Term {
    let t = this.parseOr(noPipe);
    for (;;) {
      const op = this.tok;
      if (op.kind !== Tok.Op || op.nl || !(op.value in RELATIONS)) return t;
      this.next();
      const rhs = this.parseOr(noPipe);
      t = call([RELATIONS[op.value] as string], [t, rhs], t.loc);
    }
  }

  private parseOr(noPipe: boolean): Term {
    let t = this.parseAnd();
    while (!noPipe && this.isOp('|') && !this.tok.nl) {
      this.next();
      t = call(['or'], [t, this.parseAnd()], t.loc);
    }
    return t;
  }

  private parseAnd(): Term {
    let t = this.parseArith();
    while (this.isOp('&') && !this.tok.nl) {
      this.next();
      t = call(['and'], [t, this.parseArith()], t.loc);
    }
    return t;
  }

  private parseArith(): Term {
    let t = this.parseFactor();
    while ((this.isOp('+') || this.isOp('-')) && !this.tok.nl) {
      const op = this.next().value === '+' ? 'plus' : 'minus';
      t = call([op], [t, this.parseFactor()], t.loc);
    }
    return t;
  }

  private parseFactor(): Term {
    let t = this.parseUnary();
    while ((this.isOp('*') || this.isOp('/') || this.isOp('%')) && !this.tok.nl) {
      const v = this.next().value;
      const op = v === '*' ? 'mul' : v === '/' ? 'div' : 'rem';
      t = call([op], [t, this.parseUnary()], t.loc);
    }
    return t;
  }

  private parseUnary(): Term {
    if (this.isOp('-')) {
      const loc = this.next().loc;
      if (this.tok.kind === Tok.Number && !this.tok.space) {
        const n = this.next();
        return this.parseRefSuffix({ type: 'number', text: '-' + n.value, loc });
      }
      const operand = this.parseUnary();
      return call(['minus'], [{ type: 'number', text: '0', loc }, operand], loc);
    }
    return this.parseTerm();
  }

  /** A primary term with its reference and call suffixes. */
  parseTerm(): Term {
    return this.parseRefSuffix(this.parseTermPrimary());
  }

  private parseRefSuffix(head: Term): Term {
    let t = head;
    for (;;) {
      if (this.isOp('.') && !this.tok.space && t.type !== 'number') {
        this.next();
        const k = this.next();
        if (k.kind !== Tok.Ident) {
          this.pos--;
          throw this.unexpected('expected ident');
        }
        t = appendRef(t, { type: 'string', value: k.value, loc: k.loc });
      } else if (this.isOp('[') && !this.tok.space) {
        this.next();
        const key = this.parseTermIn();
        this.expectOp(']');
        t = appendRef(t, key);
      } else if (this.isOp('(') && !this.tok.space && (t.type === 'var' || t.type === 'ref')) {
        const op = refNames(t);
        if (!op) throw this.unexpected();
        this.next();
        const args: Term[] = [];
        while (!this.isOp(')')) {
          args.push(this.parseTermIn());
          if (!this.isOp(')')) this.expectOp(',');
        }
        this.next();
        t = { type: 'call', op, opLoc: t.loc, args, loc: t.loc };
      } else return t;
    }
  }

  private parseTermPrimary(): Term {
    const t = this.tok;
    const loc = t.loc;
    switch (t.kind) {
      case Tok.Number:
        this.next();
        return { type: 'number', text: t.value, loc };
      case Tok.String:
        this.next();
        return { type: 'string', value: t.value, loc };
      case Tok.Template:
        this.next();
        return this.parseTemplate(t);
      case Tok.Ident: {
        const following = this.peek();
        const refLike =
          !following.space &&
          (this.isOp('.', following) || this.isOp('[', following) || this.isOp('(', following));
        if ((t.value === 'true' || t.value === 'false') && !refLike) {
          this.next();
          return { type: 'boolean', value: t.value === 'true', loc };
        }
        if (t.value === 'null' && !refLike) {
          this.next();
          return { type: 'null', loc };
        }
        if (t.value === 'set' && this.isOp('(', this.peek()) && this.isOp(')', this.peek(2))) {
          this.next();
          this.next();
          this.next();
          return { type: 'set', items: [], loc };
        }
        if (
          !refLike &&
          (this.kw.has(t.value) ||
            ['not', 'some', 'with', 'as', 'else', 'default', 'import', 'package'].includes(t.value))
        ) {
          throw this.unexpected();
        }
        this.next();
        if (t.value === '_') return { type: 'var', name: `$_${this.wildcards.n++}`, loc };
        return { type: 'var', name: t.value, loc };
      }
      case Tok.Op:
        if (t.value === '(') {
          this.next();
          const inner = this.parseTermIn(false, true);
          this.expectOp(')');
          return inner;
        }
        if (t.value === '[') return this.parseArray();
        if (t.value === '{') return this.parseBrace();
        throw this.unexpected();
      default:
        throw this.unexpected();
    }
  }

  private parseArray(): Term {
    const loc = this.next().loc;
    if (this.isOp(']')) {
      this.next();
      return { type: 'array', items: [], loc };
    }
    const first = this.parseTermIn(true);
    if (this.isOp('|')) {
      this.next();
      const body = this.parseComprBody(']');
      return { type: 'arraycompr', term: first, body, loc };
    }
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp(']')) break;
      items.push(this.parseTermIn());
    }
    this.expectOp(']');
    return { type: 'array', items, loc };
  }

  private parseBrace(): Term {
    const loc = this.next().loc;
    if (this.isOp('}')) {
      this.next();
      return { type: 'object', pairs: [], loc };
    }
    const first = this.parseTermIn(true);
    if (this.isOp(':')) {
      this.next();
      const value = this.parseTermIn(true);
      if (this.isOp('|')) {
        this.next();
        const body = this.parseComprBody('}');
        return { type: 'objectcompr', key: first, value, body, loc };
      }
      const pairs: (readonly [Term, Term])[] = [[first, value]];
      while (this.isOp(',')) {
        this.next();
        if (this.isOp('}')) break;
        const k = this.parseTermIn();
        this.expectOp(':');
        pairs.push([k, this.parseTermIn()]);
      }
      this.expectOp('}');
      return { type: 'object', pairs, loc };
    }
    if (this.isOp('|')) {
      this.next();
      const body = this.parseComprBody('}');
      return { type: 'setcompr', term: first, body, loc };
    }
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp('}')) break;
      items.push(this.parseTermIn());
    }
    this.expectOp('}');
    return { type: 'set', items, loc };
  }

  private parseComprBody(close: string): Expr[] {
    const out: Expr[] = [];
    while (!this.isOp(close)) {
      if (this.isOp(';')) {
        this.next();
        continue;
      }
      out.push(this.parseLiteral());
      if (!this.isOp(close) && !this.isOp(';') && !this.tok.nl) throw this.unexpected();
    }
    this.next();
    if (out.length === 0) throw this.unexpected('empty comprehension body');
    return out;
  }

  /** Splits a template string into literal text and parsed `{expr}` literals. */
  private parseTemplate(t: Token): Term {
    const raw = t.value;
    const parts: (string | Expr)[] = [];
    let text = '';
    let i = 0;
    const base = t.offset;
    while (i < raw.length) {
      const c = raw[i] as string;
      if (c === '\\') {
        if (raw[i + 1] === '{') {
          text += '{';
          i += 2;
          continue;
        }
        if (t.raw) {
          text += c;
          i++;
          continue;
        }
        const [s, next] = readEscape(raw, i, this.file, t.loc.row, -t.loc.col);
        text += s;
        i = next;
        continue;
      }
      if (c === '{') {
        const end = exprEnd(raw, i + 1);
        if (text) parts.push(text);
        text = '';
        const exprSrc = raw.slice(i + 1, end);
        const { row, col } = position(this.src, base + i + 1);
        const toks = tokenize(exprSrc, this.file, row, col);
        const sub = new Parser(toks, this.src, this.file, this.v1 ? 'v1' : 'v0');
        for (const k of this.kw) sub.kw.add(k);
        sub.wildcards = this.wildcards;
        const lit = sub.parseLiteral();
        if (sub.tok.kind !== Tok.EOF) throw sub.unexpected();
        parts.push(lit);
        i = end + 1;
        continue;
      }
      text += c;
      i++;
    }
    if (text || parts.length === 0) parts.push(text);
    return { type: 'template', parts, loc: t.loc };
  }
}

function bodyTrue(loc: Location): Expr {
  return {
    type: 'expr',
    negated: false,
    term: { type: 'boolean', value: true, loc },
    with: [],
    loc,
  };
}

function call(op: readonly string[], args: readonly Term[], loc: Location): Term {
  return { type: 'call', op, opLoc: loc, args, loc };
}

function appendRef(t: Term, key: Term): Term {
  if (t.type === 'ref') return { type: 'ref', terms: [...t.terms, key], loc: t.loc };
  return { type: 'ref', terms: [t, key], loc: t.loc };
}

/** The dotted names of a var or a ref with only string keys (`count`, `data.lib.f`). */
export function refNames(t: Term): string[] | undefined {
  if (t.type === 'var') return [t.name];
  if (t.type !== 'ref') return undefined;
  const out: string[] = [];
  for (const [i, p] of t.terms.entries()) {
    if (i === 0 && p.type === 'var') out.push(p.name);
    else if (i > 0 && p.type === 'string') out.push(p.value);
    else return undefined;
  }
  return out;
}

function staticKey(t: Term, p: Parser): string {
  if (t.type === 'string') return t.value;
  throw p.unexpected('package path must be strings');
}

/** A rule whose head ref has only constant keys defines one value; otherwise an object. */
function kindOfRef(ref: readonly Term[]): RuleKind {
  for (let i = 1; i < ref.length; i++) {
    const t = ref[i] as Term;
    if (!isScalar(t)) return RuleKind.PartialObject;
  }
  return RuleKind.Complete;
}

function isScalar(t: Term): boolean {
  return t.type === 'string' || t.type === 'number' || t.type === 'boolean' || t.type === 'null';
}

function exprEnd(raw: string, i: number): number {
  let depth = 1;
  let j = i;
  while (j < raw.length) {
    const c = raw[j];
    if (c === '"' || c === '`') {
      const q = c;
      j++;
      while (j < raw.length && raw[j] !== q) j += raw[j] === '\\' && q === '"' ? 2 : 1;
      j++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return j;
    }
    j++;
  }
  return raw.length;
}

function position(src: string, offset: number): { row: number; col: number } {
  let row = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < src.length; i++) {
    if (src[i] === '\n') {
      row++;
      lineStart = i + 1;
    }
  }
  return { row, col: offset - lineStart + 1 };
}

/** Parses one module. v0 modules may opt into v1 keywords with `import future.keywords`. */
export function parseModule(src: string, file: string, options: ParseOptions = {}): Module {
  const version = options.regoVersion ?? RegoVersion.V1;
  const p = new Parser(tokenize(src, file), src, file, version);
  return p.parseModule();
}

/** Parses a query: literals separated by `;` or newlines. */
export function parseQuery(src: string, file = 'query'): Expr[] {
  const p = new Parser(tokenize(src, file), src, file, RegoVersion.V1);
  return p.parseQueryBody();
}
