// A loaded chart (helm.sh/helm/v3/pkg/chart): metadata as Chart.yaml decodes into Go structs,
// values, schema, templates, files and the dependency tree, with the chart's Go-side methods.
import {
  formatFloat,
  goString,
  GoStruct,
  T,
  T2,
  pointerTo,
  sliceOf,
  mapOf,
  structType,
  typedSlice,
  newGoMap,
  setGoType,
} from '../gotemplate/index.js';
import type { GoMap, GoType, GoValue } from '../gotemplate/index.js';
import { firstYamlDocument } from './fast-yaml.js';
import type { YamlValue } from '../yaml/index.js';
import { newVersion } from '../gotemplate/sprig/semver.js';
import { HelmError } from './errors.js';

export interface ChartFile {
  readonly name: string;
  readonly data: Buffer;
}

const texts = new WeakMap<Buffer, string>();

/** A chart file's bytes as a Go string, decoded once per file however often the chart renders. */
export function fileText(data: Buffer): string {
  let text = texts.get(data);
  if (text === undefined) texts.set(data, (text = goString(data)));
  return text;
}

export interface Maintainer {
  name: string;
  email: string;
  url: string;
}

export interface Dependency {
  name: string;
  version: string;
  repository: string;
  condition: string;
  tags: string[];
  enabled: boolean;
  importValues: GoValue[];
  alias: string;
}

export interface Metadata {
  name: string;
  home: string;
  sources: string[];
  version: string;
  description: string;
  keywords: string[];
  maintainers: (Maintainer | null)[];
  icon: string;
  apiVersion: string;
  condition: string;
  tags: string;
  appVersion: string;
  deprecated: boolean;
  annotations: Record<string, string> | null;
  kubeVersion: string;
  dependencies: (Dependency | null)[] | null;
  type: string;
}

export class Chart {
  metadata!: Metadata;
  templates: ChartFile[] = [];
  files: ChartFile[] = [];
  values: GoMap = newGoMap();
  schema: Buffer | undefined;
  parent: Chart | undefined;
  private deps: Chart[] = [];

  name(): string {
    return this.metadata.name;
  }
  dependencies(): Chart[] {
    return this.deps;
  }
  setDependencies(charts: Chart[]): void {
    this.deps = [];
    this.addDependency(...charts);
  }
  addDependency(...charts: Chart[]): void {
    for (const c of charts) {
      c.parent = this;
      this.deps.push(c);
    }
  }
  isRoot(): boolean {
    return this.parent === undefined;
  }
  /** chart/charts/sub/charts/subsub */
  fullPath(): string {
    return this.parent ? `${this.parent.fullPath()}/charts/${this.name()}` : this.name();
  }
  /** A shallow copy (getAliasDependency copies the chart and its metadata). */
  copy(): Chart {
    const c = new Chart();
    c.metadata = { ...this.metadata };
    c.templates = this.templates;
    c.files = this.files;
    c.values = this.values;
    c.schema = this.schema;
    c.deps = this.deps;
    return c;
  }
  /**
   * A copy of the chart tree that rendering may change freely: processing dependencies rewrites
   * metadata, the values and the subchart list (as Helm's does), so a chart loaded once and
   * rendered many times is cloned for each render. File contents and values are shared: rendering
   * replaces `values` rather than changing it, and coalescing copies what it takes from it.
   */
  clone(): Chart {
    const c = new Chart();
    c.metadata = {
      ...this.metadata,
      dependencies:
        this.metadata.dependencies?.map((d) =>
          d === null ? null : { ...d, tags: [...d.tags], importValues: [...d.importValues] },
        ) ?? null,
    };
    c.templates = this.templates;
    c.files = this.files;
    c.values = this.values;
    c.schema = this.schema;
    c.setDependencies(this.deps.map((d) => d.clone()));
    return c;
  }
  /** The CRD files of the chart and its dependencies (crds/*.yaml|yml|json). */
  crdObjects(): { name: string; filename: string; file: ChartFile }[] {
    const out: { name: string; filename: string; file: ChartFile }[] = [];
    for (const f of this.files) {
      if (f.name.startsWith('crds/') && /\.(ya?ml|json)$/i.test(f.name)) {
        out.push({ name: f.name, filename: `${this.fullPath()}/${f.name}`, file: f });
      }
    }
    for (const d of this.deps) out.push(...d.crdObjects());
    return out;
  }
}

// ---- decoding Chart.yaml into the Go structs ----

type FieldKind = 'string' | 'strings' | 'bool' | 'stringMap' | 'any[]' | { list: StructSpec };
interface StructSpec {
  readonly goName: string;
  readonly fields: Readonly<Record<string, FieldKind>>;
}

const MAINTAINER: StructSpec = {
  goName: 'chart.Maintainer',
  fields: { name: 'string', email: 'string', url: 'string' },
};
const DEPENDENCY: StructSpec = {
  goName: 'chart.Dependency',
  fields: {
    name: 'string',
    version: 'string',
    repository: 'string',
    condition: 'string',
    tags: 'strings',
    enabled: 'bool',
    'import-values': 'any[]',
    alias: 'string',
  },
};
const METADATA: StructSpec = {
  goName: 'chart.Metadata',
  fields: {
    name: 'string',
    home: 'string',
    sources: 'strings',
    version: 'string',
    description: 'string',
    keywords: 'strings',
    maintainers: { list: MAINTAINER },
    icon: 'string',
    apiVersion: 'string',
    condition: 'string',
    tags: 'string',
    appVersion: 'string',
    deprecated: 'bool',
    annotations: 'stringMap',
    kubeVersion: 'string',
    dependencies: { list: DEPENDENCY },
    type: 'string',
  },
};

/** How sigs.k8s.io/yaml turns a scalar into a string when the target field is a string. */
function scalarAsString(v: YamlValue): YamlValue {
  if (typeof v === 'number')
    return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? String(v) : formatFloat(v, 'g', -1, 32);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v;
}

function jsonKind(v: YamlValue): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'object';
}

class DecodeError extends Error {}

function typeMismatch(v: YamlValue, spec: StructSpec, field: string, goType: string): never {
  throw new DecodeError(
    `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go struct field ${spec.goName.split('.')[1]}.${field} of type ${goType}`,
  );
}

/** Finds the struct field for a key as encoding/json does (exact, else case-insensitive). */
function fieldFor(spec: StructSpec, key: string): string | undefined {
  if (Object.hasOwn(spec.fields, key)) return key;
  const lower = key.toLowerCase();
  return Object.keys(spec.fields).find((f) => f.toLowerCase() === lower);
}

function decodeStruct(
  v: YamlValue,
  spec: StructSpec,
  path: string,
): Record<string, unknown> | null {
  if (v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v) || typeof v === 'bigint') {
    throw new DecodeError(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go ${path === '' ? 'value' : 'struct field ' + path} of type ${path === '' ? spec.goName : '*' + spec.goName}`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(v)) {
    const field = fieldFor(spec, key);
    if (field === undefined) continue;
    const kind = spec.fields[field] as FieldKind;
    if (kind === 'string') {
      const s = scalarAsString(raw);
      if (s !== null && typeof s !== 'string') typeMismatch(raw, spec, field, 'string');
      out[field] = s ?? '';
    } else if (kind === 'bool') {
      if (raw !== null && typeof raw !== 'boolean') typeMismatch(raw, spec, field, 'bool');
      out[field] = raw ?? false;
    } else if (kind === 'strings') {
      if (raw === null) out[field] = [];
      else if (!Array.isArray(raw)) typeMismatch(raw, spec, field, '[]string');
      else {
        out[field] = raw.map((x) => {
          const s = scalarAsString(x);
          if (s !== null && typeof s !== 'string') typeMismatch(x, spec, field, 'string');
          return s ?? '';
        });
      }
    } else if (kind === 'stringMap') {
      if (raw === null) out[field] = null;
      else if (typeof raw !== 'object' || Array.isArray(raw) || typeof raw === 'bigint') {
        typeMismatch(raw, spec, field, 'map[string]string');
      } else {
        const m: Record<string, string> = {};
        for (const [k, x] of Object.entries(raw)) {
          const s = scalarAsString(x);
          if (s !== null && typeof s !== 'string') typeMismatch(x, spec, `${field}`, 'string');
          m[k] = s ?? '';
        }
        out[field] = m;
      }
    } else if (kind === 'any[]') {
      if (raw !== null && !Array.isArray(raw)) typeMismatch(raw, spec, field, '[]interface {}');
      out[field] = raw === null ? [] : raw.map(jsonRoundTrip);
    } else {
      if (raw === null) out[field] = null;
      else if (!Array.isArray(raw)) typeMismatch(raw, spec, field, `[]*${kind.list.goName}`);
      else
        out[field] = raw.map((x) =>
          decodeStruct(x, kind.list, `${spec.goName.split('.')[1]}.${field}`),
        );
    }
  }
  return out;
}

/** A YAML value as it comes out of json.Unmarshal into interface{}. */
function jsonRoundTrip(v: YamlValue): GoValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(jsonRoundTrip);
  const m = newGoMap();
  for (const [k, x] of Object.entries(v)) m[k] = jsonRoundTrip(x);
  return m;
}

function toMaintainer(r: Record<string, unknown> | null): Maintainer | null {
  if (r === null) return null;
  return {
    name: (r['name'] as string) ?? '',
    email: (r['email'] as string) ?? '',
    url: (r['url'] as string) ?? '',
  };
}
function toDependency(r: Record<string, unknown> | null): Dependency | null {
  if (r === null) return null;
  return {
    name: (r['name'] as string) ?? '',
    version: (r['version'] as string) ?? '',
    repository: (r['repository'] as string) ?? '',
    condition: (r['condition'] as string) ?? '',
    tags: (r['tags'] as string[]) ?? [],
    enabled: (r['enabled'] as boolean) ?? false,
    importValues: (r['import-values'] as GoValue[]) ?? [],
    alias: (r['alias'] as string) ?? '',
  };
}

export function emptyMetadata(): Metadata {
  return {
    name: '',
    home: '',
    sources: [],
    version: '',
    description: '',
    keywords: [],
    maintainers: [],
    icon: '',
    apiVersion: '',
    condition: '',
    tags: '',
    appVersion: '',
    deprecated: false,
    annotations: null,
    kubeVersion: '',
    dependencies: null,
    type: '',
  };
}

/** yaml.Unmarshal of Chart.yaml (or requirements.yaml) into `md`; fields present in the text replace md's. */
export function decodeMetadataInto(md: Metadata, text: string, what: string): void {
  let doc: YamlValue;
  try {
    doc = firstYamlDocument(text);
  } catch (e) {
    throw new HelmError(
      `cannot load ${what}: error converting YAML to JSON: yaml: ${(e as Error).message}`,
      'ChartLoadFailed',
    );
  }
  let r: Record<string, unknown> | null;
  try {
    r = decodeStruct(doc, METADATA, '');
  } catch (e) {
    throw new HelmError(`cannot load ${what}: ${(e as Error).message}`, 'ChartLoadFailed');
  }
  if (r === null) return;
  for (const [k, v] of Object.entries(r)) {
    if (k === 'maintainers')
      md.maintainers = ((v as (Record<string, unknown> | null)[] | null) ?? []).map(toMaintainer);
    else if (k === 'dependencies') {
      const deps = v as (Record<string, unknown> | null)[] | null;
      md.dependencies = deps === null ? null : deps.map(toDependency);
    } else (md as unknown as Record<string, unknown>)[k] = v;
  }
}

/** unicode.IsPrint-filtering and space-normalising sanitizeString. */
function sanitize(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch))
      out += ' ';
    else if (cp >= 0x20 && cp !== 0x7f && /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) out += ch;
  }
  return out;
}

/** Metadata.Validate, with Helm's "validation: …" messages. */
export function validateMetadata(md: Metadata): void {
  const fail = (msg: string): never => {
    throw new HelmError(`validation: ${msg}`, 'ChartInvalid');
  };
  md.name = sanitize(md.name);
  md.description = sanitize(md.description);
  md.home = sanitize(md.home);
  md.icon = sanitize(md.icon);
  md.condition = sanitize(md.condition);
  md.tags = sanitize(md.tags);
  md.appVersion = sanitize(md.appVersion);
  md.kubeVersion = sanitize(md.kubeVersion);
  md.sources = md.sources.map(sanitize);
  md.keywords = md.keywords.map(sanitize);
  if (md.apiVersion === '') fail('chart.metadata.apiVersion is required');
  if (md.name === '') fail('chart.metadata.name is required');
  if (md.name === '.' || md.name === '..')
    fail(`chart.metadata.name ${JSON.stringify(md.name)} is not allowed`);
  if (md.name.includes('/') || md.name !== md.name.replace(/\/+$/, ''))
    fail(`chart.metadata.name ${JSON.stringify(md.name)} is invalid`);
  if (md.version === '') fail('chart.metadata.version is required');
  try {
    newVersion(md.version);
  } catch {
    fail(`chart.metadata.version ${JSON.stringify(md.version)} is invalid`);
  }
  if (!['', 'application', 'library'].includes(md.type))
    fail('chart.metadata.type must be application or library');
  for (const m of md.maintainers) {
    if (m === null) fail('maintainers must not contain empty or null nodes');
    else {
      m.name = sanitize(m.name);
      m.email = sanitize(m.email);
      m.url = sanitize(m.url);
    }
  }
  const seen = new Set<string>();
  for (const d of md.dependencies ?? []) {
    if (d === null) fail('dependencies must not contain empty or null nodes');
    else {
      d.name = sanitize(d.name);
      d.version = sanitize(d.version);
      d.repository = sanitize(d.repository);
      d.condition = sanitize(d.condition);
      d.tags = d.tags.map(sanitize);
      if (d.alias !== '' && !/^[a-zA-Z0-9_-]+$/.test(d.alias))
        fail(`dependency ${JSON.stringify(d.name)} has disallowed characters in the alias`);
      const key = d.alias !== '' ? d.alias : d.name;
      if (seen.has(key)) fail(`more than one dependency with name or alias ${JSON.stringify(key)}`);
      seen.add(key);
    }
  }
}

// ---- the .Chart value templates see ----

const maintainerType = structType('chart.Maintainer', [
  { name: 'Name', type: T.string, json: 'name', omitempty: true },
  { name: 'Email', type: T.string, json: 'email', omitempty: true },
  { name: 'URL', type: T.string, json: 'url', omitempty: true },
]);
const dependencyType = structType('chart.Dependency', [
  { name: 'Name', type: T.string, json: 'name' },
  { name: 'Version', type: T.string, json: 'version', omitempty: true },
  { name: 'Repository', type: T.string, json: 'repository' },
  { name: 'Condition', type: T.string, json: 'condition', omitempty: true },
  { name: 'Tags', type: T2.sliceString, json: 'tags', omitempty: true },
  { name: 'Enabled', type: T.bool, json: 'enabled', omitempty: true },
  { name: 'ImportValues', type: T2.sliceAny, json: 'import-values', omitempty: true },
  { name: 'Alias', type: T.string, json: 'alias', omitempty: true },
]);
const metadataType = structType('chart.Metadata', [
  { name: 'Name', type: T.string, json: 'name', omitempty: true },
  { name: 'Home', type: T.string, json: 'home', omitempty: true },
  { name: 'Sources', type: T2.sliceString, json: 'sources', omitempty: true },
  { name: 'Version', type: T.string, json: 'version', omitempty: true },
  { name: 'Description', type: T.string, json: 'description', omitempty: true },
  { name: 'Keywords', type: T2.sliceString, json: 'keywords', omitempty: true },
  {
    name: 'Maintainers',
    type: sliceOf(pointerTo(maintainerType)),
    json: 'maintainers',
    omitempty: true,
  },
  { name: 'Icon', type: T.string, json: 'icon', omitempty: true },
  { name: 'APIVersion', type: T.string, json: 'apiVersion', omitempty: true },
  { name: 'Condition', type: T.string, json: 'condition', omitempty: true },
  { name: 'Tags', type: T.string, json: 'tags', omitempty: true },
  { name: 'AppVersion', type: T.string, json: 'appVersion', omitempty: true },
  { name: 'Deprecated', type: T.bool, json: 'deprecated', omitempty: true },
  { name: 'Annotations', type: mapOf(T.string, T.string), json: 'annotations', omitempty: true },
  { name: 'KubeVersion', type: T.string, json: 'kubeVersion', omitempty: true },
  {
    name: 'Dependencies',
    type: sliceOf(pointerTo(dependencyType)),
    json: 'dependencies',
    omitempty: true,
  },
  { name: 'Type', type: T.string, json: 'type', omitempty: true },
]);
const chartValueType: GoType = structType('struct { chart.Metadata; IsRoot bool }', [
  { name: 'Metadata', type: metadataType, embedded: true },
  { name: 'IsRoot', type: T.bool },
]);

function strings(xs: readonly string[] | null): GoValue {
  return xs === null ? null : typedSlice([...xs], T2.sliceString);
}

function dependencyValue(d: Dependency | null): GoValue {
  if (d === null) return null;
  return new GoStruct(pointerTo(dependencyType), {
    Name: d.name,
    Version: d.version,
    Repository: d.repository,
    Condition: d.condition,
    Tags: strings(d.tags),
    Enabled: d.enabled,
    ImportValues: d.importValues,
    Alias: d.alias,
  });
}

/** The Go value of chart.Metadata. */
export function metadataValue(md: Metadata): GoStruct {
  let annotations: GoValue = null;
  if (md.annotations !== null) {
    const m = newGoMap(mapOf(T.string, T.string));
    Object.assign(m, md.annotations);
    annotations = m;
  }
  return new GoStruct(metadataType, {
    Name: md.name,
    Home: md.home,
    Sources: strings(md.sources),
    Version: md.version,
    Description: md.description,
    Keywords: strings(md.keywords),
    Maintainers: setGoType(
      md.maintainers.map((m) =>
        m === null
          ? null
          : new GoStruct(pointerTo(maintainerType), { Name: m.name, Email: m.email, URL: m.url }),
      ),
      sliceOf(pointerTo(maintainerType)),
    ),
    Icon: md.icon,
    APIVersion: md.apiVersion,
    Condition: md.condition,
    Tags: md.tags,
    AppVersion: md.appVersion,
    Deprecated: md.deprecated,
    Annotations: annotations,
    KubeVersion: md.kubeVersion,
    Dependencies:
      md.dependencies === null
        ? null
        : setGoType(md.dependencies.map(dependencyValue), sliceOf(pointerTo(dependencyType))),
    Type: md.type,
  });
}

/** `.Chart`: struct { chart.Metadata; IsRoot bool }. */
export function chartValue(c: Chart): GoStruct {
  return new GoStruct(chartValueType, { Metadata: metadataValue(c.metadata), IsRoot: c.isRoot() });
}
