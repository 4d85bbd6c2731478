// Pruning a Namespace deletes everything in it, so before one is pruned its contents are
// checked (beyond Flux, which deletes it regardless): a Namespace holding objects the current
// revision still declares is never pruned; one holding objects this apply does not manage or must
// not prune only when the Namespace carries the opt-in annotation. What went with a pruned
// Namespace is reported.
import { errorMessage } from '../core/index.js';
import { apiVersionOf, type KubeObject } from '../kube/index.js';
import { mapLimit } from './concurrency.js';
import type { ManagerContext } from './context.js';
import { formatObjectId, formatSubject, objMetadataOf, type ObjMetadata } from './object-id.js';
import { allInLabels, anyInMetadata, type Selector } from './options.js';

/**
 * On a Namespace: `"true"` lets a prune delete it with objects inside that the Kustomization
 * does not manage or must not prune (they are deleted with it, and reported).
 */
export const PRUNE_NAMESPACE_CONTENTS_ANNOTATION = 'flotilla.dev/prune-namespace-contents';

/** Objects every namespace has or that follow another object: never a reason to keep one. */
function incidental(o: KubeObject): boolean {
  if ((o.metadata.ownerReferences?.length ?? 0) > 0) return true; // deleted with their owner
  if (o.metadata.deletionTimestamp) return true;
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  if (o.kind === 'Event') return true;
  if (o.kind === 'Endpoints' && group === '') return true; // the Service's, kept by a controller
  if (o.kind === 'EndpointSlice') return true;
  if (group !== '') return false;
  if (o.kind === 'ServiceAccount' && o.metadata.name === 'default') return true;
  if (o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt') return true;
  return o.kind === 'Secret' && o['type'] === 'kubernetes.io/service-account-token';
}

/** An object found in a Namespace, with the API version it was listed in. */
export type Listed = ObjMetadata & { readonly apiVersion: string };

/** What a Namespace holds, sorted by why it matters. */
export interface NamespaceContents {
  /** Objects the current revision declares. */
  readonly declared: readonly Listed[];
  /** Objects without the owner labels. */
  readonly unmanaged: readonly Listed[];
  /** Objects whose annotations say not to prune them. */
  readonly protectedFromPrune: readonly Listed[];
  /** Everything else that would go with the Namespace (managed leftovers). */
  readonly managed: readonly Listed[];
  /** Types that could not be listed, with the error. */
  readonly unlisted: readonly string[];
}

/** Lists what `namespace` holds and sorts it against the revision's ids and the selectors. */
export async function namespaceContents(
  ctx: ManagerContext,
  namespace: string,
  declaredIds: ReadonlySet<string>,
  exclusions: Selector,
  concurrency: number,
): Promise<NamespaceContents> {
  const out = {
    declared: [] as Listed[],
    unmanaged: [] as Listed[],
    protectedFromPrune: [] as Listed[],
    managed: [] as Listed[],
    unlisted: [] as string[],
  };
  const resources = await ctx.client.discovery.namespacedResources();
  await mapLimit(resources, concurrency, async (r) => {
    const type = { apiVersion: apiVersionOf(r), kind: r.kind };
    let items: KubeObject[];
    try {
      items = (await ctx.client.list(type, { namespace })).items;
    } catch (err) {
      out.unlisted.push(`${r.plural}${r.group ? `.${r.group}` : ''} (${errorMessage(err)})`);
      return;
    }
    for (const o of items) {
      if (incidental(o)) continue;
      const m: Listed = { ...objMetadataOf(o), apiVersion: type.apiVersion };
      if (declaredIds.has(formatObjectId(m))) out.declared.push(m);
      else if (anyInMetadata(o.metadata, exclusions)) out.protectedFromPrune.push(m);
      else if (!allInLabels(o.metadata, ctx.ownerLabels)) out.unmanaged.push(m);
      else out.managed.push(m);
    }
  });
  for (const list of [out.declared, out.unmanaged, out.protectedFromPrune, out.managed])
    list.sort((a, b) => formatSubject(a).localeCompare(formatSubject(b)));
  return out;
}

const MAX_NAMED = 10;

function named(list: readonly string[]): string {
  const more = list.length - MAX_NAMED;
  return `${list.slice(0, MAX_NAMED).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/**
 * Why the Namespace must not be pruned (undefined when it may be): objects of the current
 * revision always keep it; unmanaged and prune-disabled objects, and types that could not be
 * checked, keep it unless the Namespace opts in.
 */
export function refusalOf(live: KubeObject, c: NamespaceContents): string | undefined {
  if (c.declared.length > 0)
    return `not pruned: deleting it would delete objects the current revision declares: ${named(c.declared.map(formatSubject))}`;
  const optedIn = live.metadata.annotations?.[PRUNE_NAMESPACE_CONTENTS_ANNOTATION] === 'true';
  if (optedIn) return undefined;
  const keep = [
    ...c.unmanaged.map((m) => `${formatSubject(m)} (not managed here)`),
    ...c.protectedFromPrune.map((m) => `${formatSubject(m)} (must not be pruned)`),
  ];
  const problems: string[] = [];
  if (keep.length > 0)
    problems.push(`it holds objects that deleting it would delete: ${named(keep)}`);
  if (c.unlisted.length > 0)
    problems.push(`what it holds could not be checked: ${c.unlisted.join('; ')}`);
  if (problems.length === 0) return undefined;
  return `not pruned: ${problems.join('; ')}; to delete it with its contents, annotate it ${PRUNE_NAMESPACE_CONTENTS_ANNOTATION}: "true"`;
}

/** The objects deleting the Namespace takes with it (to report next to the Namespace). */
export function cascadeOf(c: NamespaceContents): Listed[] {
  return [...c.managed, ...c.unmanaged, ...c.protectedFromPrune];
}
