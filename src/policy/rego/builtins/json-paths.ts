// Path-based JSON built-ins: json.filter, json.remove and json.patch (RFC 6902 over Rego values, sets included).

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { operandError, operandTypeError } from '../errors.js';
import {
  arr,
  equal,
  ObjectBuilder,
  SetBuilder,
  str,
  type ObjectValue,
  type Value,
} from '../value.js';
import { objectOperand } from './operands.js';

// ---------------------------------------------------------------------------------------------
// Path trees for json.filter / json.remove

/** A trie of path segments; `end` marks a complete path (the whole subtree is selected). */
interface PathNode {
  end: boolean;
  readonly children: Map<string, { seg: Value; node: PathNode }>;
}

const segKey = (v: Value): string =>
  v.kind === 'string' ? `s:${v.value}` : `v:${JSON.stringify(v)}`;

function newNode(): PathNode {
  return { end: false, children: new Map() };
}

function pathSegments(name: string, p: Value): readonly Value[] {
  if (p.kind === 'string') {
    const s = p.value.replace(/^\/+/, '');
    return s === '' ? [] : s.split('/').map(str);
  }
  if (p.kind === 'array') return p.items;
  throw operandError(
    name,
    2,
    `must be one of {set, array} containing string paths or array of path segments but got ${p.kind}`,
  );
}

function buildTree(name: string, paths: Value): PathNode {
  if (paths.kind !== 'array' && paths.kind !== 'set')
    throw operandTypeError(name, 2, paths.kind, 'set', 'array');
  const root = newNode();
  for (const p of paths.kind === 'array' ? paths.items : paths.sorted()) {
    let node = root;
    for (const seg of pathSegments(name, p)) {
      const k = segKey(seg);
      let child = node.children.get(k);
      if (child === undefined) {
        child = { seg, node: newNode() };
        node.children.set(k, child);
      }
      node = child.node;
    }
    node.end = true;
  }
  return root;
}

/** The array index a segment names (number, or decimal string as in "a/0/b"). */
function segIndex(seg: Value): number | undefined {
  if (seg.kind === 'number') return seg.toSafeInt();
  if (seg.kind === 'string' && /^(0|[1-9][0-9]*)$/.test(seg.value)) return Number(seg.value);
  return undefined;
}

function childNode(node: PathNode, key: Value): PathNode | undefined {
  const direct = node.children.get(segKey(key))?.node;
  if (direct !== undefined) return direct;
  if (key.kind === 'number') return node.children.get(`s:${key.toString()}`)?.node;
  return undefined;
}

function filterValue(v: Value, node: PathNode): Value | undefined {
  if (node.end) return v;
  switch (v.kind) {
    case 'object': {
      const b = new ObjectBuilder();
      v.forEach((k, val) => {
        const c = childNode(node, k);
        if (c === undefined) return;
        const f = filterValue(val, c);
        if (f !== undefined) b.set(k, f);
      });
      return b.build();
    }
    case 'array': {
      const out: Value[] = [];
      v.items.forEach((e, i) => {
        const c =
          node.children.get(`s:${i}`)?.node ?? node.children.get(segKey(str(String(i))))?.node;
        const byNumber = c ?? [...node.children.values()].find((x) => segIndex(x.seg) === i)?.node;
        if (byNumber === undefined) return;
        const f = filterValue(e, byNumber);
        if (f !== undefined) out.push(f);
      });
      return arr(out);
    }
    case 'set': {
      const b = new SetBuilder();
      for (const e of v.sorted()) {
        const c = childNode(node, e);
        if (c === undefined) continue;
        const f = filterValue(e, c);
        if (f !== undefined) b.add(f);
      }
      return b.build();
    }
    default:
      return v;
  }
}

function removeValue(v: Value, node: PathNode): Value | undefined {
  if (node.end) return undefined;
  if (node.children.size === 0) return v;
  switch (v.kind) {
    case 'object': {
      const b = new ObjectBuilder();
      v.forEach((k, val) => {
        const c = childNode(node, k);
        const r = c === undefined ? val : removeValue(val, c);
        if (r !== undefined) b.set(k, r);
      });
      return b.build();
    }
    case 'array': {
      const out: Value[] = [];
      v.items.forEach((e, i) => {
        const c = [...node.children.values()].find((x) => segIndex(x.seg) === i)?.node;
        const r = c === undefined ? e : removeValue(e, c);
        if (r !== undefined) out.push(r);
      });
      return arr(out);
    }
    case 'set': {
      const b = new SetBuilder();
      for (const e of v.sorted()) {
        const c = childNode(node, e);
        const r = c === undefined ? e : removeValue(e, c);
        if (r !== undefined) b.add(r);
      }
      return b.build();
    }
    default:
      return v;
  }
}

// ---------------------------------------------------------------------------------------------
// json.patch

type Path = readonly Value[];

/** A JSON pointer ("", "/a/b" or "a/b"; ~0 and ~1 escapes) or an array of segments; undefined if invalid. */
function parsePointer(p: Value | undefined): Path | undefined {
  if (p === undefined) return undefined;
  if (p.kind === 'array') return p.items;
  if (p.kind !== 'string') return undefined;
  if (p.value === '') return [];
  // OPA also accepts pointers without the leading slash ("foo/b").
  const body = p.value.startsWith('/') ? p.value.slice(1) : p.value;
  return body.split('/').map((s) => str(s.replaceAll('~1', '/').replaceAll('~0', '~')));
}

function arrayIndex(seg: Value, len: number, allowEnd: boolean): number | undefined {
  if (allowEnd && seg.kind === 'string' && seg.value === '-') return len;
  const i = segIndex(seg);
  if (i === undefined) return undefined;
  return i < len || (allowEnd && i === len) ? i : undefined;
}

function getChild(node: Value, seg: Value): Value | undefined {
  switch (node.kind) {
    case 'object':
      return node.get(seg);
    case 'array': {
      const i = arrayIndex(seg, node.items.length, false);
      return i === undefined ? undefined : node.items[i];
    }
    case 'set':
      return node.has(seg) ? seg : undefined;
    default:
      return undefined;
  }
}

function getAt(doc: Value, path: Path): Value | undefined {
  let cur: Value | undefined = doc;
  for (const seg of path) {
    if (cur === undefined) return undefined;
    cur = getChild(cur, seg);
  }
  return cur;
}

function withObjectKey(o: ObjectValue, k: Value, v: Value | undefined): ObjectValue {
  const b = new ObjectBuilder();
  o.forEach((key, val) => {
    if (!equal(key, k)) b.set(key, val);
  });
  if (v !== undefined) b.set(k, v);
  return b.build();
}

type Leaf = (parent: Value, seg: Value) => Value | undefined;

/** Rebuilds doc with the parent of the path's last segment transformed by leaf. */
function update(doc: Value, path: Path, leaf: Leaf): Value | undefined {
  const [seg, ...rest] = path;
  if (seg === undefined) return undefined;
  if (rest.length === 0) return leaf(doc, seg);
  const child = getChild(doc, seg);
  if (child === undefined) return undefined;
  const updated = update(child, rest, leaf);
  if (updated === undefined) return undefined;
  switch (doc.kind) {
    case 'object':
      return withObjectKey(doc, seg, updated);
    case 'array': {
      const i = arrayIndex(seg, doc.items.length, false)!;
      const items = [...doc.items];
      items[i] = updated;
      return arr(items);
    }
    case 'set': {
      const b = new SetBuilder();
      for (const e of doc.unordered()) if (!equal(e, seg)) b.add(e);
      b.add(updated);
      return b.build();
    }
    default:
      return undefined;
  }
}

function addAt(doc: Value, path: Path, value: Value): Value | undefined {
  if (path.length === 0) return value;
  return update(doc, path, (parent, seg) => {
    switch (parent.kind) {
      case 'object':
        return withObjectKey(parent, seg, value);
      case 'array': {
        const i = arrayIndex(seg, parent.items.length, true);
        if (i === undefined) return undefined;
        const items = [...parent.items];
        items.splice(i, 0, value);
        return arr(items);
      }
      case 'set': {
        if (!equal(seg, value)) return undefined;
        const b = new SetBuilder();
        for (const e of parent.unordered()) b.add(e);
        b.add(value);
        return b.build();
      }
      default:
        return undefined;
    }
  });
}

function removeAt(doc: Value, path: Path): Value | undefined {
  if (path.length === 0) return undefined;
  return update(doc, path, (parent, seg) => {
    switch (parent.kind) {
      case 'object':
        return parent.has(seg) ? withObjectKey(parent, seg, undefined) : undefined;
      case 'array': {
        const i = arrayIndex(seg, parent.items.length, false);
        if (i === undefined) return undefined;
        const items = [...parent.items];
        items.splice(i, 1);
        return arr(items);
      }
      case 'set': {
        if (!parent.has(seg)) return undefined;
        const b = new SetBuilder();
        for (const e of parent.unordered()) if (!equal(e, seg)) b.add(e);
        return b.build();
      }
      default:
        return undefined;
    }
  });
}

function applyPatch(doc: Value, op: Value): Value | undefined {
  if (op.kind !== 'object') return undefined;
  const kind = op.getStr('op');
  const path = parsePointer(op.getStr('path'));
  if (kind?.kind !== 'string' || path === undefined) return undefined;
  const value = op.getStr('value');
  switch (kind.value) {
    case 'add':
      return value === undefined ? undefined : addAt(doc, path, value);
    case 'remove':
      return removeAt(doc, path);
    case 'replace': {
      if (value === undefined || getAt(doc, path) === undefined) return undefined;
      if (path.length === 0) return value;
      const removed = removeAt(doc, path);
      return removed === undefined ? undefined : addAt(removed, path, value);
    }
    case 'move':
    case 'copy': {
      const from = parsePointer(op.getStr('from'));
      if (from === undefined) return undefined;
      const moved = getAt(doc, from);
      if (moved === undefined) return undefined;
      const base = kind.value === 'move' ? removeAt(doc, from) : doc;
      if (base === undefined) return kind.value === 'move' && from.length === 0 ? moved : undefined;
      return addAt(base, path, moved);
    }
    case 'test': {
      const got = getAt(doc, path);
      return value !== undefined && got !== undefined && equal(got, value) ? doc : undefined;
    }
    default:
      return undefined;
  }
}

const PATHS = T.anyOf(
  T.arrayOf(T.anyOf(T.string, T.arrayOf(T.any))),
  T.setOf(T.anyOf(T.string, T.arrayOf(T.any))),
);

export const JSON_PATH_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'json.filter',
    args: [T.objectOf(T.any, T.any), PATHS],
    result: T.any,
    impl: ([o, p]) => {
      const obj = objectOperand('json.filter', o!, 1);
      return filterValue(obj, buildTree('json.filter', p!));
    },
  },
  {
    name: 'json.remove',
    args: [T.objectOf(T.any, T.any), PATHS],
    result: T.any,
    impl: ([o, p]) => {
      const obj = objectOperand('json.remove', o!, 1);
      return removeValue(obj, buildTree('json.remove', p!));
    },
  },
  {
    name: 'json.patch',
    args: [T.any, T.arrayOf(T.objectOf(T.string, T.any))],
    result: T.any,
    impl: (args) => {
      const p = args[1]!;
      if (p.kind !== 'array') throw operandTypeError('json.patch', 2, p.kind, 'array');
      let doc = args[0]!;
      for (const op of p.items) {
        const next = applyPatch(doc, op);
        if (next === undefined) return undefined;
        doc = next;
      }
      return doc;
    },
  },
];
