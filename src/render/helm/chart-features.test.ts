// Differential test of the chart features real charts combine: subcharts as folders and packaged
// .tgz files, aliases, conditions and tags, import-values in both forms, library charts, global
// values, coalescing with null deleting a default, Chart.yaml v1 with requirements.yaml,
// .helmignore, CRDs of subcharts, and the whole tree packaged; each rendering must be byte for
// byte what `helm template` prints (or fail with Helm's message).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  firstDifference,
  oracle,
  oracleSkip,
  runHelm,
  writeFileTree,
} from '../../testing/index.js';
import { helmTemplate, mergeValueOptions, parseKubeVersion } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'flotilla-chart-features-'));
after(() => rmSync(root, { recursive: true, force: true }));

const SHOW = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Chart.Name }}-{{ .Release.Name }}
data:
  values: |
{{ toYaml .Values | indent 4 }}
  chart: {{ .Chart.Name }} {{ .Chart.Version }} {{ .Chart.AppVersion | default "-" }}
  template: {{ .Template.Name }} {{ .Template.BasePath }}
  global: {{ .Values.global | toJson }}
  helper: {{ include "lib.label" . }}
`;

const LIBRARY: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: lib\nversion: 0.3.0\ntype: library\n',
  'templates/_helpers.tpl':
    '{{- define "lib.label" -}}{{ .Chart.Name }}/{{ .Values.name | default "none" }}{{- end -}}\n',
  'templates/ignored.yaml': 'this: is not rendered, lib is a library\n',
};

/** The child every parent below includes under several names; packaged as .tgz for some. */
const CHILD: Record<string, string> = {
  'Chart.yaml':
    'apiVersion: v2\nname: child\nversion: 1.0.0\nappVersion: "2.0"\ndependencies:\n  - name: lib\n    version: 0.3.0\n',
  'values.yaml':
    'name: child\nport: 80\nexported:\n  colour: blue\n  size: 3\nexports:\n  data:\n    fromExports: yes\nremoveMe: default\nglobal:\n  childDefault: c\n',
  'templates/cm.yaml': SHOW,
  'templates/_local.tpl': '{{- define "child.local" -}}local{{- end -}}\n',
  'crds/widgets.yaml':
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n',
  'files/conf.txt': 'a=1\n',
  '.helmignore': 'files/secret.txt\n',
  'files/secret.txt': 'nope\n',
  'templates/files.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: files-{{ .Chart.Name }}\ndata:\n{{ (.Files.Glob "files/*").AsConfig | indent 2 }}\n',
};

const PARENT: Record<string, string> = {
  'Chart.yaml': `apiVersion: v2
name: parent
version: 0.9.0
dependencies:
  - name: child
    version: 1.0.0
    alias: first
    condition: first.enabled,global.firstOn
    import-values:
      - data
      - child: exported
        parent: imported
  - name: child
    version: ">=1.0.0"
    alias: second
    tags: [extra]
  - name: packed
    version: 1.0.0
    condition: packed.enabled
  - name: lib
    version: 0.3.0
`,
  'values.yaml': `global:
  region: eu
first:
  enabled: true
  port: 8080
  removeMe: null
second:
  name: second
tags:
  extra: false
packed:
  enabled: true
imported:
  size: 1
  kept: true
`,
  'templates/parent.yaml': SHOW,
  'templates/NOTES.txt': 'not printed\n',
};

/** Writes the parent tree: child as folders (aliased twice), packed as a .tgz, lib in both. */
function writeCharts(): string {
  const work = join(root, 'work');
  writeFileTree(join(work, 'child'), CHILD);
  writeFileTree(join(work, 'child', 'charts', 'lib'), LIBRARY);
  writeFileTree(join(work, 'packed'), {
    ...CHILD,
    'Chart.yaml': CHILD['Chart.yaml']?.replace('name: child', 'name: packed') ?? '',
  });
  writeFileTree(join(work, 'packed', 'charts', 'lib'), LIBRARY);
  const parent = join(root, 'parent');
  writeFileTree(parent, PARENT);
  writeFileTree(join(parent, 'charts', 'child'), CHILD);
  writeFileTree(join(parent, 'charts', 'child', 'charts', 'lib'), LIBRARY);
  writeFileTree(join(parent, 'charts', 'lib'), LIBRARY);
  const pack = spawnSync(oracle('helm'), [
    'package',
    join(work, 'packed'),
    '-d',
    join(parent, 'charts'),
  ]);
  assert.equal(pack.status, 0, pack.stderr.toString());
  return parent;
}

/** A Chart.yaml v1 chart whose dependencies are in requirements.yaml. */
function writeV1(): string {
  const dir = join(root, 'v1');
  writeFileTree(dir, {
    'Chart.yaml': 'apiVersion: v1\nname: old\nversion: 0.1.0\n',
    'requirements.yaml':
      'dependencies:\n  - name: child\n    version: 1.0.0\n    condition: child.enabled\n',
    'values.yaml': 'child:\n  enabled: true\n  name: from-v1\n',
    'templates/old.yaml': SHOW.replace('{{ include "lib.label" . }}', 'v1'),
  });
  writeFileTree(join(dir, 'charts', 'child'), CHILD);
  writeFileTree(join(dir, 'charts', 'child', 'charts', 'lib'), LIBRARY);
  return dir;
}

interface Case {
  readonly name: string;
  readonly chart: () => string;
  readonly args: readonly string[];
  /** How many documents helm prints (subcharts on and off as the case means). */
  readonly sources: number;
}

describe('chart features against the helm oracle', { skip: oracleSkip('helm') }, () => {
  let parent = '';
  let v1 = '';
  let packaged = '';
  before(() => {
    parent = writeCharts();
    v1 = writeV1();
    const pack = spawnSync(oracle('helm'), ['package', parent, '-d', root]);
    assert.equal(pack.status, 0, pack.stderr.toString());
    packaged = join(root, 'parent-0.9.0.tgz');
  });

  const overrides = join(root, 'overrides.yaml');
  const cases: readonly Case[] = [
    { name: 'defaults', chart: () => parent, args: [], sources: 5 },
    {
      name: 'tags on, first off by its condition',
      chart: () => parent,
      args: ['--set', 'tags.extra=true', '--set', 'first.enabled=false'],
      sources: 5,
    },
    {
      name: 'condition falls through to a global, packed subchart off',
      chart: () => parent,
      args: [
        '--set',
        'first.enabled=null',
        '--set',
        'global.firstOn=false',
        '--set',
        'packed.enabled=false',
      ],
      sources: 1,
    },
    {
      name: 'values files deleting defaults with null, globals from the parent',
      chart: () => parent,
      args: ['-f', overrides, '--include-crds'],
      sources: 7,
    },
    {
      name: 'the whole tree packaged',
      chart: () => packaged,
      args: ['--include-crds', '--set', 'tags.extra=true'],
      sources: 10,
    },
    { name: 'Chart.yaml v1 with requirements.yaml', chart: () => v1, args: [], sources: 3 },
    {
      name: 'Chart.yaml v1 with its dependency off',
      chart: () => v1,
      args: ['--set', 'child.enabled=false'],
      sources: 1,
    },
    {
      name: 'a condition that is not a boolean',
      chart: () => parent,
      args: ['--set', 'first.enabled=yes please'],
      sources: 5,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      writeFileSync(
        overrides,
        'global:\n  region: us\n  added: 1\nfirst:\n  exported: null\n  port: null\nsecond:\n  removeMe: null\nimported:\n  kept: null\n',
      );
      const chart = c.chart();
      const args = ['template', 'rel', chart, '--kube-version', '1.31.0', ...c.args];
      const theirs = runHelm(args);
      const sources = [...theirs.stdout.matchAll(/^# Source: /gm)].length;
      assert.equal(sources, c.sources, `helm printed ${sources} documents: ${theirs.stderr}`);
      const pick = (flag: string): string[] =>
        c.args.flatMap((a, i) => (a === flag ? [c.args[i + 1] as string] : []));
      let ours: string;
      try {
        ours = helmTemplate(chart, {
          releaseName: 'rel',
          kubeVersion: parseKubeVersion('1.31.0'),
          includeCrds: c.args.includes('--include-crds'),
          values: mergeValueOptions({ valueFiles: pick('-f'), values: pick('--set') }),
        }).output;
      } catch (e) {
        ours = `error: ${(e as Error).message}`;
      }
      if (theirs.status !== 0) {
        const msg = theirs.stderr
          .replace(/^Error: /m, '')
          .replace(/\n\nUse --debug flag.*\n$/s, '');
        assert.equal(ours.trimEnd(), `error: ${msg.trimEnd()}`);
        return;
      }
      const diff = firstDifference(ours, theirs.stdout);
      assert.equal(diff, undefined, diff);
    });
  }
});
