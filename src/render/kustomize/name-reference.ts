// Name-reference fixing: after names change (prefix, suffix, hash), rewrite every field that refers to the old names.
import { isYamlMap, scalarSource, setUntagged } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import type { NameBackReference } from './builtin-config.js';
import { applyFieldSpec, CreateKind, hasField, setUntaggedRef, splitPath } from './fieldspec.js';
import type { FieldSpec, ValueRef } from './fieldspec.js';
import { KustomizeError } from './loader.js';
import {
  effectiveNamespace,
  gvkIsSelected,
  idString,
  isClusterScoped,
  sameEndingSubSlice,
  scalarString,
} from './resource.js';
import type { Gvk, Resource } from './resource.js';

function couldBeReferencedBy(all: readonly Resource[], referrer: Resource): Resource[] {
  const rid = referrer.curId();
  if (isClusterScoped(rid.gvk)) return [...all];
  const bindingNamespaces = new Set<string>();
  if (referrer.kind === 'RoleBinding') {
    const subjects = referrer.obj['subjects'];
    if (Array.isArray(subjects)) {
      for (const s of subjects) {
        if (isYamlMap(s) && s['kind'] === 'ServiceAccount' && typeof s['namespace'] === 'string') {
          bindingNamespaces.add(s['namespace']);
        }
      }
    }
  }
  return all.filter((t) => {
    const id = t.curId();
    if (isClusterScoped(id.gvk)) return true;
    if (effectiveNamespace(id) === effectiveNamespace(rid)) return true;
    return bindingNamespaces.has(t.namespace);
  });
}

/** A map entry's text as written (kyaml reads a node's Value). */
function textAt(m: YamlMap, key: string): string {
  return scalarSource(m, key) ?? scalarString(m[key]);
}

class Fixer {
  constructor(
    private readonly referrer: Resource,
    private readonly spec: FieldSpec,
    private readonly target: Partial<Gvk>,
    private readonly candidates: readonly Resource[],
  ) {}

  run(): void {
    applyFieldSpec(
      this.referrer.obj,
      this.referrer.gvk,
      { ...this.spec, gvk: {} },
      CreateKind.None,
      (ref) => this.set(ref),
    );
  }

  private set(ref: ValueRef): void {
    const node = ref.get();
    if (node === null || node === undefined) return;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const el = node[i] as YamlValue;
        if (isYamlMap(el)) this.setMapping(el);
        else if (el !== null && typeof el !== 'object')
          this.setScalar({ get: () => node[i] as YamlValue, set: (v) => (node[i] = v) });
      }
      return;
    }
    if (isYamlMap(node)) this.setMapping(node);
    else this.setScalar(ref);
  }

  private setScalar(ref: ValueRef): void {
    const h = ref.holder;
    const old = (h !== undefined ? scalarSource(h[0], h[1]) : undefined) ?? scalarString(ref.get());
    const referral = this.select(old, this.candidates, false);
    if (referral && referral.name !== old) setUntaggedRef(ref, referral.name);
  }

  private setMapping(m: YamlMap): void {
    if (!('name' in m)) {
      throw new KustomizeError(
        `updating name reference in '${this.spec.path}' field of '${idString(this.referrer.curId())}': path config error; no 'name' field in node`,
        { file: this.referrer.source, field: this.spec.path },
      );
    }
    let candidates: readonly Resource[] = this.candidates;
    if ('namespace' in m) {
      const ns = textAt(m, 'namespace');
      const byOrg = this.candidates.filter(
        (c) => !isClusterScoped(c.orgId().gvk) && effectiveNamespace(c.orgId()) === ns,
      );
      candidates =
        byOrg.length > 0
          ? byOrg
          : this.candidates.filter(
              (c) => !isClusterScoped(c.curId().gvk) && effectiveNamespace(c.curId()) === ns,
            );
    }
    const old = textAt(m, 'name');
    const referral = this.select(old, candidates, true);
    if (!referral) return;
    if (referral.name === old && referral.namespace === '') return;
    setUntagged(m, 'name', referral.name);
    if (referral.namespace !== '') setUntagged(m, 'namespace', referral.namespace);
  }

  private select(
    oldName: string,
    list: readonly Resource[],
    withNamespace: boolean,
  ): Resource | undefined {
    let c = list.filter((r) => r.prevIds.some((id) => id.name === oldName));
    c = c.filter((r) => r.prevIds.some((id) => gvkIsSelected(id.gvk, this.target)));
    if (this.spec.path.endsWith('roleRef/name')) {
      const roleRef = this.referrer.obj['roleRef'];
      if (
        isYamlMap(roleRef) &&
        typeof roleRef['apiGroup'] === 'string' &&
        typeof roleRef['kind'] === 'string'
      ) {
        const g = { group: roleRef['apiGroup'], kind: roleRef['kind'] };
        c = c.filter((r) => r.prevIds.some((id) => gvkIsSelected(id.gvk, g)));
      }
    }
    const rid = this.referrer.curId();
    if (!isClusterScoped(rid.gvk)) {
      c = c.filter(
        (r) =>
          isClusterScoped(r.curId().gvk) ||
          r.kind === 'ServiceAccount' ||
          effectiveNamespace(r.curId()) === effectiveNamespace(rid),
      );
    }
    if (c.length === 1) return c[0];
    c = c.filter(
      (r) =>
        sameEndingSubSlice(r.prefixes, this.referrer.prefixes) &&
        sameEndingSubSlice(r.suffixes, this.referrer.suffixes),
    );
    if (c.length === 1) return c[0];
    if (c.length === 0) return undefined;
    const first = c[0] as Resource;
    const identical = c.every(
      (r) => r.name === first.name && (!withNamespace || r.namespace === first.namespace),
    );
    if (identical) return first;
    throw new KustomizeError(
      `updating name reference in '${this.spec.path}' field of '${idString(rid)}': found multiple possible referrals: ${c
        .map((r) => idString(r.curId()))
        .join(', ')}`,
      { file: this.referrer.source, field: this.spec.path },
    );
  }
}

/** Rewrites references to renamed objects across all resources. */
export function fixNameReferences(
  resources: readonly Resource[],
  backRefs: readonly NameBackReference[],
): void {
  const plan = new Map<Resource, Array<{ spec: FieldSpec; target: Partial<Gvk> }>>();
  for (const br of backRefs) {
    for (const spec of br.referrers) {
      const path = splitPath(spec.path);
      for (const r of resources) {
        if (!gvkIsSelected(r.orgId().gvk, spec.gvk)) continue;
        if (!hasField(r.obj, path)) continue;
        let list = plan.get(r);
        if (!list) {
          list = [];
          plan.set(r, list);
        }
        list.push({ spec, target: br.gvk });
      }
    }
  }
  for (const r of resources) {
    const list = plan.get(r);
    if (!list) continue;
    const candidates = couldBeReferencedBy(resources, r);
    for (const f of list) new Fixer(r, f.spec, f.target, candidates).run();
  }
}
