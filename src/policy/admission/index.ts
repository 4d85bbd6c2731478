// The admission side of the policy layer: Gatekeeper's validating webhook (handler, HTTPS server,
// registration), the template and constraint sync, and the runtime that runs them together.
export {
  handleAdmission,
  webhookActions,
  type AdmissionResponse,
  type HandlerOptions,
} from './handler.js';
export {
  ADMIT_PATH,
  startWebhookServer,
  type WebhookServer,
  type WebhookServerOptions,
} from './server.js';
export {
  IGNORE_LABEL,
  registerWebhook,
  unregisterWebhook,
  webhookConfiguration,
  WEBHOOK_CONFIGURATION_NAME,
  WEBHOOK_NAME,
  type RegistrationOptions,
} from './registration.js';
export { constraintTemplateCrd } from './template-crd.js';
export { PolicySync, POD_ID, type PolicySyncOptions } from './sync.js';
export { ConfigSync, CONFIG_NAME, configCrd, type ConfigSyncOptions } from './config-sync.js';
export {
  DEFAULT_EXEMPT_NAMESPACES,
  DEFAULT_POLICY_NAMESPACE,
  startPolicyRuntime,
  type PolicyRuntime,
  type PolicyRuntimeOptions,
} from './runtime.js';
