// `flotilla tree ks NAME`: the objects a Kustomization manages, from its inventory, recursing
// into the Kustomizations it applied, as `flux tree ks` prints them.
import type { Command } from 'commander';
import type { KubeClient } from '../../kube/index.js';
import { entryToRef, formatSubject } from '../../apply/index.js';
import type { Kustomization } from '../../controller/index.js';
import { contextFrom } from '../context.js';
import { CliError } from '../errors.js';
import { connect, FluxKinds } from '../kube.js';
import { renderData } from '../output.js';

interface TreeNode {
  readonly resource: string;
  readonly children?: TreeNode[];
}

async function build(
  client: KubeClient,
  namespace: string,
  name: string,
  seen: Set<string>,
): Promise<TreeNode> {
  const ks = await client.getOrUndefined<Kustomization>({
    ...FluxKinds.kustomization,
    namespace,
    name,
  });
  const resource = `Kustomization/${namespace}/${name}`;
  if (!ks) throw new CliError(`Kustomization '${namespace}/${name}' not found`);
  seen.add(resource);
  const children: TreeNode[] = [];
  for (const entry of ks.status?.inventory?.entries ?? []) {
    const ref = entryToRef(entry);
    const subject = formatSubject(ref);
    if (
      ref.kind === 'Kustomization' &&
      ref.group === 'kustomize.toolkit.fluxcd.io' &&
      !seen.has(subject)
    ) {
      children.push(await build(client, ref.namespace || namespace, ref.name, seen));
    } else {
      children.push({ resource: subject });
    }
  }
  return { resource, children };
}

function draw(node: TreeNode, prefix = '', last = true, top = true): string {
  let out = top ? `${node.resource}\n` : `${prefix}${last ? '└── ' : '├── '}${node.resource}\n`;
  const kids = node.children ?? [];
  const childPrefix = top ? '' : prefix + (last ? '    ' : '│   ');
  kids.forEach((k, i) => {
    out += draw(k, childPrefix, i === kids.length - 1, false);
  });
  return out;
}

export function registerTreeCommand(program: Command): void {
  program
    .command('tree')
    .description('show the objects a Kustomization manages')
    .command('kustomization <name>')
    .alias('ks')
    .action(async (name: string, _o: unknown, command: Command) => {
      const ctx = contextFrom(command);
      const client = await connect(ctx);
      try {
        const tree = await build(client, ctx.options.namespace, name, new Set());
        ctx.stdout.write(
          ctx.options.output === 'table' ? draw(tree) : renderData(tree, ctx.options.output),
        );
      } finally {
        client.close();
      }
    });
}
