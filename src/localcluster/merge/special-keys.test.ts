// Keys that name members of Object.prototype (`__proto__`, `constructor`, `prototype`, `toString`)
// are ordinary fields to every patch engine, server-side apply and field sets: kept as data, never
// reaching Object.prototype (issue 22, item 1).
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  jsonClone,
  loadBuiltinSchemas,
  serverSideApply,
  trackUpdate,
} from './index.js';
import type { KubeObject } from './index.js';

const schemas = loadBuiltinSchemas();
const cmSchema = schemas.schemaFor('v1', 'ConfigMap');
const deploySchema = schemas.schemaFor('apps/v1', 'Deployment');
const NOW = '2026-01-01T00:00:00Z';

/** The names a hostile document uses; each must stay an ordinary key. */
const SPECIAL = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'] as const;

function prototypeSnapshot(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}
const pristine = prototypeSnapshot();

function assertPrototypeUntouched(): void {
  assert.deepEqual(prototypeSnapshot(), pristine, 'Object.prototype gained properties');
  const probe: Record<string, unknown> = {};
  for (const k of ['immutable', 'polluted', 'x']) assert.equal(probe[k], undefined, k);
}

afterEach(() => {
  // a failure must not leak into the next test: undo what a polluting engine added
  for (const k of Object.getOwnPropertyNames(Object.prototype))
    if (!pristine.includes(k)) delete (Object.prototype as Record<string, unknown>)[k];
});

/** JSON text parsed like a request body: `__proto__` becomes an own key, as JSON.parse makes it. */
function parse(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

function configMap(data: Record<string, string> = { a: '1' }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'default' },
    data,
  };
}

/** The own `data` of an object, as JSON would send it. */
function dataOf(o: KubeObject): Record<string, unknown> {
  return JSON.parse(JSON.stringify(o.data)) as Record<string, unknown>;
}

describe('special keys in the merge engines', () => {
  it('merge patch: a __proto__ object merges into a field, not into Object.prototype', () => {
    const out = applyMergePatch(configMap(), parse('{"__proto__":{"immutable":true}}'));
    assertPrototypeUntouched();
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.match(JSON.stringify(out), /"__proto__":\{"immutable":true\}/);
  });

  it('strategic merge patch: a __proto__ object merges into a field, not into Object.prototype', () => {
    const out = applyStrategicMergePatch(
      configMap(),
      parse('{"__proto__":{"immutable":true},"metadata":{"__proto__":{"polluted":1}}}'),
      cmSchema,
    );
    assertPrototypeUntouched();
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(Object.getPrototypeOf(out.metadata), Object.prototype);
  });

  it('every engine keeps special keys of a map as data', () => {
    const keys = Object.fromEntries(SPECIAL.map((k) => [k, `v-${k}`]));
    const patchText = JSON.stringify({ data: keys });
    const merged = applyMergePatch(configMap(), parse(patchText));
    const strategic = applyStrategicMergePatch(configMap(), parse(patchText), cmSchema);
    const jsonPatched = applyJsonPatch(
      configMap(),
      SPECIAL.map((k) => ({ op: 'add', path: `/data/${k}`, value: `v-${k}` })),
    );
    assertPrototypeUntouched();
    for (const out of [merged, strategic, jsonPatched])
      assert.deepEqual(dataOf(out), { a: '1', ...keys });
  });

  it('a patch deleting or replacing a special key that is absent changes nothing else', () => {
    for (const k of SPECIAL) {
      const patch = parse(`{"data":{"${k}":null}}`);
      assert.deepEqual(dataOf(applyMergePatch(configMap(), patch)), { a: '1' });
      assert.deepEqual(dataOf(applyStrategicMergePatch(configMap(), patch, cmSchema)), { a: '1' });
      // an absent key is absent to JSON patch too: no inherited member is found, replaced or removed
      assert.throws(() =>
        applyJsonPatch(configMap(), [{ op: 'replace', path: `/data/${k}`, value: 'v' }]),
      );
      assert.throws(() => applyJsonPatch(configMap(), [{ op: 'remove', path: `/data/${k}` }]));
      assert.throws(() =>
        applyJsonPatch(configMap(), [{ op: 'add', path: `/${k}/polluted`, value: 1 }]),
      );
    }
    assertPrototypeUntouched();
  });

  it('strategic merge patch directives keep special keys ($patch: replace, $retainKeys, merge lists)', () => {
    const replaced = applyStrategicMergePatch(
      configMap(),
      parse('{"data":{"$patch":"replace","__proto__":"p","b":"2"}}'),
      cmSchema,
    );
    assert.deepEqual(dataOf(replaced), { ['__proto__']: 'p', b: '2' });
    const live: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { spec: { containers: [{ name: 'a', image: 'i' }] } } },
    };
    const patched = applyStrategicMergePatch(
      live,
      parse(
        '{"spec":{"template":{"spec":{"containers":[{"name":"__proto__","image":"j","constructor":{"prototype":{"polluted":1}}}]}}}}',
      ),
      deploySchema,
    );
    assertPrototypeUntouched();
    assert.match(
      JSON.stringify(patched),
      // a new item goes before the live ones the patch does not name, as in kube-apiserver
      /"containers":\[\{"name":"__proto__","image":"j","constructor":\{"prototype":\{"polluted":1\}\}\},\{"name":"a","image":"i"\}/,
    );
  });

  it('server-side apply and update tracking record special keys as fields and keep them', () => {
    const applied = parse(
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","__proto__":{"polluted":1}},"__proto__":{"immutable":true},"data":{"__proto__":"p","constructor":"c","prototype":"q"}}',
    );
    const apply = (live: KubeObject | undefined, config: KubeObject): KubeObject =>
      serverSideApply({
        live,
        applied: config,
        manager: 'm',
        force: false,
        schema: cmSchema,
        apiVersion: 'v1',
        now: NOW,
      }).object;
    const first = apply(undefined, applied);
    assertPrototypeUntouched();
    assert.deepEqual(dataOf(first), { ['__proto__']: 'p', constructor: 'c', prototype: 'q' });
    const fields = JSON.stringify((first.metadata as { managedFields: unknown }).managedFields);
    assert.match(fields, /"f:__proto__"/);
    assert.match(fields, /"f:constructor"/);
    // a second apply without the keys removes them (they were owned fields like any other)
    const second = apply(
      first,
      parse('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{}}'),
    );
    assertPrototypeUntouched();
    assert.deepEqual(dataOf(second), {});
    const updated = jsonClone(first);
    (updated.data as Record<string, unknown>)['toString'] = 't';
    const tracked = trackUpdate({
      old: first,
      updated,
      manager: 'u',
      schema: cmSchema,
      apiVersion: 'v1',
      now: NOW,
    });
    assertPrototypeUntouched();
    assert.match(JSON.stringify(tracked.metadata), /"f:toString"/);
  });

  it('jsonClone copies an own __proto__ key as data', () => {
    const copy = jsonClone(parse('{"a":{"__proto__":{"polluted":1}}}'));
    assertPrototypeUntouched();
    const a = copy.a as object;
    assert.equal(Object.getPrototypeOf(a), Object.prototype);
    assert.deepEqual(Object.keys(a), ['__proto__']);
  });
});
