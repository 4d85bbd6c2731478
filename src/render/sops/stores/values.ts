// How the flat stores (dotenv, INI) print a typed value: sops' stores.ValToString.
import { goFormatFloatF, goFormatFloatG } from '../../yaml/index.js';
import { parseRfc3339 } from '../go-values.js';
import { SopsTime, stringBytes, type Scalar } from '../tree.js';

/** stores.ValToString: Go's %v, floats with at least one decimal, times in RFC 3339. */
export function valueToString(v: Scalar): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return stringBytes(v).toString('utf8');
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return '<nil>';
  if (v instanceof SopsTime) return parseRfc3339(v.text) ?? v.text;
  if (!Number.isFinite(v)) return goFormatFloatF(v);
  const g = goFormatFloatG(v).toUpperCase();
  // A float that reads like an integer gets one decimal (FormatFloat(v, 'f', 1, 64)).
  return g.includes('.') || g.includes('E') ? g : `${goFormatFloatF(v)}.0`;
}
