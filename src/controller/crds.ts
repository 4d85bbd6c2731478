// The CRDs Flotilla's controllers serve (Flux's own schemas, shipped in config/crd/), and their
// installation into a cluster with the apply engine (which waits until they are Established).
// eslint-disable-next-line no-restricted-imports -- read once by `flotilla install` and at start-up, never in a reconcile
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeClient, KubeObject } from '../kube/index.js';
import { ResourceManager, type ChangeSet } from '../apply/index.js';

/** The folder with the CRD files (works from src/ and from the compiled dist/). */
export const CRD_DIR = fileURLToPath(new URL('../../config/crd/', import.meta.url));

/** Every CustomResourceDefinition in config/crd/, parsed. */
export function loadCrds(dir = CRD_DIR): KubeObject[] {
  const out: KubeObject[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const obj = doc.toJS() as KubeObject | null;
      if (obj?.kind === 'CustomResourceDefinition') out.push(obj);
    }
  }
  return out;
}

/** Applies the CRDs (server-side, field manager `flotilla`) and waits until they are served. */
export async function installCrds(client: KubeClient): Promise<ChangeSet> {
  return new ResourceManager(client).applyAll(loadCrds());
}
