// `flotilla version`: the CLI's version and the runtime it runs on.
import type { Command } from 'commander';
import { contextFrom } from '../context.js';
import { renderData, renderTable } from '../output.js';
import { packageInfo } from '../version.js';

export function registerVersionCommand(program: Command): void {
  program
    .command('version')
    .description('print the version of flotilla and of the runtime it runs on')
    .action((_opts: unknown, command: Command) => {
      const ctx = contextFrom(command);
      const info = {
        flotilla: packageInfo().version,
        node: process.versions.node,
        platform: `${process.platform}/${process.arch}`,
      };
      if (ctx.options.output === 'table') {
        ctx.stdout.write(
          renderTable(Object.entries(info), [
            { header: 'component', value: ([k]) => k },
            { header: 'version', value: ([, v]) => v },
          ]),
        );
      } else {
        ctx.stdout.write(renderData(info, ctx.options.output));
      }
    });
}
