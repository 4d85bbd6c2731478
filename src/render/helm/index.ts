// Helm charts rendered natively, byte for byte with Helm v3.21.4 (see docs/helm.md).
//
// A controller renders a release with renderRelease(chart, options): the chart is a folder or .tgz
// path, .tgz bytes, or a Chart from loadChart/loadArchive (never changed by rendering, so it may be
// cached); options carry the release (name, namespace, revision, isUpgrade), the cluster
// (kubeVersion, apiVersions, lookup) and the user's values (parseValues, mergeValueOptions). The
// result holds CRDs, manifests in install order, hooks and notes apart, as action.Install keeps
// them. Every failure is a HelmError whose reason (HelmErrorReason) says what was wrong and whose
// message is Helm's own. helmTemplate is `helm template` on top of it.

// Rendering a release
export { renderRelease } from './release.js';
export type { RenderOptions, RenderedRelease, CrdFile } from './release.js';
export type { Manifest, Hook } from './manifests.js';
export type { LookupFunc } from './funcs.js';
export { HelmError } from './errors.js';
export type { HelmErrorReason } from './errors.js';

// Charts
export { loadChart, loadArchive, loadFiles, chartDirFiles, archiveFiles } from './loader.js';
export { Chart } from './chart.js';
export type { Metadata, Dependency, ChartFile } from './chart.js';

// Values
export { parseValues, mergeValueOptions } from './value-options.js';
export type { ValueOptions } from './value-options.js';

// The cluster as templates see it (.Capabilities)
export { parseKubeVersion, DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION } from './capabilities.js';
export type { KubeVersion } from './capabilities.js';

// The `helm` command: template, lint, --name-template, and YAML as toYaml writes it
export { helmTemplate } from './template.js';
export type { TemplateOptions, TemplateResult } from './template.js';
export { lintChart } from './lint.js';
export type { LintMessage, LintOptions, LintResult } from './lint.js';
export { renderNameTemplate } from './funcs.js';
export { marshalYaml } from './yaml.js';
