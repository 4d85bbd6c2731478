// The client a Kustomization or HelmRelease applies with: the cluster of spec.kubeConfig (cached
// by the Secret's resourceVersion) or the controller's own, impersonating spec.serviceAccountName.
import { KubeClient } from '../../kube/index.js';
import { ErrorCategory, FlotillaError } from '../../core/index.js';
import { readSecret } from './secrets.js';

/** The fields of an object that choose its target cluster and identity. */
export interface ApplyingObject {
  readonly metadata: { readonly namespace?: string };
  readonly spec: {
    readonly serviceAccountName?: string;
    readonly kubeConfig?: { readonly secretRef: { readonly name: string; readonly key?: string } };
  };
}

/**
 * The client to apply with: the cluster of spec.kubeConfig (cached by Secret version) or the
 * controller's own, acting as spec.serviceAccountName when set (as Flux impersonates it).
 */
export function targetClients<T extends ApplyingObject>(
  client: KubeClient,
  fence: (() => void) | undefined,
): (ks: T) => Promise<KubeClient> {
  const remote = new Map<string, { version: string; client: KubeClient }>();
  const impersonating = new Map<string, KubeClient>();
  const asServiceAccount = (base: KubeClient, baseKey: string, ks: T): KubeClient => {
    const sa = ks.spec.serviceAccountName;
    if (!sa) return base;
    const namespace = ks.metadata.namespace ?? 'default';
    const key = `${baseKey}|${namespace}/${sa}`;
    let c = impersonating.get(key);
    if (!c) {
      c = base.impersonating(`system:serviceaccount:${namespace}:${sa}`, [
        'system:serviceaccounts',
        `system:serviceaccounts:${namespace}`,
      ]);
      impersonating.set(key, c);
    }
    return c;
  };
  return async (ks) => {
    const ref = ks.spec.kubeConfig?.secretRef;
    if (!ref) return asServiceAccount(client, 'local', ks);
    const namespace = ks.metadata.namespace ?? 'default';
    const secret = await client.get({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace,
      name: ref.name,
    });
    const key = `${namespace}/${ref.name}`;
    const cached = remote.get(key);
    const version = secret.metadata.resourceVersion ?? '';
    if (cached && cached.version === version)
      return asServiceAccount(cached.client, `${key}@${version}`, ks);
    const data = await readSecret(client, namespace, ref.name);
    const field = ref.key ?? (data['value'] ? 'value' : 'value.yaml');
    const kubeconfig = data[field];
    if (!kubeconfig) {
      throw new FlotillaError(`Secret '${key}' has no key '${field}' with a kubeconfig`, {
        reason: 'ReconciliationFailed',
        category: ErrorCategory.RetryLater,
        object: `Secret/${key}`,
        field: 'spec.kubeConfig.secretRef',
      });
    }
    cached?.client.close();
    const remoteClient = await KubeClient.fromKubeConfig({
      yaml: Buffer.from(kubeconfig).toString('utf8'),
    });
    // Writes to a remote cluster are fenced by this controller's lease like any other.
    const c = fence ? remoteClient.guarded(fence) : remoteClient;
    remote.set(key, { version, client: c });
    return asServiceAccount(c, `${key}@${version}`, ks);
  };
}
