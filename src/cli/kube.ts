// The cluster connection of a command, from --kubeconfig and --context (or $KUBECONFIG).
import { KubeClient } from '../kube/index.js';
import type { CliContext } from './context.js';

export function connect(ctx: CliContext): Promise<KubeClient> {
  return KubeClient.fromKubeConfig({
    ...(ctx.options.kubeconfig ? { path: ctx.options.kubeconfig } : {}),
    ...(ctx.options.context ? { context: ctx.options.context } : {}),
  });
}

/** Flux kinds the CLI works with, by the names users type. */
export const FluxKinds = {
  git: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' },
  bucket: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'Bucket' },
  kustomization: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
} as const;
export type FluxKind = (typeof FluxKinds)[keyof typeof FluxKinds];

/** How a kind is named on the command line (`ks`, `source git`, `source bucket`). */
export function commandNameOf(kind: FluxKind): string {
  return kind.kind === 'Kustomization'
    ? 'ks'
    : kind.kind === 'Bucket'
      ? 'source bucket'
      : 'source git';
}
