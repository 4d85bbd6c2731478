// The core built-in functions (engineer V's set): operators, aggregates, collections, strings, types, numbers, encodings.

import type { BuiltinDef } from '../builtin-types.js';
import { AGGREGATE_BUILTINS } from './aggregates.js';
import { ARITHMETIC_BUILTINS } from './arithmetic.js';
import { ARRAY_BUILTINS } from './arrays.js';
import { COMPARISON_BUILTINS } from './comparison.js';
import { OBJECT_BUILTINS } from './objects.js';
import { SET_BUILTINS } from './sets.js';
import { ENCODING_BUILTINS } from './encoding.js';
import { GRAPH_BUILTINS } from './graph.js';
import { JSON_PATH_BUILTINS } from './json-paths.js';
import { NUMBER_BUILTINS } from './numbers.js';
import { SEMVER_BUILTINS } from './semver.js';
import { SPRINTF_BUILTINS } from './sprintf.js';
import { STRING_BUILTINS } from './strings.js';
import { TEMPLATE_BUILTINS } from './template.js';
import { TYPE_BUILTINS } from './types.js';
import { UNITS_BUILTINS } from './units.js';

export const CORE_BUILTINS: readonly BuiltinDef[] = [
  ...ARITHMETIC_BUILTINS,
  ...COMPARISON_BUILTINS,
  ...SET_BUILTINS,
  ...AGGREGATE_BUILTINS,
  ...ARRAY_BUILTINS,
  ...OBJECT_BUILTINS,
  ...TYPE_BUILTINS,
  ...STRING_BUILTINS,
  ...SPRINTF_BUILTINS,
  ...NUMBER_BUILTINS,
  ...UNITS_BUILTINS,
  ...ENCODING_BUILTINS,
  ...JSON_PATH_BUILTINS,
  ...GRAPH_BUILTINS,
  ...SEMVER_BUILTINS,
  ...TEMPLATE_BUILTINS,
];
