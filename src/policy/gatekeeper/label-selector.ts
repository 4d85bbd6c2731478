// metav1.LabelSelector for constraints' `labelSelector` and `namespaceSelector`: validation with
// apimachinery's messages (ValidateLabelSelector) and matching against a label map.
import { FieldErrorType, type FieldError } from '../../core/index.js';
import { asString, isRecord } from './object-access.js';

type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** A parsed selector; `matches` tells whether a label map satisfies every requirement. */
export interface LabelSelector {
  readonly requirements: readonly Requirement[];
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** validation.IsQualifiedName's messages for a label key. */
function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  const errs: string[] = [];
  const name = parts[parts.length - 1] ?? '';
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix === '') errs.push('prefix part must be non-empty');
    else if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))
      errs.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      );
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name !== '' && !QUALIFIED_NAME.test(name)) errs.push(QUALIFIED_NAME_MSG);
  return errs;
}

function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value)) errs.push(LABEL_VALUE_MSG);
  return errs;
}

/**
 * Checks the Go types a LabelSelector needs (Gatekeeper converts through JSON first and reports
 * a mismatch as a conversion error) and returns the selector's field errors.
 */
export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  if (!isRecord(selector)) return [];
  const errs: FieldError[] = [];
  const matchLabels = isRecord(selector['matchLabels']) ? selector['matchLabels'] : {};
  for (const [k, v] of Object.entries(matchLabels)) {
    for (const m of qualifiedNameErrors(k))
      errs.push({
        type: FieldErrorType.Invalid,
        field: `${path}.matchLabels`,
        value: k,
        detail: m,
      });
    for (const m of labelValueErrors(asString(v)))
      errs.push({
        type: FieldErrorType.Invalid,
        field: `${path}.matchLabels`,
        value: v,
        detail: m,
      });
  }
  const exprs = Array.isArray(selector['matchExpressions']) ? selector['matchExpressions'] : [];
  exprs.forEach((e, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const r = isRecord(e) ? e : {};
    const op = asString(r['operator']);
    const values = Array.isArray(r['values']) ? r['values'].map(asString) : [];
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0)
        errs.push({
          type: FieldErrorType.Required,
          field: `${at}.values`,
          detail: "must be specified when `operator` is 'In' or 'NotIn'",
        });
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0)
        errs.push({
          type: FieldErrorType.Forbidden,
          field: `${at}.values`,
          detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        });
    } else {
      errs.push({
        type: FieldErrorType.Invalid,
        field: `${at}.operator`,
        value: op,
        detail: 'not a valid selector operator',
      });
    }
    for (const m of qualifiedNameErrors(asString(r['key'])))
      errs.push({
        type: FieldErrorType.Invalid,
        field: `${at}.key`,
        value: asString(r['key']),
        detail: m,
      });
    values.forEach((v, j) => {
      for (const m of labelValueErrors(v))
        errs.push({
          type: FieldErrorType.Invalid,
          field: `${at}.values[${j}]`,
          value: v,
          detail: m,
        });
    });
  });
  return errs;
}

/** The Go JSON conversion error Gatekeeper reports for a selector of the wrong shape, if any. */
export function labelSelectorTypeError(selector: unknown): string | undefined {
  if (!isRecord(selector)) return undefined;
  const ml = selector['matchLabels'];
  if (ml !== undefined && ml !== null) {
    if (!isRecord(ml)) return goTypeError(ml, 'LabelSelector.matchLabels', 'map[string]string');
    for (const v of Object.values(ml))
      if (typeof v !== 'string') return goTypeError(v, 'LabelSelector.matchLabels', 'string');
  }
  return undefined;
}

function goTypeError(v: unknown, fieldName: string, want: string): string {
  const got =
    typeof v === 'number'
      ? 'number'
      : typeof v === 'boolean'
        ? 'bool'
        : Array.isArray(v)
          ? 'array'
          : isRecord(v)
            ? 'object'
            : 'string';
  return `Could not convert JSON to LabelSelector: json: cannot unmarshal ${got} into Go struct field ${fieldName} of type ${want}`;
}

/** Parses a (validated) selector. */
export function parseLabelSelector(selector: unknown): LabelSelector {
  const requirements: Requirement[] = [];
  if (!isRecord(selector)) return { requirements };
  const ml = isRecord(selector['matchLabels']) ? selector['matchLabels'] : {};
  for (const [key, v] of Object.entries(ml))
    requirements.push({ key, operator: 'In', values: [asString(v)] });
  for (const e of Array.isArray(selector['matchExpressions']) ? selector['matchExpressions'] : []) {
    if (!isRecord(e)) continue;
    requirements.push({
      key: asString(e['key']),
      operator: asString(e['operator']) as Operator,
      values: Array.isArray(e['values']) ? e['values'].map(asString) : [],
    });
  }
  return { requirements };
}

/** Whether a label map satisfies every requirement (labels.Selector.Matches). */
export function selectorMatches(
  sel: LabelSelector,
  labels: Readonly<Record<string, string>>,
): boolean {
  return sel.requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case 'In':
        return has && r.values.includes(labels[r.key] ?? '');
      case 'NotIn':
        return !has || !r.values.includes(labels[r.key] ?? '');
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
}
