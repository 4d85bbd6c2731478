// Writes a whole status to the status subresource: a JSON patch `add` at /status replaces it,
// so fields the reconciler dropped are removed too (a merge patch would keep them).
import type { KubeClient, ObjectRef } from '../../kube/index.js';

export async function replaceStatus(
  client: KubeClient,
  ref: ObjectRef,
  status: unknown,
): Promise<void> {
  await client.patch(ref, 'json', [{ op: 'add', path: '/status', value: status }], {
    subresource: 'status',
  });
}
