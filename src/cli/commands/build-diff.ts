// `flotilla build ks NAME --path DIR` prints what the controller would apply; `flotilla diff ks
// NAME --path DIR` shows how that differs from the cluster (server-side dry-run; Secrets masked;
// exit 0 no differences, 1 differences, 2 error), as `flux build ks` and `flux diff ks` do.
import type { Command } from 'commander';
import type { KubeClient } from '../../kube/index.js';
import { emitYaml, type YamlMap } from '../../render/index.js';
import {
  ResourceManager,
  entryToRef,
  formatSubject,
  inventoryOf,
  kustomizationOwnerLabels,
  staleEntries,
} from '../../apply/index.js';
import { contextFrom } from '../context.js';
import { CliError } from '../errors.js';
import { connect } from '../kube.js';
import { buildLocally, loadKustomization } from '../local-build.js';
import { paint } from '../style.js';

interface Opts {
  path: string;
  kustomizationFile?: string;
  dryRun?: boolean;
}

export function registerBuildCommand(program: Command): void {
  program
    .command('build')
    .description('render a Kustomization from a local directory as the controller would')
    .command('kustomization <name>')
    .alias('ks')
    .requiredOption('--path <dir>', 'local directory matching the Kustomization spec.path')
    .option(
      '--kustomization-file <file>',
      'read the Kustomization from this file instead of the cluster',
    )
    .option(
      '--dry-run',
      'do not contact the cluster (substituteFrom is skipped); needs --kustomization-file',
      false,
    )
    .action(async (name: string, opts: Opts, command: Command) => {
      const ctx = contextFrom(command);
      const client = opts.dryRun ? undefined : await connect(ctx);
      try {
        const ks = await loadKustomization(client, {
          name,
          namespace: ctx.options.namespace,
          ...opts,
        });
        const objects = await buildLocally(client, ks, opts.path);
        // As `flux build ks`: the owner labels the controller sets when it applies, and each
        // object followed by a document separator.
        const owner = kustomizationOwnerLabels(name, ctx.options.namespace);
        ctx.stdout.write(
          objects
            .map((o) => {
              const metadata = { ...o.metadata, labels: { ...o.metadata.labels, ...owner } };
              return `${emitYaml({ ...o, metadata } as unknown as YamlMap)}---\n`;
            })
            .join(''),
        );
      } finally {
        client?.close();
      }
    });
}

export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description(
      'show what applying a Kustomization from a local directory would change (exit 1 on differences)',
    )
    .command('kustomization <name>')
    .alias('ks')
    .requiredOption('--path <dir>', 'local directory matching the Kustomization spec.path')
    .option(
      '--kustomization-file <file>',
      'read the Kustomization from this file instead of the cluster',
    )
    .action(async (name: string, opts: Opts, command: Command) => {
      const ctx = contextFrom(command);
      let client: KubeClient | undefined;
      let changed = 0;
      try {
        client = await connect(ctx);
        const ks = await loadKustomization(client, {
          name,
          namespace: ctx.options.namespace,
          ...opts,
        });
        const objects = await buildLocally(client, ks, opts.path);
        const manager = new ResourceManager(client, {
          ownerLabels: kustomizationOwnerLabels(
            ks.metadata.name,
            ks.metadata.namespace ?? ctx.options.namespace,
          ),
        });
        const { results } = await manager.diff(objects);
        for (const r of results) {
          const action = r.entry.action;
          if (action === 'unchanged' || action === 'skipped') continue;
          changed++;
          const verb = action === 'created' ? 'created' : 'drifted';
          ctx.stdout.write(`${paint(ctx.stdout, 'cyan', '►')} ${r.entry.subject} ${verb}\n`);
          if (r.entry.diff)
            ctx.stdout.write(r.entry.diff.endsWith('\n') ? r.entry.diff : `${r.entry.diff}\n`);
        }
        if (ks.spec.prune) {
          for (const e of staleEntries(ks.status?.inventory, inventoryOf(objects))) {
            changed++;
            ctx.stdout.write(
              `${paint(ctx.stdout, 'cyan', '►')} ${formatSubject(entryToRef(e))} deleted\n`,
            );
          }
        }
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new CliError(message, 2, 'DiffFailed');
      } finally {
        client?.close();
      }
      if (changed > 0) process.exitCode = 1;
      else ctx.stderr.write('no differences\n');
    });
}
