// Helm's values flags merged in Helm's precedence (pkg/cli/values): -f files in order, then
// --set-json, --set, --set-string, --set-file and --set-literal, each in the order given.
import { readFileSync } from 'node:fs';
import { isGoMap, newGoMap } from '../gotemplate/index.js';
import type { GoMap, GoValue } from '../gotemplate/index.js';
import { HelmError } from './errors.js';
import {
  parseInto,
  parseIntoFile,
  parseIntoString,
  parseJson,
  parseLiteralInto,
} from './strvals.js';
import { readYamlMap } from './yaml.js';

export interface ValueOptions {
  /** -f/--values: YAML files, later ones win. "-" reads standard input. */
  readonly valueFiles?: readonly string[];
  readonly values?: readonly string[];
  readonly stringValues?: readonly string[];
  readonly fileValues?: readonly string[];
  readonly jsonValues?: readonly string[];
  readonly literalValues?: readonly string[];
  /** Reads a file (or "-" for standard input); defaults to the file system. */
  readonly readFile?: (path: string) => Buffer;
}

function mergeMaps(a: GoMap, b: GoMap): GoMap {
  const out = newGoMap();
  for (const k of Object.keys(a)) out[k] = a[k];
  for (const k of Object.keys(b)) {
    const v: GoValue = b[k];
    const cur = out[k];
    if (isGoMap(v) && isGoMap(cur)) {
      out[k] = mergeMaps(cur, v);
      continue;
    }
    out[k] = v;
  }
  return out;
}

function defaultRead(path: string): Buffer {
  if (path.trim() === '-') return readFileSync(0);
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(path) && !path.startsWith('file://')) {
    throw new HelmError(
      `reading ${path}: remote values files are not supported; download it first`,
      'ValuesReadFailed',
      path,
    );
  }
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HelmError(
      code === 'ENOENT'
        ? `open ${path}: no such file or directory`
        : `open ${path}: ${(e as Error).message}`,
      'ValuesReadFailed',
      path,
    );
  }
}

/**
 * Values from YAML (or JSON) text as Helm reads a values file (chartutil.ReadValues): numbers become
 * float64 (int64 only where --set made them), an empty document an empty map. `source` names the
 * text in the error ("failed to parse SOURCE: ...").
 */
export function parseValues(text: string, source: string): GoMap {
  try {
    return readYamlMap(text);
  } catch (e) {
    throw new HelmError(
      `failed to parse ${source}: ${(e as Error).message}`,
      'ValuesInvalid',
      source,
    );
  }
}

/** Options.MergeValues: the user-supplied values as one map. */
export function mergeValueOptions(opts: ValueOptions): GoMap {
  const read = opts.readFile ?? defaultRead;
  let base = newGoMap();
  for (const file of opts.valueFiles ?? []) {
    base = mergeMaps(base, parseValues(read(file).toString('utf8'), file));
  }
  const each = (
    list: readonly string[] | undefined,
    f: (v: string) => void,
    what: string,
  ): void => {
    for (const v of list ?? []) {
      try {
        f(v);
      } catch (e) {
        if (e instanceof HelmError) throw e;
        throw new HelmError(
          what === 'json'
            ? `failed parsing --set-json data ${v}`
            : `failed parsing --${what} data: ${(e as Error).message}`,
          'ValuesInvalid',
        );
      }
    }
  };
  each(opts.jsonValues, (v) => parseJson(v, base), 'json');
  each(opts.values, (v) => parseInto(v, base), 'set');
  each(opts.stringValues, (v) => parseIntoString(v, base), 'set-string');
  each(opts.fileValues, (v) => parseIntoFile(v, base, (p) => read(p).toString('utf8')), 'set-file');
  each(opts.literalValues, (v) => parseLiteralInto(v, base), 'set-literal');
  return base;
}
