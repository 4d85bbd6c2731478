// End-to-end tests of the CLI skeleton: the shipped entry (bin/flotilla.js over the bundle) run
// as a child process.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../testing/index.js';
import { colourEnabled } from './style.js';
import { renderTable } from './output.js';

const flotilla = (args: string[]) => runCli(args, { env: { NO_COLOR: '' } });

describe('flotilla CLI', () => {
  it('--help lists every command group and the global flags', async () => {
    const res = await flotilla(['--help']);
    assert.equal(res.code, 0);
    const groups = [
      'cluster',
      'get',
      'reconcile',
      'suspend',
      'resume',
      'build',
      'diff',
      'tree',
      'events',
      'controller',
      'install',
      'up',
      'tower',
      'create',
      'kustomize',
      'version',
    ];
    for (const group of groups) {
      assert.match(res.stdout, new RegExp(`^  ${group}\\b`, 'm'), `${group} is listed`);
    }
    for (const flag of [
      '--kubeconfig',
      '--context',
      '-n, --namespace',
      '-A, --all-namespaces',
      '-o, --output',
      '--verbose',
    ]) {
      assert.ok(res.stdout.includes(flag), `help shows ${flag}`);
    }
  });

  it('version prints JSON with -o json', async () => {
    const res = await flotilla(['version', '-o', 'json']);
    assert.equal(res.code, 0);
    const info = JSON.parse(res.stdout) as Record<string, string>;
    assert.equal(info['node'], process.versions.node);
    assert.match(info['flotilla'] ?? '', /^\d+\.\d+\.\d+/);
  });

  it('version prints a table by default and YAML with -o yaml', async () => {
    assert.match((await flotilla(['version'])).stdout, /^COMPONENT\s+VERSION\nflotilla\s+\d/);
    assert.match(
      (await flotilla(['version', '-o', 'yaml'])).stdout,
      /^flotilla: \d+\.\d+\.\d+\nnode: /,
    );
  });

  it('an unknown command fails on stderr with a non-zero exit code', async () => {
    const res = await flotilla(['bogus']);
    assert.notEqual(res.code, 0);
    assert.equal(res.stdout, '');
    assert.match(res.stderr, /unknown command 'bogus'/);
  });

  it('an invalid output format is refused', async () => {
    const res = await flotilla(['version', '-o', 'xml']);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /argument 'xml' is invalid/);
  });

  it('a command that cannot reach a cluster fails on stderr, printing no result', async () => {
    const res = await flotilla([
      'get',
      'kustomizations',
      '--kubeconfig',
      '/nonexistent/kubeconfig',
    ]);
    assert.equal(res.code, 1);
    assert.equal(res.stdout, '');
    assert.match(res.stderr, /^error: /);
  });

  it('prints no colour codes when stderr is not a TTY', async () => {
    const res = await flotilla(['get', 'ks', '--kubeconfig', '/nonexistent/kubeconfig']);
    assert.ok(res.stderr.length > 0);
    assert.ok(!res.stderr.includes('\u001b['), 'no ANSI escapes');
  });
});

describe('colourEnabled', () => {
  const cases: { name: string; tty: boolean; env: Record<string, string>; want: boolean }[] = [
    { name: 'a TTY', tty: true, env: {}, want: true },
    { name: 'a pipe', tty: false, env: {}, want: false },
    { name: 'a TTY with NO_COLOR', tty: true, env: { NO_COLOR: '1' }, want: false },
    { name: 'a pipe with FORCE_COLOR', tty: false, env: { FORCE_COLOR: '1' }, want: true },
  ];
  for (const c of cases) {
    it(`is ${c.want} for ${c.name}`, () =>
      assert.equal(colourEnabled({ isTTY: c.tty }, c.env), c.want));
  }
});

describe('renderTable', () => {
  it('pads columns like kubectl', () => {
    const out = renderTable(
      [
        { n: 'a', s: 'True' },
        { n: 'longer-name', s: 'False' },
      ],
      [
        { header: 'name', value: (r) => r.n },
        { header: 'ready', value: (r) => r.s },
      ],
    );
    assert.equal(out, 'NAME          READY\na             True\nlonger-name   False\n');
  });
});
