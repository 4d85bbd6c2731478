// gator Suites (test.gatekeeper.sh/v1alpha1 `Suite`): tests of a template and a constraint, each
// with cases of an object, optional inventory and assertions; found as gator verify finds them
// (a file, a directory, or a directory tree with the `/...` suffix), read with go-yaml v3 rules.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { FlotillaError } from '../../core/index.js';
import { parseYamlDocuments, type YamlValue } from '../../render/index.js';

export const SUITE_GROUP = 'test.gatekeeper.sh';

export interface Assertion {
  /** "yes", "no", or a count; @default "yes" */
  readonly violations: string | number | undefined;
  /** a Go regular expression matched against each violation's message */
  readonly message: string | undefined;
}

export interface Case {
  readonly name: string;
  readonly object: string;
  readonly inventory: readonly string[];
  readonly assertions: readonly Assertion[];
  readonly skip: boolean;
}

export interface Test {
  readonly name: string;
  readonly template: string;
  readonly constraint: string;
  readonly cases: readonly Case[];
  readonly invalid: boolean;
  readonly skip: boolean;
}

export interface Suite {
  readonly name: string;
  readonly tests: readonly Test[];
  readonly skip: boolean;
  /** the suite file's path on disk */
  readonly absolutePath: string;
  /** the path as the user named it (printed in results) */
  readonly inputPath: string;
}

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export class SuiteError extends FlotillaError {
  constructor(message: string, file?: string) {
    super(message, { reason: 'InvalidSuite', ...(file === undefined ? {} : { file }) });
    this.name = 'SuiteError';
  }
}

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);

function isYaml(name: string): boolean {
  const i = name.lastIndexOf('.');
  return i >= 0 && YAML_EXTENSIONS.has(name.slice(i));
}

/** Reads one YAML file's documents as go-yaml v3 reads them (empty documents dropped). */
export function readYamlDocuments(path: string): Obj[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SuiteError(`reading ${JSON.stringify(path)}: ${(err as Error).message}`, path);
  }
  let docs: YamlValue[];
  try {
    docs = parseYamlDocuments(text);
  } catch (err) {
    throw new SuiteError(
      `invalid YAML: parsing ${JSON.stringify(path)}: ${(err as Error).message}`,
      path,
    );
  }
  return docs
    .filter((d): d is YamlValue => d !== null)
    .map((d) => JSON.parse(JSON.stringify(d, bigintReplacer)) as Obj);
}

function bigintReplacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

function readSuite(path: string): Omit<Suite, 'absolutePath' | 'inputPath'> | undefined {
  const doc = readYamlDocuments(path)[0];
  if (doc === undefined) return undefined;
  const apiVersion = str(doc['apiVersion']);
  if (!apiVersion.startsWith(`${SUITE_GROUP}/`) || doc['kind'] !== 'Suite') return undefined;
  return {
    name: str(rec(doc['metadata'])['name']),
    skip: doc['skip'] === true,
    tests: list(doc['tests']).map((t) => {
      const o = rec(t);
      return {
        name: str(o['name']),
        template: str(o['template']),
        constraint: str(o['constraint']),
        invalid: o['invalid'] === true,
        skip: o['skip'] === true,
        cases: list(o['cases']).map((c) => {
          const co = rec(c);
          return {
            name: str(co['name']),
            object: str(co['object']),
            inventory: list(co['inventory']).map(str),
            skip: co['skip'] === true,
            assertions: list(co['assertions']).map((a) => {
              const ao = rec(a);
              const v = ao['violations'];
              return {
                violations: typeof v === 'string' || typeof v === 'number' ? v : undefined,
                message: typeof ao['message'] === 'string' ? ao['message'] : undefined,
              };
            }),
          };
        }),
      };
    }),
  };
}

function walk(dir: string, recursive: boolean, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) walk(p, true, out);
    } else if (isYaml(e.name)) out.push(p);
  }
}

/**
 * The suites a path names, as gator verify reads its arguments: `DIR/...` walks the tree, `DIR`
 * reads the directory's own files, `FILE` one file. Files that are not Suites are ignored.
 */
export function readSuites(arg: string): Suite[] {
  const recursive = arg.endsWith('/...') || arg === '...';
  const target = recursive ? arg.slice(0, -4) || '.' : arg;
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch (err) {
    throw new SuiteError(
      `stat ${target}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
    );
  }
  const files: string[] = [];
  if (!isDir) {
    if (recursive)
      throw new SuiteError(
        `can only recursively traverse directories, not a directory: ${JSON.stringify(target)}`,
      );
    if (!isYaml(target))
      throw new SuiteError(
        `unsupported extension: ${JSON.stringify(target.slice(target.lastIndexOf('.')))}`,
      );
    files.push(target);
  } else walk(target, recursive, files);
  const suites: Suite[] = [];
  for (const file of files) {
    const s = readSuite(file);
    if (s === undefined) continue;
    const rel = isDir ? relative(target, file).split(sep).join('/') : '';
    const inputPath = isDir ? `${target.replace(/\/+$/, '')}/${rel}` : target;
    suites.push({ ...s, absolutePath: file, inputPath });
  }
  return suites.sort((a, b) =>
    a.absolutePath < b.absolutePath ? -1 : a.absolutePath > b.absolutePath ? 1 : 0,
  );
}
