// What kube-controller-manager adds to every namespace: the `default` ServiceAccount (service
// account controller) and the `kube-root-ca.crt` ConfigMap with the cluster's CA (root CA
// publisher). Clients rely on both (Pods use the default ServiceAccount; in-cluster clients read
// the CA bundle from the ConfigMap).
import type { Logger } from '../core/index.js';
import { ApiError } from './status-errors.js';
import { metaOf } from './object-meta.js';
import type { ObjectApi } from './object-api.js';
import type { ResourceRegistry } from './registry.js';
import type { ObjectStore } from './store.js';
import { SerialQueue } from './event-queue.js';
import { controllerWrite } from './internal-user.js';

const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class NamespaceExtras {
  private readonly queue: SerialQueue;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly api: () => ObjectApi,
    private readonly caPem: string,
    logger: Logger,
  ) {
    this.queue = new SerialQueue('namespace-extras', logger);
  }

  start(): () => void {
    const unlisten = this.store.hub.listen((ev) => {
      if (ev.skey === 'namespaces' && ev.type === 'ADDED') this.enqueue(ev.name);
      // someone deleted one of them: the controllers put it back
      if (ev.type === 'DELETED' && ev.skey === 'serviceaccounts' && ev.name === 'default')
        this.enqueue(ev.namespace);
      if (ev.type === 'DELETED' && ev.skey === 'configmaps' && ev.name === 'kube-root-ca.crt')
        this.enqueue(ev.namespace);
    });
    for (const ns of this.store.list('namespaces')) this.enqueue(metaOf(ns).name ?? '');
    return () => {
      unlisten();
      this.queue.stop();
    };
  }

  private enqueue(namespace: string): void {
    this.queue.push(() => this.ensure(namespace));
  }

  private async ensure(namespace: string): Promise<void> {
    const ns = this.store.get('namespaces', '', namespace);
    if (ns === undefined || metaOf(ns).deletionTimestamp !== undefined) return;
    if (this.store.get('serviceaccounts', namespace, 'default') === undefined)
      await this.create(namespace, 'serviceaccounts', 'service-account-controller', {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default' },
      });
    if (this.store.get('configmaps', namespace, 'kube-root-ca.crt') === undefined)
      await this.create(namespace, 'configmaps', 'kube-controller-manager', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'kube-root-ca.crt',
          annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION },
        },
        data: { 'ca.crt': this.caPem },
      });
  }

  private async create(
    namespace: string,
    resource: string,
    manager: string,
    body: Record<string, unknown>,
  ): Promise<void> {
    const info = this.registry.lookup('', 'v1', resource);
    if (info === undefined) return;
    try {
      const write = controllerWrite(manager);
      // the service account controller writes an object with no fields of its own
      await this.api().create(
        { info, namespace, name: '', subresource: '' },
        body,
        write,
        resource !== 'serviceaccounts',
      );
    } catch (err) {
      // created meanwhile, or the namespace is going away
      if (!(err instanceof ApiError && (err.code === 409 || err.code === 403 || err.code === 404)))
        throw err;
    }
  }
}
