// The refs a remote advertises, and the `git ls-remote` text form of them (also protocol v0's).

/** One advertised remote ref: its name, the object it points at and, for annotated tags, the peeled commit. */
export interface RemoteRef {
  readonly name: string;
  readonly oid: string;
  /** The commit an annotated tag points at (from the `^{}` line); undefined for other refs. */
  readonly peeled?: string;
}

/** Parses `git ls-remote` output into refs, folding `^{}` peeled lines into their tag. */
export function parseLsRemote(out: string): Map<string, RemoteRef> {
  const raw = new Map<string, string>();
  const peeled = new Map<string, string>();
  for (const line of out.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const oid = line.slice(0, tab);
    const name = line.slice(tab + 1);
    if (name.endsWith('^{}')) peeled.set(name.slice(0, -3), oid);
    else raw.set(name, oid);
  }
  const refs = new Map<string, RemoteRef>();
  for (const [name, oid] of raw) {
    const p = peeled.get(name);
    refs.set(name, p === undefined ? { name, oid } : { name, oid, peeled: p });
  }
  return refs;
}
