// One kubeconfig with a context per cluster, from the kubeconfigs of several local clusters (each
// names its cluster, user and context after the cluster), for `flotilla tower --context …`.
import { parse, stringify } from 'yaml';

export function mergedKubeconfig(kubeconfigs: readonly string[], current?: string): string {
  const docs = kubeconfigs.map((k) => parse(k) as Record<string, unknown[] | undefined>);
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: docs.flatMap((d) => d['clusters'] ?? []),
    users: docs.flatMap((d) => d['users'] ?? []),
    contexts: docs.flatMap((d) => d['contexts'] ?? []),
    ...(current ? { 'current-context': current } : {}),
  });
}
