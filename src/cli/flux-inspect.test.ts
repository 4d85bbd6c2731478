// The reading and managing commands — get (NAME, --status-selector, --no-header, -w), export
// (--all), stats, trace, tree --compact, events (--watch, --types), suspend/resume --all and
// delete (confirmation, --silent) — run as the shipped CLI against the local cluster and a
// controller process; output and exit codes compared byte for byte with flux v2.9.5's on the
// same cluster.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  oracleSkip,
  startCli,
  APPS_FIXTURE,
  startFluxCliEnv,
  type FluxCliEnv,
} from '../testing/index.js';

let env: FluxCliEnv;

before(async () => {
  env = await startFluxCliEnv({
    namespaces: ['apps'],
    files: APPS_FIXTURE,
  });
  const run = async (args: string[], code = 0) => {
    const res = await env.flotilla(args);
    assert.equal(res.code, code, `${args.join(' ')}: ${res.stderr}`);
  };
  await run(['create', 'source', 'git', 'repo', '--url', env.repo.url, '--branch', 'main']);
  await run(['create', 'ks', 'apps', '--source', 'repo', '--path', './apps', '--prune']);
  await run(['create', 'ks', 'extra', '--source', 'repo', '--path', './apps']);
  await run(['create', 'ks', 'broken', '--source', 'repo', '--path', './nowhere'], 1);
});

after(async () => {
  await env.stop();
});

/** Runs the same command with flotilla and flux; asserts the same exit code, stdout and stderr. */
async function same(args: readonly string[], streams: 'stdout' | 'both' = 'both'): Promise<string> {
  const [ours, theirs] = await Promise.all([env.flotilla(args), env.flux(args)]);
  assert.equal(ours.code, theirs.code, `${args.join(' ')}: ${ours.stderr}`);
  assert.equal(ours.stdout, theirs.stdout, args.join(' '));
  if (streams === 'both') assert.equal(ours.stderr, theirs.stderr, args.join(' '));
  return ours.stdout;
}

describe('the reading and managing commands', () => {
  describe('as flux prints it', { skip: oracleSkip('flux') }, () => {
    it('get: all kinds, one by name, --no-header, -A, --status-selector, a missing one', async () => {
      await same(['get', 'all']);
      await same(['get', 'all', '-A', '--no-header']);
      await same(['get', 'sources', 'all']);
      const one = await same(['get', 'ks', 'apps']);
      assert.match(one, /^NAME\s*\tREVISION\s*\tSUSPENDED\tREADY\tMESSAGE\s*\napps\t/);
      const failing = await same(['get', 'ks', '--status-selector', 'ready=false']);
      assert.match(failing, /^broken\s*\t.*kustomization path not found/m);
      assert.doesNotMatch(failing, /^apps\s*\t/m);
      await same(['get', 'ks', '--status-selector', 'ready=true', '--no-header']);
      await same(['get', 'ks', 'missing']);
      await same(['get', 'ks', '--show-source']);
      await same(['get', 'ks', 'apps', '-A', '--show-source', '--no-header']);
    });

    it('export: one object, --all of every kind, a missing one', async () => {
      const one = await same(['export', 'ks', 'apps']);
      assert.match(
        one,
        /^---\napiVersion: kustomize\.toolkit\.fluxcd\.io\/v1\nkind: Kustomization\n/,
      );
      await same(['export', 'ks', '--all']);
      await same(['export', 'source', 'git', '--all']);
      await same(['export', 'source', 'bucket', '--all']);
      await same(['export', 'ks', 'missing']);
    });

    it('stats, trace, tree --compact', async () => {
      await same(['stats']);
      await same(['stats', '-A']);
      const trace = await same(['trace', 'configmap', 'settings', '-n', 'apps']);
      assert.match(trace, /Kustomization:\s+(apps|extra)\n[\s\S]*GitRepository:\s+repo\n/);
      await same(['trace', 'configmap', 'nothing', '-n', 'apps']);
      await same(['tree', 'ks', 'apps']);
      await same(['tree', 'ks', 'apps', '--compact']);
      await same(['tree', 'ks', 'apps', '-o', 'yaml']);
      await same(['tree', 'ks', 'apps', '-o', 'json']);
    });

    it('suspend --all and resume --all', async () => {
      await same(['suspend', 'ks', '--all']);
      const listed = await same(['get', 'ks', '--no-header']);
      assert.match(listed, /^apps\s*\t\S+\tTrue\t/m);
      await same(['resume', 'ks', '--all']);
      await same(['suspend', 'ks', 'apps', 'broken']);
      // Waiting for several (--wait): flux waits for the timeout on the failing one; flotilla
      // ends the wait on its reported failure.
      const ours = await env.flotilla(['resume', 'ks', 'apps', 'broken', '--wait']);
      assert.equal(ours.code, 1, 'one of them (broken) fails');
      assert.match(ours.stderr, /► resuming kustomization apps in flux-system namespace\n/);
      assert.match(ours.stderr, /✔ Kustomization apps reconciliation completed\n/);
      assert.match(
        ours.stderr,
        /✗ Kustomization broken reconciliation failed: kustomization path not found: '\.\/nowhere'.*\n✗ reconciliation failed for 1 Kustomization\(s\)\n$/,
      );
      assert.match(
        (await env.flotilla(['get', 'ks', 'apps', '--no-header'])).stdout,
        /\tFalse\tTrue\t/,
      );
    });
  });

  describe('watching', () => {
    it('get -w prints the table, then a row per change', async () => {
      const watch = await startCli(['--kubeconfig', env.kubeconfig, 'get', 'ks', 'apps', '-w']);
      try {
        await watch.waitFor(/^apps\t.*Applied revision/m);
        const rec = await env.flotilla(['reconcile', 'ks', 'apps']);
        assert.equal(rec.code, 0, rec.stderr);
        await watch.waitFor(/\napps\t[^\n]*\tUnknown\tReconciliation in progress\t\n/);
        await watch.waitFor(/Unknown[^\n]*\n(?:.*\n)*apps\t[^\n]*\tTrue\tApplied revision/);
      } finally {
        await watch.stop();
      }
    });

    it('events --watch --types prints new events of that type only', async () => {
      const watch = await startCli([
        ...['--kubeconfig', env.kubeconfig, 'events', '--watch', '--types', 'Warning'],
      ]);
      try {
        await watch.waitFor(/^LAST SEEN\s*\tTYPE\s*\tREASON/);
        assert.doesNotMatch(watch.stdout(), /\tNormal\s*\t/);
        await env.flotilla(['reconcile', 'ks', 'broken']);
        await watch.waitFor(/\tWarning\s*\t\S+\s*\tKustomization\/broken\s*\t.*path not found/);
        await env.flotilla(['reconcile', 'ks', 'apps']);
        assert.doesNotMatch(watch.stdout(), /\tNormal\s*\t/);
      } finally {
        await watch.stop();
      }
      const normal = await env.flotilla([
        'events',
        '--types',
        'Normal',
        '--for',
        'Kustomization/apps',
      ]);
      assert.equal(normal.code, 0, normal.stderr);
      assert.match(normal.stdout, /\tNormal\s*\tReconciliationSucceeded/);
      assert.doesNotMatch(normal.stdout, /\tWarning/);
    });
  });

  describe('delete', () => {
    it('asks for confirmation; no deletes nothing, yes deletes, --silent does not ask', async () => {
      const no = await env.flotilla(['delete', 'ks', 'extra'], { input: 'n\n' });
      assert.equal(no.code, 1);
      assert.equal(
        no.stderr,
        '? Are you sure you want to delete this kustomization? [y/N] n\n✗ aborting\n',
      );
      assert.ok(await env.client.getOrUndefined(ref('extra')));
      const yes = await env.flotilla(['delete', 'ks', 'extra'], { input: 'y\n' });
      assert.equal(yes.code, 0, yes.stderr);
      assert.match(
        yes.stderr,
        /► deleting kustomization extra in flux-system namespace\n✔ kustomization deleted\n$/,
      );
      const silent = await env.flotilla(['delete', 'ks', 'broken', '--silent']);
      assert.equal(silent.code, 0, silent.stderr);
      assert.doesNotMatch(silent.stderr, /Are you sure/);
      const missing = await env.flotilla(['delete', 'ks', 'broken', '--silent']);
      assert.equal(missing.code, 1);
      assert.match(
        missing.stderr,
        /✗ kustomizations\.kustomize\.toolkit\.fluxcd\.io "broken" not found\n/,
      );
    });
  });
});

function ref(name: string) {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    namespace: 'flux-system',
    name,
  };
}
