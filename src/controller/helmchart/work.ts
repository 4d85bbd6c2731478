// What one HelmChart reconcile needs (deps) and what its sub-reconcilers hand on.
import type { Artifact } from '../../source/index.js';
import type { StepContext } from '../runtime/kind.js';
import type { SourceDeps } from '../sources/artifact-storage.js';
import type { GetSecret } from '../helmrepository/work.js';
import type { HelmChart } from './types.js';

/** A source object as the HelmChart reads it. */
export interface ChartSourceObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
  /** The HelmRepository's type decides how charts are pulled. */
  readonly spec?: { readonly type?: string };
  readonly status?: { readonly artifact?: Artifact };
}

export interface HelmChartDeps extends SourceDeps {
  readonly getSecret: GetSecret;
  /** The source object, or undefined when it does not exist. */
  readonly getSource: (
    kind: string,
    namespace: string,
    name: string,
  ) => Promise<ChartSourceObject | undefined>;
  /** The bytes of a source's artifact file (the HelmRepository index), digest checked. */
  readonly readArtifact: (artifact: Artifact) => Promise<Buffer>;
  /** Downloads and extracts a source's artifact (Git, Bucket) into `dir`, digest checked. */
  readonly extractArtifact: (artifact: Artifact, dir: string) => Promise<void>;
  /** Parent of temporary directories. @default os.tmpdir() */
  readonly tmpDir?: string;
}

export type HelmChartContext = StepContext<HelmChart, HelmChartDeps>;

/** The chart built by the source step, for the artifact step. */
export interface HelmChartWork {
  /** The packaged chart (.tgz bytes), unset when the stored artifact is current. */
  packaged?: Buffer;
  /** A package tree (`<tree>/<name>/…`) to archive, unset when the stored artifact is current. */
  tree?: string;
  /** The chart's name and version (the revision). */
  name?: string;
  version?: string;
  /** pulled (a repository's package as it is) or packaged (built or values merged). */
  action?: 'pulled' | 'packaged';
  sourceRevision?: string;
}
