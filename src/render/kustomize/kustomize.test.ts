// Own kustomize cases (goldens made by the kustomize v5.5.0 oracle, re-checked against it), safety rules and error reporting.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { oracle, oracleSkip } from '../../testing/index.js';
import { buildKustomization, KustomizeError, LoadRestrictor } from '../index.js';
import type { BuildOptions } from '../index.js';

const testdata = fileURLToPath(new URL('./testdata', import.meta.url));

/** Every directory under testdata holding an expected.yaml: the kustomization to build is that directory. */
function goldenCases(dir = testdata): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const p = join(dir, e.name);
    if (existsSync(join(p, 'expected.yaml'))) out.push(p);
    out.push(...goldenCases(p));
  }
  return out.sort();
}

const cases = goldenCases();

describe('golden cases', () => {
  test('there are golden cases for every feature area', () => {
    assert.ok(cases.length >= 15, `found ${cases.length} cases`);
  });
  for (const dir of cases) {
    test(relative(testdata, dir), () => {
      const { yaml, objects } = buildKustomization(dir);
      assert.equal(yaml, readFileSync(join(dir, 'expected.yaml'), 'utf8'));
      assert.equal(objects.length, yaml === '' ? 0 : yaml.split(/^---$/m).length);
    });
  }
});

describe('goldens still match kustomize v5.5.0', { skip: oracleSkip('kustomize') }, () => {
  for (const dir of cases) {
    test(relative(testdata, dir), () => {
      const r = spawnSync(oracle('kustomize'), ['build', dir], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, readFileSync(join(dir, 'expected.yaml'), 'utf8'));
    });
  }
});

const tmpRoots: string[] = [];
after(() => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
});

/** Writes a tree of files into a fresh temporary directory. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kustomize-test-'));
  tmpRoots.push(root);
  for (const [p, content] of Object.entries(files)) {
    const full = join(root, p);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n';

function buildError(dir: string, options?: BuildOptions): KustomizeError {
  try {
    buildKustomization(dir, options);
  } catch (err) {
    assert.ok(err instanceof KustomizeError, `expected a KustomizeError, got ${String(err)}`);
    return err;
  }
  assert.fail('the build should have failed');
}

describe('safety', () => {
  test('files outside the kustomization root are refused unless the restrictor allows them', () => {
    const root = tree({
      'outside.yaml': CM,
      'app/kustomization.yaml': 'resources:\n- ../outside.yaml\n',
    });
    const err = buildError(join(root, 'app'));
    assert.match(err.message, /security; file '.*outside\.yaml' is not in or below '.*app'/);
    assert.match(err.file ?? '', /outside\.yaml$/);
    const ok = buildKustomization(join(root, 'app'), { loadRestrictor: LoadRestrictor.None });
    assert.equal(ok.objects.length, 1);
  });

  test('a symlink cannot smuggle a file from outside the root', () => {
    const outside = tree({ 'secret.yaml': CM });
    const root = tree({ 'kustomization.yaml': 'resources:\n- link.yaml\n' });
    symlinkSync(join(outside, 'secret.yaml'), join(root, 'link.yaml'));
    assert.match(buildError(root).message, /security; file .* is not in or below/);
  });

  test('the sandbox root holds even with LoadRestrictionsNone and for bases', () => {
    const repo = tree({
      'other/kustomization.yaml': 'resources:\n- cm.yaml\n',
      'other/cm.yaml': CM,
    });
    const app = tree({ 'kustomization.yaml': `resources:\n- ${join(repo, 'other')}\n` });
    const err = buildError(app, { loadRestrictor: LoadRestrictor.None, sandboxRoot: app });
    assert.match(err.message, /resolves outside the build root/);
  });

  test('remote bases and exec plugins are refused with a clear error', () => {
    const remote = tree({
      'kustomization.yaml': 'resources:\n- https://github.com/org/repo//base?ref=v1\n',
    });
    assert.match(buildError(remote).message, /resources\[0\]: remote resource .* is not supported/);
    const git = tree({ 'kustomization.yaml': 'resources:\n- github.com/org/repo/base?ref=main\n' });
    assert.match(buildError(git).message, /remote resource/);
    const exec = tree({
      'kustomization.yaml': 'transformers:\n- plugin.yaml\n',
      'plugin.yaml':
        'apiVersion: someteam.example.com/v1\nkind: ChartInflator\nmetadata:\n  name: x\n',
    });
    assert.match(
      buildError(exec).message,
      /transformers\[0\]: transformer plugin someteam\.example\.com\/v1\/ChartInflator is not supported/,
    );
  });

  test('helmCharts needs --enable-helm, as with kustomize', () => {
    const root = tree({
      'kustomization.yaml': 'helmCharts:\n- name: nginx\n  repo: https://charts.example.com\n',
    });
    const err = buildError(root);
    assert.match(
      err.message,
      /helmCharts\[0\]: trouble configuring builtin HelmChartInflationGenerator with config: `\nname: nginx\nrepo: https:\/\/charts.example.com\n`: must specify --enable-helm/,
    );
    assert.equal(err.field, 'helmCharts[0]');
  });
});

describe('errors name the file and field', () => {
  const table: Array<{
    name: string;
    files: Record<string, string>;
    message: RegExp;
    field?: string;
    dir?: string;
  }> = [
    {
      name: 'missing resource file',
      files: { 'kustomization.yaml': 'resources:\n- nope.yaml\n' },
      message: /resources\[0\]: file '.*nope\.yaml' does not exist/,
      field: 'resources[0]',
    },
    {
      name: 'unknown kustomization field',
      files: { 'kustomization.yaml': 'resourcez:\n- a.yaml\n' },
      message:
        /kustomization\.yaml: resourcez: invalid Kustomization: json: unknown field "resourcez"/,
      field: 'resourcez',
    },
    {
      name: 'label value that YAML 1.1 reads as a boolean',
      files: { 'kustomization.yaml': 'commonLabels:\n  enabled: yes\n' },
      message:
        /commonLabels\.enabled: invalid Kustomization: json: cannot unmarshal bool into Go struct field commonLabels\.enabled of type string/,
      field: 'commonLabels.enabled',
    },
    {
      name: 'duplicate resource id',
      files: {
        'kustomization.yaml': 'resources:\n- a.yaml\n- b.yaml\n',
        'a.yaml': CM,
        'b.yaml': CM,
      },
      message:
        /may not add resource with an already registered id: ConfigMap\.v1\.\[noGrp\]\/cm\.\[noNs\]/,
    },
    {
      name: 'invalid YAML in a resource',
      files: { 'kustomization.yaml': 'resources:\n- a.yaml\n', 'a.yaml': 'kind: [unclosed\n' },
      message: /a\.yaml: invalid YAML/,
    },
    {
      name: 'patch without a target object',
      files: {
        'kustomization.yaml':
          'resources:\n- a.yaml\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: other\n',
        'a.yaml': CM,
      },
      message: /patches\[0\]: no matches for Id ConfigMap\.v1\.\[noGrp\]\/other\.\[noNs\]/,
      field: 'patches[0]',
    },
    {
      name: 'generator merging into nothing',
      files: {
        'kustomization.yaml':
          'configMapGenerator:\n- name: x\n  behavior: merge\n  literals:\n  - a=b\n',
      },
      message: /does not exist; cannot merge or replace/,
    },
    {
      name: 'var used in a list of non-strings',
      files: {
        'kustomization.yaml':
          'resources:\n- a.yaml\nvars:\n- name: V\n  objref:\n    apiVersion: v1\n    kind: ConfigMap\n    name: cm\n',
        'a.yaml':
          CM +
          '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        args: [1]\n',
      },
      message: /invalid value type expect a string/,
    },
    {
      name: 'kustomization with nothing but apiVersion and kind',
      files: {
        'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n',
      },
      message: /kustomization\.yaml: kustomization\.yaml is empty/,
    },
    {
      name: 'image tag written as a number',
      files: { 'kustomization.yaml': 'images:\n- name: nginx\n  newTag: 1.10\n' },
      message:
        /images\[0\]\.newTag: invalid Kustomization: json: cannot unmarshal number into Go struct field images\[0\]\.newTag of type string/,
      field: 'images[0].newTag',
    },
    {
      name: 'a base that contains the overlay (cycle)',
      files: {
        'kustomization.yaml': 'resources: []\n',
        'overlay/kustomization.yaml': 'resources:\n- ..\n',
      },
      message: /cycle detected/,
      dir: 'overlay',
    },
    {
      name: 'directory without kustomization.yaml',
      files: { 'a.yaml': CM },
      message:
        /unable to find one of 'kustomization\.yaml', 'kustomization\.yml' or 'Kustomization'/,
    },
  ];
  for (const c of table) {
    test(c.name, () => {
      const root = tree(c.files);
      const err = buildError(c.dir === undefined ? root : join(root, c.dir));
      assert.match(err.message, c.message);
      if (c.field !== undefined) assert.equal(err.field, c.field);
    });
  }
});

describe('Flux behaviour without kustomization.yaml', () => {
  test('every manifest under the directory becomes a resource, nested kustomizations as directories', () => {
    const files = {
      'a.yaml': CM,
      'sub/b.yaml': CM.replace('name: cm', 'name: cm-b'),
      'sub/notes.txt': 'not yaml',
      'app/kustomization.yaml': 'namePrefix: app-\nresources:\n- c.yaml\n',
      'app/c.yaml': CM.replace('name: cm', 'name: cm-c'),
    };
    const generated = tree(files);
    assert.match(buildError(generated).message, /unable to find one of/);
    const explicit = tree({
      ...files,
      'kustomization.yaml': 'resources:\n- a.yaml\n- app\n- sub/b.yaml\n',
    });
    const got = buildKustomization(generated, { fluxAutogenerate: true });
    assert.equal(got.yaml, buildKustomization(explicit).yaml);
    assert.deepEqual(
      got.objects.map((o) => (o['metadata'] as Record<string, unknown>)['name']),
      ['app-cm-c', 'cm', 'cm-b'],
    );

    // As Flux: a YAML file that is not a Kubernetes object fails the build instead of being
    // skipped (fluxcd/kustomize-controller#542: skipping silently dropped resources).
    const withValues = tree({ ...files, 'sub/values.yaml': 'replicas: 3\n' });
    assert.throws(
      () => buildKustomization(withValues, { fluxAutogenerate: true }),
      /failed to decode Kubernetes YAML from .*values\.yaml: missing Resource metadata/,
    );
  });
});
