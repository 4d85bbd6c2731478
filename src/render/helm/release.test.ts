// renderRelease, the engine's API for controllers, against what the real Helm keeps in a release:
// `helm install --dry-run=client -o json` against a fake cluster's discovery prints the release's
// manifest, hooks (events, weights, policies) and notes, which must equal ours field by field.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  helmCorpusChart,
  helmInstallDryRun,
  oracle,
  oracleSkip,
  startFakeDiscovery,
  writeFileTree,
} from '../../testing/index.js';
import type { FakeDiscovery, OracleRelease } from '../../testing/index.js';
import { HelmError, loadChart, parseValues, renderRelease } from './index.js';
import type { RenderOptions, RenderedRelease } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'flotilla-helm-release-'));
after(() => rmSync(root, { recursive: true, force: true }));

const hook = (kind: string, name: string, annotations: string): string =>
  `apiVersion: ${kind === 'Job' ? 'batch/v1' : 'v1'}\nkind: ${kind}\nmetadata:\n  name: ${name}\n  annotations:\n${annotations}\n`;

/** A chart with every kind of hook annotation, notes in the chart and its subchart, and CRDs. */
const HOOKS_CHART: Readonly<Record<string, string>> = {
  'Chart.yaml':
    'apiVersion: v2\nname: hooks\nversion: 1.2.3\ndependencies:\n  - name: sub\n    version: 0.1.0\n    condition: sub.enabled\n',
  'values.yaml': 'sub:\n  enabled: true\ngreeting: hello\n',
  'crds/crd.yaml':
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\n',
  'templates/NOTES.txt':
    'Release {{ .Release.Name }} in {{ .Release.Namespace }}: revision {{ .Release.Revision }}, install {{ .Release.IsInstall }}, upgrade {{ .Release.IsUpgrade }}\nkube {{ .Capabilities.KubeVersion }} servicemonitors {{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor" }} fake {{ .Capabilities.APIVersions.Has "fake/v1" }}\nlookup {{ lookup "v1" "Secret" "ns" "x" }}\n{{ .Values.greeting }}\n',
  'templates/objects.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    note: plain\n---\n# only a comment\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n',
  'templates/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n',
  // Templates may change .Values (set, unset): that must not reach the loaded chart.
  'templates/zz-mutate.yaml':
    '{{- $_ := set .Values "greeting" "mutated" }}{{- $_ := unset .Values.sub "x" }}{{- $_ := set .Values.sub "added" 1 }}',
  'templates/hooks.yaml': [
    hook(
      'Job',
      'migrate',
      '    helm.sh/hook: pre-install, POST-upgrade\n    helm.sh/hook-weight: "-5"\n    helm.sh/hook-delete-policy: Before-Hook-Creation, hook-succeeded\n    helm.sh/hook-output-log-policy: hook-failed',
    ),
    hook('ConfigMap', 'setup', '    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "+3"'),
    hook(
      'ServiceAccount',
      'odd-weight',
      '    helm.sh/hook: post-delete\n    helm.sh/hook-weight: "1.5"',
    ),
    hook(
      'Pod',
      'smoke',
      '    helm.sh/hook: test-success\n    helm.sh/hook-delete-policy: hook-failed',
    ),
    hook('ConfigMap', 'unknown', '    helm.sh/hook: pre-nothing'),
  ].join('---\n'),
  'charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 0.1.0\n',
  'charts/sub/values.yaml': 'x: 1\n',
  'charts/sub/crds/sub-crd.yaml':
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: subthings.example.com\n',
  'charts/sub/templates/NOTES.txt': 'sub notes for {{ .Release.Name }} x={{ .Values.x }}\n',
  'charts/sub/templates/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub-{{ .Values.x }}\n',
};

/** The fields of a release both sides keep, in Helm's JSON shape. */
function fields(r: RenderedRelease): OracleRelease {
  return {
    name: r.releaseName,
    namespace: r.namespace,
    version: r.revision,
    manifest: r.manifest,
    info: r.notes === '' ? {} : { notes: r.notes },
    hooks: r.hooks.map((h) => ({
      name: h.name,
      kind: h.kind,
      path: h.path,
      manifest: h.manifest,
      events: h.events,
      ...(h.weight !== 0 ? { weight: h.weight } : {}),
      ...(h.deletePolicies.length > 0 ? { delete_policies: h.deletePolicies } : {}),
      ...(h.outputLogPolicies.length > 0 ? { output_log_policies: h.outputLogPolicies } : {}),
    })),
  };
}

function oracleFields(r: OracleRelease): OracleRelease {
  return {
    name: r.name,
    namespace: r.namespace,
    version: r.version,
    manifest: r.manifest,
    info: r.info.notes === undefined ? {} : { notes: r.info.notes },
    hooks: (r.hooks ?? []).map((h) => ({
      name: h.name,
      kind: h.kind,
      path: h.path,
      manifest: h.manifest,
      events: h.events,
      ...(h.weight !== undefined ? { weight: h.weight } : {}),
      ...(h.delete_policies !== undefined ? { delete_policies: h.delete_policies } : {}),
      ...(h.output_log_policies !== undefined
        ? { output_log_policies: h.output_log_policies }
        : {}),
    })),
  };
}

describe('renderRelease against helm install --dry-run', { skip: oracleSkip('helm') }, () => {
  let cluster: FakeDiscovery;
  before(async () => {
    cluster = await startFakeDiscovery('v1.31.2');
  });
  after(() => cluster.close());

  const opts = (extra: RenderOptions = {}): RenderOptions => ({
    kubeVersion: cluster.kubeVersion,
    apiVersions: cluster.apiVersions,
    ...extra,
  });

  async function compare(
    chart: string,
    name: string,
    namespace: string,
    args: readonly string[],
    extra: RenderOptions = {},
  ): Promise<RenderedRelease> {
    const theirs = await helmInstallDryRun(cluster, name, chart, ['-n', namespace, ...args]);
    assert.equal(theirs.error, undefined);
    const ours = renderRelease(chart, opts({ releaseName: name, namespace, ...extra }));
    assert.deepEqual(fields(ours), oracleFields(theirs.release as OracleRelease));
    return ours;
  }

  it('keeps manifests, hooks (events, weights, policies) and notes apart as Helm does', async () => {
    const dir = writeFileTree(join(root, 'hooks'), HOOKS_CHART);
    const r = await compare(dir, 'rel', 'ns1', []);
    assert.deepEqual(
      r.manifests.map((m) => `${m.kind}/${m.name}`),
      [
        'ServiceAccount/hooks/templates/sa.yaml',
        'ConfigMap/hooks/charts/sub/templates/cm.yaml',
        'ConfigMap/hooks/templates/objects.yaml',
        'Service/hooks/templates/objects.yaml',
        'Deployment/hooks/templates/objects.yaml',
        '/hooks/templates/objects.yaml',
      ],
    );
    assert.deepEqual(
      r.crds.map((c) => c.filename),
      ['hooks/crds/crd.yaml', 'hooks/charts/sub/crds/sub-crd.yaml'],
    );
    assert.match(r.notes, /^Release rel in ns1: revision 1, install true, upgrade false\n/);
    assert.match(r.notes, /servicemonitors true fake false\nlookup map\[\]\n/);
  });

  it('renders subcharts notes with subNotes, and values given by the user', async () => {
    const dir = join(root, 'hooks');
    const values = join(root, 'over.yaml');
    writeFileSync(values, 'greeting: bye\nsub:\n  x: 7\n');
    const args = ['-n', 'default', '--render-subchart-notes', '-f', values];
    const theirs = await helmInstallDryRun(cluster, 'other', dir, args);
    assert.equal(theirs.error, undefined);
    const ours = renderRelease(
      dir,
      opts({
        releaseName: 'other',
        subNotes: true,
        values: parseValues(readFileSync(values, 'utf8'), values),
      }),
    );
    const expected = oracleFields(theirs.release as OracleRelease);
    // Helm joins the notes in Go's map order, which changes from run to run; ours puts the top first.
    const top = renderRelease(dir, opts({ releaseName: 'other', values: ours.values })).notes;
    const sub = 'sub notes for other x=7\n';
    assert.equal(ours.notes, `${top}\n${sub}`);
    assert.ok([`${top}\n${sub}`, `${sub}\n${top}`].includes(expected.info.notes ?? ''));
    assert.deepEqual({ ...fields(ours), info: {} }, { ...expected, info: {} });
  });

  it('renders the same from a packaged chart (path or bytes) as from its folder', async () => {
    const dir = join(root, 'hooks');
    const pkg = join(root, 'pkg');
    mkdirSync(pkg, { recursive: true });
    const helm = spawnSync(oracle('helm'), ['package', dir, '-d', pkg]);
    assert.equal(helm.status, 0, helm.stderr.toString());
    const tgz = join(pkg, 'hooks-1.2.3.tgz');
    const fromTgz = await compare(tgz, 'rel', 'ns1', []);
    const fromBytes = renderRelease(
      readFileSync(tgz),
      opts({ releaseName: 'rel', namespace: 'ns1' }),
    );
    assert.deepEqual(fields(fromBytes), fields(fromTgz));
  });

  for (const name of [
    'argoproj+argo-helm~argo-workflows',
    'kubernetes+ingress-nginx~ingress-nginx',
    'grafana+helm-charts~tempo-distributed',
    'prometheus-community+helm-charts~prometheus',
  ]) {
    it(`renders the corpus chart ${name} as its release`, async () => {
      await compare(helmCorpusChart(name), 'corpus', 'apps', []);
    });
  }
});

describe('renderRelease', () => {
  const dir = writeFileTree(join(root, 'local'), HOOKS_CHART);

  it('renders upgrades with their revision', () => {
    const r = renderRelease(dir, { releaseName: 'r', revision: 7, isUpgrade: true });
    assert.match(r.notes, /^Release r in default: revision 7, install false, upgrade true\n/);
    assert.equal(r.revision, 7);
  });

  it('leaves a loaded chart unchanged, so one load serves many renders', () => {
    const chart = loadChart(dir);
    const off = renderRelease(chart, { values: parseValues('sub:\n  enabled: false\n', 'off') });
    const on = renderRelease(chart, { values: parseValues('sub:\n  x: 3\n', 'on') });
    assert.equal(off.manifests.filter((m) => m.name.includes('/sub/')).length, 0);
    assert.deepEqual(
      fields(on),
      fields(renderRelease(dir, { values: parseValues('sub:\n  x: 3\n', 'on') })),
    );
    assert.deepEqual(fields(renderRelease(chart)), fields(renderRelease(dir)));
    assert.equal(chart.dependencies().length, 1);
  });

  it('answers lookup from the cluster the caller passes', () => {
    const chart = writeFileTree(join(root, 'lookup'), {
      'Chart.yaml': 'apiVersion: v2\nname: lookup\nversion: 0.1.0\n',
      'templates/cm.yaml':
        '{{- $s := lookup "v1" "Secret" .Release.Namespace "creds" }}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  found: {{ $s.data.password | default "none" | quote }}\n  all: {{ (lookup "v1" "Secret" "" "").kind | quote }}\n',
    });
    const asked: string[] = [];
    const r = renderRelease(chart, {
      namespace: 'apps',
      lookup: (apiVersion, kind, namespace, name) => {
        asked.push(`${apiVersion} ${kind} ${namespace}/${name}`);
        const m = parseValues(
          name === '' ? 'kind: SecretList\nitems: []\n' : 'kind: Secret\ndata:\n  password: cHc=\n',
          'cluster',
        );
        return m;
      },
    });
    assert.deepEqual(asked, ['v1 Secret apps/creds', 'v1 Secret /']);
    assert.match(r.manifest, /found: "cHc="\n {2}all: "SecretList"\n/);
  });

  it('puts CRDs first in the manifest only with includeCrds', () => {
    const r = renderRelease(dir, { includeCrds: true });
    assert.ok(r.manifest.startsWith('---\n# Source: hooks/crds/crd.yaml\n'));
    assert.ok(!renderRelease(dir).manifest.includes('CustomResourceDefinition'));
  });

  const failures: readonly (readonly [
    string,
    Readonly<Record<string, string>>,
    RenderOptions,
    string,
    RegExp,
  ])[] = [
    [
      'a missing subchart',
      {
        'Chart.yaml':
          'apiVersion: v2\nname: hooks\nversion: 1.0.0\ndependencies:\n  - name: gone\n    version: 1.0.0\n',
      },
      {},
      'DependencyMissing',
      /: found in Chart\.yaml, but missing in charts\/ directory: gone$/,
    ],
    [
      'a subchart without a name',
      { 'charts/sub/Chart.yaml': 'apiVersion: v2\nversion: 0.1.0\n' },
      {},
      'ChartLoadFailed',
      /^error unpacking subchart sub in hooks: validation: chart\.metadata\.name is required$/,
    ],
    [
      'a bad template',
      { 'templates/bad.yaml': '{{ if }}' },
      {},
      'TemplateParseError',
      /^parse error at \(hooks\/templates\/bad\.yaml:1\): missing value for if$/,
    ],
    [
      'a failing template',
      { 'templates/bad.yaml': '{{ required "greeting please" .Values.nothing }}' },
      {},
      'TemplateExecError',
      /greeting please/,
    ],
    [
      'values against the schema',
      { 'values.schema.json': '{"properties":{"greeting":{"type":"integer"}}}' },
      {},
      'ValuesInvalid',
      /^values don't meet the specifications of the schema\(s\) in the following chart\(s\):\nhooks:\n- at '\/greeting': got string, want integer\n$/,
    ],
    [
      'a bad release name',
      {},
      { releaseName: 'Bad_Name' },
      'InvalidReleaseName',
      /invalid release name/,
    ],
    [
      'an incompatible cluster',
      { 'Chart.yaml': 'apiVersion: v2\nname: hooks\nversion: 1.0.0\nkubeVersion: ">=1.40.0"\n' },
      { kubeVersion: 'v1.31.0' },
      'KubeVersionIncompatible',
      /^chart requires kubeVersion: >=1\.40\.0 which is incompatible with Kubernetes v1\.31\.0$/,
    ],
    [
      'a library chart',
      { 'Chart.yaml': 'apiVersion: v2\nname: hooks\nversion: 1.0.0\ntype: library\n' },
      {},
      'ChartNotInstallable',
      /^library charts are not installable$/,
    ],
  ];
  for (const [what, change, options, reason, message] of failures) {
    it(`fails on ${what} with a HelmError of reason ${reason}`, () => {
      const broken = writeFileTree(join(root, `broken-${reason}`), { ...HOOKS_CHART, ...change });
      assert.throws(
        () => renderRelease(broken, options),
        (e: unknown) => e instanceof HelmError && e.reason === reason && message.test(e.message),
      );
    });
  }
});
