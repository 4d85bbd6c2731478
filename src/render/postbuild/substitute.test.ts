// Tests of postBuild substitution over objects: variable merging, opt-out, type changes, errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mergeVariables, substituteVariables } from './substitute.js';

/** The value as plain JSON data (the render layer builds maps without a prototype). */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app-${cluster_env:=dev}', namespace: 'apps' },
  spec: {
    replicas: '${replicas}',
    template: { spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/app:${tag}' }] } },
  },
};

describe('mergeVariables', () => {
  it('lets later sources win and inline substitute win over all, dropping newlines', () => {
    const vars = mergeVariables([{ a: '1', b: 'x\n' }, { a: '2' }], { a: '3', c: 'c\nc' });
    assert.deepEqual(plain(vars), { a: '3', b: 'x', c: 'cc' });
  });
});

describe('substituteVariables', () => {
  it('substitutes values, applies defaults and keeps the input unchanged', () => {
    const [out] = substituteVariables([deployment], { replicas: '3', tag: 'v1.2.0' });
    assert.deepEqual(plain(out), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app-dev', namespace: 'apps' },
      spec: {
        // As in Flux: the placeholder is a plain YAML scalar, so the substituted value is re-typed.
        replicas: 3,
        template: { spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/app:v1.2.0' }] } },
      },
    });
    assert.equal(deployment.metadata.name, 'app-${cluster_env:=dev}');
  });

  it('skips objects labelled or annotated substitute: disabled', () => {
    const disabledByLabel = {
      kind: 'ConfigMap',
      metadata: { name: 'a', labels: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' } },
      data: { script: 'echo ${HOME}' },
    };
    const disabledByAnnotation = {
      kind: 'ConfigMap',
      metadata: {
        name: 'b',
        annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' },
      },
      data: { script: 'echo ${HOME}' },
    };
    const out = substituteVariables([disabledByLabel, disabledByAnnotation], { HOME: '/root' });
    assert.deepEqual(plain(out), [disabledByLabel, disabledByAnnotation]);
  });

  it('changes nothing when there are no variables', () => {
    const out = substituteVariables([deployment], {});
    assert.deepEqual(plain(out), [deployment]);
  });

  it('refuses an invalid variable name', () => {
    assert.throws(
      () => substituteVariables([deployment], { 'bad-name': 'x' }),
      /'bad-name' var name is invalid/,
    );
  });

  it('names the object when an expression is malformed', () => {
    const broken = {
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'ns' },
      data: { k: '${oops' },
    };
    assert.throws(
      () => substituteVariables([broken], { a: 'b' }),
      /ConfigMap\/ns\/cm: variable substitution failed: bad substitution/,
    );
  });

  it('fails in strict mode on a missing variable, naming object and variable', () => {
    assert.throws(
      () => substituteVariables([deployment], { replicas: '1' }, { strict: true }),
      /Deployment\/apps\/app-\$\{cluster_env:=dev\}: variable substitution failed: variable not set \(strict mode\): "tag"/,
    );
  });
});
