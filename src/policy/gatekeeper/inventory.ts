// `data.inventory`: synced objects at `cluster/<group/version>/<Kind>/<name>` and
// `namespace/<ns>/<group/version>/<Kind>/<name>`, kept as a tree of Rego values that is rebuilt
// only along the paths that changed, so evaluations share one immutable document.
import { fromJS, str, ObjectBuilder, type Value } from '../rego/index.js';
import { asString, field } from './object-access.js';

/** A node: either a leaf (one object's value) or children by key; `cached` is the built value. */
interface Node {
  readonly children: Map<string, Node> | undefined;
  leaf: Value | undefined;
  cached: Value | undefined;
}

const branch = (): Node => ({ children: new Map(), leaf: undefined, cached: undefined });

/** The inventory path of an object, or undefined when it has no kind, version or name. */
export function inventoryPath(obj: Readonly<Record<string, unknown>>): string[] | undefined {
  const apiVersion = asString(obj['apiVersion']);
  const kind = asString(obj['kind']);
  const name = asString(field(obj, 'metadata', 'name'));
  if (apiVersion === '' || kind === '' || name === '') return undefined;
  const ns = asString(field(obj, 'metadata', 'namespace'));
  return ns === ''
    ? ['cluster', apiVersion, kind, name]
    : ['namespace', ns, apiVersion, kind, name];
}

export class Inventory {
  private readonly root = branch();
  private count = 0;

  /** Number of objects held. */
  get size(): number {
    return this.count;
  }

  /** Adds or replaces an object; returns false when it has no inventory path. */
  add(obj: Readonly<Record<string, unknown>>): boolean {
    const path = inventoryPath(obj);
    if (path === undefined) return false;
    const nodes = this.walk(path, true);
    const leaf = nodes[nodes.length - 1] as Node;
    if (leaf.leaf === undefined) this.count++;
    leaf.leaf = fromJS(obj);
    for (const n of nodes) n.cached = undefined;
    return true;
  }

  /** Removes an object (by its path); returns whether it was there. */
  remove(obj: Readonly<Record<string, unknown>>): boolean {
    const path = inventoryPath(obj);
    if (path === undefined) return false;
    const nodes = this.walk(path, false);
    if (nodes.length !== path.length + 1 || nodes[path.length]?.leaf === undefined) return false;
    this.count--;
    // drop the leaf, then every ancestor branch it leaves empty
    for (let i = path.length; i >= 1; i--) {
      const node = nodes[i] as Node;
      if (node.leaf === undefined && (node.children?.size ?? 0) > 0) break;
      (nodes[i - 1] as Node).children?.delete(path[i - 1] as string);
    }
    for (const n of nodes) n.cached = undefined;
    return true;
  }

  /** Removes everything (Gatekeeper's WipeData). */
  clear(): void {
    this.root.children?.clear();
    this.root.cached = undefined;
    this.count = 0;
  }

  /** The inventory document (`{}` while nothing is synced, as Gatekeeper's storage has it). */
  value(): Value {
    return build(this.root);
  }

  private walk(path: readonly string[], create: boolean): Node[] {
    const nodes: Node[] = [this.root];
    let cur = this.root;
    for (let i = 0; i < path.length; i++) {
      const key = path[i] as string;
      let next = cur.children?.get(key);
      if (next === undefined) {
        if (!create) return nodes;
        next =
          i === path.length - 1
            ? { children: undefined, leaf: undefined, cached: undefined }
            : branch();
        cur.children?.set(key, next);
      }
      nodes.push(next);
      cur = next;
    }
    return nodes;
  }
}

function build(n: Node): Value {
  if (n.leaf !== undefined) return n.leaf;
  if (n.cached !== undefined) return n.cached;
  const b = new ObjectBuilder();
  for (const [k, child] of n.children ?? []) b.set(str(k), build(child));
  n.cached = b.build();
  return n.cached;
}
