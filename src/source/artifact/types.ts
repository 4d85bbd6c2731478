// The artifact record Flux writes into a source object's status, and the object it belongs to.

/** Flux's `status.artifact` (source.toolkit.fluxcd.io/v1 Artifact). */
export interface Artifact {
  /** Relative path inside the storage: `<kind>/<namespace>/<name>/<file>`. */
  readonly path: string;
  /** Where the artifact server serves it. */
  readonly url: string;
  /** The source revision the artifact was built from (e.g. `main@sha1:<hex>`, `sha256:<hex>`). */
  readonly revision: string;
  /** The digest of the file, `<algorithm>:<hex>` (sha256 unless told otherwise). */
  readonly digest: string;
  /** RFC 3339, second precision, as metav1.Time serialises. */
  readonly lastUpdateTime: string;
  /** Size of the file in bytes. */
  readonly size: number;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The source object an artifact belongs to. */
export interface ArtifactOwner {
  /** The object's kind, e.g. `GitRepository`, `Bucket` (lower-cased in paths, as Flux does). */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}
