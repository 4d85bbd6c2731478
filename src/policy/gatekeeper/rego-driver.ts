// The Rego engine of ConstraintTemplates: the template's `rego` (package `template`, Rego v0 by
// default, v1 with `version: v1`) and `libs` (packages under `lib`), with Gatekeeper's checks
// (a `violation` rule, refs only to data.lib and data.inventory) and its evaluation of
// `violation` with input `{review, parameters}`: each result needs a string `msg` and may carry
// `details`.
import {
  compileParsed,
  isRegoError,
  parseModule,
  RegoVersion,
  toJS,
  type Module,
  type Policy,
  type Value,
} from '../rego/index.js';
import { GatekeeperError, GatekeeperReason } from './errors.js';
import { asString } from './object-access.js';

/** Where Gatekeeper places the template's module in errors (`template:4: rego_parse_error…`). */
const TEMPLATE_FILE = 'template';
const libFile = (i: number): string => `libs["lib_${i}"]`;
/** The data paths templates may read: their libraries and the synced inventory. */
const ALLOWED_DATA_ROOTS = new Set(['lib', 'inventory']);

/** One `violation` result. */
export interface RegoViolation {
  readonly msg: string;
  readonly details: unknown;
}

/** A compiled template: evaluates `violation` for one input. */
export interface RegoProgram {
  evaluate(input: Value, data: Value): RegoViolation[];
}

function invalid(detail: string, name: string): GatekeeperError {
  return new GatekeeperError(GatekeeperReason.InvalidTemplate, detail, {
    object: `ConstraintTemplate ${JSON.stringify(name)}`,
  });
}

/** OPA's parse error text with its detail lines (the source line and a caret). */
function parseErrorText(err: unknown, source: string): string {
  if (!isRegoError(err)) return String(err);
  const loc = err.location;
  if (err.code !== 'rego_parse_error' || loc === undefined)
    return `1 error occurred: ${err.message}`;
  const raw = source.split('\n')[loc.row - 1] ?? '';
  const line = raw.replace(/^\t+/, '');
  const indent = Math.max(0, loc.col - 1 - (raw.length - line.length));
  return `1 error occurred: ${err.message}\n\t${line}\n\t${' '.repeat(indent)}^`;
}

function parse(source: string, file: string, version: RegoVersion, name: string): Module {
  try {
    return parseModule(source, file, { regoVersion: version });
  } catch (err) {
    throw invalid(parseErrorText(err, source), name);
  }
}

/** OPA's Ref.String() for a data reference in an error. */
function refText(terms: readonly { type: string; value?: unknown; name?: string }[]): string {
  let out = 'data';
  for (const t of terms.slice(1)) {
    if (t.type === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(t.value)))
      out += `.${String(t.value)}`;
    else if (t.type === 'string') out += `[${JSON.stringify(t.value)}]`;
    else if (t.type === 'var') out += `[${t.name ?? ''}]`;
    else
      out += `[${typeof t.value === 'string' || typeof t.value === 'number' ? t.value : t.type}]`;
  }
  return out;
}

interface AstNode {
  readonly type?: unknown;
  readonly terms?: readonly { type: string; value?: unknown; name?: string }[];
  readonly name?: unknown;
}

/** Every reference to `data` outside data.lib and data.inventory (regorewriter's checkDataRefs). */
function disallowedRefs(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) disallowedRefs(n, out);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as AstNode;
  if (
    n.type === 'ref' &&
    n.terms !== undefined &&
    n.terms[0]?.type === 'var' &&
    n.terms[0].name === 'data'
  ) {
    const second = n.terms[1];
    if (
      second === undefined ||
      second.type !== 'string' ||
      !ALLOWED_DATA_ROOTS.has(String(second.value))
    ) {
      out.push(refText(n.terms));
    }
    disallowedRefs(n.terms.slice(1), out);
    return;
  }
  if (n.type === 'var' && n.name === 'data') {
    out.push('data');
    return;
  }
  for (const v of Object.values(node)) disallowedRefs(v, out);
}

function checkDataRefs(m: Module, label: string, name: string): void {
  const refs: string[] = [];
  for (const imp of m.imports) disallowedRefs({ type: 'ref', terms: imp.path }, refs);
  disallowedRefs(m.rules, refs);
  if (refs.length === 0) return;
  throw invalid(
    `invalid data references: check refs failed on module {${label}}: errors (${refs.length}):\n${refs.map((r) => `disallowed ref ${r}`).join('\n')}\n`,
    name,
  );
}

function ruleNames(m: Module): Set<string> {
  const names = new Set<string>();
  for (const r of m.rules) {
    const head = r.head.ref[0];
    if (head?.type === 'var') names.add(head.name);
  }
  return names;
}

function regoVersionOf(source: Readonly<Record<string, unknown>>, name: string): RegoVersion {
  const v = asString(source['version']);
  if (v === '' || v === 'v0') return RegoVersion.V0;
  if (v === 'v1') return RegoVersion.V1;
  throw invalid(`unsupported Rego version ${JSON.stringify(v)} (want v0 or v1)`, name);
}

/** Compiles a template's Rego code; throws GatekeeperError with Gatekeeper's wording. */
export function compileRegoTemplate(
  templateName: string,
  source: Readonly<Record<string, unknown>>,
): RegoProgram {
  if (typeof source['rego'] !== 'string') {
    throw invalid('rego source missing required field: rego', templateName);
  }
  const version = regoVersionOf(source, templateName);
  const entry = parse(source['rego'], TEMPLATE_FILE, version, templateName);
  if (!ruleNames(entry).has('violation')) {
    throw invalid(
      'invalid rego: invalid module: missing required rules: [violation]',
      templateName,
    );
  }
  const libs: Module[] = [];
  const libSources = Array.isArray(source['libs']) ? source['libs'] : [];
  libSources.forEach((lib, i) => {
    const m = parse(asString(lib), libFile(i), version, templateName);
    if (m.pkg[0] !== 'lib') {
      throw invalid(
        `invalid lib prefix: path data.${m.pkg.join('.')} not found in lib prefixes`,
        templateName,
      );
    }
    libs.push(m);
  });
  checkDataRefs(entry, TEMPLATE_FILE, templateName);
  libs.forEach((m, i) => checkDataRefs(m, libFile(i), templateName));
  let policy: Policy;
  try {
    policy = compileParsed([entry, ...libs]);
  } catch (err) {
    throw new GatekeeperError(
      GatekeeperReason.Compile,
      `1 error occurred: ${err instanceof Error ? err.message : String(err)}`,
      { object: `ConstraintTemplate ${JSON.stringify(templateName)}` },
    );
  }
  const query = `data.${entry.pkg.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? p : JSON.stringify(p))).join('.')}.violation`;
  return { evaluate: (input, data) => violations(policy, query, input, data) };
}

function violations(policy: Policy, query: string, input: Value, data: Value): RegoViolation[] {
  const res = policy.evalDetailed(query, { input, data });
  const value = res.results[0]?.expressions[0];
  if (value === undefined) return [];
  const out: RegoViolation[] = [];
  for (const r of collectionValues(value)) {
    if (r.kind !== 'object') continue;
    const msg = r.getStr('msg');
    if (msg === undefined) continue;
    if (msg.kind !== 'string') {
      throw new Error(`message binding was ${goTypeName(msg)} but want string`);
    }
    const details = r.getStr('details');
    out.push({ msg: msg.value, details: details === undefined ? {} : toJS(details) });
  }
  return out;
}

function collectionValues(v: Value): readonly Value[] {
  switch (v.kind) {
    case 'set':
      return v.sorted();
    case 'array':
      return v.items;
    case 'object':
      return v.sortedEntries().map(([, x]) => x);
    default:
      return [];
  }
}

/** The Go type a JSON value of this Rego kind decodes to, as Gatekeeper's error names it. */
function goTypeName(v: Value): string {
  switch (v.kind) {
    case 'number':
      return 'json.Number';
    case 'boolean':
      return 'bool';
    case 'null':
      return '<nil>';
    case 'array':
    case 'set':
      return '[]interface {}';
    default:
      return 'map[string]interface {}';
  }
}
