// API errors as metav1.Status objects, worded the way kube-apiserver words them.

/** A group-qualified resource ("deployments.apps", "configmaps") used in messages. */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

export interface StatusCause {
  /** omitted when empty, as metav1.StatusCause's `omitempty` does */
  readonly reason?: string;
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

export {
  FieldErrorType,
  GoValue,
  OMIT_VALUE,
  fieldErrorBody,
  fieldErrorString,
  type FieldError,
} from '../core/index.js';
import { fieldErrorBody, fieldErrorString, type FieldError } from '../core/index.js';

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
