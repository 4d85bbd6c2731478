// Typed errors for Kubernetes API failures, built from the metav1.Status the server returns.
import { ErrorCategory, FlotillaError } from '../core/index.js';

/** One entry of metav1.Status details.causes: which field failed and why. */
export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

/** The metav1.Status object an API server answers failures with. */
export interface KubeStatus {
  readonly kind?: string;
  readonly apiVersion?: string;
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly details?: {
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly causes?: readonly StatusCause[];
    readonly retryAfterSeconds?: number;
  };
}

/** metav1.StatusReason values Flotilla looks at. */
export const StatusReason = {
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Invalid: 'Invalid',
  Gone: 'Gone',
  Expired: 'Expired',
  Forbidden: 'Forbidden',
  Unauthorized: 'Unauthorized',
  BadRequest: 'BadRequest',
  MethodNotAllowed: 'MethodNotAllowed',
  TooManyRequests: 'TooManyRequests',
  Timeout: 'Timeout',
  ServerTimeout: 'ServerTimeout',
  InternalError: 'InternalError',
  ServiceUnavailable: 'ServiceUnavailable',
  UnsupportedMediaType: 'UnsupportedMediaType',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  Unknown: 'Unknown',
} as const;
export type StatusReason = (typeof StatusReason)[keyof typeof StatusReason];

const reasonByCode: Record<number, StatusReason> = {
  400: StatusReason.BadRequest,
  401: StatusReason.Unauthorized,
  403: StatusReason.Forbidden,
  404: StatusReason.NotFound,
  405: StatusReason.MethodNotAllowed,
  409: StatusReason.Conflict,
  410: StatusReason.Gone,
  413: StatusReason.RequestEntityTooLarge,
  415: StatusReason.UnsupportedMediaType,
  422: StatusReason.Invalid,
  429: StatusReason.TooManyRequests,
  500: StatusReason.InternalError,
  503: StatusReason.ServiceUnavailable,
  504: StatusReason.Timeout,
};

/** How each API failure should be retried: input errors are terminal, server trouble transient. */
function categoryOf(code: number, reason: string): ErrorCategory {
  switch (reason) {
    case StatusReason.Invalid:
    case StatusReason.BadRequest:
    case StatusReason.MethodNotAllowed:
    case StatusReason.UnsupportedMediaType:
    case StatusReason.RequestEntityTooLarge:
      return ErrorCategory.Terminal;
    case StatusReason.NotFound:
    case StatusReason.Forbidden:
    case StatusReason.Unauthorized:
      // A missing namespace or CRD, or RBAC not granted yet: fixed by something else later.
      return ErrorCategory.RetryLater;
    case StatusReason.Conflict:
    case StatusReason.AlreadyExists:
    case StatusReason.Gone:
    case StatusReason.Expired:
    case StatusReason.TooManyRequests:
    case StatusReason.Timeout:
    case StatusReason.ServerTimeout:
    case StatusReason.InternalError:
    case StatusReason.ServiceUnavailable:
      return ErrorCategory.Transient;
    default:
      return code >= 500 ? ErrorCategory.Transient : ErrorCategory.Terminal;
  }
}

/** A failed API call: the HTTP code and the server's metav1.Status, mapped onto a category. */
export class KubeApiError extends FlotillaError {
  readonly code: number;
  readonly statusReason: string;
  readonly causes: readonly StatusCause[];
  readonly status: KubeStatus;
  readonly method: string;
  readonly path: string;

  constructor(
    message: string,
    init: {
      readonly code: number;
      readonly status: KubeStatus;
      readonly method: string;
      readonly path: string;
      readonly object?: string;
    },
  ) {
    const reason = init.status.reason || reasonByCode[init.code] || StatusReason.Unknown;
    const causes = init.status.details?.causes ?? [];
    const field = causes.find((c) => c.field)?.field;
    super(message, {
      reason,
      category: categoryOf(init.code, reason),
      ...(init.object === undefined ? {} : { object: init.object }),
      ...(field === undefined ? {} : { field }),
    });
    this.name = 'KubeApiError';
    this.code = init.code;
    this.statusReason = reason;
    this.causes = causes;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
  }
}

/** Builds the error for a non-2xx answer; `body` may be a Status, other JSON or plain text. */
export function errorFromResponse(init: {
  readonly code: number;
  readonly body: string;
  readonly method: string;
  readonly path: string;
  readonly object?: string;
}): KubeApiError {
  let status: KubeStatus = {};
  try {
    const parsed: unknown = JSON.parse(init.body);
    if (parsed !== null && typeof parsed === 'object') status = parsed;
  } catch {
    // Not JSON (a proxy's error page, say): keep the text as the message.
  }
  const text = status.message ?? (init.body.trim().slice(0, 500) || `HTTP ${init.code}`);
  const message = `${init.method} ${init.path}: ${text}`;
  return new KubeApiError(message, {
    code: init.code,
    status,
    method: init.method,
    path: init.path,
    ...(init.object === undefined ? {} : { object: init.object }),
  });
}

function reasonIs(err: unknown, reason: StatusReason, code: number): boolean {
  return err instanceof KubeApiError && (err.statusReason === reason || err.code === code);
}

export const isNotFound = (err: unknown): boolean => reasonIs(err, StatusReason.NotFound, 404);
export const isConflict = (err: unknown): boolean => reasonIs(err, StatusReason.Conflict, 409);
export const isInvalid = (err: unknown): boolean => reasonIs(err, StatusReason.Invalid, 422);
export const isGone = (err: unknown): boolean =>
  reasonIs(err, StatusReason.Gone, 410) ||
  (err instanceof KubeApiError && err.statusReason === StatusReason.Expired);
export const isForbidden = (err: unknown): boolean => reasonIs(err, StatusReason.Forbidden, 403);
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof KubeApiError && err.statusReason === StatusReason.AlreadyExists;
}

/** A network-level failure (connection refused, reset, TLS): always transient. */
export class KubeTransportError extends FlotillaError {
  constructor(message: string, cause: unknown) {
    super(message, { reason: 'TransportError', category: 'Transient', cause });
    this.name = 'KubeTransportError';
  }
}
