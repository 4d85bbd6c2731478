// kube: Flotilla's Kubernetes client — kubeconfig, keep-alive transport, REST, discovery, informers.
export * from './types.js';
export * from './errors.js';
export * from './kubeconfig.js';
export * from './transport.js';
export * from './discovery.js';
export * from './client.js';
export * from './informer.js';
