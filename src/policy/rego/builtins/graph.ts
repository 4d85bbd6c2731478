// Graph built-ins: walk (a relation over every [path, value] pair), graph.reachable and graph.reachable_paths.

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { operandTypeError } from '../errors.js';
import { arr, num, SetBuilder, type ObjectValue, type Value } from '../value.js';
import { objectOperand } from './operands.js';

/** Every [path, value] pair of v in pre-order, children in OPA's sorted order. */
export function walkPairs(v: Value): Value[] {
  const out: Value[] = [];
  const path: Value[] = [];
  const visit = (x: Value): void => {
    out.push(arr([arr([...path]), x]));
    switch (x.kind) {
      case 'array':
        x.items.forEach((e, i) => {
          path.push(num(i));
          visit(e);
          path.pop();
        });
        break;
      case 'object':
        x.forEach((k, e) => {
          path.push(k);
          visit(e);
          path.pop();
        });
        break;
      case 'set':
        for (const e of x.sorted()) {
          path.push(e);
          visit(e);
          path.pop();
        }
        break;
      default:
        break;
    }
  };
  visit(v);
  return out;
}

/** Neighbours of an edge list: array, set or null (none); anything else is a type error. */
function vertices(name: string, edges: Value): readonly Value[] {
  switch (edges.kind) {
    case 'array':
      return edges.items;
    case 'set':
      return edges.sorted();
    case 'null':
      return [];
    default:
      throw operandTypeError(name, 1, edges.kind, 'object of sets or arrays');
  }
}

function initialNodes(name: string, v: Value): readonly Value[] {
  if (v.kind === 'array') return v.items;
  if (v.kind === 'set') return v.sorted();
  throw operandTypeError(name, 2, v.kind, 'set', 'array');
}

function reachable(graph: ObjectValue, initial: readonly Value[]): Value {
  const queue = [...initial];
  const reached = new SetBuilder();
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    const edges = graph.get(node);
    if (edges === undefined) continue;
    for (const n of vertices('graph.reachable', edges)) if (!reached.has(n)) queue.push(n);
    reached.add(node);
  }
  return reached.build();
}

/**
 * OPA's reachable_paths: depth-first; a neighbour already reached (on the path, or by an
 * earlier sibling at some ancestor) ends the path; a neighbour missing from the graph ends it
 * without being added; a node without edges ends it with the node.
 */
function reachablePaths(graph: ObjectValue, initial: readonly Value[]): Value {
  const out = new SetBuilder();
  const build = (node: Value, path: Value[], reached: SetBuilder): void => {
    const edges = graph.get(node);
    if (edges === undefined) return;
    const next = vertices('graph.reachable_paths', edges);
    if (next.length === 0) {
      out.add(arr(path));
      return;
    }
    for (const n of next) {
      if (reached.has(n)) {
        out.add(arr(path));
        continue;
      }
      if (graph.get(n) === undefined) {
        out.add(arr(path));
        continue;
      }
      reached.add(n);
      const copy = new SetBuilder();
      for (const r of reached.values()) copy.add(r);
      build(n, [...path, n], copy);
    }
  };
  for (const root of initial) {
    if (graph.get(root) === undefined) continue;
    const reached = new SetBuilder();
    reached.add(root);
    build(root, [root], reached);
  }
  return out.build();
}

const GRAPH = T.objectOf(T.any, T.anyOf(T.setOf(T.any), T.arrayOf(T.any)));
const NODES = T.anyOf(T.setOf(T.any), T.arrayOf(T.any));

export const GRAPH_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'walk',
    args: [T.any],
    result: T.tuple(T.arrayOf(T.any), T.any),
    relation: true,
    impl: ([v]) => walkPairs(v!),
  },
  {
    name: 'graph.reachable',
    args: [GRAPH, NODES],
    result: T.setOf(T.any),
    impl: ([g, i]) =>
      reachable(objectOperand('graph.reachable', g!, 1), initialNodes('graph.reachable', i!)),
  },
  {
    name: 'graph.reachable_paths',
    args: [GRAPH, NODES],
    result: T.setOf(T.arrayOf(T.any)),
    impl: ([g, i]) =>
      reachablePaths(
        objectOperand('graph.reachable_paths', g!, 1),
        initialNodes('graph.reachable_paths', i!),
      ),
  },
];
