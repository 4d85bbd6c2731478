// API errors as metav1.Status objects, worded the way kube-apiserver words them.

/** A group-qualified resource ("deployments.apps", "configmaps") used in messages. */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

export interface StatusCause {
  readonly reason: string;
  readonly message: string;
  readonly field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** An error the server answers with a metav1.Status body. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Record<string, unknown> {
    const status: Record<string, unknown> = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
    };
    // metav1.Status writes reason only when there is one (omitempty)
    if (this.reason !== '') status.reason = this.reason;
    if (this.details !== undefined) status.details = this.details;
    status.code = this.code;
    return status;
  }
}

export function qualified(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, {
    name,
    ...(gr.group === '' ? {} : { group: gr.group }),
    kind: gr.resource,
  });
}

export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, {
    name,
    ...(gr.group === '' ? {} : { group: gr.group }),
    kind: gr.resource,
  });
}

export function conflict(gr: GroupResource, name: string, why: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`,
    {
      name,
      ...(gr.group === '' ? {} : { group: gr.group }),
      kind: gr.resource,
    },
  );
}

export const MODIFIED_CONFLICT =
  'the object has been modified; please apply your changes to the latest version and try again';

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

/** 422 Invalid: `Kind.group "name" is invalid: field: Invalid value: ...`. */
export function invalid(
  kind: string,
  group: string,
  name: string,
  errors: readonly FieldError[],
): ApiError {
  const qk = group === '' ? kind : `${kind}.${group}`;
  const list = errors.map(fieldErrorString);
  const joined = list.length === 1 ? (list[0] ?? '') : `[${list.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qk} "${name}" is invalid: ${joined}`, {
    ...(name === '' ? {} : { name }),
    ...(group === '' ? {} : { group }),
    ...(kind === '' ? {} : { kind }),
    causes: errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function forbidden(
  gr: GroupResource,
  name: string,
  why: string,
  causes?: StatusCause[],
): ApiError {
  const subject = name === '' ? qualified(gr) : `${qualified(gr)} "${name}"`;
  return new ApiError(403, 'Forbidden', `${subject} is forbidden: ${why}`, {
    ...(name === '' ? {} : { name }),
    ...(gr.group === '' ? {} : { group: gr.group }),
    kind: gr.resource,
    ...(causes === undefined ? {} : { causes }),
  });
}

export function methodNotSupported(gr: GroupResource, verb: string): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    `${verb} is not supported on resources of kind "${qualified(gr)}"`,
    {
      ...(gr.group === '' ? {} : { group: gr.group }),
      kind: gr.resource,
    },
  );
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    contentType === 'application/vnd.kubernetes.protobuf'
      ? 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (this local cluster does not decode protobuf: use kubectl create -f/apply, or a JSON client)'
      : `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
  );
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ reason: '', message }],
  });
}
