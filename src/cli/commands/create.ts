// `flotilla create source git NAME --url ... --branch ... [--export]`, as `flux create source git`.
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { KubeObject } from '../../kube/index.js';
import { parseDuration } from '../../core/index.js';
import { ResourceManager } from '../../apply/index.js';
import { contextFrom } from '../context.js';
import { CliError } from '../errors.js';
import { connect, FluxKinds } from '../kube.js';
import { reconcileAndWait } from './reconcile.js';

interface Opts {
  url: string;
  branch?: string;
  tag?: string;
  tagSemver?: string;
  commit?: string;
  interval: string;
  secretRef?: string;
  ignorePaths?: string[];
  export: boolean;
  timeout: string;
}

export function gitRepositoryManifest(name: string, namespace: string, opts: Opts): KubeObject {
  try {
    new URL(opts.url);
  } catch {
    throw new CliError(`--url: '${opts.url}' is not a URL`);
  }
  parseDuration(opts.interval, '--interval');
  const ref = opts.commit
    ? { commit: opts.commit, ...(opts.branch ? { branch: opts.branch } : {}) }
    : opts.tagSemver
      ? { semver: opts.tagSemver }
      : opts.tag
        ? { tag: opts.tag }
        : { branch: opts.branch ?? 'master' };
  return {
    ...FluxKinds.git,
    metadata: { name, namespace },
    spec: {
      interval: opts.interval,
      url: opts.url,
      ref,
      ...(opts.secretRef ? { secretRef: { name: opts.secretRef } } : {}),
      ...(opts.ignorePaths?.length ? { ignore: opts.ignorePaths.join('\n') } : {}),
    },
  };
}

export function registerCreateCommand(program: Command): void {
  program
    .command('create')
    .description('create Flux objects')
    .command('source')
    .description('create a source')
    .command('git <name>')
    .description('create or update a GitRepository and wait until it has an artifact')
    .requiredOption('--url <url>', 'repository URL (https, http, ssh)')
    .option('--branch <branch>', 'branch to track (default master, as Flux)')
    .option('--tag <tag>', 'tag to track')
    .option('--tag-semver <range>', 'semver range of tags to track')
    .option('--commit <sha>', 'commit to pin')
    .option('--interval <duration>', 'how often to check for new commits', '1m0s')
    .option('--secret-ref <name>', 'Secret with credentials')
    .option('--ignore-paths <pattern...>', 'paths to leave out (gitignore syntax)')
    .option('--export', 'print the object as YAML instead of creating it', false)
    .option('--timeout <duration>', 'how long to wait for the artifact', '5m')
    .action(async (name: string, opts: Opts, command: Command) => {
      const ctx = contextFrom(command);
      const obj = gitRepositoryManifest(name, ctx.options.namespace, opts);
      if (opts.export) {
        ctx.stdout.write(`---\n${stringify(obj, { lineWidth: 0 })}`);
        return;
      }
      const client = await connect(ctx);
      try {
        await new ResourceManager(client).applyAll([obj]);
        ctx.stdout.write(`✔ GitRepository ${name} created in ${ctx.options.namespace}\n`);
        const done = await reconcileAndWait(
          ctx,
          client,
          FluxKinds.git,
          name,
          parseDuration(opts.timeout, '--timeout'),
        );
        const revision = done.status?.artifact?.revision ?? '';
        ctx.stdout.write(`✔ fetched revision ${revision}\n`);
      } finally {
        client.close();
      }
    });
}
