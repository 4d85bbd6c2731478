// The local cluster's PKI: a self-made CA and a serving certificate for 127.0.0.1/localhost,
// created on first start and kept in the data directory so clients keep trusting the server.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServingPki as createPki, type ServingPki } from '../core/index.js';

export type { ServingPki };

/** Creates a CA and a serving certificate valid for localhost, 127.0.0.1 and ::1. */
export function createServingPki(clusterName: string): Promise<ServingPki> {
  return createPki({
    caName: `flotilla-local-ca-${clusterName}`,
    serverName: 'flotilla-local-apiserver',
  });
}

/** Loads the PKI from `dir` (ca.crt, apiserver.crt, apiserver.key) or creates and saves it. */
export async function loadOrCreatePki(
  dir: string | undefined,
  clusterName: string,
): Promise<ServingPki> {
  if (dir !== undefined) {
    const paths = {
      ca: join(dir, 'ca.crt'),
      cert: join(dir, 'apiserver.crt'),
      key: join(dir, 'apiserver.key'),
    };
    if (existsSync(paths.ca) && existsSync(paths.cert) && existsSync(paths.key)) {
      return {
        caPem: readFileSync(paths.ca, 'utf8'),
        certPem: readFileSync(paths.cert, 'utf8'),
        keyPem: readFileSync(paths.key, 'utf8'),
      };
    }
    const pki = await createServingPki(clusterName);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(paths.ca, pki.caPem, { mode: 0o644 });
    writeFileSync(paths.cert, pki.certPem, { mode: 0o644 });
    writeFileSync(paths.key, pki.keyPem, { mode: 0o600 });
    return pki;
  }
  return createServingPki(clusterName);
}
