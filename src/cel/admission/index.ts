// Admission policies in CEL: the ValidatingAdmissionPolicy evaluation both the local cluster and
// Gatekeeper's K8sNativeValidation engine run.
export {
  AdmissionPolicyProgram,
  FailurePolicy,
  type AdmissionActivation,
  type AdmissionPolicySpec,
  type AuditAnnotationResult,
  type CompileOptions as AdmissionCompileOptions,
  type NamedExpression,
  type PolicyAuditAnnotation,
  type PolicyDecision,
  type PolicyValidation,
  type ValidateResult,
} from './policy.js';
export { celRequest, userInfoJson } from './request.js';
export { REQUEST_TYPE, NAMESPACE_TYPE, admissionVariables } from './environment.js';
