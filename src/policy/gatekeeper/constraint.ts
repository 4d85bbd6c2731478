// Constraints: an instance of a template's kind, validated as Gatekeeper validates it (metadata,
// version, label selectors, the generated schema, then unknown fields) and defaulted
// (`enforcementAction: deny`, schema defaults in `parameters`).
import {
  applyDefaults,
  fieldErrorString,
  pruneUnknown,
  validateSchema,
  type FieldError,
} from '../../core/index.js';
import { CONSTRAINTS_GROUP, CONSTRAINT_VERSIONS, EnforcementAction } from './constants.js';
import { constraintSchema } from './constraint-crd.js';
import { GatekeeperError, GatekeeperReason } from './errors.js';
import { labelSelectorTypeError, validateLabelSelector } from './label-selector.js';
import { parseMatch, type Match } from './match.js';
import { asRecord, asString, field, isRecord, splitApiVersion } from './object-access.js';
import type { ConstraintTemplate } from './template.js';

/** One `scopedEnforcementActions` entry. */
export interface ScopedEnforcementAction {
  readonly action: string;
  readonly enforcementPoints: readonly string[];
}

/** A validated constraint. */
export interface Constraint {
  readonly kind: string;
  readonly name: string;
  readonly apiVersion: string;
  readonly uid: string | undefined;
  readonly generation: number | undefined;
  readonly match: Match | undefined;
  readonly enforcementAction: string;
  readonly scopedEnforcementActions: readonly ScopedEnforcementAction[];
  /** `spec.parameters` (an empty object when absent, as Gatekeeper defaults it). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The constraint object, defaulted (what results and reports carry). */
  readonly object: Readonly<Record<string, unknown>>;
}

function invalid(name: string, detail: string): GatekeeperError {
  return new GatekeeperError(GatekeeperReason.InvalidConstraint, detail, {
    object: `constraint ${JSON.stringify(name)}`,
  });
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The identity checks Gatekeeper makes before it looks for the template. */
export function constraintIdentity(obj: unknown): { kind: string; name: string } {
  const o = asRecord(obj);
  const name = asString(field(o, 'metadata', 'name'));
  const kind = asString(o['kind']);
  if (name === '') throw invalid(name, 'missing metadata.name');
  if (kind === '') throw invalid(name, 'missing kind');
  const { group } = splitApiVersion(asString(o['apiVersion']));
  if (group !== CONSTRAINTS_GROUP) {
    throw invalid(
      name,
      `wrong API Group for Constraint ${JSON.stringify(name)}, got ${JSON.stringify(group)} but need ${JSON.stringify(CONSTRAINTS_GROUP)}`,
    );
  }
  return { kind, name };
}

/** Validates and defaults a constraint of `template`'s kind; throws GatekeeperError. */
export function parseConstraint(obj: unknown, template: ConstraintTemplate): Constraint {
  const { kind, name } = constraintIdentity(obj);
  const o = structuredClone(asRecord(obj));
  const { version } = splitApiVersion(asString(o['apiVersion']));
  if (!(CONSTRAINT_VERSIONS as readonly string[]).includes(version)) {
    throw invalid(
      name,
      `unsupported version ${JSON.stringify(version)} for Constraint ${JSON.stringify(name)}; supported versions: [${CONSTRAINT_VERSIONS.join(' ')}]`,
    );
  }
  if (kind !== template.kind) {
    throw invalid(name, `Wrong kind for constraint ${name}. Have ${kind}, want ${template.kind}`);
  }
  if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
    throw invalid(
      name,
      `invalid name: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"`,
    );
  }
  for (const sel of ['labelSelector', 'namespaceSelector'] as const) {
    const s = field(o, 'spec', 'match', sel);
    if (s === undefined || s === null) continue;
    const typeError = labelSelectorTypeError(s);
    if (typeError !== undefined) throw invalid(name, typeError);
    const errs = validateLabelSelector(s, 'spec.labelSelector');
    if (errs.length > 0) throw invalid(name, aggregate(errs.map(fieldErrorString)));
  }
  const schema = constraintSchema(template);
  const errs = validateSchema(o, schema);
  if (errs.length > 0)
    throw new GatekeeperError(GatekeeperReason.ConstraintSchema, aggregate(errs.map(rootedError)), {
      object: `constraint ${JSON.stringify(name)}`,
    });
  // metadata is ObjectMeta (never pruned); the rest follows the generated schema
  const { metadata: _metadata, ...rest } = structuredClone(o);
  const unknown = pruneUnknown(rest, schema);
  if (unknown.length > 0) throw invalid(name, `unknown fields: [${unknown.sort().join(' ')}]`);
  applyDefaults(o, schema);
  const spec = asRecord(o['spec']);
  const meta = asRecord(o['metadata']);
  return {
    kind,
    name,
    apiVersion: asString(o['apiVersion']),
    uid: typeof meta['uid'] === 'string' ? meta['uid'] : undefined,
    generation: typeof meta['generation'] === 'number' ? meta['generation'] : undefined,
    match: isRecord(spec['match']) ? parseMatch(spec['match']) : undefined,
    enforcementAction: asString(spec['enforcementAction']) || EnforcementAction.Deny,
    scopedEnforcementActions: scopedActionsOf(spec['scopedEnforcementActions']),
    parameters: isRecord(spec['parameters']) ? spec['parameters'] : {},
    object: o,
  };
}

/** Gatekeeper validates against a schema rooted at `field.NewPath("")`: paths start with `[]`. */
function rootedError(e: FieldError): string {
  return `[].${fieldErrorString(e)}`;
}

/** utilerrors.NewAggregate's text: one message alone, several in brackets. */
export function aggregate(messages: readonly string[]): string {
  return messages.length === 1 ? (messages[0] ?? '') : `[${messages.join(', ')}]`;
}

function scopedActionsOf(v: unknown): ScopedEnforcementAction[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isRecord).map((e) => ({
    action: asString(e['action']),
    enforcementPoints: (Array.isArray(e['enforcementPoints']) ? e['enforcementPoints'] : [])
      .map((p) => asString(asRecord(p)['name']))
      .filter((p) => p !== ''),
  }));
}
