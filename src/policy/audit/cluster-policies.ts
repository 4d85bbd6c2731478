// Reads a cluster's ConstraintTemplates and constraints into a ConstraintClient, for a one-off
// audit (`flotilla policy audit`) without the runtime's watches. Templates and constraints that
// do not load are reported, not fatal.
import { isNotFound, NoKindMatchError, type KubeClient } from '../../kube/index.js';
import type { ConstraintClient } from '../gatekeeper/client.js';
import { CONSTRAINTS_GROUP, TEMPLATES_GROUP } from '../gatekeeper/constants.js';

export interface LoadedPolicies {
  readonly templates: number;
  readonly constraints: number;
  /** `ConstraintTemplate/name: error` for each object that did not load. */
  readonly errors: readonly string[];
}

export async function loadClusterPolicies(
  kube: KubeClient,
  client: ConstraintClient,
): Promise<LoadedPolicies> {
  const errors: string[] = [];
  let templates;
  try {
    templates = await kube.list({
      apiVersion: `${TEMPLATES_GROUP}/v1`,
      kind: 'ConstraintTemplate',
    });
  } catch (err) {
    // no ConstraintTemplate CRD: no policies
    if (isNotFound(err) || err instanceof NoKindMatchError)
      return { templates: 0, constraints: 0, errors };
    throw err;
  }
  let constraints = 0;
  for (const t of templates.items) {
    let kind: string;
    try {
      kind = client.addTemplate(t).kind;
    } catch (err) {
      errors.push(`ConstraintTemplate/${t.metadata.name ?? ''}: ${(err as Error).message}`);
      continue;
    }
    let list;
    try {
      list = await kube.list({ apiVersion: `${CONSTRAINTS_GROUP}/v1beta1`, kind });
    } catch (err) {
      if (err instanceof NoKindMatchError) continue;
      throw err;
    }
    for (const c of list.items) {
      try {
        client.addConstraint(c);
        constraints++;
      } catch (err) {
        errors.push(`${kind}/${c.metadata.name ?? ''}: ${(err as Error).message}`);
      }
    }
  }
  return { templates: templates.items.length, constraints, errors };
}
