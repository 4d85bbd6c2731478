// Field errors as apimachinery's field.Error renders them (`spec.x: Invalid value: "v": why`),
// shared by every layer that validates objects against schemas.

/** One field error, as field.Error renders it: `spec.x: Invalid value: "v": why`. */
export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly detail?: string;
  readonly value?: unknown;
}
export const FieldErrorType = {
  Invalid: 'FieldValueInvalid',
  Required: 'FieldValueRequired',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  Duplicate: 'FieldValueDuplicate',
  TypeInvalid: 'FieldValueTypeInvalid',
  Unknown: 'FieldValueUnknown',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  NotFound: 'FieldValueNotFound',
  Internal: 'InternalError',
} as const;
export type FieldErrorType = (typeof FieldErrorType)[keyof typeof FieldErrorType];

/** A value printed verbatim in field errors (Go's %#v rendering of structs). */
export class GoValue {
  constructor(readonly text: string) {}
}

/** field.OmitValueType: an Invalid error that shows no value (`spec: Invalid value: why`). */
export const OMIT_VALUE = new GoValue('');

function renderValue(value: unknown): string {
  if (value instanceof GoValue) return value.text;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return '';
}

/** The text after the field path, e.g. `Invalid value: "x": field is immutable`. */
export function fieldErrorBody(e: FieldError): string {
  const detail = e.detail === undefined || e.detail === '' ? '' : `: ${e.detail}`;
  switch (e.type) {
    case FieldErrorType.Required:
      return `Required value${detail}`;
    case FieldErrorType.Forbidden:
      return `Forbidden${detail}`;
    case FieldErrorType.Unknown:
      return `Unknown field${detail}`;
    case FieldErrorType.TooLong:
      return `Too long${detail}`;
    case FieldErrorType.Internal:
      return `Internal error${detail}`;
    case FieldErrorType.TooMany:
      return `Too many: ${renderValue(e.value)}${detail}`;
    case FieldErrorType.NotFound:
      return `Not found: ${renderValue(e.value)}${detail}`;
    case FieldErrorType.Duplicate:
      return e.value === OMIT_VALUE
        ? 'Duplicate value'
        : `Duplicate value: ${renderValue(e.value)}`;
    case FieldErrorType.NotSupported:
      return `Unsupported value: ${renderValue(e.value)}${detail}`;
    case FieldErrorType.TypeInvalid:
      return `Invalid value: ${renderValue(e.value)}${detail}`;
    default:
      if (e.value === OMIT_VALUE) return `Invalid value${detail}`;
      return `Invalid value: ${renderValue(e.value)}${detail}`;
  }
}

export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}
