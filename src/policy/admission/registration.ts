// The ValidatingWebhookConfiguration that sends admission requests to Flotilla's policy webhook,
// as Gatekeeper's chart registers its own: `validation.gatekeeper.sh`, every resource on CREATE
// and UPDATE, failurePolicy Ignore (a broken or absent webhook never locks a cluster out), the
// webhook's own namespace, kube-system and namespaces labelled `admission.gatekeeper.sh/ignore`
// exempt, sideEffects None (so dry-run requests are reviewed too).
import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.js';

export const WEBHOOK_CONFIGURATION_NAME = 'gatekeeper-validating-webhook-configuration';
export const WEBHOOK_NAME = 'validation.gatekeeper.sh';
/** Namespaces labelled with this key are never reviewed (Gatekeeper's label). */
export const IGNORE_LABEL = 'admission.gatekeeper.sh/ignore';

export interface RegistrationOptions {
  /** The webhook's URL (`https://…/v1/admit`). */
  readonly url: string;
  /** PEM of the CA that signed the webhook's certificate. */
  readonly caPem: string;
  /** Namespaces exempt by the namespaceSelector (the webhook's own, kube-system). */
  readonly exemptNamespaces: readonly string[];
  /** @default 3 (Gatekeeper's) */
  readonly timeoutSeconds?: number;
  /** @default Ignore */
  readonly failurePolicy?: 'Ignore' | 'Fail';
  /** Also review DELETE requests. @default false */
  readonly deletes?: boolean;
  /** @default gatekeeper-validating-webhook-configuration */
  readonly name?: string;
}

/** The configuration object. */
export function webhookConfiguration(options: RegistrationOptions): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: {
      name: options.name ?? WEBHOOK_CONFIGURATION_NAME,
      labels: { 'gatekeeper.sh/system': 'yes', 'app.kubernetes.io/managed-by': 'flotilla' },
    },
    webhooks: [
      {
        name: WEBHOOK_NAME,
        admissionReviewVersions: ['v1', 'v1beta1'],
        clientConfig: {
          url: options.url,
          caBundle: Buffer.from(options.caPem).toString('base64'),
        },
        failurePolicy: options.failurePolicy ?? 'Ignore',
        matchPolicy: 'Exact',
        namespaceSelector: {
          matchExpressions: [
            { key: IGNORE_LABEL, operator: 'DoesNotExist' },
            {
              key: 'kubernetes.io/metadata.name',
              operator: 'NotIn',
              values: [...options.exemptNamespaces].sort(),
            },
          ],
        },
        rules: [
          {
            apiGroups: ['*'],
            apiVersions: ['*'],
            operations:
              options.deletes === true ? ['CREATE', 'UPDATE', 'DELETE'] : ['CREATE', 'UPDATE'],
            resources: ['*'],
            scope: '*',
          },
        ],
        sideEffects: 'None',
        timeoutSeconds: options.timeoutSeconds ?? 3,
      },
    ],
  };
}

/** Creates or updates the configuration (server-side apply, field manager `flotilla-policy`). */
export async function registerWebhook(
  client: KubeClient,
  options: RegistrationOptions,
): Promise<KubeObject> {
  return client.apply(webhookConfiguration(options), {
    fieldManager: 'flotilla-policy',
    force: true,
  });
}

/** Removes the configuration (the webhook is going away); absent is fine. */
export async function unregisterWebhook(
  client: KubeClient,
  name = WEBHOOK_CONFIGURATION_NAME,
): Promise<void> {
  try {
    await client.delete({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      name,
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
