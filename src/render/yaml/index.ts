// YAML layer of the render engine: go-yaml compatible reading and kustomize-identical writing.
export {
  parseYaml,
  parseYamlDocuments,
  hasDocumentSeparator,
  resolveV3Value,
  newMap,
  isYamlMap,
  cloneValue,
  cloneAsJson,
  valuesEqual,
  YamlParseError,
} from './parse.js';
export type { YamlValue, YamlMap } from './parse.js';
export {
  emitYaml,
  numberText,
  goYamlKeyLess,
  goFormatFloatG,
  goFormatFloatF,
  goJsonFloat,
  goJsonNumber,
  YamlEmitError,
} from './emit.js';
export { resolveV3 } from './go-yaml-resolve.js';
export type { Resolved } from './go-yaml-resolve.js';
export {
  V3Emitter,
  V3EmitError,
  ScalarStyle,
  analyzeV3Scalar,
  selectV3ScalarStyle,
} from './v3-emitter.js';
export type { V3Event, V3EmitterOptions } from './v3-emitter.js';
export type { EmitOptions } from './emit.js';
export {
  isEmptyNull,
  isUntaggedPlain,
  markUntagged,
  recordScalarSource,
  scalarSource,
  setUntagged,
  typedAnnotation,
} from './scalar-info.js';
