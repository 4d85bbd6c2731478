// `flotilla up` as a user runs it, the shipped entry: everything becomes Ready, a commit in the
// working copy is applied, Ctrl-C stops cleanly, and a second run resumes from the persisted state.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient, type KubeObject } from '../kube/index.js';
import { ensureTowerWeb, startCli, type CliProcess } from '../testing/index.js';

const env = { GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1' };

/** `flotilla up` as shipped (bin/flotilla.js over the bundle). */
const startUp = (data: string, ...extra: string[]) =>
  startCli(['up', '--data', data, ...extra], { env });

describe('flotilla up', () => {
  it('reconciles the example fleet, applies a commit, stops on SIGINT and resumes', async () => {
    const data = mkdtempSync(join(tmpdir(), 'flotilla-up-'));
    await ensureTowerWeb();
    let running: CliProcess | undefined;
    try {
      const first = await startUp(data, '--tower-listen', '127.0.0.1:0');
      running = first;
      await first.waitFor(/All sources and Kustomizations are Ready/);
      assert.match(first.stdout(), /created from examples\/fleet/);
      // Tower's address follows the status table, and it shows the same fleet.
      await first.waitFor(/Tower\s+http:\/\/127\.0\.0\.1:\d+/);
      const tower = /Tower\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(first.stdout())?.[1] ?? '';
      const fleet = (await (await fetch(`${tower}/api/fleet`)).json()) as { total: number };
      assert.ok(fleet.total >= 2, `${fleet.total} apps in Tower`);
      assert.match(readFileSync(join(data, 'tower', 'tokens.csv'), 'utf8'), /^[\w-]+,admin,/);
      assert.match(
        first.stdout(),
        /Kustomization\s+apps\s+main@sha1:[0-9a-f]{40}\s+False\s+True\s+Applied revision/,
      );

      const repo = join(data, 'fleet');
      const file = join(repo, 'apps/staging/kustomization.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('count: 1', 'count: 2'));
      execFileSync(
        'git',
        ['-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qam', 'Scale podinfo'],
        { cwd: repo, env: { ...process.env, ...env } },
      );
      const sha = execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd: repo,
        encoding: 'utf8',
      }).trim();
      await first.waitFor(
        new RegExp(`new commit ${sha.slice(0, 7)} “Scale podinfo” — reconciling`),
      );
      await first.waitFor(new RegExp(`✔ Kustomization/apps applied main@sha1:${sha}`));

      const client = await KubeClient.fromKubeConfig({
        yaml: readFileSync(join(data, 'cluster', 'kubeconfig'), 'utf8'),
      });
      const deployment = await client.get<{ spec?: { replicas?: number } } & KubeObject>({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'podinfo',
        name: 'podinfo',
      });
      client.close();
      const replicas = String(deployment.spec?.replicas);
      assert.equal(replicas, '2');

      first.child.kill('SIGINT');
      assert.equal(await first.exited, 0);

      const second = await startUp(data, '--exit-when-ready', '--timeout', '90', '--no-tower');
      running = second;
      await second.waitFor(/resumed/);
      assert.equal(await second.exited, 0);
      assert.match(
        second.stdout(),
        new RegExp(`Kustomization\\s+apps\\s+main@sha1:${sha}\\s+False\\s+True`),
      );
    } finally {
      // A failed assertion must not leave `flotilla up` running.
      if (running?.child.exitCode === null) await running.stop();
      rmSync(data, { recursive: true, force: true });
    }
  });
});
