// Kubernetes label selectors, parsed once for every layer: the string form
// (`a=b,c!=d,e in (x,y),f notin (z),g,!h`, as labels.Parse reads it) and metav1.LabelSelector
// (matchLabels + matchExpressions). Annotation selectors use the same syntax.
import { FlotillaError } from './errors.js';

export type LabelOperator = 'in' | 'notin' | 'exists' | '!exists' | '=' | '!=' | 'gt' | 'lt';

/** One requirement of a selector; a selector matches when all of its requirements do. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** metav1.LabelSelector, as objects carry it (webhook selectors, Deployments, policies). */
export interface LabelSelectorObject {
  readonly matchLabels?: Readonly<Record<string, unknown>>;
  readonly matchExpressions?: readonly unknown[];
}

/** The comma-separated terms of a selector (commas inside parentheses belong to a set), trimmed. */
export function splitSelectorTerms(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** The tokens of apimachinery's selector lexer. */
const enum Tok {
  Error,
  End,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const LITERALS: Readonly<Record<string, Tok>> = {
  ')': Tok.ClosedPar,
  ',': Tok.Comma,
  '!': Tok.DoesNotExist,
  '==': Tok.DoubleEquals,
  '=': Tok.Equals,
  '>': Tok.GreaterThan,
  in: Tok.In,
  '<': Tok.LessThan,
  '!=': Tok.NotEquals,
  notin: Tok.NotIn,
  '(': Tok.OpenPar,
};

const literal = (s: string): Tok | undefined =>
  Object.prototype.hasOwnProperty.call(LITERALS, s) ? LITERALS[s] : undefined;
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch);
const isSpace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';

/** labels.Lexer: identifiers and keywords, and the longest operator symbol. */
function lex(s: string): [Tok, string][] {
  const out: [Tok, string][] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i] ?? '')) i++;
    if (i >= s.length) {
      out.push([Tok.End, '']);
      return out;
    }
    if (isSpecial(s[i] ?? '')) {
      let buf = '';
      let last: [Tok, string] | undefined;
      while (i < s.length && isSpecial(s[i] ?? '')) {
        const next = buf + (s[i] ?? '');
        const t = literal(next);
        if (t === undefined && last !== undefined) break;
        buf = next;
        i++;
        if (t !== undefined) last = [t, buf];
      }
      out.push(last ?? [Tok.Error, `error expected: keyword found '${buf}'`]);
      continue;
    }
    let buf = '';
    while (i < s.length && !isSpecial(s[i] ?? '') && !isSpace(s[i] ?? '')) buf += s[i++];
    out.push([literal(buf) ?? Tok.Identifier, buf]);
  }
}

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

class SelectorSyntaxError extends Error {}

/** labels.Parser over the lexed tokens; `in`/`notin` are identifiers where values are read. */
class Parser {
  private pos = 0;
  constructor(private readonly toks: readonly [Tok, string][]) {}

  private peek(): [Tok, string] {
    const [t, l] = this.toks[this.pos] ?? [Tok.End, ''];
    return [t === Tok.In || t === Tok.NotIn ? Tok.Identifier : t, l];
  }

  private next(values = true): [Tok, string] {
    const [t, l] = this.toks[this.pos++] ?? [Tok.End, ''];
    return [values && (t === Tok.In || t === Tok.NotIn) ? Tok.Identifier : t, l];
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const [t, l] = this.peek();
      if (t === Tok.End) return reqs;
      if (t !== Tok.Identifier && t !== Tok.DoesNotExist)
        throw new SelectorSyntaxError(`found '${l}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (err) {
        if (err instanceof SelectorSyntaxError)
          throw new SelectorSyntaxError(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const [t2, l2] = this.next();
      if (t2 === Tok.End) return reqs;
      if (t2 !== Tok.Comma)
        throw new SelectorSyntaxError(`found '${l2}', expected: ',' or 'end of string'`);
      const [t3, l3] = this.peek();
      if (t3 !== Tok.Identifier && t3 !== Tok.DoesNotExist)
        throw new SelectorSyntaxError(`found '${l3}', expected: identifier after ','`);
    }
  }

  private requirement(): LabelRequirement {
    let [t, key] = this.next();
    const negated = t === Tok.DoesNotExist;
    if (negated) [t, key] = this.next();
    if (t !== Tok.Identifier) throw new SelectorSyntaxError(`found '${key}', expected: identifier`);
    const [after] = this.peek();
    if (after === Tok.End || after === Tok.Comma)
      return { key, operator: negated ? '!exists' : 'exists', values: [] };
    if (negated) return { key, operator: '!exists', values: [] };
    const [op, opText] = this.next(false);
    switch (op) {
      case Tok.In:
      case Tok.NotIn:
        return { key, operator: op === Tok.In ? 'in' : 'notin', values: this.values() };
      case Tok.Equals:
      case Tok.DoubleEquals:
        return { key, operator: '=', values: [this.exactValue()] };
      case Tok.NotEquals:
        return { key, operator: '!=', values: [this.exactValue()] };
      case Tok.GreaterThan:
        return { key, operator: 'gt', values: [this.exactValue()] };
      case Tok.LessThan:
        return { key, operator: 'lt', values: [this.exactValue()] };
      default:
        throw new SelectorSyntaxError(`found '${opText}', expected: ${BINARY_OPERATORS}`);
    }
  }

  private exactValue(): string {
    const [t] = this.peek();
    if (t === Tok.End || t === Tok.Comma) return '';
    const [t2, l2] = this.next();
    if (t2 === Tok.Identifier) return l2;
    throw new SelectorSyntaxError(`found '${l2}', expected: identifier`);
  }

  private values(): string[] {
    const [t, l] = this.next();
    if (t !== Tok.OpenPar) throw new SelectorSyntaxError(`found '${l}' expected: '('`);
    const [t2, l2] = this.peek();
    if (t2 === Tok.ClosedPar) {
      this.next();
      return [''];
    }
    if (t2 !== Tok.Identifier && t2 !== Tok.Comma)
      throw new SelectorSyntaxError(`found '${l2}', expected: ',', ')' or identifier`);
    const set = this.identifiers();
    if (this.next()[0] !== Tok.ClosedPar)
      throw new SelectorSyntaxError(`found '${l2}', expected: ')'`);
    return [...set].sort();
  }

  private identifiers(): Set<string> {
    const set = new Set<string>();
    for (;;) {
      const [t, l] = this.next();
      if (t === Tok.Identifier) {
        set.add(l);
        const [t2, l2] = this.peek();
        if (t2 === Tok.ClosedPar) return set;
        if (t2 !== Tok.Comma) throw new SelectorSyntaxError(`found '${l2}', expected: ',' or ')'`);
        continue;
      }
      if (t !== Tok.Comma)
        throw new SelectorSyntaxError(`found '${l}', expected: ',', or identifier`);
      if (set.size === 0) set.add('');
      const [t2] = this.peek();
      if (t2 === Tok.ClosedPar) {
        set.add('');
        return set;
      }
      if (t2 === Tok.Comma) {
        this.next();
        set.add('');
      }
    }
  }
}

/**
 * Parses the string form of a selector as apimachinery's labels.Parse does (its lexer, grammar
 * and error messages; key and value syntax is left to the caller); an empty or blank string
 * selects everything. Throws a FlotillaError (reason InvalidLabelSelector).
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  try {
    return new Parser(lex(selector)).parse();
  } catch (err) {
    if (err instanceof SelectorSyntaxError)
      throw new FlotillaError(err.message, { reason: 'InvalidLabelSelector' });
    throw err;
  }
}

const EXPRESSION_OPERATORS: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!exists',
};

/** The requirements of a metav1.LabelSelector; anything that is not one selects everything. */
export function labelSelectorRequirements(selector: unknown): LabelRequirement[] {
  if (!isRecord(selector)) return [];
  const sel = selector as LabelSelectorObject;
  const reqs: LabelRequirement[] = [];
  if (isRecord(sel.matchLabels)) {
    for (const [key, v] of Object.entries(sel.matchLabels))
      reqs.push({ key, operator: '=', values: [String(v)] });
  }
  for (const e of Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []) {
    if (!isRecord(e)) continue;
    const values = Array.isArray(e['values']) ? e['values'].map(String) : [];
    const operator = EXPRESSION_OPERATORS[String(e['operator'])] ?? '!exists';
    reqs.push({ key: String(e['key']), operator, values });
  }
  return reqs;
}

/** Whether one requirement holds for a label (or annotation) map. */
export function matchesRequirement(
  r: LabelRequirement,
  labels: Readonly<Record<string, string>>,
): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case '=':
    case 'in':
      return has && r.values.includes(v ?? '');
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v ?? '');
    case 'gt':
    case 'lt': {
      // labels.Requirement.Matches: both sides integers, else no match
      const a = Number.parseInt(v ?? '', 10);
      const b = Number.parseInt(r.values[0] ?? '', 10);
      if (!has || !/^-?[0-9]+$/.test(v ?? '') || Number.isNaN(b)) return false;
      return r.operator === 'gt' ? a > b : a < b;
    }
  }
}

/** Whether every requirement holds for a label (or annotation) map. */
export function matchesLabels(
  requirements: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return requirements.every((r) => matchesRequirement(r, labels));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
