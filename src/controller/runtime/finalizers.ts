// Flux's finalizer on reconciled objects: added before the first reconcile, removed once the
// deletion's clean-up is done.
import type { KubeClient, KubeObject, ObjectRef } from '../../kube/index.js';
import { isNotFound } from '../../kube/index.js';

/** The finalizer Flux controllers put on the objects they reconcile. */
export const FINALIZER = 'finalizers.fluxcd.io';

/** Adds the finalizer unless present; returns the object as the server has it afterwards. */
export async function ensureFinalizer<T extends KubeObject>(
  client: KubeClient,
  ref: ObjectRef,
  obj: T,
): Promise<T> {
  if ((obj.metadata.finalizers ?? []).includes(FINALIZER)) return obj;
  return client.patch<T>(ref, 'merge', {
    metadata: { finalizers: [...(obj.metadata.finalizers ?? []), FINALIZER] },
  });
}

/**
 * Removes the finalizer, guarded by the object's resourceVersion so another writer's change is
 * not lost; an object already gone is fine.
 */
export async function removeFinalizer(
  client: KubeClient,
  ref: ObjectRef,
  obj: KubeObject,
): Promise<void> {
  const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
  try {
    await client.patch(ref, 'merge', {
      metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion },
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
