// The policy runtime Flotilla runs beside its controllers for one cluster: the template and
// constraint sync, the validating webhook server and its registration. Stopping it removes the
// registration first, so the cluster never waits on a webhook that is gone.
import type { Logger, ServingPki } from '../../core/index.js';
import type { KubeClient } from '../../kube/index.js';
import { ConstraintClient } from '../gatekeeper/client.js';
import type { ReviewResult } from '../gatekeeper/client.js';
import type { JsonObject } from '../gatekeeper/object-access.js';
import { registerWebhook, unregisterWebhook, type RegistrationOptions } from './registration.js';
import { startWebhookServer, type WebhookServer } from './server.js';
import { namespaceExcluder, startAuditor, type Auditor } from '../audit/index.js';
import { PolicySync } from './sync.js';
import { ConfigSync } from './config-sync.js';
import { Process } from '../gatekeeper/constants.js';

/** The runtime's own namespace: where its Config lives; exempt from review. */
export const DEFAULT_POLICY_NAMESPACE = 'flotilla-system';
/** Namespaces never reviewed by default: the runtime's own and kube-system. */
export const DEFAULT_EXEMPT_NAMESPACES = [DEFAULT_POLICY_NAMESPACE, 'kube-system'] as const;

export interface PolicyRuntimeOptions {
  readonly kube: KubeClient;
  readonly logger: Logger;
  /** Where the Config (`config`) is read from. @default flotilla-system */
  readonly namespace?: string;
  /** Namespaces never reviewed. @default flotilla-system, kube-system */
  readonly exemptNamespaces?: readonly string[];
  /** Webhook address. @default 127.0.0.1, any free port */
  readonly host?: string;
  readonly port?: number;
  readonly pki?: ServingPki;
  /** Register the webhook with the cluster. @default true */
  readonly register?: boolean;
  /** The webhook's timeoutSeconds. @default 3 */
  readonly timeoutSeconds?: number;
  readonly failurePolicy?: RegistrationOptions['failurePolicy'];
  /** Audit interval; 0 turns the audit off. @default 60000 (Gatekeeper's) */
  readonly auditIntervalMs?: number;
  /** `status.violations` cap per constraint. @default 20 */
  readonly violationsLimit?: number;
  /** Namespaces (globs) the audit skips. @default none */
  readonly auditExcludedNamespaces?: readonly string[];
  /** Told about each result that did not deny (dryrun and warn). */
  readonly onResult?: (result: ReviewResult, request: Readonly<JsonObject>) => void;
}

export interface PolicyRuntime {
  readonly client: ConstraintClient;
  readonly sync: PolicySync;
  readonly config: ConfigSync;
  readonly webhook: WebhookServer;
  /** undefined when the audit is off */
  readonly auditor: Auditor | undefined;
  stop(): Promise<void>;
}

/** Starts sync and webhook, then registers the webhook. */
export async function startPolicyRuntime(options: PolicyRuntimeOptions): Promise<PolicyRuntime> {
  const client = new ConstraintClient();
  const exemptNamespaces = options.exemptNamespaces ?? DEFAULT_EXEMPT_NAMESPACES;
  const sync = new PolicySync({ kube: options.kube, client, logger: options.logger });
  await sync.start();
  const config = new ConfigSync({
    kube: options.kube,
    client,
    logger: options.logger,
    namespace: options.namespace ?? DEFAULT_POLICY_NAMESPACE,
  });
  await config.start();
  const webhook = await startWebhookServer({
    client,
    exempt: (ns) => exemptNamespaces.includes(ns) || config.excluded(Process.Webhook, ns),
    logger: options.logger,
    namespaceOf: (name) => sync.namespace(name),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.pki === undefined ? {} : { pki: options.pki }),
    ...(options.onResult === undefined ? {} : { onResult: options.onResult }),
  });
  const registered = options.register ?? true;
  if (registered) {
    await registerWebhook(options.kube, {
      url: webhook.url,
      caPem: webhook.caPem,
      exemptNamespaces,
      ...(options.timeoutSeconds === undefined ? {} : { timeoutSeconds: options.timeoutSeconds }),
      ...(options.failurePolicy === undefined ? {} : { failurePolicy: options.failurePolicy }),
    });
  }
  const auditIntervalMs = options.auditIntervalMs ?? 60_000;
  const excludedFromAudit = namespaceExcluder(options.auditExcludedNamespaces ?? []);
  const auditor =
    auditIntervalMs > 0
      ? startAuditor({
          kube: options.kube,
          client,
          logger: options.logger,
          intervalMs: auditIntervalMs,
          namespaceOf: (name) => sync.namespace(name),
          excludedNamespaces: (ns) => excludedFromAudit(ns) || config.excluded(Process.Audit, ns),
          ...(options.violationsLimit === undefined
            ? {}
            : { violationsLimit: options.violationsLimit }),
        })
      : undefined;
  return {
    client,
    sync,
    config,
    webhook,
    auditor,
    stop: async () => {
      await auditor?.stop();
      if (registered) await unregisterWebhook(options.kube).catch(() => undefined);
      await webhook.stop();
      await config.stop();
      await sync.stop();
    },
  };
}
