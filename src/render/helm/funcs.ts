// Helm's template functions on top of Sprig (engine/funcs.go and the late-bound ones of engine.go):
// toYaml/fromYaml, toJson/fromJson, toToml/fromToml, include, tpl, required, fail and lookup.
import { marshalJson, unmarshalJson } from '../gotemplate/json.js';
import { GoError, ParseCache, T, T2, TemplateSet, goQuote, newGoMap } from '../gotemplate/index.js';
import type { GoFunc, GoMap, GoValue } from '../gotemplate/index.js';
import { sprigFuncs } from '../gotemplate/sprig/index.js';
import { fn } from '../gotemplate/sprig/def.js';
import { DeepRecursion, ExecError } from '../gotemplate/index.js';
import { decodeToml, encodeToml } from './toml.js';
import { marshalYaml, readYamlArray, readYamlMap } from './yaml.js';
import { marshalYamlV3 } from './yaml-v3.js';

const S = T.string;
const A = T.any;
const M = T2.mapAny;

export const WARN_START = 'HELM_ERR_START';
export const WARN_END = 'HELM_ERR_END';
const RECURSION_MAX = 1000;

/** Looks up live objects for `lookup`; offline rendering returns an empty map. */
export type LookupFunc = (
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
) => GoMap;

function toYAML(v: GoValue): string {
  try {
    return marshalYaml(v).replace(/\n$/, '');
  } catch {
    return '';
  }
}

function errorMap(e: unknown): GoMap {
  const m = newGoMap();
  m['Error'] = (e as Error).message;
  return m;
}

/** The functions every Helm template set has, before the late-bound ones. */
export function helmStaticFuncs(opts: {
  readonly enableDNS?: boolean;
  readonly lookup?: LookupFunc;
  readonly lintMode?: boolean;
}): Record<string, GoFunc> {
  const f = sprigFuncs();
  const lookup = opts.lookup ?? (() => newGoMap());
  Object.assign(f, {
    toToml: fn([A], S, (v: GoValue) => {
      try {
        return encodeToml(v);
      } catch (e) {
        return (e as Error).message;
      }
    }),
    fromToml: fn([S], M, (s: string) => {
      try {
        return decodeToml(s);
      } catch (e) {
        return errorMap(e);
      }
    }),
    toYaml: fn([A], S, toYAML),
    toYamlPretty: fn([A], S, (v: GoValue) => {
      try {
        return marshalYamlV3(v).replace(/\n$/, '');
      } catch {
        return '';
      }
    }),
    fromYaml: fn([S], M, (s: string) => {
      try {
        return readYamlMap(s);
      } catch (e) {
        return errorMap(e);
      }
    }),
    fromYamlArray: fn([S], T2.sliceAny, (s: string) => {
      try {
        return readYamlArray(s);
      } catch (e) {
        return [(e as Error).message];
      }
    }),
    toJson: fn([A], S, (v: GoValue) => {
      try {
        return marshalJson(v);
      } catch {
        return '';
      }
    }),
    fromJson: fn([S], M, (s: string) => {
      try {
        const v = unmarshalJson(s);
        if (v === null) return null;
        if (typeof v !== 'object' || Array.isArray(v)) {
          const kind = Array.isArray(v)
            ? 'array'
            : typeof v === 'number'
              ? 'number'
              : typeof v === 'boolean'
                ? 'bool'
                : 'string';
          return errorMap(
            new Error(
              `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`,
            ),
          );
        }
        return v;
      } catch (e) {
        return errorMap(e);
      }
    }),
    fromJsonArray: fn([S], T2.sliceAny, (s: string) => {
      try {
        const v = unmarshalJson(s);
        if (v === null) return null;
        if (!Array.isArray(v)) {
          const kind =
            typeof v === 'number'
              ? 'number'
              : typeof v === 'boolean'
                ? 'bool'
                : typeof v === 'string'
                  ? 'string'
                  : 'object';
          return [`json: cannot unmarshal ${kind} into Go value of type []interface {}`];
        }
        return v;
      } catch (e) {
        return [(e as Error).message];
      }
    }),
    lookup: fn([S, S, S, S], M, lookup, { errors: true }),
    required: fn(
      [S, A],
      A,
      (warn: string, val: GoValue) => {
        if (val === null || val === undefined || val === '') {
          if (opts.lintMode) return '';
          throw new GoError(WARN_START + warn + WARN_END);
        }
        return val;
      },
      { errors: true },
    ),
    fail: fn(
      [S],
      S,
      (msg: string) => {
        if (opts.lintMode) return '';
        throw new GoError(WARN_START + msg + WARN_END);
      },
      { errors: true },
    ),
  });
  delete f['env'];
  delete f['expandenv'];
  if (!opts.enableDNS) f['getHostByName'] = fn([S], S, () => '');
  return f;
}

/**
 * The error Helm gives for a recursion we could not follow to its end (it ran out of JavaScript
 * stack first): the recorded calls, outermost first, repeat in a cycle; the cycle is continued
 * until an include nests a template more than RECURSION_MAX times, where Helm stops. Undefined
 * when the calls show no cycle.
 */
export function deepRecursionMessage(e: DeepRecursion): string | undefined {
  const frames = [...e.frames].reverse();
  const last = frames.findLastIndex((f) => typeof f !== 'string');
  if (last < 0) return undefined;
  const seen = frames.slice(0, last + 1);
  const n = seen.length;
  const same = (a: (typeof seen)[number], b: (typeof seen)[number]): boolean =>
    typeof a === 'string' || typeof b === 'string' ? a === b : a.include === b.include;
  let period = 0;
  for (let p = 1; p * 3 <= n && period === 0; p++) {
    let ok = true;
    for (let i = n - 2 * p; i < n - p && ok; i++)
      ok =
        same(seen[i] as never, seen[i + p] as never) &&
        same(seen[i - p] as never, seen[i] as never);
    if (ok) period = p;
  }
  if (period === 0) return undefined;
  const counts = new Map<string, number>();
  let msg = '';
  for (let i = 0; i < 100_000_000; i++) {
    const f = seen[i < n ? i : n - period + ((i - n) % period)] as (typeof seen)[number];
    if (typeof f === 'string') {
      msg += f;
      continue;
    }
    const c = counts.get(f.include) ?? 0;
    if (c > RECURSION_MAX)
      return `${msg}rendering template has a nested reference name: ${f.include}: unable to execute template`;
    counts.set(f.include, c + 1);
  }
  return undefined;
}

/** Counts nested includes of each template name (shared by a render and its tpl clones). */
type IncludedNames = Map<string, number>;

function includeFun(t: TemplateSet, included: IncludedNames): GoFunc {
  return fn(
    [S, A],
    S,
    (name: string, data: GoValue) => {
      const v = included.get(name);
      if (v !== undefined) {
        if (v > RECURSION_MAX) {
          throw new GoError(
            `rendering template has a nested reference name: ${name}: unable to execute template`,
          );
        }
        included.set(name, v + 1);
      } else included.set(name, 1);
      try {
        return t.execute(name, data);
      } catch (e) {
        if (e instanceof DeepRecursion) e.frames.push({ include: name });
        throw e;
      } finally {
        included.set(name, (included.get(name) ?? 1) - 1);
      }
    },
    { errors: true },
  );
}

function tplFun(parent: TemplateSet, included: IncludedNames, strict: boolean): GoFunc {
  return fn(
    [S, A],
    S,
    (tpl: string, vals: GoValue) => {
      const t = parent.clone();
      t.option(strict ? 'error' : 'zero');
      t.addFuncs({ include: includeFun(t, included), tpl: tplFun(t, included, strict) });
      let tree;
      try {
        tree = t.parse(parent.name, tpl);
      } catch (e) {
        throw new GoError(`cannot parse template ${goQuoteTpl(tpl)}: ${(e as Error).message}`);
      }
      let out: string;
      try {
        out = t.executeTree(parent.name, tree, vals);
      } catch (e) {
        if (e instanceof ExecError) {
          throw new GoError(
            `error during tpl function execution for ${goQuoteTpl(tpl)}: ${e.message}`,
          );
        }
        if (e instanceof DeepRecursion)
          e.frames.push(`error during tpl function execution for ${goQuoteTpl(tpl)}: `);
        throw e;
      }
      return out.replaceAll('<no value>', '');
    },
    { errors: true },
  );
}

function goQuoteTpl(s: string): string {
  return goQuote(s);
}

/** action.TemplateName: --name-template rendered with Sprig's functions and no data. */
export function renderNameTemplate(nameTemplate: string): string {
  if (nameTemplate === '') return '';
  const t = new TemplateSet('name-template', sprigFuncs());
  const tree = t.parse('name-template', nameTemplate);
  return t.executeTree('name-template', tree, null);
}

/** Templates parsed before, shared by every render (Helm's function names are always the same). */
const PARSE_CACHE = new ParseCache();

/** A template set with Helm's functions bound to it (Engine.initFunMap). */
export function newHelmTemplateSet(opts: {
  readonly strict?: boolean;
  readonly enableDNS?: boolean;
  readonly lookup?: LookupFunc;
  readonly lintMode?: boolean;
}): TemplateSet {
  const t = new TemplateSet('gotpl', helmStaticFuncs(opts));
  t.option(opts.strict ? 'error' : 'zero');
  t.parseCache = PARSE_CACHE;
  const included: IncludedNames = new Map();
  t.addFuncs({ include: includeFun(t, included), tpl: tplFun(t, included, opts.strict ?? false) });
  return t;
}
