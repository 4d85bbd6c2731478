// `flotilla up` as a user runs it: everything becomes Ready, a commit in the working copy is
// applied, Ctrl-C stops cleanly, and a second run resumes from the persisted state.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1' };

function startUp(data: string, ...extra: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/bin.ts', 'up', '--data', data, ...extra],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const waitFor = async (pattern: RegExp, timeoutMs = 90_000) => {
    const end = Date.now() + timeoutMs;
    while (!pattern.test(out)) {
      if (Date.now() > end || child.exitCode !== null) {
        throw new Error(
          `did not see ${pattern} (exit ${child.exitCode}); stdout:\n${out}\nstderr:\n${err}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, waitFor, exited, output: () => out };
}

describe('flotilla up', () => {
  it('reconciles the example fleet, applies a commit, stops on SIGINT and resumes', async () => {
    const data = mkdtempSync(join(tmpdir(), 'flotilla-up-'));
    try {
      const first = startUp(data);
      await first.waitFor(/All sources and Kustomizations are Ready/);
      assert.match(first.output(), /created from examples\/fleet/);
      assert.match(
        first.output(),
        /Kustomization\s+apps\s+main@sha1:[0-9a-f]{40}\s+False\s+True\s+Applied revision/,
      );

      const repo = join(data, 'fleet');
      const file = join(repo, 'apps/staging/kustomization.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('count: 1', 'count: 2'));
      execFileSync(
        'git',
        ['-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qam', 'Scale podinfo'],
        { cwd: repo, env },
      );
      const sha = execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd: repo,
        env,
        encoding: 'utf8',
      }).trim();
      await first.waitFor(
        new RegExp(`new commit ${sha.slice(0, 7)} “Scale podinfo” — reconciling`),
      );
      await first.waitFor(new RegExp(`✔ Kustomization/apps applied main@sha1:${sha}`));

      const kubeconfig = join(data, 'cluster', 'kubeconfig');
      const replicas = execFileSync(
        'kubectl',
        [
          '--kubeconfig',
          kubeconfig,
          'get',
          'deployment',
          'podinfo',
          '-n',
          'podinfo',
          '-o',
          'jsonpath={.spec.replicas}',
        ],
        { encoding: 'utf8' },
      );
      assert.equal(replicas, '2');

      first.child.kill('SIGINT');
      assert.equal(await first.exited, 0);

      const second = startUp(data, '--exit-when-ready', '--timeout', '90');
      await second.waitFor(/resumed/);
      assert.equal(await second.exited, 0);
      assert.match(
        second.output(),
        new RegExp(`Kustomization\\s+apps\\s+main@sha1:${sha}\\s+False\\s+True`),
      );
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
