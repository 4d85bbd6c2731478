// Builds and reads the kubeconfig the local cluster writes to DATA/kubeconfig.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { FlotillaError } from '../core/index.js';

export interface KubeconfigInput {
  readonly name: string;
  readonly server: string;
  readonly caPem: string;
  readonly token: string;
}

/** A kubeconfig YAML with one cluster, one admin user and a current context named after the cluster. */
export function buildKubeconfig(input: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: input.name,
        cluster: {
          server: input.server,
          'certificate-authority-data': Buffer.from(input.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: `${input.name}-admin`, user: { token: input.token } }],
    contexts: [
      {
        name: input.name,
        context: { cluster: input.name, user: `${input.name}-admin`, namespace: 'default' },
      },
    ],
    'current-context': input.name,
    preferences: {},
  });
}

export const KUBECONFIG_FILE = 'kubeconfig';

/** The kubeconfig a running (or last run) local cluster wrote into its data directory. */
export function readKubeconfig(dataDir: string): string {
  const path = join(dataDir, KUBECONFIG_FILE);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new FlotillaError(
      `no kubeconfig at ${path}: start the local cluster with this data directory first`,
      {
        reason: 'KubeconfigMissing',
        file: path,
        cause: err,
      },
    );
  }
}
