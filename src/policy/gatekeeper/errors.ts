// Errors of the constraint framework, worded as Gatekeeper's (the prefixes its users grep for:
// "invalid ConstraintTemplate", "unable to compile modules", "invalid Constraint").
import { FlotillaError, type FlotillaErrorOptions } from '../../core/index.js';

export const GatekeeperReason = {
  /** The template cannot become a constraint kind (names, targets, schema, Rego structure). */
  InvalidTemplate: 'InvalidConstraintTemplate',
  /** The template's code does not compile. */
  Compile: 'CompileError',
  /** A constraint does not fit its kind's schema or has a bad match/enforcement action. */
  InvalidConstraint: 'InvalidConstraint',
  /** A constraint names a kind no template defines. */
  MissingTemplate: 'MissingConstraintTemplate',
  /** No engine of this client can run the template's code. */
  NoDriver: 'NoDriver',
} as const;
export type GatekeeperReason = (typeof GatekeeperReason)[keyof typeof GatekeeperReason];

const PREFIX: Readonly<Record<GatekeeperReason, string>> = {
  InvalidConstraintTemplate: 'invalid ConstraintTemplate',
  CompileError: 'unable to compile modules',
  InvalidConstraint: 'invalid Constraint',
  MissingConstraintTemplate: 'missing ConstraintTemplate',
  NoDriver: 'no driver',
};

/** A constraint-framework error; `message` is Gatekeeper's `<prefix>: <detail>`. */
export class GatekeeperError extends FlotillaError {
  constructor(
    readonly gkReason: GatekeeperReason,
    readonly detail: string,
    options: Omit<FlotillaErrorOptions, 'reason'> = {},
  ) {
    super(`${PREFIX[gkReason]}: ${detail}`, { ...options, reason: gkReason });
    this.name = 'GatekeeperError';
  }
}

export function isGatekeeperError(e: unknown, reason?: GatekeeperReason): e is GatekeeperError {
  return e instanceof GatekeeperError && (reason === undefined || e.gkReason === reason);
}
