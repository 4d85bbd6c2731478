// A small typed REST client for any Kubernetes API server: CRUD, patch, apply, watch.
import { createInterface } from 'node:readline';
import { FlotillaError } from '../core/index.js';
import { Discovery, type ApiResource } from './discovery.js';
import { isNotFound, errorFromResponse, type KubeStatus } from './errors.js';
import {
  connectionFromKubeConfig,
  loadKubeConfig,
  type ClusterConnection,
  type KubeConfigOptions,
} from './kubeconfig.js';
import {
  KubeTransport,
  type TransportOptions,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';
import {
  formatObject,
  gvkOf,
  type GroupVersionKind,
  type KubeList,
  type KubeObject,
  type ObjectRef,
} from './types.js';

/** Patch encodings the API server accepts. */
export const PatchType = {
  Json: 'json',
  Merge: 'merge',
  Strategic: 'strategic',
  Apply: 'apply',
} as const;
export type PatchType = (typeof PatchType)[keyof typeof PatchType];

const patchContentType: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** How the server treats unknown or duplicate fields. */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export interface WriteOptions {
  /** Server-side dry-run (`dryRun=All`): validated and defaulted, not persisted. @default false */
  readonly dryRun?: boolean;
  /** @default 'flotilla' */
  readonly fieldManager?: string;
  /** @default the server's default (Warn) */
  readonly fieldValidation?: FieldValidation;
}

export interface PatchOptions extends WriteOptions {
  /** Take ownership of conflicting fields (server-side apply only). @default false */
  readonly force?: boolean;
}

export interface ListOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Page size; the client follows `continue` tokens until the list is complete. @default 500 */
  readonly limit?: number;
  readonly resourceVersion?: string;
}

export interface DeleteOptions {
  readonly dryRun?: boolean;
  /** @default 'Background' */
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  readonly gracePeriodSeconds?: number;
  /** Delete only if the object still has this uid. */
  readonly uid?: string;
}

export interface WatchOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly resourceVersion?: string;
  /** @default true */
  readonly allowWatchBookmarks?: boolean;
  /** Server closes the watch after this long. @default 300 */
  readonly timeoutSeconds?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject;
}

export interface KubeClientOptions extends TransportOptions {
  /** Field manager for writes that name none. @default 'flotilla' */
  readonly fieldManager?: string;
}

/** Called before every request that changes something; throws to refuse it. */
export type WriteGuard = () => void;

/** The typed client. One per API server; safe to share. */
export class KubeClient {
  readonly discovery: Discovery;
  readonly fieldManager: string;
  readonly defaultNamespace: string;
  readonly #writeGuard: WriteGuard | undefined;

  constructor(
    readonly transport: KubeTransport,
    options: {
      readonly fieldManager?: string;
      /** Shares another client's discovery cache (same server). */
      readonly discovery?: Discovery;
      readonly writeGuard?: WriteGuard;
    } = {},
  ) {
    this.discovery = options.discovery ?? new Discovery(transport);
    this.fieldManager = options.fieldManager ?? 'flotilla';
    this.defaultNamespace = transport.connection.namespace;
    this.#writeGuard = options.writeGuard;
  }

  /**
   * This client (same connection pool and discovery cache) with a guard run before every write
   * (create, update, patch, delete; dry-runs too): a controller refuses to write once its
   * leader lease may have expired. Reads and watches are not guarded.
   */
  guarded(writeGuard: WriteGuard): KubeClient {
    return new KubeClient(this.transport, {
      fieldManager: this.fieldManager,
      discovery: this.discovery,
      writeGuard,
    });
  }

  /** Connects with a kubeconfig (file, text, context). */
  static async fromKubeConfig(
    source: KubeConfigOptions,
    options: KubeClientOptions = {},
  ): Promise<KubeClient> {
    const conn = await connectionFromKubeConfig(loadKubeConfig(source));
    return KubeClient.fromConnection(conn, options);
  }

  static fromConnection(conn: ClusterConnection, options: KubeClientOptions = {}): KubeClient {
    return new KubeClient(
      new KubeTransport(conn, options),
      options.fieldManager === undefined ? {} : { fieldManager: options.fieldManager },
    );
  }

  /**
   * A client for the same cluster that acts as another user, e.g. a Kustomization's service
   * account (`system:serviceaccount:<ns>:<name>`); it has its own connection pool.
   */
  impersonating(user: string, groups: readonly string[] = []): KubeClient {
    return new KubeClient(
      new KubeTransport(this.transport.connection, { impersonate: { user, groups } }),
      {
        fieldManager: this.fieldManager,
        ...(this.#writeGuard ? { writeGuard: this.#writeGuard } : {}),
      },
    );
  }

  /** Requests sent so far (total, writes, dry-runs, by method). */
  get stats(): KubeTransport['stats'] {
    return this.transport.stats;
  }

  close(): void {
    this.transport.close();
  }

  /** The API path of a resource collection or object. */
  async pathFor(
    gvk: GroupVersionKind,
    namespace: string | undefined,
    name?: string,
  ): Promise<{ path: string; resource: ApiResource }> {
    const resource = await this.discovery.resourceFor(gvk);
    const base =
      resource.group === ''
        ? `/api/${resource.version}`
        : `/apis/${resource.group}/${resource.version}`;
    let path = base;
    if (resource.namespaced && namespace !== '*') {
      path += `/namespaces/${encodeURIComponent(namespace || this.defaultNamespace)}`;
    }
    path += `/${resource.plural}`;
    if (name !== undefined) path += `/${encodeURIComponent(name)}`;
    return { path, resource };
  }

  private async objectPath(ref: ObjectRef): Promise<string> {
    if (!ref.name) {
      throw new FlotillaError(`${formatObject(ref)}: metadata.name is required`, {
        reason: 'InvalidObject',
        object: formatObject(ref),
        field: 'metadata.name',
      });
    }
    return (await this.pathFor(gvkOf(ref), ref.namespace, ref.name)).path;
  }

  async get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T> {
    const path = await this.objectPath(ref);
    const res = await this.send({ method: 'GET', path, object: formatObject(ref) });
    return JSON.parse(res.body) as T;
  }

  /** Like get, but undefined when the object (or its kind) does not exist. */
  async getOrUndefined<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return await this.get<T>(ref);
    } catch (err) {
      if (isNotFound(err) || (err instanceof FlotillaError && err.reason === 'NoKindMatch')) {
        return undefined;
      }
      throw err;
    }
  }

  /** Lists every object of a kind (all pages); `namespace: undefined` lists all namespaces. */
  async list<T extends KubeObject = KubeObject>(
    type: { readonly apiVersion: string; readonly kind: string },
    options: ListOptions = {},
  ): Promise<KubeList<T>> {
    const items: T[] = [];
    let first: KubeList<T> | undefined;
    for await (const page of this.listPages<T>(type, options)) {
      first ??= page;
      items.push(...page.items);
      first.metadata = page.metadata;
    }
    return { ...(first as KubeList<T>), items };
  }

  /**
   * Lists a kind one page at a time (`limit` objects each), so that a caller that handles each
   * page and lets it go (an audit) holds at most one page in memory.
   */
  async *listPages<T extends KubeObject = KubeObject>(
    type: { readonly apiVersion: string; readonly kind: string },
    options: ListOptions = {},
  ): AsyncGenerator<KubeList<T>> {
    const { path } = await this.pathFor(gvkOf(type), options.namespace ?? '*');
    let cont: string | undefined;
    do {
      const res = await this.send({
        method: 'GET',
        path,
        query: {
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          limit: options.limit ?? 500,
          continue: cont,
          resourceVersion: cont === undefined ? options.resourceVersion : undefined,
        },
      });
      const page = JSON.parse(res.body) as KubeList<T>;
      // Lists omit apiVersion/kind on items; put them back so items are whole objects.
      for (const item of page.items ?? []) {
        item.apiVersion ??= type.apiVersion;
        item.kind ??= type.kind;
      }
      page.items ??= [];
      cont = page.metadata?.continue || undefined;
      page.metadata ??= {};
      yield page;
    } while (cont);
  }

  async create<T extends KubeObject = KubeObject>(obj: T, options: WriteOptions = {}): Promise<T> {
    const { path } = await this.pathFor(gvkOf(obj), obj.metadata.namespace);
    const res = await this.send({
      method: 'POST',
      path,
      query: this.writeQuery(options),
      body: JSON.stringify(obj),
      object: formatObject(obj),
    });
    return JSON.parse(res.body) as T;
  }

  async update<T extends KubeObject = KubeObject>(obj: T, options: WriteOptions = {}): Promise<T> {
    const path = await this.objectPath(refFrom(obj));
    const res = await this.send({
      method: 'PUT',
      path,
      query: this.writeQuery(options),
      body: JSON.stringify(obj),
      object: formatObject(obj),
    });
    return JSON.parse(res.body) as T;
  }

  /** Updates the status subresource. */
  async updateStatus<T extends KubeObject = KubeObject>(
    obj: T,
    options: WriteOptions = {},
  ): Promise<T> {
    const path = `${await this.objectPath(refFrom(obj))}/status`;
    const res = await this.send({
      method: 'PUT',
      path,
      query: this.writeQuery(options),
      body: JSON.stringify(obj),
      object: formatObject(obj),
    });
    return JSON.parse(res.body) as T;
  }

  /** Patches an object; `patch` is sent as given (object → JSON). */
  async patch<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    type: PatchType,
    patch: unknown,
    options: PatchOptions & { readonly subresource?: string } = {},
  ): Promise<T> {
    let path = await this.objectPath(ref);
    if (options.subresource) path += `/${options.subresource}`;
    const query = this.writeQuery(options);
    if (type === PatchType.Apply) {
      query['fieldManager'] = options.fieldManager ?? this.fieldManager;
      if (options.force) query['force'] = 'true';
    }
    const res = await this.send({
      method: 'PATCH',
      path,
      query,
      body: typeof patch === 'string' ? patch : JSON.stringify(patch),
      contentType: patchContentType[type],
      object: formatObject(ref),
    });
    return JSON.parse(res.body) as T;
  }

  /** Server-side apply of a whole object (JSON is valid apply YAML). */
  apply<T extends KubeObject = KubeObject>(
    obj: KubeObject,
    options: PatchOptions = {},
  ): Promise<T> {
    return this.patch<T>(refFrom(obj), PatchType.Apply, obj, options);
  }

  /** Deletes an object; resolves with the server's answer (the object or a Status). */
  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<KubeObject | KubeStatus> {
    const path = await this.objectPath(ref);
    const body: Record<string, unknown> = {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: options.propagationPolicy ?? 'Background',
    };
    if (options.gracePeriodSeconds !== undefined)
      body['gracePeriodSeconds'] = options.gracePeriodSeconds;
    if (options.uid !== undefined) body['preconditions'] = { uid: options.uid };
    const res = await this.send({
      method: 'DELETE',
      path,
      query: options.dryRun ? { dryRun: 'All' } : {},
      body: JSON.stringify(body),
      object: formatObject(ref),
    });
    return JSON.parse(res.body) as KubeObject | KubeStatus;
  }

  /**
   * Opens a watch and calls `onEvent` for each event until the server ends the stream, the
   * signal aborts, or the stream fails. ERROR events are thrown as KubeApiError (410 → isGone).
   */
  async watch(
    type: { readonly apiVersion: string; readonly kind: string },
    options: WatchOptions,
    onEvent: (event: WatchEvent) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const { path } = await this.pathFor(gvkOf(type), options.namespace ?? '*');
    const res = await this.transport.stream(
      {
        method: 'GET',
        path,
        query: {
          watch: 'true',
          resourceVersion: options.resourceVersion,
          allowWatchBookmarks: options.allowWatchBookmarks ?? true,
          timeoutSeconds: options.timeoutSeconds ?? 300,
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
        },
      },
      signal,
    );
    const lines = createInterface({ input: res, crlfDelay: Infinity });
    // A silently dead connection never ends the stream: give up when the server's own timeout
    // has long passed without a byte, so the caller re-watches.
    const idleMs = ((options.timeoutSeconds ?? 300) + 60) * 1000;
    let idle = setTimeout(stall, idleMs);
    function stall(): void {
      res.destroy(new Error(`watch stalled: no data for ${idleMs / 1000} s`));
    }
    try {
      for await (const line of lines) {
        clearTimeout(idle);
        idle = setTimeout(stall, idleMs);
        if (line.trim() === '') continue;
        const event = JSON.parse(line) as WatchEvent;
        if (event.type === 'ERROR') {
          const status = event.object as unknown as KubeStatus;
          throw errorFromResponse({
            code: status.code ?? 500,
            body: JSON.stringify(status),
            method: 'WATCH',
            path,
          });
        }
        if (event.type !== 'BOOKMARK') {
          event.object.apiVersion ??= type.apiVersion;
          event.object.kind ??= type.kind;
        }
        onEvent(event);
      }
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    } finally {
      clearTimeout(idle);
      lines.close();
      res.destroy();
    }
  }

  /** Sends a request, running the write guard first unless it only reads. */
  private send(req: TransportRequest): Promise<TransportResponse> {
    if (req.method !== 'GET') this.#writeGuard?.();
    return this.transport.request(req);
  }

  private writeQuery(options: WriteOptions): Record<string, string> {
    const q: Record<string, string> = {};
    if (options.dryRun) q['dryRun'] = 'All';
    if (options.fieldManager !== undefined) q['fieldManager'] = options.fieldManager;
    if (options.fieldValidation !== undefined) q['fieldValidation'] = options.fieldValidation;
    return q;
  }
}

function refFrom(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata?.name ?? '',
    namespace: obj.metadata?.namespace,
  };
}
