// `flotilla helm template` and `flotilla helm lint` run as the real command, against the helm
// oracle (helm v3.21.4) where it is built.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  helmCorpusChart,
  helmCorpusCharts,
  oracleSkip,
  runCli,
  runHelm,
  writeFileTree,
} from '../testing/index.js';
import type { CliResult } from '../testing/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'flotilla-helm-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The shipped command (bin/flotilla.js over the bundle), as users run it. */
const flotilla = (args: string[]): Promise<CliResult> => runCli(args);

/** Every file under dir with its text, by path relative to dir. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const BROKEN: Readonly<Record<string, string>> = {
  'Chart.yaml': 'apiVersion: v2\nname: broken\nversion: 0.1.0\n',
  'values.yaml': 'a: 1\n',
  'templates/cm.yaml':
    'kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: x\ndata:\n  a: {{ .Values.a | quote }\n',
};

function writeBroken(): string {
  const dir = join(tmp, 'broken');
  return writeFileTree(dir, BROKEN);
}

const PODINFO = 'stefanprodan+podinfo~podinfo';
const skip =
  oracleSkip('helm') || (helmCorpusCharts().includes(PODINFO) ? false : 'no helm chart corpus');

describe('flotilla helm', { skip }, () => {
  it('template prints what helm template prints (flags, --show-only)', async () => {
    const args = [
      'template',
      'rel',
      helmCorpusChart(PODINFO),
      '--kube-version',
      '1.29.0',
      '--namespace',
      'apps',
      '--set',
      'replicaCount=2',
      '--set-string',
      'ui.message=hello',
      '--show-only',
      'templates/deployment.yaml',
      '--show-only',
      'templates/service.yaml',
    ];
    const ours = await flotilla(['helm', ...args]);
    const theirs = runHelm(args);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout, theirs.stdout);
  });

  it("template takes a packaged chart and helm template's flags as helm does", async () => {
    const chart = join(tmp, 'flags');
    const files: Record<string, string> = {
      'Chart.yaml': 'apiVersion: v2\nname: flags\nversion: 0.2.0\nkubeVersion: ">=1.25.0-0"\n',
      'values.yaml': 'n: 1\n',
      'crds/crd.yaml':
        'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\n',
      'templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\ndata:\n  upgrade: {{ .Release.IsUpgrade | quote }}\n  monitoring: {{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" | quote }}\n  kube: {{ .Capabilities.KubeVersion.Version }}\n',
      'templates/hook.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: pre\n  annotations:\n    helm.sh/hook: pre-install\n',
      'templates/tests/t.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n',
    };
    writeFileTree(chart, files);
    const pkg = runHelm(['package', chart, '-d', tmp]);
    assert.equal(pkg.status, 0, pkg.stderr);
    const tgz = join(tmp, 'flags-0.2.0.tgz');
    const sets: string[][] = [
      // Always a --kube-version: the oracle's default is v1.20.0 (see docs/helm.md), ours v1.36.0.
      [
        'template',
        'rel',
        tgz,
        '--include-crds',
        '--is-upgrade',
        '-n',
        'apps',
        '--kube-version',
        '1.31.0',
      ],
      [
        'template',
        'rel',
        tgz,
        '--skip-crds',
        '--skip-tests',
        '-a',
        'monitoring.coreos.com/v1',
        '--kube-version',
        'v1.29.1',
      ],
      [
        'template',
        tgz,
        '--no-hooks',
        '--kube-version',
        '1.30.2',
        '--name-template',
        '{{ "x" | upper | lower }}-rel',
      ],
      ['template', 'rel', chart, '--kube-version', '1.20.0'],
    ];
    for (const args of sets) {
      const ours = await flotilla(['helm', ...args]);
      const theirs = runHelm(args);
      assert.equal(ours.code === 0, theirs.status === 0, `${args.join(' ')}: ${ours.stderr}`);
      if (theirs.status === 0) assert.equal(ours.stdout, theirs.stdout, args.join(' '));
      else assert.equal(ours.stderr, theirs.stderr.replace(/^Error: /, 'error: '), args.join(' '));
    }
  });

  it('template --output-dir writes the same files', async () => {
    const a = join(tmp, 'ours');
    const b = join(tmp, 'theirs');
    const args = (dir: string): string[] => [
      'template',
      'rel',
      helmCorpusChart(PODINFO),
      '--kube-version',
      '1.29.0',
      '--skip-tests',
      '--output-dir',
      dir,
    ];
    const ours = await flotilla(['helm', ...args(a)]);
    const theirs = runHelm(args(b));
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout.replaceAll(a, 'DIR'), theirs.stdout.replaceAll(b, 'DIR'));
    assert.deepEqual(tree(a), tree(b));
  });

  it('values flags merge in the precedence and types of Helm', async () => {
    const dir = join(tmp, 'values');
    const files: Record<string, string> = {
      'Chart.yaml': 'apiVersion: v2\nname: values\nversion: 0.1.0\n',
      'values.yaml': 'a: 1\nb:\n  c: 2\n  gone: x\nlist: [1, 2]\n',
      'templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v\ndata:\n  values: |\n{{ toYaml .Values | indent 4 }}\n  kinds: {{ kindOf .Values.a }} {{ kindOf .Values.s }} {{ kindOf .Values.big }} {{ kindOf .Values.f }}\n',
      'v1.yaml': 'b:\n  d: 3\na: 2.5\n',
      'v2.yaml': 'b:\n  gone: null\nbig: 12345678901234567890\n',
      'file.txt': 'line one\nline two\n',
    };
    writeFileTree(dir, files);
    const args = [
      'template',
      'v',
      dir,
      '-f',
      join(dir, 'v1.yaml'),
      '--values',
      join(dir, 'v2.yaml'),
      '--set',
      'a=5,list[3]=x,big=9007199254740993',
      '--set-string',
      's=007',
      '--set-json',
      'j={"k":[1,2.5,"x"],"n":null}',
      '--set-file',
      `f=${join(dir, 'file.txt')}`,
      '--set-literal',
      'lit=a,b=c',
      '--set',
      'b.c=null',
    ];
    const ours = await flotilla(['helm', ...args]);
    const theirs = runHelm(args);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout, theirs.stdout);
  });

  it('template and lint report a broken chart with file and line', async () => {
    const dir = writeBroken();
    const t = await flotilla(['helm', 'template', 'x', dir]);
    assert.equal(t.code, 1);
    const expected = runHelm(['template', 'x', dir]).stderr.replace(/^Error: /, 'error: ');
    assert.equal(t.stderr, expected);
    const l = await flotilla(['helm', 'lint', dir]);
    const theirs = runHelm(['lint', dir]);
    assert.equal(l.code, 1);
    assert.equal(l.stdout, theirs.stdout);
    assert.match(
      l.stdout,
      /\[ERROR\] templates\/: parse error at \(broken\/templates\/cm\.yaml:6\)/,
    );
  });
});
