// Gatekeeper's validating webhook handler: an AdmissionReview v1 request reviewed against every
// matching constraint, answered as Gatekeeper answers — denials `[constraint] message` joined by
// newlines with code 403, `warn` results as warnings, `dryrun` results only counted; exempt
// namespaces allowed untouched; Gatekeeper's own kinds (templates, constraints) validated.
import {
  CONSTRAINTS_GROUP,
  EnforcementAction,
  EnforcementPoint,
  TEMPLATES_GROUP,
} from '../gatekeeper/constants.js';
import type { ConstraintClient, ReviewResult } from '../gatekeeper/client.js';
import { asRecord, asString, isRecord, type JsonObject } from '../gatekeeper/object-access.js';

/** AdmissionReview v1 `response`. */
export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { code: number; reason?: string; message?: string };
  readonly warnings?: string[];
}

export interface HandlerOptions {
  /** Whether a namespace's requests are never reviewed (the webhook's own, kube-system, Config). */
  readonly exempt: (namespace: string) => boolean;
  /** Told about every result that did not deny (dryrun, warn), for logs and metrics. */
  readonly onResult?: (result: ReviewResult, request: Readonly<JsonObject>) => void;
}

/** What a result does at the webhook: the actions that apply ([] for none). */
export function webhookActions(r: ReviewResult): string[] {
  if (r.enforcementAction === EnforcementAction.Scoped) return [...r.scopedActions];
  return [r.enforcementAction];
}

const allow = (uid: string, warnings: string[] = []): AdmissionResponse => ({
  uid,
  allowed: true,
  status: { code: 200 },
  ...(warnings.length > 0 ? { warnings } : {}),
});

const deny = (uid: string, message: string, warnings: string[] = []): AdmissionResponse => ({
  uid,
  allowed: false,
  status: { code: 403, reason: 'Forbidden', message },
  ...(warnings.length > 0 ? { warnings } : {}),
});

/** Reviews one admission request. Errors of the review itself answer 500 (failurePolicy decides). */
export function handleAdmission(
  client: ConstraintClient,
  request: Readonly<JsonObject>,
  options: HandlerOptions,
  namespace?: Readonly<JsonObject>,
): AdmissionResponse {
  const uid = asString(request['uid']);
  const ns = asString(request['namespace']);
  if (ns !== '' && options.exempt(ns)) return allow(uid);
  if (isOwnKind(request)) return validateOwnKind(client, request, uid);
  // a DELETE carries only oldObject; Gatekeeper reviews it, others have nothing to review
  if (!isRecord(request['object']) && !isRecord(request['oldObject'])) return allow(uid);
  let results: ReviewResult[];
  try {
    results = client.review(
      { kind: 'admission', request, namespace: namespace ?? client.namespace(ns) },
      { enforcementPoint: EnforcementPoint.Webhook },
    );
  } catch (err) {
    return {
      uid,
      allowed: false,
      status: { code: 500, message: err instanceof Error ? err.message : String(err) },
    };
  }
  const denials: string[] = [];
  const warnings: string[] = [];
  for (const r of results) {
    const actions = webhookActions(r);
    const text = `[${r.constraint.name}] ${r.msg}`;
    if (actions.includes(EnforcementAction.Deny)) denials.push(text);
    if (actions.includes(EnforcementAction.Warn)) warnings.push(text);
    if (!actions.includes(EnforcementAction.Deny)) options.onResult?.(r, request);
  }
  return denials.length > 0 ? deny(uid, denials.join('\n'), warnings) : allow(uid, warnings);
}

function groupOf(request: Readonly<JsonObject>): string {
  return asString(asRecord(request['kind'])['group']);
}

function isOwnKind(request: Readonly<JsonObject>): boolean {
  const group = groupOf(request);
  const op = asString(request['operation']);
  return (group === TEMPLATES_GROUP || group === CONSTRAINTS_GROUP) && op !== 'DELETE';
}

/**
 * Gatekeeper's validateGatekeeperResources: a template must compile into a constraint kind, a
 * constraint must validate against its template (a constraint of an unknown kind is allowed:
 * its CRD cannot exist yet).
 */
function validateOwnKind(
  client: ConstraintClient,
  request: Readonly<JsonObject>,
  uid: string,
): AdmissionResponse {
  const object = request['object'];
  try {
    if (groupOf(request) === TEMPLATES_GROUP) client.checkTemplate(object);
    else if (client.template(asString(asRecord(object)['kind'])) !== undefined)
      client.validateConstraint(object);
  } catch (err) {
    return {
      uid,
      allowed: false,
      // admission.Denied with the code set to 422, as Gatekeeper answers a user error
      status: {
        code: 422,
        reason: 'Forbidden',
        message: err instanceof Error ? err.message : String(err),
      },
    };
  }
  return allow(uid);
}
