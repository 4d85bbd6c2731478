// Server-side apply sequences transcribed from structured-merge-diff's merge tests (set_test.go and
// multiple_appliers_test.go): final object and every manager's field set, as FieldsV1.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApplyConflictError, serverSideApply, trackUpdate } from './index.js';
import type { KubeObject, SchemaNode } from './index.js';

type Op =
  | { apply: string; object: KubeObject; conflicts?: string[] }
  | { update: string; object: KubeObject };

interface SmdCase {
  ops: Op[];
  object: KubeObject;
  managed: Record<string, Record<string, unknown>>;
}

function run(schema: SchemaNode, c: SmdCase): void {
  let live: KubeObject | undefined;
  c.ops.forEach((op, i) => {
    const now = `2026-01-01T00:00:0${i}Z`;
    if ('apply' in op) {
      const call = (): KubeObject =>
        serverSideApply({
          live,
          applied: op.object,
          manager: op.apply,
          force: false,
          schema,
          apiVersion: 'v1',
          now,
        }).object;
      if (op.conflicts !== undefined) {
        assert.throws(call, (e: unknown) => {
          assert.ok(e instanceof ApplyConflictError);
          assert.deepEqual(
            e.conflicts.map((x) => `${x.manager} ${x.field}`),
            op.conflicts,
          );
          return true;
        });
        return; // a failed apply changes nothing
      }
      live = call();
    } else {
      live = trackUpdate({
        old: live,
        updated: op.object,
        manager: op.update,
        apiVersion: 'v1',
        schema,
        now,
      });
    }
  });
  assert.ok(live);
  const { metadata, ...body } = live;
  const managed: Record<string, unknown> = {};
  for (const e of (metadata as { managedFields?: { manager: string; fieldsV1: unknown }[] })
    .managedFields ?? [])
    managed[e.manager] = e.fieldsV1;
  assert.deepEqual(body, c.object);
  assert.deepEqual(managed, c.managed);
}

const setSchema: SchemaNode = {
  type: 'object',
  properties: {
    list: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
  },
};
const sv = (...vs: string[]): Record<string, unknown> =>
  Object.fromEntries(vs.map((v) => [`v:${JSON.stringify(v)}`, {}]));

describe('structured-merge-diff set_test', () => {
  const cases: Record<string, SmdCase> = {
    apply_twice: {
      ops: [
        { apply: 'default', object: { list: ['a', 'c'] } },
        { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
      ],
      object: { list: ['a', 'b', 'c', 'd'] },
      managed: { default: { 'f:list': sv('a', 'b', 'c', 'd') } },
    },
    apply_update_apply_with_overlap: {
      ops: [
        { apply: 'default', object: { list: ['a', 'c'] } },
        { update: 'controller', object: { list: ['a', 'b', 'c', 'd'] } },
        { apply: 'default', object: { list: ['a', 'b', 'c'] } },
      ],
      object: { list: ['a', 'b', 'c', 'd'] },
      managed: { default: { 'f:list': sv('a', 'b', 'c') }, controller: { 'f:list': sv('b', 'd') } },
    },
    apply_twice_reorder: {
      ops: [
        { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
        { apply: 'default', object: { list: ['a', 'd', 'c', 'b'] } },
      ],
      object: { list: ['a', 'd', 'c', 'b'] },
      managed: { default: { 'f:list': sv('a', 'b', 'c', 'd') } },
    },
    apply_update_apply_reorder: {
      ops: [
        { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
        { update: 'controller', object: { list: ['a', 'd', 'c', 'b'] } },
        { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
      ],
      object: { list: ['a', 'b', 'c', 'd'] },
      managed: { default: { 'f:list': sv('a', 'b', 'c', 'd') } },
    },
    apply_twice_remove: {
      ops: [
        { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
        { apply: 'default', object: { list: ['a', 'c'] } },
      ],
      object: { list: ['a', 'c'] },
      managed: { default: { 'f:list': sv('a', 'c') } },
    },
  };
  for (const [name, c] of Object.entries(cases)) it(name, () => run(setSchema, c));
});

const assocSchema: SchemaNode = {
  type: 'object',
  properties: {
    list: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, value: { type: 'integer' } },
      },
    },
  },
};
const item = (name: string, ...fields: string[]): Record<string, unknown> => ({
  [`k:{"name":${JSON.stringify(name)}}`]: {
    '.': {},
    'f:name': {},
    ...Object.fromEntries(fields.map((f) => [`f:${f}`, {}])),
  },
});

describe('structured-merge-diff multiple_appliers_test: associative list', () => {
  const cases: Record<string, SmdCase> = {
    remove_one: {
      ops: [
        { apply: 'apply-one', object: { list: [{ name: 'a' }, { name: 'b' }] } },
        { apply: 'apply-two', object: { list: [{ name: 'c' }] } },
        { apply: 'apply-one', object: { list: [{ name: 'a' }] } },
      ],
      object: { list: [{ name: 'a' }, { name: 'c' }] },
      managed: { 'apply-one': { 'f:list': item('a') }, 'apply-two': { 'f:list': item('c') } },
    },
    same_value_no_conflict: {
      ops: [
        { apply: 'apply-one', object: { list: [{ name: 'a', value: 0 }] } },
        { apply: 'apply-two', object: { list: [{ name: 'a', value: 0 }] } },
      ],
      object: { list: [{ name: 'a', value: 0 }] },
      managed: {
        'apply-one': { 'f:list': item('a', 'value') },
        'apply-two': { 'f:list': item('a', 'value') },
      },
    },
    change_value_yes_conflict: {
      ops: [
        { apply: 'apply-one', object: { list: [{ name: 'a', value: 0 }] } },
        {
          apply: 'apply-two',
          object: { list: [{ name: 'a', value: 1 }] },
          conflicts: ['apply-one .list[name="a"].value'],
        },
      ],
      object: { list: [{ name: 'a', value: 0 }] },
      managed: { 'apply-one': { 'f:list': item('a', 'value') } },
    },
    remove_one_keep_one: {
      ops: [
        { apply: 'apply-one', object: { list: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } },
        { apply: 'apply-two', object: { list: [{ name: 'c' }, { name: 'd' }] } },
        { apply: 'apply-one', object: { list: [{ name: 'a' }] } },
      ],
      object: { list: [{ name: 'a' }, { name: 'c' }, { name: 'd' }] },
      managed: {
        'apply-one': { 'f:list': item('a') },
        'apply-two': { 'f:list': { ...item('c'), ...item('d') } },
      },
    },
  };
  for (const [name, c] of Object.entries(cases)) it(name, () => run(assocSchema, c));
});

const nestedSchema: SchemaNode = {
  type: 'object',
  properties: {
    listOfLists: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          value: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        },
      },
    },
  },
};

describe('structured-merge-diff multiple_appliers_test: nested lists', () => {
  const cases: Record<string, SmdCase> = {
    remove_one_keep_one_with_two_sub_items: {
      ops: [
        {
          apply: 'apply-one',
          object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['c'] }] },
        },
        { apply: 'apply-two', object: { listOfLists: [{ name: 'b', value: ['d'] }] } },
        { apply: 'apply-one', object: { listOfLists: [{ name: 'a' }] } },
      ],
      object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['d'] }] },
      managed: {
        'apply-one': { 'f:listOfLists': item('a') },
        'apply-two': {
          'f:listOfLists': { 'k:{"name":"b"}': { '.': {}, 'f:name': {}, 'f:value': sv('d') } },
        },
      },
    },
    remove_one_keep_one_with_dangling_subitem: {
      ops: [
        {
          apply: 'apply-one',
          object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['c'] }] },
        },
        { apply: 'apply-two', object: { listOfLists: [{ name: 'b', value: ['d'] }] } },
        {
          update: 'controller',
          object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['c', 'd', 'e'] }] },
        },
        { apply: 'apply-one', object: { listOfLists: [{ name: 'a' }] } },
      ],
      object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['d', 'e'] }] },
      managed: {
        'apply-one': { 'f:listOfLists': item('a') },
        'apply-two': {
          'f:listOfLists': { 'k:{"name":"b"}': { '.': {}, 'f:name': {}, 'f:value': sv('d') } },
        },
        controller: { 'f:listOfLists': { 'k:{"name":"b"}': { 'f:value': sv('e') } } },
      },
    },
    remove_one_with_dangling_subitem_keep_one: {
      ops: [
        {
          apply: 'apply-one',
          object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['c'] }] },
        },
        { apply: 'apply-two', object: { listOfLists: [{ name: 'a', value: ['b'] }] } },
        {
          update: 'controller',
          object: {
            listOfLists: [
              { name: 'a', value: ['b'] },
              { name: 'b', value: ['c', 'd'] },
            ],
          },
        },
        { apply: 'apply-one', object: { listOfLists: [{ name: 'a' }] } },
      ],
      object: { listOfLists: [{ name: 'a', value: ['b'] }] },
      managed: {
        'apply-one': { 'f:listOfLists': item('a') },
        'apply-two': {
          'f:listOfLists': { 'k:{"name":"a"}': { '.': {}, 'f:name': {}, 'f:value': sv('b') } },
        },
      },
    },
  };
  for (const [name, c] of Object.entries(cases)) it(name, () => run(nestedSchema, c));
});

const structSchema: SchemaNode = {
  type: 'object',
  properties: {
    struct: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        scalarField_v1: { type: 'string' },
        complexField_v1: { type: 'object', properties: { name: { type: 'string' } } },
      },
    },
  },
};

describe('structured-merge-diff multiple_appliers_test: field unsetting (single version)', () => {
  const cases: Record<string, SmdCase> = {
    unset_scalar_sole_owner: {
      ops: [
        { apply: 'apply-one', object: { struct: { name: 'a', scalarField_v1: 'a' } } },
        { apply: 'apply-one', object: { struct: { name: 'a' } } },
      ],
      object: { struct: { name: 'a' } },
      managed: { 'apply-one': { 'f:struct': { 'f:name': {} } } },
    },
    unset_scalar_shared_with_applier: {
      ops: [
        { apply: 'apply-one', object: { struct: { name: 'a', scalarField_v1: 'a' } } },
        { apply: 'apply-two', object: { struct: { scalarField_v1: 'a' } } },
        { apply: 'apply-one', object: { struct: { name: 'a' } } },
      ],
      object: { struct: { name: 'a', scalarField_v1: 'a' } },
      managed: {
        'apply-one': { 'f:struct': { 'f:name': {} } },
        'apply-two': { 'f:struct': { 'f:scalarField_v1': {} } },
      },
    },
    updater_claims_field: {
      ops: [
        { apply: 'applier', object: { struct: { name: 'a', scalarField_v1: 'a' } } },
        { update: 'updater', object: { struct: { name: 'a', scalarField_v1: 'b' } } },
      ],
      object: { struct: { name: 'a', scalarField_v1: 'b' } },
      managed: {
        applier: { 'f:struct': { 'f:name': {} } },
        updater: { 'f:struct': { 'f:scalarField_v1': {} } },
      },
    },
    unset_complex_sole_owner: {
      ops: [
        { apply: 'apply-one', object: { struct: { name: 'a', complexField_v1: { name: 'b' } } } },
        { apply: 'apply-one', object: { struct: { name: 'a' } } },
      ],
      object: { struct: { name: 'a' } },
      managed: { 'apply-one': { 'f:struct': { 'f:name': {} } } },
    },
    unset_complex_shared_with_applier: {
      ops: [
        { apply: 'apply-one', object: { struct: { name: 'a', complexField_v1: { name: 'b' } } } },
        { apply: 'apply-two', object: { struct: { complexField_v1: { name: 'b' } } } },
        { apply: 'apply-one', object: { struct: { name: 'a' } } },
      ],
      object: { struct: { name: 'a', complexField_v1: { name: 'b' } } },
      managed: {
        'apply-one': { 'f:struct': { 'f:name': {} } },
        'apply-two': { 'f:struct': { 'f:complexField_v1': { 'f:name': {} } } },
      },
    },
  };
  for (const [name, c] of Object.entries(cases)) it(name, () => run(structSchema, c));
});
