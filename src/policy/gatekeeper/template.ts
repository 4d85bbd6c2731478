// ConstraintTemplate (templates.gatekeeper.sh v1, v1beta1, v1alpha1) read into one internal form,
// with Gatekeeper's checks and defaults: exactly one target, the kind named like the template,
// `legacySchema` (true by default before v1) preserving unknown parameter fields, legacy
// `targets[].rego`/`libs` as a Rego code entry, and the engine chosen as Gatekeeper chooses it.
import type { SchemaNode } from '../../core/index.js';
import { Engine, TARGET_NAME, TEMPLATES_GROUP, TEMPLATE_VERSIONS } from './constants.js';
import { GatekeeperError, GatekeeperReason } from './errors.js';
import { asRecord, asString, isRecord, splitApiVersion } from './object-access.js';

/** One entry of `spec.targets[0].code`: an engine and its source (engine-specific shape). */
export interface TemplateCode {
  readonly engine: string;
  readonly source: Readonly<Record<string, unknown>>;
}

/** A ConstraintTemplate in version-independent form. */
export interface ConstraintTemplate {
  readonly name: string;
  readonly uid: string | undefined;
  readonly generation: number | undefined;
  readonly labels: Readonly<Record<string, string>>;
  /** The constraint kind this template defines (`spec.crd.spec.names.kind`). */
  readonly kind: string;
  readonly shortNames: readonly string[];
  /** The parameters schema as constraints are validated against it (legacySchema applied). */
  readonly parameters: SchemaNode | undefined;
  readonly target: string;
  readonly code: readonly TemplateCode[];
}

/** Engines Flotilla runs, in Gatekeeper's order of preference when a template carries several. */
export const DEFAULT_ENGINES: readonly Engine[] = [Engine.CEL, Engine.Rego];

function invalid(detail: string, object: string): GatekeeperError {
  return new GatekeeperError(GatekeeperReason.InvalidTemplate, detail, { object });
}

/** Reads a ConstraintTemplate object; throws GatekeeperError (InvalidConstraintTemplate). */
export function parseConstraintTemplate(obj: unknown): ConstraintTemplate {
  const o = asRecord(obj);
  const meta = asRecord(o['metadata']);
  const name = asString(meta['name']);
  const ref = `ConstraintTemplate ${JSON.stringify(name)}`;
  const { group, version } = splitApiVersion(asString(o['apiVersion']));
  if (group !== TEMPLATES_GROUP || o['kind'] !== 'ConstraintTemplate') {
    throw invalid(`${ref}: not a ${TEMPLATES_GROUP} ConstraintTemplate`, ref);
  }
  if (!(TEMPLATE_VERSIONS as readonly string[]).includes(version)) {
    throw invalid(`${ref}: unsupported version ${JSON.stringify(version)}`, ref);
  }
  const spec = asRecord(o['spec']);
  const crdSpec = asRecord(asRecord(spec['crd'])['spec']);
  const names = asRecord(crdSpec['names']);
  const kind = asString(names['kind']);
  const targets = Array.isArray(spec['targets']) ? spec['targets'] : [];
  if (targets.length !== 1) throw invalid('must declare exactly one target', ref);
  const target = asRecord(targets[0]);
  const targetName = asString(target['target']);
  if (targetName === '') throw invalid('target name must not be empty', ref);
  if (targetName !== TARGET_NAME) {
    throw invalid(
      `target ${JSON.stringify(targetName)} not recognized, known targets [${TARGET_NAME}]`,
      ref,
    );
  }
  if (kind === '') {
    throw invalid(`ConstraintTemplate ${JSON.stringify(name)} does not specify CRD Kind`, ref);
  }
  if (name.toLowerCase() !== kind.toLowerCase()) {
    throw invalid(
      `the ConstraintTemplate's name ${JSON.stringify(name)} is not equal to the lowercase of CRD's Kind: ${JSON.stringify(kind.toLowerCase())}`,
      ref,
    );
  }
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(meta['labels']))) labels[k] = asString(v);
  return {
    name,
    uid: typeof meta['uid'] === 'string' ? meta['uid'] : undefined,
    generation: typeof meta['generation'] === 'number' ? meta['generation'] : undefined,
    labels,
    kind,
    shortNames: Array.isArray(names['shortNames'])
      ? names['shortNames'].map((s) => asString(s).toLowerCase())
      : [],
    parameters: parametersSchema(crdSpec['validation'], version),
    target: targetName,
    code: codeOf(target),
  };
}

/**
 * The parameters schema. `legacySchema` defaults to false in v1 and to true before; a legacy
 * schema (or none) keeps unknown fields at every object level, as Gatekeeper's
 * AddPreserveUnknownFields does.
 */
function parametersSchema(validation: unknown, version: string): SchemaNode | undefined {
  const v = isRecord(validation) ? validation : {};
  const legacy = typeof v['legacySchema'] === 'boolean' ? v['legacySchema'] : version !== 'v1';
  const schema = isRecord(v['openAPIV3Schema'])
    ? (structuredClone(v['openAPIV3Schema']) as SchemaNode)
    : undefined;
  if (!legacy) return schema;
  const s = schema ?? {};
  addPreserveUnknownFields(s);
  return s;
}

function addPreserveUnknownFields(s: SchemaNode): void {
  if (
    (s.type === undefined || s.type === 'object') &&
    s['x-kubernetes-preserve-unknown-fields'] === undefined
  ) {
    s['x-kubernetes-preserve-unknown-fields'] = true;
  }
  if (s.type === 'array' && s.items === undefined) {
    s.items = { 'x-kubernetes-preserve-unknown-fields': true };
  }
  for (const p of Object.values(s.properties ?? {})) addPreserveUnknownFields(p);
  if (s.items !== undefined) addPreserveUnknownFields(s.items);
  if (isRecord(s.additionalProperties)) addPreserveUnknownFields(s.additionalProperties);
}

/** `code[]`, plus the legacy `rego`/`libs` fields as a Rego entry when code has none. */
function codeOf(target: Record<string, unknown>): TemplateCode[] {
  const code: TemplateCode[] = [];
  for (const c of Array.isArray(target['code']) ? target['code'] : []) {
    const entry = asRecord(c);
    code.push({ engine: asString(entry['engine']), source: asRecord(entry['source']) });
  }
  const rego = asString(target['rego']);
  if (rego !== '' && !code.some((c) => c.engine === Engine.Rego)) {
    const libs = Array.isArray(target['libs']) ? target['libs'].map(asString) : [];
    code.push({ engine: Engine.Rego, source: { rego, libs } });
  }
  return code;
}

/**
 * The engine that runs a template: the most preferred of `engines` (Gatekeeper prefers
 * K8sNativeValidation to Rego when both are enabled) that the template has code for.
 */
export function engineFor(
  template: ConstraintTemplate,
  engines: readonly Engine[] = DEFAULT_ENGINES,
): Engine {
  for (const e of engines) if (template.code.some((c) => c.engine === e)) return e;
  throw new GatekeeperError(
    GatekeeperReason.NoDriver,
    `available drivers: [${engines.join(' ')}], template ${JSON.stringify(template.name)} has code for [${template.code.map((c) => c.engine).join(' ')}]`,
    { object: `ConstraintTemplate ${JSON.stringify(template.name)}` },
  );
}

/** The source of the template's code for an engine (undefined when it has none). */
export function codeFor(
  template: ConstraintTemplate,
  engine: Engine,
): Readonly<Record<string, unknown>> | undefined {
  return template.code.find((c) => c.engine === engine)?.source;
}
