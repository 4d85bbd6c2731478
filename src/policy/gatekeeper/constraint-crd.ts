// The CustomResourceDefinition Gatekeeper generates for a template's constraint kind
// (constraints.gatekeeper.sh, cluster-scoped, v1beta1 stored, v1alpha1 and v1 served): the
// `match` schema of the admission target, `enforcementAction` (default deny),
// `scopedEnforcementActions`, the template's parameters and a free-form status.
import type { SchemaNode } from '../../core/index.js';
import { CONSTRAINTS_GROUP, CONSTRAINT_VERSIONS } from './constants.js';
import type { ConstraintTemplate } from './template.js';

/** Gatekeeper 3.23's pattern for namespace and name globs (`kube-*`, `*-system`). */
export const WILDCARD_PATTERN = '^\\*?[-:a-z0-9]*\\*?$';

const stringList = (nullable = false): SchemaNode => ({
  type: 'array',
  items: nullable ? { type: 'string', nullable: true } : { type: 'string' },
});

const wildcardList = (description: string): SchemaNode => ({
  type: 'array',
  description,
  items: { type: 'string', pattern: WILDCARD_PATTERN },
});

function labelSelectorSchema(description: string): SchemaNode {
  return {
    type: 'object',
    description,
    properties: {
      matchLabels: {
        type: 'object',
        description:
          'A mapping of label keys to sets of allowed label values for those keys.  A selected resource will match all of these expressions.',
        additionalProperties: { type: 'string' },
        'x-kubernetes-preserve-unknown-fields': true,
      },
      matchExpressions: {
        type: 'array',
        description:
          'a list of label selection expressions. A selected resource will match all of these expressions.',
        items: {
          type: 'object',
          properties: {
            key: { type: 'string' },
            operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
            values: stringList(),
          },
        },
      },
    },
  };
}

/** The schema of a constraint's `spec.match` (Gatekeeper's admission target). */
export function matchSchema(): SchemaNode {
  return {
    type: 'object',
    properties: {
      source: {
        type: 'string',
        description:
          'source determines whether generated or original resources are matched. Accepts `Generated`|`Original`|`All` (defaults to `All`).',
        enum: ['All', 'Generated', 'Original'],
      },
      kinds: {
        type: 'array',
        items: {
          type: 'object',
          description:
            'The Group and Kind of objects that should be matched.  If multiple groups/kinds combinations are specified, an incoming resource need only match one to be in scope.',
          properties: { apiGroups: stringList(true), kinds: stringList(true) },
        },
      },
      scope: {
        type: 'string',
        description:
          '`scope` determines if cluster-scoped and/or namespaced-scoped resources are matched.  Accepts `*`, `Cluster`, or `Namespaced`. (defaults to `*`)',
      },
      namespaces: wildcardList(
        '`namespaces` is a list of namespace names. If defined, a constraint only applies to resources in a listed namespace.  Namespaces also supports a prefix or suffix based glob.  For example, `namespaces: [kube-*]` matches both `kube-system` and `kube-public`, and `namespaces: [*-system]` matches both `kube-system` and `gatekeeper-system`.',
      ),
      excludedNamespaces: wildcardList(
        '`excludedNamespaces` is a list of namespace names. If defined, a constraint only applies to resources not in a listed namespace. ExcludedNamespaces also supports a prefix or suffix based glob.  For example, `excludedNamespaces: [kube-*]` matches both `kube-system` and `kube-public`, and `excludedNamespaces: [*-system]` matches both `kube-system` and `gatekeeper-system`.',
      ),
      labelSelector: labelSelectorSchema(
        '`labelSelector` is the combination of two optional fields: `matchLabels` and `matchExpressions`.  These two fields provide different methods of selecting or excluding k8s objects based on the label keys and values included in object metadata.  All selection expressions from both sections are ANDed to determine if an object meets the cumulative requirements of the selector.',
      ),
      namespaceSelector: labelSelectorSchema(
        "`namespaceSelector` is a label selector against an object's containing namespace or the object itself, if the object is a namespace.",
      ),
      name: {
        type: 'string',
        description:
          '`name` is the name of an object.  If defined, it will match against objects with the specified name.  Name also supports a prefix or suffix glob.  For example, `name: pod-*` would match both `pod-a` and `pod-b`, and `name: *-pod` would match both `a-pod` and `b-pod`.',
        pattern: WILDCARD_PATTERN,
      },
    },
  };
}

/** The OpenAPI schema of a constraint of this template's kind. */
export function constraintSchema(template: ConstraintTemplate): SchemaNode {
  const spec: Record<string, SchemaNode> = {
    match: matchSchema(),
    enforcementAction: { type: 'string', default: 'deny' },
    scopedEnforcementActions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          action: { type: 'string' },
          enforcementPoints: {
            type: 'array',
            items: { type: 'object', properties: { name: { type: 'string' } } },
          },
        },
      },
    },
  };
  if (template.parameters !== undefined) spec['parameters'] = structuredClone(template.parameters);
  return {
    type: 'object',
    properties: {
      metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 63 } } },
      spec: { type: 'object', properties: spec },
      status: { 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
}

/** The CRD of a template's constraint kind (apiextensions.k8s.io/v1), as Gatekeeper creates it. */
export function constraintCrd(template: ConstraintTemplate): Record<string, unknown> {
  const plural = template.kind.toLowerCase();
  const schema = constraintSchema(template);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${plural}.${CONSTRAINTS_GROUP}`,
      labels: { ...template.labels, 'gatekeeper.sh/constraint': 'yes' },
    },
    spec: {
      group: CONSTRAINTS_GROUP,
      names: {
        kind: template.kind,
        listKind: `${template.kind}List`,
        plural,
        singular: plural,
        ...(template.shortNames.length > 0 ? { shortNames: [...template.shortNames] } : {}),
        categories: ['constraint', 'constraints'],
      },
      scope: 'Cluster',
      versions: CONSTRAINT_VERSIONS.map((name) => ({
        name,
        served: true,
        storage: name === 'v1beta1',
        schema: { openAPIV3Schema: schema },
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'enforcement-action', type: 'string', jsonPath: '.spec.enforcementAction' },
          { name: 'total-violations', type: 'integer', jsonPath: '.status.totalViolations' },
        ],
      })),
    },
  };
}
