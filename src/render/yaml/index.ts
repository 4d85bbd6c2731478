// YAML layer of the render engine: go-yaml compatible reading and kustomize-identical writing.
export {
  parseYaml,
  parseYamlDocuments,
  resolveV3Value,
  newMap,
  isYamlMap,
  cloneValue,
  valuesEqual,
  YamlParseError,
} from './parse.js';
export type { YamlValue, YamlMap } from './parse.js';
export { emitYaml, numberText, goYamlKeyLess, YamlEmitError } from './emit.js';
export type { EmitOptions } from './emit.js';
