// Benchmark of the Rego engine: a typical admission policy (required labels, image allow-list)
// compiled once and evaluated on one object, against the same checks written in plain JS.
import { compile, fromJS } from '../src/policy/index.js';

const POLICY = `package admission

import rego.v1

required := {"app", "owner"}

allowed := ["registry.example/", "ghcr.io/flotilla/"]

deny contains msg if {
  some label in required
  not input.metadata.labels[label]
  msg := sprintf("missing label %s", [label])
}

deny contains msg if {
  some c in input.spec.containers
  not allowed_image(c.image)
  msg := sprintf("image %s is not allowed", [c.image])
}

allowed_image(image) if {
  some prefix in allowed
  startswith(image, prefix)
}
`;

const object = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web', tier: 'frontend' } },
  spec: {
    containers: [
      { name: 'web', image: 'registry.example/web:1.2.3' },
      { name: 'sidecar', image: 'docker.io/library/envoy:1.31' },
    ],
  },
};

/** The same policy by hand: the baseline an in-process check cannot beat. */
function denyJS(o: typeof object): string[] {
  const out: string[] = [];
  const labels = o.metadata.labels as Record<string, string | undefined>;
  for (const l of ['app', 'owner']) if (!labels[l]) out.push(`missing label ${l}`);
  for (const c of o.spec.containers) {
    if (!['registry.example/', 'ghcr.io/flotilla/'].some((p) => c.image.startsWith(p))) {
      out.push(`image ${c.image} is not allowed`);
    }
  }
  return out.sort();
}

function time(label: string, n: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(n, 2000); i++) fn(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  const us = Number(process.hrtime.bigint() - start) / 1000 / n;
  console.log(`${label.padEnd(44)} ${us.toFixed(2).padStart(9)} µs/op`);
  return us;
}

const t0 = process.hrtime.bigint();
const policy = compile([{ file: 'admission.rego', source: POLICY }]);
const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(`compile (parse, check, order)                ${compileMs.toFixed(2).padStart(9)} ms`);

const input = fromJS(object);
const got = policy.eval('data.admission.deny', { input })[0]?.expressions[0]?.value;
const want = denyJS(object);
if (JSON.stringify(got) !== JSON.stringify(want)) {
  throw new Error(`policy result ${JSON.stringify(got)} differs from ${JSON.stringify(want)}`);
}

const N = 20000;
const js = time('baseline: same checks in plain JS', N * 10, () => denyJS(object));
const rego = time('rego: data.admission.deny (input as Value)', N, () =>
  policy.evalDetailed('data.admission.deny', { input }),
);
const regoJS = time('rego: with JS → Value input conversion', N, () =>
  policy.evalDetailed('data.admission.deny', { input: object }),
);
console.log(`per-evaluation time: ${rego.toFixed(2)} µs (aim: under 50 µs)`);
console.log(
  `ratio rego / plain JS: ${(rego / js).toFixed(1)}x; with input conversion ${(regoJS / js).toFixed(1)}x`,
);
