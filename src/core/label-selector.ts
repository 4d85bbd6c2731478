// Kubernetes label selectors, parsed once for every layer: the string form
// (`a=b,c!=d,e in (x,y),f notin (z),g,!h`, as labels.Parse reads it) and metav1.LabelSelector
// (matchLabels + matchExpressions). Annotation selectors use the same syntax.
import { FlotillaError } from './errors.js';

export type LabelOperator = 'in' | 'notin' | 'exists' | '!exists' | '=' | '!=';

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

function parseRequirement(part: string): LabelRequirement {
  let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (m) {
    const values = (m[3] ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    return { key: m[1] ?? '', operator: m[2] as LabelOperator, values };
  }
  m = /^!\s*([^=!\s]+)$/.exec(part);
  if (m) return { key: m[1] ?? '', operator: '!exists', values: [] };
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
  if (m) return { key: m[1] ?? '', operator: m[2] === '!=' ? '!=' : '=', values: [m[3] ?? ''] };
  m = /^([^=!\s()]+)$/.exec(part);
  if (m) return { key: m[1] ?? '', operator: 'exists', values: [] };
  throw new FlotillaError(
    `unable to parse requirement: found '${part}', expected: valid label selector`,
    { reason: 'InvalidLabelSelector' },
  );
}

/**
 * Parses the string form of a selector; an empty or blank string selects everything (no
 * requirements). Throws a FlotillaError (reason InvalidLabelSelector) naming the bad part.
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitSelectorTerms(selector).map(parseRequirement);
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
