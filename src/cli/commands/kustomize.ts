// `flotilla kustomize build DIR`: renders a kustomization natively, printing exactly what `kubectl kustomize DIR` prints.
import { writeSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { buildKustomization, LoadRestrictor } from '../../render/index.js';
import type { HelmBuildOptions } from '../../render/index.js';
import { errorMessage } from '../../core/index.js';
import { CliError } from '../errors.js';

export interface KustomizeBuildFlags {
  /** @default LoadRestrictor.RootOnly */
  readonly loadRestrictor?: LoadRestrictor;
  /** @default false */
  readonly fluxAutogenerate?: boolean;
  /** helmCharts (--enable-helm and the --helm-* flags); @default not enabled */
  readonly helm?: HelmBuildOptions;
}

/** Builds `dir` and returns the YAML; failures become a CliError (nothing partial is returned). */
export function kustomizeBuild(dir: string, flags: KustomizeBuildFlags = {}): string {
  try {
    return buildKustomization(dir, {
      loadRestrictor: flags.loadRestrictor ?? LoadRestrictor.RootOnly,
      fluxAutogenerate: flags.fluxAutogenerate ?? false,
      ...(flags.helm !== undefined ? { helm: flags.helm } : {}),
    }).yaml;
  } catch (err) {
    throw new CliError(errorMessage(err), 1, 'KustomizeBuildFailed');
  }
}

/** Where `kustomize build` prints the YAML. */
export type OutputSink = (text: string) => void;

/**
 * Writes to file descriptor 1 directly: creating `process.stdout` for a pipe loads Node's net and
 * stream modules, a noticeable part of a short build's start-up. If the descriptor is
 * non-blocking and full (EAGAIN), the rest goes through `process.stdout`, which waits for it;
 * a reader that went away (EPIPE, e.g. `| head`) ends the output quietly.
 */
export function writeStdout(text: string | Uint8Array): void {
  const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(1, data, offset);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw err;
      process.stdout.write(data.subarray(offset));
      return;
    }
  }
}

export function registerKustomizeCommand(program: Command, out: OutputSink = writeStdout): void {
  const kustomize = program
    .command('kustomize')
    .description('render kustomizations natively (kustomize v5.5.0 compatible)');
  kustomize
    .command('build')
    .description(
      'print the objects a kustomization directory builds, exactly as `kubectl kustomize DIR` does',
    )
    .argument('<dir>', 'directory holding a kustomization.yaml')
    .addOption(
      new Option(
        '--load-restrictor <restrictor>',
        'whether files outside the kustomization root may be read',
      )
        .choices([LoadRestrictor.RootOnly, LoadRestrictor.None])
        .default(LoadRestrictor.RootOnly),
    )
    .option(
      '--flux-autogenerate',
      'like Flux, build every manifest when the directory has no kustomization.yaml',
      false,
    )
    .option('--enable-helm', 'render helmCharts (with the built-in Helm engine)', false)
    .option(
      '--helm-kube-version <version>',
      "Kubernetes version for the charts' Capabilities.KubeVersion",
    )
    .option(
      '--helm-api-versions <versions>',
      "API versions for the charts' Capabilities.APIVersions (comma separated, can repeat)",
      (v: string, prev: string[] = []) => [...prev, ...v.split(',')],
    )
    .option(
      '--helm-command <path>',
      'accepted for compatibility; charts render without a helm binary',
    )
    .action(
      (
        dir: string,
        opts: {
          loadRestrictor: LoadRestrictor;
          fluxAutogenerate: boolean;
          enableHelm: boolean;
          helmKubeVersion?: string;
          helmApiVersions?: string[];
        },
      ) => {
        const yaml = kustomizeBuild(dir, {
          loadRestrictor: opts.loadRestrictor,
          fluxAutogenerate: opts.fluxAutogenerate,
          helm: {
            enabled: opts.enableHelm,
            ...(opts.helmKubeVersion !== undefined ? { kubeVersion: opts.helmKubeVersion } : {}),
            ...(opts.helmApiVersions !== undefined ? { apiVersions: opts.helmApiVersions } : {}),
          },
        });
        out(yaml);
      },
    );
}
