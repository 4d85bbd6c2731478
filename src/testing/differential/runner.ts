// Runs corpus cases against two servers (a real kube-apiserver and the local cluster) step by
// step, each request sent to both, and compares the normalised answers.
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import type { Case, Step } from './corpus.js';
import type { Answer, DiffClient } from './client.js';
import {
  differences,
  normalize,
  NormalizeContext,
  remove,
  select,
  stripKeys,
} from './normalize.js';

export interface StepResult {
  readonly group: string;
  readonly caseName: string;
  readonly index: number;
  readonly req: string;
  readonly equal: boolean;
  readonly diffs: readonly string[];
  /** Why the step (or its case) is known to differ. */
  readonly differs?: string;
  readonly pending?: string;
}

export interface CaseResult {
  readonly case: Case;
  readonly steps: readonly StepResult[];
  /** Set when setup failed or a request could not be made. */
  readonly error?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  jsonpatch: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
  'apply-yaml': 'application/apply-patch+yaml',
  yaml: 'application/yaml',
};
const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const UNTIL_MS = 30_000;

interface Side {
  readonly client: DiffClient;
  readonly vars: Map<string, string>;
  readonly ctx: NormalizeContext;
}

function substitute(text: string, ns: string, vars: ReadonlyMap<string, string>): string {
  return text
    .replace(/\{ns\}/g, ns)
    .replace(/\{(\w)\*(\d+)\}/g, (_m, ch: string, n: string) => ch.repeat(Number(n)))
    .replace(/\$\{(\w+)\}/g, (m, name: string) => vars.get(name) ?? m);
}

function substituteDeep(v: unknown, ns: string, vars: ReadonlyMap<string, string>): unknown {
  if (typeof v === 'string') return substitute(v, ns, vars);
  if (Array.isArray(v)) return v.map((x) => substituteDeep(x, ns, vars));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      out[substitute(k, ns, vars)] = substituteDeep(x, ns, vars);
    return out;
  }
  return v;
}

function requestOf(s: Step, ns: string, vars: ReadonlyMap<string, string>) {
  const sp = s.req.indexOf(' ');
  const method = s.req.slice(0, sp);
  const path = substitute(s.req.slice(sp + 1), ns, vars);
  const type = s.type ?? 'json';
  const headers: Record<string, string | string[]> = {};
  let body: string | undefined;
  if (s.raw !== undefined) body = substitute(s.raw, ns, vars);
  else if (s.body !== undefined) {
    const value = substituteDeep(s.body, ns, vars);
    body = type === 'yaml' || type === 'apply-yaml' ? stringify(value) : JSON.stringify(value);
  }
  if (body !== undefined) headers['Content-Type'] = CONTENT_TYPES[type] ?? type;
  if (s.table) headers.Accept = TABLE_ACCEPT;
  for (const [k, v] of Object.entries(s.headers ?? {})) headers[k] = substitute(v, ns, vars);
  if (s.as !== undefined) {
    headers['Impersonate-User'] = s.as.user;
    if (s.as.groups !== undefined && s.as.groups.length > 0)
      headers['Impersonate-Group'] = [...s.as.groups];
  }
  return {
    method,
    path,
    headers,
    ...(body === undefined ? {} : { body }),
    ...(s.watch === undefined ? {} : { watchEvents: s.watch.events }),
  };
}

/** Whether an answer has the wanted values (a list of one value matches that value). */
function matchesUntil(a: Answer, until: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(until).every(([path, want]) => {
    const got = select(a.body, path) ?? null;
    const one: unknown = Array.isArray(got) && got.length === 1 ? (got as unknown[])[0] : got;
    return (
      JSON.stringify(got) === JSON.stringify(want) || JSON.stringify(one) === JSON.stringify(want)
    );
  });
}

async function sendStep(side: Side, s: Step, ns: string, mask: readonly string[]): Promise<Answer> {
  const r = requestOf(s, ns, side.vars);
  let a = await side.client.send(r);
  if (s.until !== undefined) {
    const end = Date.now() + UNTIL_MS;
    while (!matchesUntil(a, s.until) && Date.now() < end) {
      await sleep(200);
      a = await side.client.send(r);
    }
  }
  for (const [name, path] of Object.entries(s.save ?? {})) {
    const v = select(a.body, path);
    const values = Array.isArray(v) ? v : [v];
    if (v !== undefined) side.vars.set(name, typeof v === 'string' ? v : JSON.stringify(v));
    if (mask.includes(name))
      for (const x of values)
        if (typeof x === 'string' && x !== '') side.ctx.masked.set(x, `<${name}>`);
  }
  return a;
}

/** What is compared of an answer: status, normalised body (ignore/select/strip) and warnings. */
function comparable(a: Answer, s: Step, side: Side): Record<string, unknown> {
  let body = a.body;
  if (s.watch !== undefined && Array.isArray(body) && s.watch.bookmarks !== true)
    body = (body as unknown[]).filter(
      (e) => !(typeof e === 'object' && e !== null && 'type' in e && e.type === 'BOOKMARK'),
    );
  body = normalize(body, side.ctx);
  for (const p of s.ignore ?? []) remove(body, p);
  if (s.strip !== undefined) stripKeys(body, new Set(s.strip));
  if (s.select !== undefined) body = select(body, s.select);
  const parts = s.compare ?? ['status', 'body', 'warnings'];
  const out: Record<string, unknown> = {};
  if (parts.includes('status')) out.status = a.status;
  if (parts.includes('body')) out.body = body;
  if (parts.includes('warnings'))
    out.warnings = a.warnings.map((w) => normalize(w, side.ctx) as string);
  return out;
}

export interface RunnerOptions {
  readonly real: DiffClient;
  readonly local: DiffClient;
}

/** Creates the case's namespace on both servers and waits for what controllers add to it. */
async function prepareNamespace(sides: readonly Side[], ns: string): Promise<void> {
  await Promise.all(
    sides.map(async (side) => {
      const a = await side.client.send({
        method: 'POST',
        path: '/api/v1/namespaces',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
      });
      if (a.status !== 201)
        throw new Error(`${side.client.endpoint.name}: creating namespace ${ns}: ${a.status}`);
      const end = Date.now() + (side.client.endpoint.settleMs ?? 10_000);
      // the controllers of a real cluster add a default ServiceAccount and the root CA ConfigMap
      for (const path of [
        `/api/v1/namespaces/${ns}/serviceaccounts/default`,
        `/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`,
      ]) {
        for (;;) {
          const r = await side.client.send({ method: 'GET', path, headers: {} });
          if (r.status === 200 || Date.now() >= end) break;
          await sleep(100);
        }
      }
    }),
  );
}

async function cleanup(sides: readonly Side[], c: Case, ns: string): Promise<void> {
  await Promise.all(
    sides.flatMap((side) =>
      [...c.cleanup.map((p) => substitute(p, ns, side.vars)), `/api/v1/namespaces/${ns}`].map(
        (path) => side.client.send({ method: 'DELETE', path, headers: {} }).catch(() => undefined),
      ),
    ),
  );
}

/** Runs one case (namespace `ns`) on both servers. */
export async function runCase(o: RunnerOptions, c: Case, ns: string): Promise<CaseResult> {
  const real: Side = { client: o.real, vars: new Map(), ctx: new NormalizeContext() };
  const local: Side = { client: o.local, vars: new Map(), ctx: new NormalizeContext() };
  const sides = [real, local];
  const results: StepResult[] = [];
  try {
    await prepareNamespace(sides, ns);
    for (const s of c.setup) {
      const answers = await Promise.all(sides.map((side) => sendStep(side, s, ns, c.mask)));
      answers.forEach((a, i) => {
        if (a.status >= 400)
          throw new Error(
            `setup ${s.req} on ${sides[i]?.client.endpoint.name}: ${a.status} ${JSON.stringify(a.body)}`,
          );
      });
    }
    for (const [index, s] of c.steps.entries()) {
      const [ra, la] = await Promise.all([
        sendStep(real, s, ns, c.mask),
        sendStep(local, s, ns, c.mask),
      ]);
      if (s.quiet || ra === undefined || la === undefined) continue;
      const diffs = differences(comparable(ra, s, real), comparable(la, s, local));
      const differs = s.differs ?? c.differs;
      results.push({
        group: c.group,
        caseName: c.name,
        index,
        req: s.req,
        equal: diffs.length === 0,
        diffs,
        ...(differs === undefined ? {} : { differs }),
        ...(c.pending === undefined ? {} : { pending: c.pending }),
      });
    }
    return { case: c, steps: results };
  } catch (err) {
    return { case: c, steps: results, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await cleanup(sides, c, ns);
  }
}
