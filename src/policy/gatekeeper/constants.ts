// Gatekeeper's names: API groups, the admission target, enforcement actions and points, engines.

/** The only target Gatekeeper's validation supports. */
export const TARGET_NAME = 'admission.k8s.gatekeeper.sh';

export const TEMPLATES_GROUP = 'templates.gatekeeper.sh';
export const CONSTRAINTS_GROUP = 'constraints.gatekeeper.sh';
export const CONFIG_GROUP = 'config.gatekeeper.sh';

/** ConstraintTemplate versions Flotilla reads (all convert to one internal form). */
export const TEMPLATE_VERSIONS = ['v1', 'v1beta1', 'v1alpha1'] as const;
/** Versions the generated constraint CRDs serve; v1beta1 is the storage version, as Gatekeeper's. */
export const CONSTRAINT_VERSIONS = ['v1beta1', 'v1alpha1', 'v1'] as const;

/** The policy engines a template's `code[]` may name. */
export const Engine = { Rego: 'Rego', CEL: 'K8sNativeValidation' } as const;
export type Engine = (typeof Engine)[keyof typeof Engine];

/** `spec.enforcementAction` values. */
export const EnforcementAction = {
  Deny: 'deny',
  Dryrun: 'dryrun',
  Warn: 'warn',
  Scoped: 'scoped',
} as const;
export type EnforcementAction = (typeof EnforcementAction)[keyof typeof EnforcementAction];

/** Where a constraint is enforced (`scopedEnforcementActions[].enforcementPoints[].name`). */
export const EnforcementPoint = {
  Webhook: 'validation.gatekeeper.sh',
  Audit: 'audit.gatekeeper.sh',
  Gator: 'gator.gatekeeper.sh',
  VAP: 'vap.k8s.io',
  All: '*',
} as const;
export type EnforcementPoint = (typeof EnforcementPoint)[keyof typeof EnforcementPoint];

/** Config `spec.match[].processes`: which part of Gatekeeper ignores the listed namespaces. */
export const Process = {
  Audit: 'audit',
  Webhook: 'webhook',
  Sync: 'sync',
  MutationWebhook: 'mutation-webhook',
  All: '*',
} as const;
export type Process = (typeof Process)[keyof typeof Process];
