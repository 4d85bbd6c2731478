// Flux's postBuild variable substitution over rendered objects (spec.postBuild.substitute and
// substituteFrom of a Kustomization): each object's YAML goes through envsubst and back.
import { parse, stringify } from 'yaml';
import { FlotillaError } from '../../core/index.js';
import { envsubst, SubstitutionError } from './envsubst.js';

/** The label or annotation that turns substitution off for one object, with the value `disabled`. */
export const SUBSTITUTE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/substitute';

const VAR_NAME = /^[_\p{L}][_\p{L}\p{Nd}]*$/u;

export type KubeObject = Record<string, unknown>;

export interface SubstituteOptions {
  /** Fail on `${var}` with no value and no default (Flux's StrictPostBuildSubstitutions). @default false */
  readonly strict?: boolean;
}

/**
 * Merges variable sources the way Flux does: `substituteFrom` entries in order (later ones
 * win), then the inline `substitute` map; newlines are removed from every value.
 */
export function mergeVariables(
  from: readonly Readonly<Record<string, string>>[],
  inline: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  // No prototype: a variable may be called `__proto__` or `constructor` like any other.
  const vars = Object.create(null) as Record<string, string>;
  for (const source of [...from, inline ?? {}]) {
    for (const [k, v] of Object.entries(source)) vars[k] = v.replaceAll('\n', '');
  }
  return vars;
}

/**
 * Substitutes variables in every object, except those labelled or annotated
 * `kustomize.toolkit.fluxcd.io/substitute: disabled`. Returns new objects; the input is not
 * changed. Errors name the object and say what is wrong; nothing partial is returned.
 */
export function substituteVariables(
  objects: readonly KubeObject[],
  vars: Readonly<Record<string, string>>,
  options: SubstituteOptions = {},
): KubeObject[] {
  const strict = options.strict ?? false;
  for (const name of Object.keys(vars)) {
    if (!VAR_NAME.test(name)) {
      throw new FlotillaError(
        `postBuild: '${name}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'`,
        { reason: 'BuildFailed', field: 'spec.postBuild' },
      );
    }
  }
  if (Object.keys(vars).length === 0 && !strict) return objects.map((o) => structuredClone(o));
  const lookup = (name: string) => (Object.hasOwn(vars, name) ? vars[name] : undefined);
  return objects.map((obj) => {
    if (isDisabled(obj)) return structuredClone(obj);
    const text = stringify(obj, { lineWidth: 0 });
    let out: string;
    try {
      out = envsubst(text, lookup, { strict });
    } catch (err) {
      const why = err instanceof SubstitutionError ? err.message : String(err);
      throw new FlotillaError(`${describe(obj)}: variable substitution failed: ${why}`, {
        reason: 'BuildFailed',
        object: describe(obj),
        field: 'spec.postBuild',
        cause: err,
      });
    }
    try {
      const parsed: unknown = parse(out);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error('the result is not an object');
      }
      return parsed as KubeObject;
    } catch (err) {
      throw new FlotillaError(
        `${describe(obj)}: the YAML after variable substitution is invalid: ${err instanceof Error ? err.message : String(err)}`,
        { reason: 'BuildFailed', object: describe(obj), field: 'spec.postBuild', cause: err },
      );
    }
  });
}

function isDisabled(obj: KubeObject): boolean {
  const meta = obj['metadata'] as
    { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined;
  return (
    meta?.labels?.[SUBSTITUTE_ANNOTATION] === 'disabled' ||
    meta?.annotations?.[SUBSTITUTE_ANNOTATION] === 'disabled'
  );
}

function describe(obj: KubeObject): string {
  const meta = obj['metadata'] as { name?: string; namespace?: string } | undefined;
  const ns = meta?.namespace ? `${meta.namespace}/` : '';
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : 'object';
  return `${kind}/${ns}${meta?.name ?? '<unnamed>'}`;
}
