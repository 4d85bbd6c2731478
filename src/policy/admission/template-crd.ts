// The ConstraintTemplate CRD (templates.gatekeeper.sh, v1 stored, v1beta1 and v1alpha1 served, as
// Gatekeeper's): the fields Gatekeeper's schema names, parameters' schemas and code sources kept
// as given, a free-form status.
import type { KubeObject } from '../../kube/index.js';
import { TEMPLATES_GROUP } from '../gatekeeper/constants.js';

const preserve = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

const schema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        crd: {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              properties: {
                names: {
                  type: 'object',
                  properties: {
                    kind: { type: 'string' },
                    shortNames: { type: 'array', items: { type: 'string' } },
                  },
                },
                validation: {
                  type: 'object',
                  default: { legacySchema: false },
                  properties: {
                    legacySchema: { type: 'boolean', default: false },
                    openAPIV3Schema: preserve,
                  },
                },
              },
            },
          },
        },
        targets: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              target: { type: 'string' },
              rego: { type: 'string' },
              libs: { type: 'array', items: { type: 'string' } },
              operations: { type: 'array', items: { type: 'string' } },
              code: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['engine', 'source'],
                  properties: {
                    engine: { type: 'string' },
                    source: { 'x-kubernetes-preserve-unknown-fields': true },
                  },
                },
              },
            },
          },
        },
      },
    },
    status: preserve,
  },
};

/** The CRD object. */
export function constraintTemplateCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `constrainttemplates.${TEMPLATES_GROUP}`,
      labels: { 'gatekeeper.sh/system': 'yes' },
    },
    spec: {
      group: TEMPLATES_GROUP,
      names: {
        kind: 'ConstraintTemplate',
        listKind: 'ConstraintTemplateList',
        plural: 'constrainttemplates',
        singular: 'constrainttemplate',
        categories: ['all'],
      },
      scope: 'Cluster',
      versions: ['v1', 'v1beta1', 'v1alpha1'].map((name) => ({
        name,
        served: true,
        storage: name === 'v1',
        schema: { openAPIV3Schema: schema },
        subresources: { status: {} },
      })),
    },
  };
}
