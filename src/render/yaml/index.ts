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
  goFormatFloatG,
  goJsonNumber,
  numberText,
  goYamlKeyLess,
  YamlEmitError,
} from './emit.js';
export {
  isEmptyNull,
  isUntaggedPlain,
  markUntagged,
  recordScalarSource,
  scalarSource,
  setUntagged,
  typedAnnotation,
} from './scalar-info.js';
