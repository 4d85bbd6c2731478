// METADATA annotations: `# METADATA` YAML blocks turned into the values rego.metadata.rule/chain return.
import { parse as parseYaml } from 'yaml';
import type { RawAnnotations } from './ast.js';
import { RegoError } from './errors.js';
import type { Value } from './value.js';
import { arr, EMPTY_OBJECT, fromJS } from './value.js';

export const AnnotationScope = {
  Rule: 'rule',
  Document: 'document',
  Package: 'package',
  Subpackages: 'subpackages',
} as const;
export type AnnotationScope = (typeof AnnotationScope)[keyof typeof AnnotationScope];

export interface Annotation {
  readonly scope: string;
  /** The annotations object as OPA returns it (with `scope`). */
  readonly value: Value;
}

/** "Jane Doe <jane@example.com>" → {name, email}, as OPA reads authors. */
function author(a: unknown): unknown {
  if (typeof a !== 'string') return a;
  const m = /^(.*?)\s*<([^>]+)>\s*$/.exec(a);
  if (!m) return { name: a.trim() };
  const name = (m[1] ?? '').trim();
  return name ? { name, email: m[2] } : { email: m[2] };
}

/** Parses one METADATA block; the scope defaults to `rule` (or `package` above a package). */
export function parseAnnotations(raw: RawAnnotations, defaultScope: AnnotationScope): Annotation {
  let doc: unknown;
  try {
    doc = parseYaml(raw.yaml);
  } catch (e) {
    throw new RegoError('rego_parse_error', `invalid METADATA: ${(e as Error).message}`, raw.loc);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new RegoError('rego_parse_error', 'METADATA must be a YAML mapping', raw.loc);
  }
  const out: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
  out['scope'] = typeof out['scope'] === 'string' ? out['scope'] : defaultScope;
  if (Array.isArray(out['authors'])) out['authors'] = out['authors'].map(author);
  if (Array.isArray(out['related_resources'])) {
    out['related_resources'] = out['related_resources'].map((r: unknown) =>
      typeof r === 'string' ? { ref: r } : r,
    );
  }
  return { scope: out['scope'] as string, value: fromJS(out) };
}

/** What rego.metadata.rule() and rego.metadata.chain() return inside one rule. */
export interface RuleMetadata {
  readonly rule: Value;
  readonly chain: Value;
}

export const NO_METADATA: RuleMetadata = { rule: EMPTY_OBJECT, chain: arr([]) };

/**
 * The chain from a rule up to its package: the rule's own annotations, document-scope
 * annotations of its path, then the package's.
 */
export function ruleMetadata(
  rulePath: readonly string[],
  pkgPath: readonly string[],
  own: Annotation | undefined,
  document: readonly Annotation[],
  pkg: Annotation | undefined,
): RuleMetadata {
  const entry = (path: readonly string[], a: Annotation | undefined): Value =>
    fromJS(a ? { path: [...path], annotations: a.value } : { path: [...path] });
  const chain: Value[] = [entry(rulePath, own?.scope === AnnotationScope.Rule ? own : undefined)];
  for (const d of document) chain.push(entry(rulePath, d));
  if (pkg) chain.push(entry(pkgPath, pkg));
  return {
    rule: own?.scope === AnnotationScope.Rule ? own.value : EMPTY_OBJECT,
    chain: arr(chain),
  };
}
