// Field sets as structured-merge-diff keeps them: a tree of path elements in the FieldsV1 key encoding ('f:', 'k:', 'v:', 'i:').

/** One node of a field set: `m` says the path itself is a member; `c` holds the children. */
export class FieldSet {
  m = false;
  c: Map<string, FieldSet> | undefined = undefined;

  /** The child for a path element, created when missing. */
  child(key: string): FieldSet {
    if (this.c === undefined) this.c = new Map();
    let n = this.c.get(key);
    if (n === undefined) {
      n = new FieldSet();
      this.c.set(key, n);
    }
    return n;
  }

  get(key: string): FieldSet | undefined {
    return this.c?.get(key);
  }

  isEmpty(): boolean {
    if (this.m) return false;
    if (this.c === undefined) return true;
    for (const n of this.c.values()) if (!n.isEmpty()) return false;
    return true;
  }

  /** Adds every member of `other` to this set (in place). */
  addAll(other: FieldSet): this {
    if (other.m) this.m = true;
    if (other.c !== undefined) for (const [k, n] of other.c) this.child(k).addAll(n);
    return this;
  }

  clone(): FieldSet {
    return new FieldSet().addAll(this);
  }

  /** Members of this set that are not members of `other` (a new set). */
  difference(other: FieldSet | undefined): FieldSet {
    const out = new FieldSet();
    out.m = this.m && !(other?.m ?? false);
    if (this.c !== undefined) {
      for (const [k, n] of this.c) {
        const d = n.difference(other?.c?.get(k));
        if (!d.isEmpty()) out.child(k).addAll(d);
      }
    }
    return out;
  }

  /** Members of both sets (a new set). */
  intersection(other: FieldSet | undefined): FieldSet {
    const out = new FieldSet();
    if (other === undefined) return out;
    out.m = this.m && other.m;
    if (this.c !== undefined && other.c !== undefined) {
      for (const [k, n] of this.c) {
        const o = other.c.get(k);
        if (o === undefined) continue;
        const i = n.intersection(o);
        if (!i.isEmpty()) out.child(k).addAll(i);
      }
    }
    return out;
  }

  /**
   * Whether both sets have the same members. Exact for pruned sets (no empty nodes, as decoding
   * and stripMembers leave them); an empty node only makes equal sets compare unequal.
   */
  equals(other: FieldSet): boolean {
    if (this === other) return true;
    if (this.m !== other.m) return false;
    const a = this.c;
    const b = other.c;
    if (a === undefined || b === undefined) return a === b;
    if (a.size !== b.size) return false;
    for (const [k, n] of a) {
      const o = b.get(k);
      if (o === undefined || !n.equals(o)) return false;
    }
    return true;
  }

  /** Whether the two sets share at least one member (cheaper than an intersection). */
  overlaps(other: FieldSet | undefined): boolean {
    if (other === undefined) return false;
    if (this.m && other.m) return true;
    if (this.c === undefined || other.c === undefined) return false;
    const [small, big] = this.c.size <= other.c.size ? [this.c, other.c] : [other.c, this.c];
    for (const [k, n] of small) {
      const o = big.get(k);
      if (o !== undefined && n.overlaps(o)) return true;
    }
    return false;
  }

  /** Removes the top-level members listed (field names), as kube-apiserver strips metadata from sets. */
  stripMembers(paths: readonly (readonly string[])[]): void {
    for (const p of paths) {
      let n: FieldSet | undefined = p.length > 0 ? this.c?.get(p[0]!) : undefined;
      for (let i = 1; i < p.length; i++) n = n?.c?.get(p[i]!);
      if (n !== undefined) n.m = false;
    }
    this.prune();
  }

  /** Removes whole subtrees (paths of 'f:' elements), as SMD's ignore filter drops reset fields. */
  removeSubtrees(paths: readonly (readonly string[])[]): void {
    for (const p of paths) {
      const last = p[p.length - 1];
      let parent: FieldSet | undefined = p.length > 1 ? this.c?.get(p[0]!) : undefined;
      for (let i = 1; i < p.length - 1 && parent !== undefined; i++) parent = parent.c?.get(p[i]!);
      const holder = p.length === 1 ? this.c : parent?.c;
      if (holder !== undefined && last !== undefined) holder.delete(last);
    }
    this.prune();
  }

  /** Drops empty children, returning whether this node is empty. */
  prune(): boolean {
    if (this.c !== undefined) {
      for (const [k, n] of this.c) if (n.prune()) this.c.delete(k);
      if (this.c.size === 0) this.c = undefined;
    }
    return !this.m && this.c === undefined;
  }

  /** Every member as a path in kube-apiserver's printed form ('.spec.containers[name="a"].image'). */
  paths(prefix = '', out: string[] = []): string[] {
    if (this.m && prefix !== '') out.push(prefix);
    if (this.c !== undefined)
      for (const k of sortedKeys(this.c)) this.c.get(k)!.paths(prefix + printElement(k), out);
    return out;
  }

  /**
   * The FieldsV1 JSON form: '.' marks a member that also has children; keys sorted like SMD.
   * The document is frozen: stored objects share it between versions.
   */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.c !== undefined) {
      for (const k of sortedKeys(this.c)) {
        const n = this.c.get(k)!;
        if (n.isEmpty()) continue;
        const body = n.toFieldsV1();
        let empty = true;
        for (const _ in body) {
          empty = false;
          break;
        }
        out[k] = n.m && !empty ? Object.freeze({ '.': EMPTY, ...body }) : body;
      }
    }
    return Object.freeze(out);
  }

  /** Parses the FieldsV1 JSON form; throws on a malformed document. */
  static fromFieldsV1(v: unknown, where = 'fieldsV1'): FieldSet {
    const out = new FieldSet();
    fill(out, v, where);
    return out;
  }
}

const EMPTY = Object.freeze({});

function isPathElement(k: string): boolean {
  const c = k.charCodeAt(0);
  // 'f', 'k', 'v' or 'i', then ':'
  return (c === 102 || c === 107 || c === 118 || c === 105) && k.charCodeAt(1) === 58;
}

function fill(node: FieldSet, v: unknown, where: string): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error(`${where}: must be an object`);
  const doc = v as Record<string, unknown>;
  for (const k in doc) {
    if (k === '.') continue;
    if (!isPathElement(k)) throw new Error(`${where}: invalid path element ${JSON.stringify(k)}`);
    const child = doc[k];
    const n = node.child(k);
    if (typeof child !== 'object' || child === null || Array.isArray(child))
      throw new Error(`${where}: ${k} must be an object`);
    let empty = true;
    for (const _ in child) {
      empty = false;
      break;
    }
    if (empty || '.' in child) n.m = true;
    fill(n, child, where + '.' + k);
  }
}

const KIND_ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/**
 * SMD's PathElement order: field names, then keys, then values, then indexes; keys compare field by
 * field (names, then values) and values by type, then numerically or lexically.
 */
function sortedKeys(c: Map<string, FieldSet>): string[] {
  return [...c.keys()].sort(compareElements);
}

function compareElements(a: string, b: string): number {
  const ka = KIND_ORDER[a[0]!]!;
  const kb = KIND_ORDER[b[0]!]!;
  if (ka !== kb) return ka - kb;
  switch (a[0]) {
    case 'f':
      return a < b ? -1 : a > b ? 1 : 0;
    case 'i':
      return Number(a.slice(2)) - Number(b.slice(2));
    case 'v':
      return compareValues(JSON.parse(a.slice(2)), JSON.parse(b.slice(2)));
    default: {
      const fa = Object.entries(JSON.parse(a.slice(2)) as Record<string, unknown>);
      const fb = Object.entries(JSON.parse(b.slice(2)) as Record<string, unknown>);
      for (let i = 0; i < fa.length && i < fb.length; i++) {
        const [na, va] = fa[i]!;
        const [nb, vb] = fb[i]!;
        if (na !== nb) return na < nb ? -1 : 1;
        const c = compareValues(va, vb);
        if (c !== 0) return c;
      }
      return fa.length - fb.length;
    }
  }
}

const TYPE_ORDER = ['undefined', 'object', 'boolean', 'number', 'string'];

function compareValues(a: unknown, b: unknown): number {
  const ta = TYPE_ORDER.indexOf(typeof a);
  const tb = TYPE_ORDER.indexOf(typeof b);
  if (ta !== tb) return ta - tb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** The position a walk is at, as a stack of path elements; printed only when an error needs it. */
export class WalkPath {
  readonly parts: string[] = [];
  push(el: string): void {
    this.parts.push(el);
  }
  pop(): void {
    this.parts.pop();
  }
  toString(): string {
    return this.parts.map(printElement).join('');
  }
}

/** One element as SMD's Path.String prints it. */
export function printElement(k: string): string {
  const body = k.slice(2);
  switch (k[0]) {
    case 'f':
      return '.' + body;
    case 'k': {
      const fields = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(fields)
        .map(([name, val]) => `${name}=${JSON.stringify(val)}`)
        .join(',')}]`;
    }
    case 'v':
      return `[=${body}]`;
    default:
      return `[${body}]`;
  }
}
