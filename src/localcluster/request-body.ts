// Request bodies of create and update decoded as kube-apiserver decodes them: JSON with Go's
// syntax errors and duplicate-field detection, YAML, protobuf; a body that is not an object is
// "unrecognized". Patch bodies are decoded in patch.ts.
import { parseDocument } from 'yaml';
import { badRequest } from './status-errors.js';
import { isPlainObject, type KubeObject } from './object-meta.js';
import { decodeBody, mediaType, rejectTooDeep, rejectTooDeepValue } from './http-io.js';
import { duplicateFields, GoJsonError, parseGoJson, summarizeData } from './go-json.js';

export interface DecodedObject {
  readonly object: KubeObject;
  /** Fields given twice (`data.k`): an error with fieldValidation=Strict, a warning with Warn. */
  readonly duplicates: readonly string[];
  /** YAML duplicates come as Go's yaml error lines instead (`line 5: key "k" already set in map`). */
  readonly yamlDuplicates: readonly string[];
}

const TYPE_META_GO =
  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

function unrecognized(kind: string, body: Buffer, detail: string): Error {
  return badRequest(
    `the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: ${detail} (${summarizeData(body)})`,
  );
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

const YAML_TYPES = new Set([
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'application/apply-patch+yaml',
]);

/** Go's yaml line numbers: 1-based, of the position given. */
function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function decodeYaml(body: Buffer): { value: unknown; duplicates: string[] } {
  const text = body.toString('utf8');
  rejectTooDeep(text, 'YAML');
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0)
    throw badRequest(`error decoding YAML: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
  const duplicates: string[] = [];
  // the yaml library reports duplicate keys when asked; Go's yaml.v2 words them with the line
  const strict = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  for (const e of strict.errors) {
    if (e.code !== 'DUPLICATE_KEY') continue;
    const line = lineAt(text, e.pos[0]);
    const key = /"?([^"]*)"?$/.exec(text.slice(e.pos[0], e.pos[1]))?.[1] ?? '';
    duplicates.push(`line ${line}: key ${JSON.stringify(key)} already set in map`);
  }
  const value = doc.toJS() as unknown;
  rejectTooDeepValue(value, 'YAML');
  return { value, duplicates };
}

/** Decodes the body of a create or update of `kind`; errors are kube-apiserver's 400s. */
export function decodeRequestObject(
  body: Buffer,
  contentType: string | undefined,
  kind: string,
): DecodedObject {
  const mt = mediaType(contentType);
  if (YAML_TYPES.has(mt)) {
    const { value, duplicates } = decodeYaml(body);
    if (!isPlainObject(value))
      throw unrecognized(
        kind,
        body,
        `json: cannot unmarshal ${jsonKind(value)} into Go value of type ${TYPE_META_GO}`,
      );
    return { object: value, duplicates: [], yamlDuplicates: duplicates };
  }
  if (mt !== '' && !mt.startsWith('application/json') && !mt.endsWith('+json')) {
    const v = decodeBody(body, contentType);
    if (!isPlainObject(v)) throw badRequest("Object 'Kind' is missing in 'null'");
    return { object: v, duplicates: [], yamlDuplicates: [] };
  }
  const text = body.toString('utf8');
  if (text.trim() === '') throw unrecognized(kind, body, 'unexpected end of JSON input');
  rejectTooDeep(text, 'JSON');
  let value: unknown;
  try {
    value = parseGoJson(text);
  } catch (err) {
    if (err instanceof GoJsonError) throw unrecognized(kind, body, err.message);
    throw err;
  }
  if (!isPlainObject(value))
    throw unrecognized(
      kind,
      body,
      `json: cannot unmarshal ${jsonKind(value)} into Go value of type ${TYPE_META_GO}`,
    );
  return { object: value, duplicates: duplicateFields(text, value), yamlDuplicates: [] };
}
