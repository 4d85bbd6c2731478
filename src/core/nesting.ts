// How deeply objects and arrays may nest. kube-apiserver refuses bodies nested deeper than 10,000
// levels; Flotilla's recursive walks (server-side apply's field sets, YAML output, diffs) run on
// Node's default stack, which holds about a thousand levels of the deepest of them with room to
// spare. So the local cluster refuses deeper bodies and the apply engine deeper objects.
export const MAX_NESTING_DEPTH = 1000;

/** Whether a value nests objects and arrays deeper than `max` (walked without recursion). */
export function exceedsNestingDepth(value: unknown, max = MAX_NESTING_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, depth] = top;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
