// Events the built-in controllers record about the objects they act on, written as client-go's
// event recorder writes them (core/v1 Events named `<object>.<hex>`), so that `kubectl describe`
// and `kubectl get events` show what the controllers did.
import { randomBytes } from 'node:crypto';
import { ApiError } from './status-errors.js';
import { metaOf, nowRfc3339, type KubeObject } from './object-meta.js';
import type { ObjectApi } from './object-api.js';
import type { ResourceRegistry } from './registry.js';
import { controllerWrite } from './internal-user.js';

const MANAGER = 'kube-controller-manager';

export interface ControllerEvent {
  readonly regarding: KubeObject;
  readonly reason: string;
  readonly message: string;
  /** The controller's name: source.component and reportingComponent. */
  readonly component: string;
  readonly type: 'Normal' | 'Warning';
}

/** Writes one event; failures (namespace going away, ...) are not the caller's problem. */
export async function recordEvent(
  api: ObjectApi,
  registry: ResourceRegistry,
  e: ControllerEvent,
): Promise<void> {
  const info = registry.lookup('', 'v1', 'events');
  const m = metaOf(e.regarding);
  if (info === undefined || m.namespace === undefined) return;
  const now = nowRfc3339();
  const name = `${m.name ?? ''}.${randomBytes(8).toString('hex')}`;
  try {
    await api.create(
      { info, namespace: m.namespace, name: '', subresource: '' },
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: m.namespace },
        involvedObject: {
          kind: e.regarding.kind,
          namespace: m.namespace,
          name: m.name,
          uid: m.uid,
          apiVersion: e.regarding.apiVersion,
          resourceVersion: m.resourceVersion,
        },
        reason: e.reason,
        message: e.message,
        source: { component: e.component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type: e.type,
        reportingComponent: e.component,
        reportingInstance: '',
      },
      controllerWrite(e.component, MANAGER),
    );
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
  }
}
