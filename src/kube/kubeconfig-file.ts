// Parses kubeconfig files and merges several of them the way kubectl merges a $KUBECONFIG list.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { FlotillaError } from '../core/index.js';

/** An exec credential plugin (`users[].user.exec`), with relative paths already resolved. */
export interface ExecConfig {
  readonly apiVersion: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly interactiveMode: 'Never' | 'IfAvailable' | 'Always';
  readonly provideClusterInfo: boolean;
  readonly installHint: string | undefined;
}

/** `clusters[].cluster`; file paths are absolute (resolved against the defining file). */
export interface KubeConfigCluster {
  readonly name: string;
  readonly server: string;
  readonly certificateAuthority: string | undefined;
  readonly certificateAuthorityData: Buffer | undefined;
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName: string | undefined;
  /** `extensions[name=client.authentication.k8s.io/exec].extension`, handed to exec plugins. */
  readonly execExtension: unknown;
}

/** `users[].user`; file paths are absolute (resolved against the defining file). */
export interface KubeConfigUser {
  readonly name: string;
  readonly token: string | undefined;
  readonly tokenFile: string | undefined;
  readonly clientCertificate: string | undefined;
  readonly clientCertificateData: Buffer | undefined;
  readonly clientKey: string | undefined;
  readonly clientKeyData: Buffer | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly exec: ExecConfig | undefined;
}

export interface KubeConfigContext {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace: string | undefined;
}

/** Where a stanza was defined, for error messages: the file and the field path in it. */
export interface Origin {
  readonly file: string;
  readonly field: string;
}

/** Named stanzas of one or more merged kubeconfig files. */
export interface MergedKubeConfig {
  /** The files read, in order (or `<inline kubeconfig>`), for messages. */
  readonly files: readonly string[];
  readonly currentContext: { readonly name: string; readonly origin: Origin } | undefined;
  readonly clusters: ReadonlyMap<string, { value: KubeConfigCluster; origin: Origin }>;
  readonly users: ReadonlyMap<string, { value: KubeConfigUser; origin: Origin }>;
  readonly contexts: ReadonlyMap<string, { value: KubeConfigContext; origin: Origin }>;
}

/** What to read: the text of one document, and the directory its relative paths are against. */
export interface KubeConfigSource {
  /** Path of the file, or a label such as `<inline kubeconfig>`. */
  readonly file: string;
  readonly text: string;
  /** Relative paths are resolved against this directory. @default no resolution */
  readonly baseDir?: string;
}

export const EXEC_API_VERSIONS = [
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1beta1',
] as const;
const INTERACTIVE_MODES = ['Never', 'IfAvailable', 'Always'] as const;

/** The error of a bad kubeconfig, naming the file and the field. */
export function kubeConfigError(file: string, message: string, field?: string): FlotillaError {
  return new FlotillaError(
    `kubeconfig ${file}: ${message}${field === undefined ? '' : ` (field ${field})`}`,
    {
      reason: 'InvalidKubeConfig',
      file,
      ...(field === undefined ? {} : { field }),
    },
  );
}

/** Reads the files in order; a missing file is skipped when `skipMissing` (kubectl's rule for $KUBECONFIG). */
export function readKubeConfigFiles(
  files: readonly string[],
  skipMissing: boolean,
): KubeConfigSource[] {
  const out: KubeConfigSource[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (skipMissing && (err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new FlotillaError(`cannot load kubeconfig ${file}: ${(err as Error).message}`, {
        reason: 'InvalidKubeConfig',
        file,
        cause: err,
      });
    }
    out.push({ file, text, baseDir: dirname(resolve(file)) });
  }
  return out;
}

/**
 * Merges documents as client-go's loading rules do: the first document that defines a cluster,
 * user or context name wins and later definitions of that name are ignored; current-context
 * comes from the first document that sets it.
 */
export function mergeKubeConfigs(sources: readonly KubeConfigSource[]): MergedKubeConfig {
  let currentContext: MergedKubeConfig['currentContext'];
  const clusters = new Map<string, { value: KubeConfigCluster; origin: Origin }>();
  const users = new Map<string, { value: KubeConfigUser; origin: Origin }>();
  const contexts = new Map<string, { value: KubeConfigContext; origin: Origin }>();
  for (const source of sources) {
    const doc = parseDocument(source);
    const r = new FieldReader(source);
    const current = r.optString(doc, 'current-context', 'current-context');
    if (currentContext === undefined && current) {
      currentContext = { name: current, origin: { file: source.file, field: 'current-context' } };
    }
    for (const [name, value, field] of r.namedList(doc, 'clusters', 'cluster')) {
      if (!clusters.has(name))
        clusters.set(name, {
          value: readCluster(r, name, value, `${field}.cluster`),
          origin: { file: source.file, field },
        });
    }
    for (const [name, value, field] of r.namedList(doc, 'users', 'user')) {
      if (!users.has(name))
        users.set(name, {
          value: readUser(r, name, value, `${field}.user`),
          origin: { file: source.file, field },
        });
    }
    for (const [name, value, field] of r.namedList(doc, 'contexts', 'context')) {
      if (!contexts.has(name))
        contexts.set(name, {
          value: {
            name,
            cluster: r.optString(value, 'cluster', `${field}.context.cluster`) ?? '',
            user: r.optString(value, 'user', `${field}.context.user`) ?? '',
            namespace: r.optString(value, 'namespace', `${field}.context.namespace`) || undefined,
          },
          origin: { file: source.file, field },
        });
    }
  }
  return { files: sources.map((s) => s.file), currentContext, clusters, users, contexts };
}

function parseDocument(source: KubeConfigSource): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(source.text);
  } catch (err) {
    throw new FlotillaError(
      `cannot load kubeconfig ${source.file}: not valid YAML: ${(err as Error).message}`,
      { reason: 'InvalidKubeConfig', file: source.file, cause: err },
    );
  }
  // An empty file is an empty config, as for kubectl.
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw kubeConfigError(source.file, 'the document is not a mapping');
  }
  return doc as Record<string, unknown>;
}

function readCluster(
  r: FieldReader,
  name: string,
  c: Record<string, unknown>,
  field: string,
): KubeConfigCluster {
  const server = r.optString(c, 'server', `${field}.server`) ?? '';
  if (r.optString(c, 'proxy-url', `${field}.proxy-url`)) {
    // Node's agents have no proxy support; connecting directly instead would be wrong.
    throw kubeConfigError(
      r.file,
      `cluster "${name}" uses proxy-url, which Flotilla does not support`,
      `${field}.proxy-url`,
    );
  }
  let execExtension: unknown;
  for (const [extName, ext] of r.namedList(c, 'extensions', 'extension', field)) {
    if (extName === 'client.authentication.k8s.io/exec') execExtension = ext;
  }
  return {
    name,
    server,
    certificateAuthority: r.optPath(c, 'certificate-authority', `${field}.certificate-authority`),
    certificateAuthorityData: r.optBase64(
      c,
      'certificate-authority-data',
      `${field}.certificate-authority-data`,
    ),
    insecureSkipTlsVerify:
      r.optBool(c, 'insecure-skip-tls-verify', `${field}.insecure-skip-tls-verify`) ?? false,
    tlsServerName: r.optString(c, 'tls-server-name', `${field}.tls-server-name`) || undefined,
    execExtension,
  };
}

function readUser(
  r: FieldReader,
  name: string,
  u: Record<string, unknown>,
  field: string,
): KubeConfigUser {
  if (u['auth-provider'] !== undefined && u['auth-provider'] !== null) {
    throw kubeConfigError(
      r.file,
      `user "${name}" uses an auth-provider, which Flotilla does not support (use an exec credential plugin)`,
      `${field}.auth-provider`,
    );
  }
  const execRaw = u['exec'];
  let exec: ExecConfig | undefined;
  if (execRaw !== undefined && execRaw !== null) {
    exec = readExec(r, name, r.mapping(execRaw, `${field}.exec`), `${field}.exec`);
  }
  return {
    name,
    token: r.optString(u, 'token', `${field}.token`) || undefined,
    tokenFile: r.optPath(u, 'tokenFile', `${field}.tokenFile`),
    clientCertificate: r.optPath(u, 'client-certificate', `${field}.client-certificate`),
    clientCertificateData: r.optBase64(
      u,
      'client-certificate-data',
      `${field}.client-certificate-data`,
    ),
    clientKey: r.optPath(u, 'client-key', `${field}.client-key`),
    clientKeyData: r.optBase64(u, 'client-key-data', `${field}.client-key-data`),
    username: r.optString(u, 'username', `${field}.username`) || undefined,
    password: r.optString(u, 'password', `${field}.password`) || undefined,
    exec,
  };
}

function readExec(
  r: FieldReader,
  user: string,
  e: Record<string, unknown>,
  field: string,
): ExecConfig {
  const apiVersion = r.optString(e, 'apiVersion', `${field}.apiVersion`) ?? '';
  if (!(EXEC_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw kubeConfigError(
      r.file,
      `user "${user}": exec plugin apiVersion "${apiVersion}" is not one of ${EXEC_API_VERSIONS.join(', ')}`,
      `${field}.apiVersion`,
    );
  }
  let command = r.optString(e, 'command', `${field}.command`) ?? '';
  if (!command) {
    throw kubeConfigError(r.file, `user "${user}": exec plugin has no command`, `${field}.command`);
  }
  // As client-go: a command with a path separator is a path, relative to the kubeconfig's directory.
  if (command.includes(sep) && !isAbsolute(command) && r.baseDir !== undefined) {
    command = resolve(r.baseDir, command);
  }
  const args: string[] = [];
  const rawArgs = e['args'];
  if (rawArgs !== undefined && rawArgs !== null) {
    if (!Array.isArray(rawArgs)) {
      throw kubeConfigError(r.file, 'must be a list of strings', `${field}.args`);
    }
    rawArgs.forEach((a: unknown, i) => {
      if (typeof a !== 'string')
        throw kubeConfigError(r.file, 'must be a string', `${field}.args[${i}]`);
      args.push(a);
    });
  }
  const env: { name: string; value: string }[] = [];
  const rawEnv = e['env'];
  if (rawEnv !== undefined && rawEnv !== null) {
    if (!Array.isArray(rawEnv)) {
      throw kubeConfigError(r.file, 'must be a list of {name, value}', `${field}.env`);
    }
    rawEnv.forEach((v: unknown, i) => {
      const m = r.mapping(v, `${field}.env[${i}]`);
      const name = r.optString(m, 'name', `${field}.env[${i}].name`);
      if (!name) throw kubeConfigError(r.file, 'has no name', `${field}.env[${i}].name`);
      env.push({ name, value: r.optString(m, 'value', `${field}.env[${i}].value`) ?? '' });
    });
  }
  const mode = r.optString(e, 'interactiveMode', `${field}.interactiveMode`);
  if (mode === undefined && apiVersion === 'client.authentication.k8s.io/v1') {
    throw kubeConfigError(
      r.file,
      `user "${user}": interactiveMode must be set for exec plugins of ${apiVersion}`,
      `${field}.interactiveMode`,
    );
  }
  const interactiveMode = mode ?? 'IfAvailable';
  if (!(INTERACTIVE_MODES as readonly string[]).includes(interactiveMode)) {
    throw kubeConfigError(
      r.file,
      `user "${user}": interactiveMode "${interactiveMode}" is not one of ${INTERACTIVE_MODES.join(', ')}`,
      `${field}.interactiveMode`,
    );
  }
  return {
    apiVersion,
    command,
    args,
    env,
    interactiveMode: interactiveMode as ExecConfig['interactiveMode'],
    provideClusterInfo: r.optBool(e, 'provideClusterInfo', `${field}.provideClusterInfo`) ?? false,
    installHint: r.optString(e, 'installHint', `${field}.installHint`) || undefined,
  };
}

/** Typed access to the fields of one document; every error names the file and the field. */
class FieldReader {
  readonly file: string;
  readonly baseDir: string | undefined;

  constructor(source: KubeConfigSource) {
    this.file = source.file;
    this.baseDir = source.baseDir;
  }

  mapping(v: unknown, field: string): Record<string, unknown> {
    if (v === null || v === undefined) return {};
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw kubeConfigError(this.file, 'must be a mapping', field);
    }
    return v as Record<string, unknown>;
  }

  /** Entries of a `[{name, <key>: {...}}]` list as [name, body, field path of the entry]. */
  namedList(
    doc: Record<string, unknown>,
    list: string,
    key: string,
    prefix?: string,
  ): [string, Record<string, unknown>, string][] {
    const path = prefix === undefined ? list : `${prefix}.${list}`;
    const raw = doc[list];
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw kubeConfigError(this.file, 'must be a list', path);
    return raw.map((entry: unknown, i) => {
      const m = this.mapping(entry, `${path}[${i}]`);
      const name = this.optString(m, 'name', `${path}[${i}].name`);
      if (!name) throw kubeConfigError(this.file, 'has no name', `${path}[${i}].name`);
      // Extensions hold arbitrary objects; the others must be mappings.
      const body = key === 'extension' ? m[key] : this.mapping(m[key], `${path}[${i}].${key}`);
      return [name, body as Record<string, unknown>, `${path}[${i}]`];
    });
  }

  optString(m: Record<string, unknown>, key: string, field: string): string | undefined {
    const v = m[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw kubeConfigError(this.file, 'must be a string', field);
    return v;
  }

  optBool(m: Record<string, unknown>, key: string, field: string): boolean | undefined {
    const v = m[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw kubeConfigError(this.file, 'must be true or false', field);
    return v;
  }

  /** A file path; relative paths are taken against the directory of the defining file. */
  optPath(m: Record<string, unknown>, key: string, field: string): string | undefined {
    const v = this.optString(m, key, field);
    if (!v) return undefined;
    return this.baseDir === undefined || isAbsolute(v) ? v : resolve(this.baseDir, v);
  }

  optBase64(m: Record<string, unknown>, key: string, field: string): Buffer | undefined {
    const v = this.optString(m, key, field);
    if (!v) return undefined;
    const compact = v.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      throw kubeConfigError(this.file, 'is not valid base64', field);
    }
    return Buffer.from(compact, 'base64');
  }
}
