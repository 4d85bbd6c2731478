// Sprig's defaults.go: default, empty, coalesce, all, any, ternary and the JSON functions.
import { marshalJson, unmarshalJson } from '../json.js';
import { T } from '../value.js';
import type { GoFunc, GoValue } from '../value.js';
import { GoPanic, fn } from './def.js';
import { isEmpty } from './reflect.js';

const A = T.any;

function tryMarshal(v: GoValue, escapeHTML: boolean, indent: string): string {
  try {
    return marshalJson(v, { escapeHTML, indent });
  } catch {
    return '';
  }
}

export const defaultFuncs: Readonly<Record<string, GoFunc>> = {
  default: fn(
    [A],
    A,
    (d: GoValue, ...given: GoValue[]) => (given.length === 0 || isEmpty(given[0]) ? d : given[0]),
    {
      variadic: A,
    },
  ),
  empty: fn([A], T.bool, isEmpty),
  coalesce: fn([], A, (...v: GoValue[]) => v.find((x) => !isEmpty(x)) ?? null, { variadic: A }),
  all: fn([], T.bool, (...v: GoValue[]) => v.every((x) => !isEmpty(x)), { variadic: A }),
  any: fn([], T.bool, (...v: GoValue[]) => v.some((x) => !isEmpty(x)), { variadic: A }),
  ternary: fn([A, A, T.bool], A, (vt: GoValue, vf: GoValue, v: boolean) => (v ? vt : vf)),
  fromJson: fn([T.string], A, (s: string) => {
    try {
      return unmarshalJson(s);
    } catch {
      return null;
    }
  }),
  mustFromJson: fn([T.string], A, (s: string) => unmarshalJson(s), { errors: true }),
  toJson: fn([A], T.string, (v: GoValue) => tryMarshal(v, true, '')),
  mustToJson: fn([A], T.string, (v: GoValue) => marshalJson(v), { errors: true }),
  toPrettyJson: fn([A], T.string, (v: GoValue) => tryMarshal(v, true, '  ')),
  mustToPrettyJson: fn([A], T.string, (v: GoValue) => marshalJson(v, { indent: '  ' }), {
    errors: true,
  }),
  toRawJson: fn([A], T.string, (v: GoValue) => {
    try {
      return marshalJson(v, { escapeHTML: false });
    } catch (e) {
      throw new GoPanic((e as Error).message);
    }
  }),
  mustToRawJson: fn([A], T.string, (v: GoValue) => marshalJson(v, { escapeHTML: false }), {
    errors: true,
  }),
};
