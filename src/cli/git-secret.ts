// The Secret with Git credentials that `create secret git`, `create source git` and
// `bootstrap git` make, with the keys source-controller reads, as flux's sourcesecret package
// builds it: username/password or bearerToken (and ca.crt) for HTTP/S; identity, identity.pub
// and known_hosts for SSH.
import { readFileSync } from 'node:fs';
import type { KubeObject } from '../kube/index.js';
import { CliError } from './errors.js';
import { sshIdentity, type SshKeyOptions } from './ssh-identity.js';

export interface GitSecretOptions extends SshKeyOptions {
  readonly name: string;
  readonly namespace: string;
  readonly url: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly username?: string;
  readonly password?: string;
  readonly bearerToken?: string;
  readonly caFile?: string;
  /** Read the CA of an https URL from this file (create secret git's --ca-crt-file). */
  readonly caCrtFile?: string;
}

function readFlagFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The URL's scheme, in flux's words when it is not one git supports. */
export function gitScheme(url: string): 'ssh' | 'http' | 'https' {
  let scheme: string;
  try {
    scheme = new URL(url).protocol.replace(/:$/, '');
  } catch {
    throw new CliError(`git URL parse failed: parse "${url}": invalid URL`);
  }
  if (scheme !== 'ssh' && scheme !== 'http' && scheme !== 'https')
    throw new CliError(`git URL scheme '${scheme}' not supported, can be: ssh, http and https`);
  return scheme;
}

/**
 * The credentials Secret for a Git URL, or undefined when there is nothing to store (HTTP/S
 * without credentials).
 */
export async function gitCredentialsSecret(o: GitSecretOptions): Promise<KubeObject | undefined> {
  const stringData: Record<string, string> = {};
  if (gitScheme(o.url) === 'ssh') {
    const id = await sshIdentity(o.url, o);
    stringData['identity'] = id.privateKey;
    stringData['identity.pub'] = id.publicKey;
    stringData['known_hosts'] = id.knownHosts;
    if (o.password) stringData['password'] = o.password;
  } else {
    if (o.username && o.password) {
      stringData['username'] = o.username;
      stringData['password'] = o.password;
    }
    if (o.bearerToken) stringData['bearerToken'] = o.bearerToken;
    const ca = o.caCrtFile ?? o.caFile;
    if (ca) stringData['ca.crt'] = readFlagFile(ca, 'unable to read TLS CA file');
  }
  if (Object.keys(stringData).length === 0) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      ...(o.labels && Object.keys(o.labels).length > 0 ? { labels: { ...o.labels } } : {}),
    },
    stringData,
  };
}
