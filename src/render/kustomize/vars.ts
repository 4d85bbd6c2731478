// Deprecated `vars`: bind a name to a field of one object, then expand $(NAME) in the varReference fields.
import {
  convertSliceIndex,
  FieldPathError,
  goFormatFloatForVar,
  lookupField,
  splitFieldPath,
} from './field-path.js';
import { isYamlMap } from '../yaml/index.js';
import type { YamlValue } from '../yaml/index.js';
import { applyFieldSpec, CreateKind } from './fieldspec.js';
import type { FieldSpec, ValueRef } from './fieldspec.js';
import { KustomizeError } from './loader.js';
import {
  effectiveNamespace,
  gvkEquals,
  idString,
  isClusterScoped,
  parseApiVersion,
  scalarString,
} from './resource.js';
import type { Gvk, Resource, ResId } from './resource.js';

export interface Var {
  readonly name: string;
  readonly gvk: Gvk;
  readonly objName: string;
  readonly namespace: string;
  readonly fieldPath: string;
}

export function readVars(list: readonly YamlValue[], file: string): Var[] {
  return list.map((v, i) => {
    const field = `vars[${i}]`;
    if (!isYamlMap(v))
      throw new KustomizeError(`${file}: ${field}: expected a map`, { file, field });
    const name = scalarString(v['name']);
    if (name === '')
      throw new KustomizeError(`${file}: ${field}.name: a var needs a name`, {
        file,
        field: `${field}.name`,
      });
    const o = isYamlMap(v['objref']) ? v['objref'] : undefined;
    if (!o)
      throw new KustomizeError(`${file}: ${field}.objref: a var needs an objref`, {
        file,
        field: `${field}.objref`,
      });
    const av = scalarString(o['apiVersion']);
    const gv =
      av !== ''
        ? parseApiVersion(av)
        : { group: scalarString(o['group']), version: scalarString(o['version']) };
    const fr = isYamlMap(v['fieldref']) ? v['fieldref'] : undefined;
    const fp = fr ? scalarString(fr['fieldpath'] ?? fr['fieldPath']) : '';
    return {
      name,
      gvk: { ...gv, kind: scalarString(o['kind']) },
      objName: scalarString(o['name']),
      namespace: scalarString(o['namespace']),
      fieldPath: fp === '' ? 'metadata.name' : fp,
    };
  });
}

/** The vars known to an accumulation, and which resource each one reads. */
export class VarSet {
  readonly vars: Var[] = [];

  merge(incoming: readonly Var[], resources: readonly Resource[], file: string): void {
    for (const v of incoming) {
      const target: ResId = { gvk: v.gvk, name: v.objName, namespace: v.namespace };
      const exactNs = v.namespace !== '' || isClusterScoped(v.gvk);
      const matched = resources.filter((r) =>
        r
          .allIds()
          .some(
            (id) =>
              gvkEquals(id.gvk, target.gvk) &&
              id.name === target.name &&
              (!exactNs || effectiveNamespace(id) === effectiveNamespace(target)),
          ),
      );
      if (matched.length > 1) {
        throw new KustomizeError(
          `${file}: found ${matched.length} resId matches for var ${v.name} (unable to disambiguate)`,
          {
            file,
            field: 'vars',
          },
        );
      }
      if (matched.length === 1) (matched[0] as Resource).refVarNames.push(v.name);
      this.add(v, file);
    }
  }

  private add(v: Var, file: string): void {
    if (this.vars.some((x) => x.name === v.name)) {
      throw new KustomizeError(`${file}: var '${v.name}' already encountered`, {
        file,
        field: 'vars',
      });
    }
    this.vars.push(v);
  }

  mergeSet(other: VarSet, file: string): void {
    for (const v of other.vars) this.add(v, file);
  }
}

function expand(input: string, mapping: (name: string) => YamlValue): YamlValue {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] === '$' && cursor + 1 < input.length) {
      out += input.slice(checkpoint, cursor);
      const rest = input.slice(cursor + 1);
      let read: string;
      let isVar = false;
      let advance = 1;
      if (rest[0] === '$') read = '$';
      else if (rest[0] === '(') {
        const close = rest.indexOf(')', 1);
        if (close >= 0) {
          read = rest.slice(1, close);
          isVar = true;
          advance = close + 1;
        } else read = '$(';
      } else read = '$' + (rest[0] ?? '');
      if (isVar) {
        const mapped = mapping(read);
        if (input === `$(${read})`) return mapped;
        out += typeof mapped === 'number' ? goFormatFloatForVar(mapped) : scalarString(mapped);
      } else out += read;
      cursor += advance;
      checkpoint = cursor + 1;
    }
  }
  return out + input.slice(checkpoint);
}

/** Replaces $(VAR) references in the varReference fields of every resource. */
export function resolveVars(
  resources: readonly Resource[],
  set: VarSet,
  specs: readonly FieldSpec[],
): void {
  if (set.vars.length === 0) return;
  const values = new Map<string, YamlValue>();
  for (const v of set.vars) {
    const r = resources.find((x) => x.refVarNames.includes(v.name));
    if (!r) {
      throw new KustomizeError(
        `var '${v.name}' cannot be mapped to a field in the set of known resources`,
        { field: 'vars' },
      );
    }
    let val: YamlValue | undefined;
    try {
      val = lookupField(r.obj, convertSliceIndex(splitFieldPath(v.fieldPath)))?.value;
    } catch (err) {
      if (!(err instanceof FieldPathError)) throw err;
      val = undefined;
    }
    // kyaml's GetFieldValue gives a null node's text.
    if (val === null) val = 'null';
    if (val === undefined) {
      throw new KustomizeError(
        `field specified in var '${v.name}' (${v.fieldPath}) not found in corresponding resource`,
        {
          file: r.source,
          field: 'vars',
        },
      );
    }
    values.set(v.name, val);
  }
  const mapping = (name: string): YamlValue => {
    const v = values.get(name);
    if (v === undefined || (v !== null && typeof v === 'object')) return `$(${name})`;
    return v;
  };
  const setString = (ref: ValueRef): void => {
    const cur = ref.get();
    if (typeof cur === 'string') ref.set(expand(cur, mapping));
  };
  for (const r of resources) {
    for (const fs of specs) {
      applyFieldSpec(r.obj, r.gvk, { ...fs, create: false }, CreateKind.None, (ref) => {
        const node = ref.get();
        if (node === null || node === undefined) return;
        if (Array.isArray(node)) {
          for (let i = 0; i < node.length; i++) {
            const item = node[i] as YamlValue;
            if (typeof item !== 'string') {
              throw new KustomizeError(
                `considering field '${fs.path}' of object ${idString(r.curId())}: invalid value type expect a string`,
                { file: r.source, field: fs.path },
              );
            }
            node[i] = expand(scalarString(item), mapping);
          }
        } else if (isYamlMap(node)) {
          for (const k of Object.keys(node)) {
            const before = node[k];
            if (typeof before !== 'string') continue;
            // Entries that share one node in kustomize change together.
            r.setSharedEntry(node, k, before, expand(before, mapping));
          }
        } else setString(ref);
      });
    }
  }
}
