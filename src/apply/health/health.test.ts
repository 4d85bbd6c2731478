// Table tests for every health assessor with realistic status objects.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../kube/index.js';
import {
  HealthStatus,
  assessHealth,
  isWorse,
  worstOf,
  type HealthStatus as Status,
} from './index.js';

interface Case {
  readonly name: string;
  readonly obj: Record<string, unknown>;
  readonly status: Status;
  readonly message?: RegExp;
}

const obj = (
  apiVersion: string,
  kind: string,
  rest: Record<string, unknown>,
  generation = 1,
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'default', generation },
  ...rest,
});

const deploy = (
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
  generation = 2,
): Record<string, unknown> =>
  obj(
    'apps/v1',
    'Deployment',
    { spec: { replicas: 3, ...spec }, status: { observedGeneration: 2, ...status } },
    generation,
  );

const cases: Record<string, Case[]> = {
  Deployment: [
    {
      name: 'rolled out',
      obj: deploy({}, { replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }),
      status: 'Healthy',
    },
    { name: 'paused', obj: deploy({ paused: true }, {}), status: 'Suspended', message: /paused/ },
    {
      name: 'generation not observed',
      obj: deploy({}, { replicas: 3, updatedReplicas: 3, availableReplicas: 3 }, 3),
      status: 'Progressing',
      message: /observed deployment generation/,
    },
    {
      name: 'updating',
      obj: deploy({}, { replicas: 3, updatedReplicas: 1, availableReplicas: 3 }),
      status: 'Progressing',
      message: /1 out of 3 new replicas/,
    },
    {
      name: 'old replicas terminating',
      obj: deploy({}, { replicas: 4, updatedReplicas: 3, availableReplicas: 3 }),
      status: 'Progressing',
      message: /1 old replicas/,
    },
    {
      name: 'not yet available',
      obj: deploy({}, { replicas: 3, updatedReplicas: 3, availableReplicas: 2 }),
      status: 'Progressing',
      message: /2 of 3 updated/,
    },
    {
      name: 'progress deadline exceeded',
      obj: deploy(
        {},
        {
          replicas: 3,
          updatedReplicas: 1,
          availableReplicas: 0,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "x-5d" has timed out progressing.',
            },
          ],
        },
      ),
      status: 'Degraded',
      message: /exceeded its progress deadline/,
    },
  ],
  StatefulSet: [
    {
      name: 'not observed',
      obj: obj('apps/v1', 'StatefulSet', { spec: { replicas: 2 }, status: {} }),
      status: 'Progressing',
      message: /spec update to be observed/,
    },
    {
      name: 'pods not ready',
      obj: obj('apps/v1', 'StatefulSet', {
        spec: { replicas: 3 },
        status: { observedGeneration: 1, readyReplicas: 1 },
      }),
      status: 'Progressing',
      message: /2 pods to be ready/,
    },
    {
      name: 'partitioned rollout pending',
      obj: obj('apps/v1', 'StatefulSet', {
        spec: {
          replicas: 3,
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
        },
        status: { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 1 },
      }),
      status: 'Progressing',
      message: /partitioned roll out/,
    },
    {
      name: 'partitioned rollout complete',
      obj: obj('apps/v1', 'StatefulSet', {
        spec: {
          replicas: 3,
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
        },
        status: { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 2 },
      }),
      status: 'Healthy',
    },
    {
      name: 'on delete',
      obj: obj('apps/v1', 'StatefulSet', {
        spec: { replicas: 1, updateStrategy: { type: 'OnDelete' } },
        status: { observedGeneration: 1, readyReplicas: 1 },
      }),
      status: 'Healthy',
    },
    {
      name: 'revisions differ',
      obj: obj('apps/v1', 'StatefulSet', {
        spec: { replicas: 2 },
        status: {
          observedGeneration: 1,
          readyReplicas: 2,
          updatedReplicas: 1,
          currentRevision: 'web-1',
          updateRevision: 'web-2',
        },
      }),
      status: 'Progressing',
      message: /rolling update to complete/,
    },
    {
      name: 'rolled out',
      obj: obj('apps/v1', 'StatefulSet', {
        spec: { replicas: 2 },
        status: {
          observedGeneration: 1,
          readyReplicas: 2,
          currentReplicas: 2,
          updatedReplicas: 2,
          currentRevision: 'web-2',
          updateRevision: 'web-2',
        },
      }),
      status: 'Healthy',
    },
  ],
  DaemonSet: [
    {
      name: 'not observed',
      obj: obj('apps/v1', 'DaemonSet', { status: { observedGeneration: 0 } }),
      status: 'Progressing',
    },
    {
      name: 'updating',
      obj: obj('apps/v1', 'DaemonSet', {
        status: {
          observedGeneration: 1,
          desiredNumberScheduled: 3,
          updatedNumberScheduled: 1,
          numberAvailable: 3,
        },
      }),
      status: 'Progressing',
      message: /1 out of 3 new pods/,
    },
    {
      name: 'unavailable',
      obj: obj('apps/v1', 'DaemonSet', {
        status: {
          observedGeneration: 1,
          desiredNumberScheduled: 3,
          updatedNumberScheduled: 3,
          numberAvailable: 2,
        },
      }),
      status: 'Progressing',
      message: /2 of 3 updated pods/,
    },
    {
      name: 'on delete',
      obj: obj('apps/v1', 'DaemonSet', {
        spec: { updateStrategy: { type: 'OnDelete' } },
        status: { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 1 },
      }),
      status: 'Healthy',
    },
    {
      name: 'rolled out',
      obj: obj('apps/v1', 'DaemonSet', {
        status: {
          observedGeneration: 1,
          desiredNumberScheduled: 3,
          updatedNumberScheduled: 3,
          numberAvailable: 3,
        },
      }),
      status: 'Healthy',
    },
  ],
  ReplicaSet: [
    {
      name: 'available',
      obj: obj('apps/v1', 'ReplicaSet', {
        spec: { replicas: 2 },
        status: { observedGeneration: 1, availableReplicas: 2 },
      }),
      status: 'Healthy',
    },
    {
      name: 'scaling',
      obj: obj('apps/v1', 'ReplicaSet', {
        spec: { replicas: 2 },
        status: { observedGeneration: 1, availableReplicas: 1 },
      }),
      status: 'Progressing',
      message: /1 out of 2/,
    },
    {
      name: 'replica failure',
      obj: obj('apps/v1', 'ReplicaSet', {
        spec: { replicas: 2 },
        status: {
          observedGeneration: 1,
          conditions: [
            {
              type: 'ReplicaFailure',
              status: 'True',
              reason: 'FailedCreate',
              message: 'pods "x-" is forbidden: exceeded quota',
            },
          ],
        },
      }),
      status: 'Degraded',
      message: /exceeded quota/,
    },
    {
      name: 'not observed',
      obj: obj('apps/v1', 'ReplicaSet', {
        spec: { replicas: 2 },
        status: { observedGeneration: 0 },
      }),
      status: 'Progressing',
    },
  ],
  Job: [
    {
      name: 'running',
      obj: obj('batch/v1', 'Job', { status: { active: 1 } }),
      status: 'Progressing',
    },
    {
      name: 'complete',
      obj: obj('batch/v1', 'Job', {
        status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] },
      }),
      status: 'Healthy',
    },
    {
      name: 'failed',
      obj: obj('batch/v1', 'Job', {
        status: {
          failed: 6,
          conditions: [
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
          ],
        },
      }),
      status: 'Degraded',
      message: /backoff limit/,
    },
    {
      name: 'suspended',
      obj: obj('batch/v1', 'Job', { spec: { suspend: true }, status: {} }),
      status: 'Suspended',
    },
  ],
  Pod: [
    {
      name: 'pending',
      obj: obj('v1', 'Pod', { status: { phase: 'Pending' } }),
      status: 'Progressing',
    },
    {
      name: 'running and ready',
      obj: obj('v1', 'Pod', {
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      }),
      status: 'Healthy',
    },
    {
      name: 'running, not ready',
      obj: obj('v1', 'Pod', {
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] },
      }),
      status: 'Progressing',
    },
    {
      name: 'crash loop',
      obj: obj('v1', 'Pod', {
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'app',
              state: {
                waiting: {
                  reason: 'CrashLoopBackOff',
                  message: 'back-off 5m0s restarting failed container=app',
                },
              },
            },
          ],
        },
      }),
      status: 'Degraded',
      message: /back-off/,
    },
    {
      name: 'image pull error',
      obj: obj('v1', 'Pod', {
        status: {
          phase: 'Pending',
          containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ErrImagePull' } } }],
        },
      }),
      status: 'Degraded',
      message: /ErrImagePull/,
    },
    {
      name: 'succeeded',
      obj: obj('v1', 'Pod', { spec: { restartPolicy: 'Never' }, status: { phase: 'Succeeded' } }),
      status: 'Healthy',
    },
    {
      name: 'failed',
      obj: obj('v1', 'Pod', {
        spec: { restartPolicy: 'Never' },
        status: {
          phase: 'Failed',
          containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 2 } } }],
        },
      }),
      status: 'Degraded',
      message: /exited with 2/,
    },
    {
      name: 'run-once pod still running',
      obj: obj('v1', 'Pod', { spec: { restartPolicy: 'OnFailure' }, status: { phase: 'Running' } }),
      status: 'Progressing',
    },
    {
      name: 'unknown phase',
      obj: obj('v1', 'Pod', { status: { phase: 'Unknown' } }),
      status: 'Unknown',
    },
  ],
  Service: [
    {
      name: 'cluster IP',
      obj: obj('v1', 'Service', { spec: { type: 'ClusterIP' } }),
      status: 'Healthy',
    },
    {
      name: 'load balancer pending',
      obj: obj('v1', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } }),
      status: 'Progressing',
    },
    {
      name: 'load balancer ready',
      obj: obj('v1', 'Service', {
        spec: { type: 'LoadBalancer' },
        status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } },
      }),
      status: 'Healthy',
    },
  ],
  Ingress: [
    {
      name: 'no address',
      obj: obj('networking.k8s.io/v1', 'Ingress', { status: { loadBalancer: {} } }),
      status: 'Progressing',
    },
    {
      name: 'address',
      obj: obj('networking.k8s.io/v1', 'Ingress', {
        status: { loadBalancer: { ingress: [{ hostname: 'lb.example' }] } },
      }),
      status: 'Healthy',
    },
  ],
  PersistentVolumeClaim: [
    {
      name: 'bound',
      obj: obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Bound' } }),
      status: 'Healthy',
    },
    {
      name: 'pending',
      obj: obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Pending' } }),
      status: 'Progressing',
    },
    {
      name: 'lost',
      obj: obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Lost' } }),
      status: 'Degraded',
    },
    { name: 'no status', obj: obj('v1', 'PersistentVolumeClaim', {}), status: 'Unknown' },
  ],
  HorizontalPodAutoscaler: [
    {
      name: 'within range',
      obj: obj('autoscaling/v2', 'HorizontalPodAutoscaler', {
        status: {
          conditions: [
            { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale' },
            {
              type: 'ScalingLimited',
              status: 'True',
              reason: 'DesiredWithinRange',
              message: 'the desired count is within the acceptable range',
            },
          ],
        },
      }),
      status: 'Healthy',
    },
    {
      name: 'metrics missing',
      obj: obj('autoscaling/v2', 'HorizontalPodAutoscaler', {
        status: {
          conditions: [
            {
              type: 'ScalingActive',
              status: 'False',
              reason: 'FailedGetResourceMetric',
              message: 'the HPA was unable to compute the replica count: unable to get metrics',
            },
          ],
        },
      }),
      status: 'Degraded',
      message: /unable to get metrics/,
    },
    {
      name: 'no conditions',
      obj: obj('autoscaling/v2', 'HorizontalPodAutoscaler', { status: {} }),
      status: 'Progressing',
      message: /Waiting to Autoscale/,
    },
  ],
  APIService: [
    {
      name: 'available',
      obj: obj('apiregistration.k8s.io/v1', 'APIService', {
        status: {
          conditions: [
            { type: 'Available', status: 'True', reason: 'Passed', message: 'all checks passed' },
          ],
        },
      }),
      status: 'Healthy',
    },
    {
      name: 'unavailable',
      obj: obj('apiregistration.k8s.io/v1', 'APIService', {
        status: {
          conditions: [{ type: 'Available', status: 'False', reason: 'MissingEndpoints' }],
        },
      }),
      status: 'Progressing',
      message: /MissingEndpoints/,
    },
    {
      name: 'no status',
      obj: obj('apiregistration.k8s.io/v1', 'APIService', {}),
      status: 'Progressing',
    },
  ],
  CustomResourceDefinition: [
    {
      name: 'established',
      obj: obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {
        status: {
          conditions: [
            { type: 'NamesAccepted', status: 'True' },
            { type: 'Established', status: 'True' },
          ],
        },
      }),
      status: 'Healthy',
    },
    {
      name: 'names conflict',
      obj: obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {
        status: {
          conditions: [
            {
              type: 'NamesAccepted',
              status: 'False',
              reason: 'ListKindConflict',
              message: '"WidgetList" is already in use',
            },
          ],
        },
      }),
      status: 'Degraded',
      message: /already in use/,
    },
    {
      name: 'not established',
      obj: obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {
        status: { conditions: [{ type: 'NamesAccepted', status: 'True' }] },
      }),
      status: 'Progressing',
    },
    {
      name: 'non structural',
      obj: obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {
        status: {
          conditions: [
            {
              type: 'NonStructuralSchema',
              status: 'True',
              message: 'spec.versions[0].schema: Required value',
            },
          ],
        },
      }),
      status: 'Degraded',
    },
  ],
  'custom resource (kstatus)': [
    { name: 'no status', obj: obj('example.com/v1', 'Widget', {}), status: 'Healthy' },
    {
      name: 'ready',
      obj: obj('example.com/v1', 'Widget', {
        status: {
          observedGeneration: 1,
          conditions: [
            { type: 'Ready', status: 'True', message: 'Applied revision: main@sha1:abc' },
          ],
        },
      }),
      status: 'Healthy',
    },
    {
      name: 'stale generation',
      obj: obj(
        'example.com/v1',
        'Widget',
        { status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] } },
        2,
      ),
      status: 'Progressing',
      message: /latest observed generation is 1/,
    },
    {
      name: 'stalled',
      obj: obj('example.com/v1', 'Widget', {
        status: {
          observedGeneration: 1,
          conditions: [
            {
              type: 'Stalled',
              status: 'True',
              reason: 'InvalidSpec',
              message: 'spec.url is invalid',
            },
          ],
        },
      }),
      status: 'Degraded',
      message: /spec.url/,
    },
    {
      name: 'reconciling',
      obj: obj('example.com/v1', 'Widget', {
        status: {
          observedGeneration: 1,
          conditions: [
            { type: 'Reconciling', status: 'True', reason: 'Progressing' },
            { type: 'Ready', status: 'Unknown' },
          ],
        },
      }),
      status: 'Progressing',
    },
    {
      name: 'not ready',
      obj: obj('example.com/v1', 'Widget', {
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'DependencyNotReady',
              message: 'waiting for db',
            },
          ],
        },
      }),
      status: 'Progressing',
      message: /waiting for db/,
    },
  ],
};

for (const [kind, table] of Object.entries(cases)) {
  describe(`${kind} health`, () => {
    for (const c of table) {
      it(c.name, () => {
        const res = assessHealth(c.obj as KubeObject);
        assert.equal(res.status, c.status, res.message);
        if (c.message) assert.match(res.message, c.message);
      });
    }
  });
}

describe('health order', () => {
  it('is Missing for an absent object', () => {
    assert.equal(assessHealth(undefined).status, HealthStatus.Missing);
  });
  it('orders statuses as gitops-engine does', () => {
    const order: Status[] = [
      'Healthy',
      'Suspended',
      'Progressing',
      'Missing',
      'Degraded',
      'Unknown',
    ];
    for (let i = 0; i < order.length - 1; i++) {
      assert.ok(isWorse(order[i] as Status, order[i + 1] as Status));
      assert.ok(!isWorse(order[i + 1] as Status, order[i] as Status));
    }
    assert.equal(worstOf(['Healthy', 'Degraded', 'Progressing']), 'Degraded');
    assert.equal(worstOf([]), 'Healthy');
  });
});
