// Helm charts rendered natively, byte for byte with `helm template` (Helm v3.21.4).
export { helmTemplate, renderRelease, templateChart } from './template.js';
export type { ReleaseRender, TemplateOptions, TemplateResult } from './template.js';
export type { Hook as HelmHook } from './manifests.js';
export {
  loadChart,
  loadDir,
  loadArchive,
  loadFiles,
  chartDirFiles,
  archiveFiles,
} from './loader.js';
export { Chart } from './chart.js';
export type { Metadata, Dependency, ChartFile } from './chart.js';
export { HelmError } from './errors.js';
export { parseKubeVersion, DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION } from './capabilities.js';
export type { KubeVersion, Capabilities } from './capabilities.js';
export type { LookupFunc } from './funcs.js';
export { mergeValueOptions } from './value-options.js';
export type { ValueOptions } from './value-options.js';
export { lintChart } from './lint.js';
export type { LintMessage, LintOptions, LintResult } from './lint.js';
export { renderNameTemplate } from './funcs.js';
export { marshalYaml } from './yaml.js';
