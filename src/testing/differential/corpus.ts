// The differential corpus: request sequences (YAML files, one per group) that are sent to the
// local cluster and to a real kube-apiserver and compared. This module loads and checks the files;
// the format is described in src/localcluster/testdata/differential/README.md.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Who a request acts as: the admin impersonating this user (and groups). */
export interface Impersonation {
  readonly user: string;
  readonly groups?: readonly string[];
}

/** One request of a case. */
export interface Step {
  /** `METHOD /path?query`, with `{ns}` and `${var}` substituted. */
  readonly req: string;
  /** Body: a value sent as JSON (or YAML for `type: yaml`/`apply-yaml`), or raw text in `raw`. */
  readonly body?: unknown;
  readonly raw?: string;
  /** Content type: json (default), merge, strategic, jsonpatch, apply, apply-yaml, yaml, or a media type. */
  readonly type?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Ask for a meta.k8s.io/v1 Table. */
  readonly table?: boolean;
  readonly as?: Impersonation;
  /** Values taken from each server's answer for later steps (`name: path`), used as `${name}`. */
  readonly save?: Readonly<Record<string, string>>;
  /** Repeat the request (up to 30 s) until the answer has these values at these paths. */
  readonly until?: Readonly<Record<string, unknown>>;
  /** Read a watch stream: up to `events` events (bookmarks dropped unless `bookmarks`). */
  readonly watch?: { readonly events: number; readonly bookmarks?: boolean };
  /** Paths removed from both answers before comparing (`status`, `items[*].status`, ...). */
  readonly ignore?: readonly string[];
  /** Compare only this part of the answers (a path; `[key=value]` picks list items). */
  readonly select?: string;
  /** Keys dropped anywhere in the answers (e.g. `description` of OpenAPI documents). */
  readonly strip?: readonly string[];
  /** Compare only these parts: status, body, warnings. @default all three */
  readonly compare?: readonly ('status' | 'body' | 'warnings')[];
  /** A known difference of this request, explained (listed in docs/local-cluster.md). */
  readonly differs?: string;
  /** Not compared: a step that only prepares the next ones. */
  readonly quiet?: boolean;
}

export interface Case {
  readonly name: string;
  readonly group: string;
  readonly file: string;
  /** Steps run on both servers before the compared ones; a failure there aborts the case. */
  readonly setup: readonly Step[];
  readonly steps: readonly Step[];
  /** A known difference of the whole case, explained. */
  readonly differs?: string;
  /** Waits for work of another engineer (e.g. `cel`): counted, reported, not failing. */
  readonly pending?: string;
  /** Cluster-scoped objects the case creates, deleted afterwards (`/apis/.../name` paths). */
  readonly cleanup: readonly string[];
  /** Saved values that differ by design (e.g. a pod-template-hash): shown as `<name>` once saved. */
  readonly mask: readonly string[];
}

export class CorpusError extends Error {
  constructor(file: string, where: string, message: string) {
    super(`${file}: ${where}: ${message}`);
    this.name = 'CorpusError';
  }
}

const STEP_KEYS = new Set([
  'req',
  'body',
  'raw',
  'type',
  'headers',
  'table',
  'as',
  'save',
  'until',
  'watch',
  'ignore',
  'select',
  'strip',
  'compare',
  'differs',
  'quiet',
]);
const CASE_KEYS = new Set(['name', 'setup', 'steps', 'differs', 'pending', 'cleanup', 'mask']);
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkStep(file: string, where: string, v: unknown): Step {
  if (!isRecord(v)) throw new CorpusError(file, where, 'a step must be a mapping');
  for (const k of Object.keys(v))
    if (!STEP_KEYS.has(k)) throw new CorpusError(file, where, `unknown key "${k}"`);
  if (typeof v.req !== 'string')
    throw new CorpusError(file, where, '"req" (METHOD /path) is required');
  const method = v.req.split(' ')[0] ?? '';
  if (!METHODS.has(method) || !/^[A-Z]+ \/\S*$/.test(v.req))
    throw new CorpusError(file, where, `"req" must be "METHOD /path", not "${v.req}"`);
  if (v.body !== undefined && v.raw !== undefined)
    throw new CorpusError(file, where, 'give "body" or "raw", not both');
  return v as unknown as Step;
}

function checkSteps(file: string, where: string, v: unknown): Step[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new CorpusError(file, where, 'must be a list of steps');
  return v.map((s, i) => checkStep(file, `${where}[${i}]`, s));
}

/** Loads every `*.yaml` file of the corpus folder, in name order; the group is the file name. */
export function loadCorpus(dir: string): Case[] {
  const cases: Case[] = [];
  const names = new Set<string>();
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.yaml'))
    .sort()) {
    const group = f.replace(/^\d+-/, '').replace(/\.yaml$/, '');
    const doc = parse(readFileSync(join(dir, f), 'utf8')) as unknown;
    if (!Array.isArray(doc)) throw new CorpusError(f, 'top level', 'must be a list of cases');
    doc.forEach((c, i) => {
      const where = `case ${i}`;
      if (!isRecord(c)) throw new CorpusError(f, where, 'a case must be a mapping');
      for (const k of Object.keys(c))
        if (!CASE_KEYS.has(k)) throw new CorpusError(f, where, `unknown key "${k}"`);
      if (typeof c.name !== 'string' || c.name === '')
        throw new CorpusError(f, where, '"name" is required');
      const key = `${group}/${c.name}`;
      if (names.has(key)) throw new CorpusError(f, where, `duplicate case name "${c.name}"`);
      names.add(key);
      const steps = checkSteps(f, `${c.name}: steps`, c.steps);
      if (steps.length === 0) throw new CorpusError(f, c.name, 'a case needs steps');
      const cleanup = c.cleanup === undefined ? [] : c.cleanup;
      if (!Array.isArray(cleanup) || !cleanup.every((p) => typeof p === 'string'))
        throw new CorpusError(f, c.name, '"cleanup" must be a list of paths');
      cases.push({
        name: c.name,
        group,
        file: f,
        setup: checkSteps(f, `${c.name}: setup`, c.setup),
        steps,
        cleanup,
        mask: Array.isArray(c.mask) ? c.mask.map(String) : [],
        ...(typeof c.differs === 'string' ? { differs: c.differs } : {}),
        ...(typeof c.pending === 'string' ? { pending: c.pending } : {}),
      });
    });
  }
  return cases;
}
