// The K8sNativeValidation engine: a template's CEL (`validations` with message/messageExpression,
// `variables`, `matchCondition`, `failurePolicy`) run as a ValidatingAdmissionPolicy whose params
// are the constraint, with Gatekeeper's bindings `variables.params` (the constraint's
// `spec.parameters`) and `variables.anyObject` (the object, or the old object of a DELETE).
import {
  AdmissionPolicyProgram,
  FailurePolicy,
  type NamedExpression,
  type PolicyValidation,
} from '../../cel/index.js';
import { Engine } from './constants.js';
import type { TemplateProgram } from './client.js';
import { GatekeeperError, GatekeeperReason } from './errors.js';
import { asString, isRecord } from './object-access.js';
import type { ConstraintTemplate } from './template.js';

/** Names Gatekeeper keeps for itself. */
const RESERVED_PREFIX = 'gatekeeper_internal_';
const PARAMS = 'params';
const ANY_OBJECT = 'anyObject';

/** Gatekeeper's own variables, declared before the template's. */
const BUILTIN_VARIABLES: readonly NamedExpression[] = [
  {
    name: PARAMS,
    expression:
      '!has(params.spec) ? null : !has(params.spec.parameters) ? null: params.spec.parameters',
  },
  {
    name: ANY_OBJECT,
    expression:
      'has(request.operation) && request.operation == "DELETE" && object == null ? oldObject : object',
  },
];

function invalid(template: ConstraintTemplate, detail: string): GatekeeperError {
  return new GatekeeperError(GatekeeperReason.InvalidCelSource, detail, {
    object: `ConstraintTemplate ${JSON.stringify(template.name)}`,
  });
}

function namedList(v: unknown): NamedExpression[] {
  return (Array.isArray(v) ? v : [])
    .filter(isRecord)
    .map((e) => ({ name: asString(e['name']), expression: asString(e['expression']) }));
}

function validationsOf(v: unknown): PolicyValidation[] {
  return (Array.isArray(v) ? v : []).filter(isRecord).map((e) => ({
    expression: asString(e['expression']),
    ...(typeof e['message'] === 'string' ? { message: e['message'] } : {}),
    ...(typeof e['messageExpression'] === 'string'
      ? { messageExpression: e['messageExpression'] }
      : {}),
  }));
}

function failurePolicyOf(template: ConstraintTemplate, v: unknown): FailurePolicy {
  if (v === undefined || v === null) return FailurePolicy.Fail;
  if (v === FailurePolicy.Fail || v === FailurePolicy.Ignore) return v;
  throw invalid(template, `invalid failure policy: unrecognized failure policy: ${asString(v)}`);
}

/**
 * Compiles a template's K8sNativeValidation source. Source errors (reserved names, a bad
 * failure policy) reject the template; CEL compile errors do not: as in Gatekeeper they surface
 * when a constraint is evaluated (`compilation error: …`, denied under failurePolicy Fail).
 */
export function compileCelTemplate(
  template: ConstraintTemplate,
  source: Readonly<Record<string, unknown>>,
): TemplateProgram {
  const matchConditions = namedList(source['matchCondition']);
  for (const m of matchConditions) {
    if (m.name.startsWith(RESERVED_PREFIX)) {
      throw invalid(
        template,
        `invalid match condition: ${m.name} is not a valid match condition; cannot have ${JSON.stringify(RESERVED_PREFIX)} as a prefix`,
      );
    }
  }
  const variables = namedList(source['variables']);
  for (const v of variables) {
    if (v.name.startsWith(RESERVED_PREFIX)) {
      throw invalid(
        template,
        `invalid variable definition: ${v.name} is not a valid variable; cannot have ${JSON.stringify(RESERVED_PREFIX)} as a prefix`,
      );
    }
    if (v.name === PARAMS || v.name === ANY_OBJECT) {
      throw invalid(
        template,
        `invalid variable definition: ${v.name} an invalid variable name, ${JSON.stringify(v.name)} is a reserved keyword`,
      );
    }
  }
  const program = new AdmissionPolicyProgram(
    {
      matchConditions,
      variables: [...BUILTIN_VARIABLES, ...variables],
      validations: validationsOf(source['validations']),
      failurePolicy: failurePolicyOf(template, source['failurePolicy']),
    },
    { params: 'variables', authorizer: false },
  );
  return {
    engine: Engine.CEL,
    evaluate: (input) => {
      const request = input.request;
      const result = program.validate({
        object: request['object'] ?? null,
        oldObject: request['oldObject'] ?? null,
        request,
        params: input.constraint.object,
        // Gatekeeper gives its CEL no namespace object
        namespaceObject: null,
      });
      return result.decisions
        .filter((d) => d.action === 'deny')
        .map((d) => ({ msg: d.message, details: {} }));
    },
  };
}
