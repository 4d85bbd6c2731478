// `flotilla helm template` and `flotilla helm lint` run as the real command, against the helm
// oracle (helm v3.21.4) where it is built.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { helmCorpusChart, helmCorpusCharts, oracleSkip, runHelm } from '../testing/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'flotilla-helm-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function flotilla(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

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
  for (const [name, text] of Object.entries(BROKEN)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const PODINFO = 'stefanprodan+podinfo~podinfo';
const skip =
  oracleSkip('helm') || (helmCorpusCharts().includes(PODINFO) ? false : 'no helm chart corpus');

describe('flotilla helm', { skip }, () => {
  it('template prints what helm template prints (flags, --show-only)', () => {
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
    const ours = flotilla(['helm', ...args]);
    const theirs = runHelm(args);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout, theirs.stdout);
  });

  it('template --output-dir writes the same files', () => {
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
    const ours = flotilla(['helm', ...args(a)]);
    const theirs = runHelm(args(b));
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout.replaceAll(a, 'DIR'), theirs.stdout.replaceAll(b, 'DIR'));
    assert.deepEqual(tree(a), tree(b));
  });

  it('template and lint report a broken chart with file and line', () => {
    const dir = writeBroken();
    const t = flotilla(['helm', 'template', 'x', dir]);
    assert.equal(t.code, 1);
    const expected = runHelm(['template', 'x', dir]).stderr.replace(/^Error: /, 'error: ');
    assert.equal(t.stderr, expected);
    const l = flotilla(['helm', 'lint', dir]);
    const theirs = runHelm(['lint', dir]);
    assert.equal(l.code, 1);
    assert.equal(l.stdout, theirs.stdout);
    assert.match(
      l.stdout,
      /\[ERROR\] templates\/: parse error at \(broken\/templates\/cm\.yaml:6\)/,
    );
  });
});
