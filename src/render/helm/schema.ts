// chartutil.ValidateAgainstSchema: each chart's values.schema.json checked against its part of the
// coalesced values, subcharts included; errors listed per chart as Helm prints them.
import { isGoMap } from '../gotemplate/index.js';
import type { GoMap } from '../gotemplate/index.js';
import type { Chart } from './chart.js';
import { SchemaError, validateAgainstSchema } from './jsonschema.js';

function typeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'interface {}';
}

/** The errors of every chart in the tree, or undefined when the values are valid. */
export function validateValuesSchemas(chart: Chart, values: GoMap): string | undefined {
  let sb = '';
  if (chart.schema !== undefined) {
    let err: string | undefined;
    try {
      err = validateAgainstSchema(chart.schema, values);
    } catch (e) {
      if (e instanceof SchemaError) err = e.message;
      else throw e;
    }
    if (err !== undefined) sb += `${chart.name()}:\n${err}`;
  }
  for (const sub of chart.dependencies()) {
    const raw = values[sub.name()];
    if (raw === undefined || raw === null) continue;
    if (!isGoMap(raw)) {
      sb += `${sub.name()}:\ninvalid type for values: expected object (map), got ${typeName(raw)}\n`;
      continue;
    }
    const e = validateValuesSchemas(sub, raw);
    if (e !== undefined) sb += e;
  }
  return sb === '' ? undefined : sb;
}
