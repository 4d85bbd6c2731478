// CRD validation rules against the real kube-apiserver: each CRD of the corpus and each write is
// sent to both servers; status codes, messages and causes must be identical (the generated
// `selfTypeN` names aside). Prints the match rate.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return -- JSON API responses are read through the `Json` (any) type */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMON, CORPUS, COSTS, MORE, type RuleCase } from './crd-validation-rules.corpus.js';
import {
  clusterPair,
  realClusterSkip,
  type TestClient,
  type Json,
  type TestResponse,
} from '../testing/index.js';

const GROUP = 'rules.example.com';

function version(
  name: string,
  spec: unknown,
  status: unknown,
  storage: boolean,
  root?: readonly unknown[],
): Json {
  return {
    name,
    served: true,
    storage,
    subresources: { status: {} },
    schema: {
      openAPIV3Schema: {
        type: 'object',
        properties: { spec, status },
        ...(root === undefined ? {} : { 'x-kubernetes-validations': root }),
      },
    },
  };
}

function crdFor(c: RuleCase, i: number, spec: unknown = c.spec): Json {
  const plural = `rc${i}s`;
  const status = c.status ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { plural, singular: `rc${i}`, kind: `Rc${i}`, listKind: `Rc${i}List` },
      versions: [
        version('v1', spec, status, true, c.root),
        ...(c.versions ?? []).map((v, k) => version(`v${k + 2}`, v, status, false)),
      ],
    },
  };
}

/**
 * What must be identical: the code, and for failures the message, reason and causes. Two things
 * kube-apiserver itself does not fix are normalized: the generated `selfTypeN` type names, and the
 * order of errors of sibling properties (Go map iteration order is random).
 */
function comparable(r: TestResponse): string {
  const norm = (s: string): string => s.replace(/selfType\d+/g, 'selfType');
  if (r.status < 300) {
    const w = r.headers.warning;
    const warnings = (Array.isArray(w) ? w : w === undefined ? [] : [w]).sort();
    return JSON.stringify({ code: r.status, warnings });
  }
  const b = r.body ?? {};
  const causes: Json[] = b.details?.causes ?? [];
  const texts = causes.map((c) => `${String(c.field)}: ${String(c.message)}`);
  let message = String(b.message ?? '');
  const listed = `[${texts.join(', ')}]`;
  if (causes.length > 1 && message.endsWith(listed))
    message = `${message.slice(0, -listed.length)}[${[...texts].sort().join(', ')}]`;
  const sorted = [...causes].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  return norm(JSON.stringify({ code: r.status, reason: b.reason, message, causes: sorted }));
}

async function waitServed(c: TestClient, plural: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = await c.send('GET', `/apis/${GROUP}/v1/namespaces/default/${plural}`);
    if (r.status === 200) return;
    await new Promise((res) => setTimeout(res, 100));
  }
}

interface Outcome {
  readonly label: string;
  readonly local: string;
  readonly real: string;
}

async function runCase(
  c: TestClient,
  rc: RuleCase,
  i: number,
): Promise<{ label: string; result: string }[]> {
  const out: { label: string; result: string }[] = [];
  const crd = crdFor(rc, i);
  const created = await c.send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
    body: crd,
  });
  out.push({ label: `${rc.name}: CRD`, result: comparable(created) });
  if (created.status >= 300) return out;
  const plural = `rc${i}s`;
  const base = `/apis/${GROUP}/v1/namespaces/default/${plural}`;
  await waitServed(c, plural);
  let current = '';
  for (const [n, step] of rc.steps.entries()) {
    let r: TestResponse;
    if (step.op === 'create') {
      const name = step.name ?? `o${n}`;
      r = await c.send('POST', base, {
        body: { apiVersion: `${GROUP}/v1`, kind: `Rc${i}`, metadata: { name }, spec: step.spec },
      });
      if (r.status < 300) current = name;
    } else {
      const got = (await c.send('GET', `${base}/${current}`)).body;
      if (step.op === 'status') got.status = step.status;
      else got.spec = step.spec;
      r = await c.send(
        'PUT',
        step.op === 'status' ? `${base}/${current}/status` : `${base}/${current}`,
        { body: got },
      );
    }
    out.push({ label: `${rc.name}: step ${n} ${step.op}`, result: comparable(r) });
  }
  await c.send(
    'DELETE',
    `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${plural}.${GROUP}`,
  );
  return out;
}

describe(
  'CRD validation rules: local cluster against kube-apiserver',
  { skip: realClusterSkip() },
  () => {
    const clusters = clusterPair();

    it('answers every request of the corpus as kube-apiserver does', async () => {
      const { local: lc, real: rcl } = clusters();
      const outcomes: Outcome[] = [];
      for (const [i, rc] of [...CORPUS, ...MORE, ...COSTS, ...COMMON].entries()) {
        const [l, r] = await Promise.all([runCase(lc, rc, i), runCase(rcl, rc, i)]);
        l.forEach((x, k) =>
          outcomes.push({ label: x.label, local: x.result, real: r[k]?.result ?? '(missing)' }),
        );
      }
      const diffs = outcomes.filter((o) => o.local !== o.real);
      const matched = outcomes.length - diffs.length;
      console.log(
        `validation rules differential: ${matched}/${outcomes.length} identical (${((100 * matched) / outcomes.length).toFixed(1)}%)`,
      );
      for (const d of diffs)
        console.log(`DIFF ${d.label}\n  local: ${d.local}\n  real:  ${d.real}`);
      // the full differences, for reading when console lines are cut
      writeFileSync(
        join(tmpdir(), 'flotilla-validation-rules-diff.json'),
        JSON.stringify(diffs, null, 1),
      );
      assert.deepEqual(
        diffs.map((d) => d.label),
        [],
        'responses that differ from kube-apiserver',
      );
    });
  },
);
