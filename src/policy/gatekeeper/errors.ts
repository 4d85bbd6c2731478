// Errors of the constraint framework, worded as Gatekeeper's (the prefixes its users grep for:
// "invalid ConstraintTemplate", "unable to compile modules", "invalid Constraint").
import { FlotillaError, type FlotillaErrorOptions } from '../../core/index.js';

export const GatekeeperReason = {
  /** The template cannot become a constraint kind (names, targets, schema, Rego structure). */
  InvalidTemplate: 'InvalidConstraintTemplate',
  /** The template's code does not compile. */
  Compile: 'CompileError',
  /** A constraint is malformed: metadata, version, label selectors, unknown fields. */
  InvalidConstraint: 'InvalidConstraint',
  /** A constraint does not validate against its kind's schema (gator's ErrSchema). */
  ConstraintSchema: 'ConstraintSchemaInvalid',
  /** A constraint names a kind no template defines. */
  MissingTemplate: 'MissingConstraintTemplate',
  /** No engine of this client can run the template's code. */
  NoDriver: 'NoDriver',
  /** K8sNativeValidation source that breaks Gatekeeper's rules (reserved names, failure policy). */
  InvalidCelSource: 'InvalidK8sNativeValidation',
} as const;
export type GatekeeperReason = (typeof GatekeeperReason)[keyof typeof GatekeeperReason];

const PREFIX: Readonly<Record<GatekeeperReason, string>> = {
  InvalidConstraintTemplate: 'invalid ConstraintTemplate',
  CompileError: 'unable to compile modules',
  InvalidConstraint: 'invalid Constraint',
  ConstraintSchemaInvalid: 'schema validation failed',
  MissingConstraintTemplate: 'missing ConstraintTemplate',
  NoDriver: 'no driver',
  // the detail names the problem itself (`invalid variable definition: …`)
  InvalidK8sNativeValidation: '',
};

/** A constraint-framework error; `message` is Gatekeeper's `<prefix>: <detail>`. */
export class GatekeeperError extends FlotillaError {
  constructor(
    readonly gkReason: GatekeeperReason,
    readonly detail: string,
    options: Omit<FlotillaErrorOptions, 'reason'> = {},
  ) {
    const prefix = PREFIX[gkReason];
    super(prefix === '' ? detail : `${prefix}: ${detail}`, { ...options, reason: gkReason });
    this.name = 'GatekeeperError';
  }
}

export function isGatekeeperError(e: unknown, reason?: GatekeeperReason): e is GatekeeperError {
  return e instanceof GatekeeperError && (reason === undefined || e.gkReason === reason);
}
