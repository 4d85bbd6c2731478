// `flotilla tree ks NAME [--compact]`: the objects a Kustomization manages, from its inventory,
// recursing into the Kustomizations it applied (not those targeting a remote cluster), exactly
// as `flux tree ks` prints them; --compact keeps only Flux objects; -o json|yaml gives flux's
// tree structure.
import type { Command } from 'commander';
import type { KubeClient } from '../../kube/index.js';
import { entryToRef, formatSubject } from '../../apply/index.js';
import type { Kustomization } from '../../controller/index.js';
import { emitYaml, type YamlMap } from '../../render/index.js';
import { contextFrom } from '../context.js';
import { CliError } from '../errors.js';
import { KustomizationKind } from '../flux-kinds.js';
import { connect } from '../kube.js';

/** A node as flux's tree package marshals it. */
interface TreeNode {
  readonly resource: {
    readonly Namespace: string;
    readonly Name: string;
    readonly GroupKind: { readonly Group: string; readonly Kind: string };
  };
  readonly resources?: TreeNode[];
}

const FLUX_GROUP = 'toolkit.fluxcd.io';
const KS_GROUP = 'kustomize.toolkit.fluxcd.io';

function node(namespace: string, name: string, group: string, kind: string): TreeNode {
  return {
    resource: { Namespace: namespace, Name: name, GroupKind: { Group: group, Kind: kind } },
  };
}

async function getKustomization(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<Kustomization> {
  return client.get<Kustomization>({ ...KustomizationKind, namespace, name });
}

/** Adds the inventory of `ks` under `parent` (children first-level in inventory order). */
async function addInventory(
  client: KubeClient,
  parent: TreeNode & { resources: TreeNode[] },
  ks: Kustomization,
  compact: boolean,
): Promise<void> {
  for (const entry of ks.status?.inventory?.entries ?? []) {
    const ref = entryToRef(entry);
    if (compact && !ref.group.includes(FLUX_GROUP)) continue;
    const isKs = ref.group === KS_GROUP && ref.kind === 'Kustomization';
    if (isKs && ref.namespace === ks.metadata.namespace && ref.name === ks.metadata.name) continue;
    const child: TreeNode & { resources: TreeNode[] } = {
      ...node(ref.namespace, ref.name, ref.group, ref.kind),
      resources: [],
    };
    parent.resources.push(child);
    if (isKs && !ks.spec.kubeConfig) {
      let sub: Kustomization;
      try {
        sub = await getKustomization(client, ref.namespace, ref.name);
      } catch (err) {
        throw new CliError(
          `failed to find object: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      await addInventory(client, child, sub, compact);
    }
  }
}

/** The text flux prints: the root, then `├── `/`└── ` lines indented by `│   ` or spaces. */
function draw(tree: TreeNode): string {
  const text = (n: TreeNode) =>
    formatSubject({
      group: n.resource.GroupKind.Group,
      kind: n.resource.GroupKind.Kind,
      namespace: n.resource.Namespace,
      name: n.resource.Name,
    });
  const items = (nodes: readonly TreeNode[], spaces: boolean[]): string =>
    nodes
      .map((n, i) => {
        const last = i === nodes.length - 1;
        const prefix = spaces.map((s) => (s ? '    ' : '\u2502   ')).join('');
        const line = `${prefix}${last ? '\u2514\u2500\u2500 ' : '\u251c\u2500\u2500 '}${text(n)}\n`;
        return line + (n.resources?.length ? items(n.resources, [...spaces, last]) : '');
      })
      .join('');
  return `${text(tree)}\n${items(tree.resources ?? [], [])}`;
}

/** Drops empty `resources` lists, which flux's JSON leaves out (omitempty). */
function prune(n: TreeNode): TreeNode {
  return n.resources?.length
    ? { resource: n.resource, resources: n.resources.map(prune) }
    : { resource: n.resource };
}

export function registerTreeCommand(program: Command): void {
  program
    .command('tree')
    .description('print the resources reconciled by Flux')
    .command('kustomization <name>')
    .alias('ks')
    .description('print the resource inventory of a Kustomization')
    .option('--compact', 'list Flux resources only', false)
    .action(async (name: string, opts: { compact: boolean }, command: Command) => {
      const ctx = contextFrom(command);
      const client = await connect(ctx);
      try {
        const ks = await getKustomization(client, ctx.options.namespace, name);
        const root: TreeNode & { resources: TreeNode[] } = {
          ...node(ks.metadata.namespace ?? '', ks.metadata.name ?? '', KS_GROUP, 'Kustomization'),
          resources: [],
        };
        await addInventory(client, root, ks, opts.compact);
        const tree = prune(root);
        const out =
          ctx.options.output === 'json'
            ? JSON.stringify(tree, null, 2)
            : ctx.options.output === 'yaml'
              ? // sigs.k8s.io/yaml goes through JSON: the empty core Group stays (`Group: ""`).
                emitYaml(JSON.parse(JSON.stringify(tree)) as YamlMap)
              : draw(tree);
        // flux prints the tree with Println: one more line break.
        ctx.stdout.write(`${out}\n`);
      } finally {
        client.close();
      }
    });
}
