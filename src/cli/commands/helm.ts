// `flotilla helm template|lint`: renders a chart natively, printing exactly what `helm template`
// prints, and reports a broken chart's problems with file, line and cause like `helm lint`.
import type { Command } from 'commander';
import { errorMessage } from '../../core/index.js';
import {
  HelmError,
  goBytes,
  helmTemplate,
  lintChart,
  mergeValueOptions,
  parseKubeVersion,
  renderNameTemplate,
} from '../../render/index.js';
import type { TemplateOptions } from '../../render/index.js';
import { CliError } from '../errors.js';
import { writeStdout } from './kustomize.js';

/** Where the command prints; tests capture it. */
export type OutputSink = (text: string) => void;

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
/** pflag's StringSlice: comma-separated values, repeatable. */
const collectSplit = (v: string, prev: string[] = []): string[] => [
  ...prev,
  ...v.split(',').filter((x) => x !== ''),
];

export interface HelmTemplateFlags {
  readonly values?: string[];
  readonly set?: string[];
  readonly setString?: string[];
  readonly setFile?: string[];
  readonly setJson?: string[];
  readonly setLiteral?: string[];
  readonly apiVersions?: string[];
  readonly kubeVersion?: string;
  readonly includeCrds?: boolean;
  readonly skipTests?: boolean;
  readonly hooks?: boolean;
  readonly isUpgrade?: boolean;
  readonly showOnly?: string[];
  readonly outputDir?: string;
  readonly releaseName?: boolean;
  readonly nameTemplate?: string;
  readonly generateName?: boolean;
  readonly skipSchemaValidation?: boolean;
  readonly namespace?: string;
}

/** Release name and chart from the arguments, as `helm template` picks them. */
function nameAndChart(
  args: readonly string[],
  flags: HelmTemplateFlags,
): { name: string; chart: string } {
  if (args.length > 2)
    throw new CliError(
      `expected at most two arguments, unexpected arguments: ${args.slice(2).join(', ')}`,
    );
  if (args.length === 2) {
    if (flags.generateName)
      throw new CliError('cannot set --generate-name and also specify a name');
    if (flags.nameTemplate)
      throw new CliError('cannot set --name-template and also specify a name');
    return { name: args[0] as string, chart: args[1] as string };
  }
  const chart = args[0] as string;
  if (flags.nameTemplate) return { name: renderNameTemplate(flags.nameTemplate), chart };
  return { name: 'release-name', chart };
}

/** Renders a chart with `helm template`'s flags; failures become a CliError with Helm's message. */
export function helmTemplateCommand(
  args: readonly string[],
  flags: HelmTemplateFlags,
  writeLine?: (line: string) => void,
): string {
  try {
    const { name, chart } = nameAndChart(args, flags);
    const opts: TemplateOptions = {
      releaseName: name,
      namespace: flags.namespace ?? 'default',
      values: mergeValueOptions({
        valueFiles: flags.values ?? [],
        values: flags.set ?? [],
        stringValues: flags.setString ?? [],
        fileValues: flags.setFile ?? [],
        jsonValues: flags.setJson ?? [],
        literalValues: flags.setLiteral ?? [],
      }),
      ...(flags.kubeVersion ? { kubeVersion: parseKubeVersion(flags.kubeVersion) } : {}),
      extraApiVersions: flags.apiVersions ?? [],
      includeCrds: flags.includeCrds ?? false,
      skipTests: flags.skipTests ?? false,
      disableHooks: flags.hooks === false,
      isUpgrade: flags.isUpgrade ?? false,
      skipSchemaValidation: flags.skipSchemaValidation ?? false,
      showOnly: flags.showOnly ?? [],
      ...(flags.outputDir
        ? { outputDir: flags.outputDir, useReleaseName: flags.releaseName ?? false }
        : {}),
      warn: (m) => process.stderr.write(m.endsWith('\n') ? m : m + '\n'),
      ...(writeLine ? { onWrite: (p: string) => writeLine(`wrote ${p}\n`) } : {}),
    };
    return helmTemplate(chart, opts).output;
  } catch (err) {
    if (err instanceof CliError) throw err;
    const hint =
      err instanceof HelmError && err.renderPhase
        ? '\n\nUse --debug flag to render out invalid YAML'
        : '';
    throw new CliError(errorMessage(err) + hint, 1, 'HelmTemplateFailed');
  }
}

/** Prints rendered text as the bytes Helm would (bytes that are not UTF-8 included). */
const writeGoStdout: OutputSink = (text) => writeStdout(goBytes(text));

export function registerHelmCommand(program: Command, out: OutputSink = writeGoStdout): void {
  const helm = program
    .command('helm')
    .description('render Helm charts natively (helm v3.21.4 compatible)');
  helm
    .command('template')
    .description('render chart templates locally and print them, exactly as `helm template` does')
    // [NAME] CHART: commander fills arguments left to right, so the first is required and the
    // action tells a lone CHART from NAME CHART, as helm does.
    .argument('<name>', 'release name (default "release-name"; omit it and give only CHART)')
    .argument('[chart]', 'chart folder or packaged chart (.tgz)')
    .option(
      '-f, --values <files>',
      'values YAML files (can repeat or separate with commas)',
      collectSplit,
    )
    .option('--set <key=value>', 'set values on the command line (can repeat)', collect)
    .option(
      '--set-string <key=value>',
      'set STRING values on the command line (can repeat)',
      collect,
    )
    .option(
      '--set-file <key=path>',
      'set values from files on the command line (can repeat)',
      collect,
    )
    .option('--set-json <key=json>', 'set JSON values on the command line (can repeat)', collect)
    .option('--set-literal <key=value>', 'set a literal STRING value on the command line', collect)
    .option(
      '-a, --api-versions <versions>',
      'Kubernetes API versions for Capabilities.APIVersions',
      collectSplit,
    )
    .option('--kube-version <version>', 'Kubernetes version for Capabilities.KubeVersion')
    .option('--include-crds', 'include CRDs in the templated output', false)
    .option(
      '--skip-crds',
      'no CRDs are installed (no effect on the templated output, as in Helm)',
      false,
    )
    .option('--skip-tests', 'skip tests from templated output', false)
    .option('--no-hooks', 'prevent hooks from being printed')
    .option('--is-upgrade', 'set .Release.IsUpgrade instead of .Release.IsInstall', false)
    .option(
      '-s, --show-only <template>',
      'only show manifests rendered from the given templates (can repeat)',
      collect,
    )
    .option(
      '--output-dir <dir>',
      'write the executed templates to files in output-dir instead of stdout',
    )
    .option('--release-name', 'use the release name in the output-dir path', false)
    .option('--name-template <template>', 'specify the template used to name the release')
    .option('-g, --generate-name', 'generate the name (and omit the NAME parameter)', false)
    .option('--skip-schema-validation', 'disable JSON schema validation', false)
    .action(function action(this: Command, a: string | undefined, b: string | undefined) {
      const flags = this.opts<HelmTemplateFlags>();
      const globals = this.optsWithGlobals<{ namespace?: string }>();
      const nsFromUser = this.parent?.parent?.getOptionValueSource('namespace') === 'cli';
      const args = b === undefined ? [a as string] : [a as string, b];
      const text = helmTemplateCommand(
        args,
        {
          ...flags,
          ...(nsFromUser && globals.namespace !== undefined
            ? { namespace: globals.namespace }
            : {}),
        },
        out,
      );
      out(text);
    });
  helm
    .command('lint')
    .description('examine a chart for problems: each one with its file, line and cause')
    .argument('<chart>', 'chart folder or packaged chart (.tgz)')
    .option(
      '-f, --values <files>',
      'values YAML files (can repeat or separate with commas)',
      collectSplit,
    )
    .option('--set <key=value>', 'set values on the command line (can repeat)', collect)
    .option(
      '--set-string <key=value>',
      'set STRING values on the command line (can repeat)',
      collect,
    )
    .option('--kube-version <version>', 'Kubernetes version for Capabilities.KubeVersion')
    .option('--strict', 'fail on lint warnings', false)
    .action((chart: string, flags: HelmTemplateFlags & { strict: boolean }) => {
      let result;
      try {
        result = lintChart(chart, {
          values: mergeValueOptions({
            valueFiles: flags.values ?? [],
            values: flags.set ?? [],
            stringValues: flags.setString ?? [],
          }),
          ...(flags.kubeVersion ? { kubeVersion: parseKubeVersion(flags.kubeVersion) } : {}),
          strict: flags.strict,
        });
      } catch (err) {
        throw new CliError(errorMessage(err), 1, 'HelmLintFailed');
      }
      out(result.text);
      if (result.failed)
        throw new CliError(`1 chart(s) linted, 1 chart(s) failed`, 1, 'HelmLintFailed');
      out(`\n1 chart(s) linted, 0 chart(s) failed\n`);
    });
}
