/**
 * Box failures mapped to our own terms. Callers never see the SDK's error objects (they carry the
 * request's Authorization header, which must never reach a log).
 */
import { BoxApiError, BoxSdkError } from 'box-node-sdk/box';
import { AppError } from '../platform/errors.ts';

export type BoxFailure =
  | 'not_found'
  | 'trashed'
  | 'forbidden'
  | 'unauthorized'
  | 'rate_limited'
  | 'unavailable'
  | 'bad_request'
  | 'conflict'
  | 'stream_position_expired'
  /** Box answered, but not with what the SDK could read (e.g. a required field missing): not retried. */
  | 'invalid_response';

export class BoxError extends Error {
  constructor(
    readonly failure: BoxFailure,
    readonly status: number,
    readonly code: string | undefined,
    readonly requestId: string | undefined,
    /** Seconds Box asked us to wait (Retry-After), if it did. */
    readonly retryAfterSeconds: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'BoxError';
  }

  get retryable(): boolean {
    return this.failure === 'rate_limited' || this.failure === 'unavailable';
  }
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/**
 * The SDK fills `code` and `requestId` of its BoxApiError with JSON text (`"trashed"`, quotes
 * included); we want the value.
 */
function unquote(value: string | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!value.startsWith('"')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

export function toBoxError(err: unknown): BoxError {
  if (err instanceof BoxError) return err;
  if (err instanceof BoxApiError) {
    const status = err.responseInfo.statusCode;
    const code = unquote(err.responseInfo.code);
    const requestId = unquote(err.responseInfo.requestId);
    const retryAfter = parseRetryAfter(header(err.responseInfo.headers, 'retry-after'));
    const contextName = (err.responseInfo.contextInfo as { errors?: { name?: string }[] } | undefined)
      ?.errors?.[0]?.name;
    let failure: BoxFailure;
    if (status === 404) failure = code === 'trashed' ? 'trashed' : 'not_found';
    else if (status === 403) failure = 'forbidden';
    else if (status === 401) failure = 'unauthorized';
    else if (status === 429) failure = 'rate_limited';
    else if (status >= 500 || status === 202) failure = 'unavailable';
    else if (status === 409 || status === 412) failure = 'conflict';
    else if (status === 400 && contextName === 'stream_position') failure = 'stream_position_expired';
    else failure = 'bad_request';
    return new BoxError(
      failure,
      status,
      code,
      requestId,
      retryAfter,
      `Box answered ${status}${code ? ` ${code}` : ''}`,
    );
  }
  const message = err instanceof BoxSdkError || err instanceof Error ? err.message : String(err);
  // The SDK wraps network failures and timeouts with the cause in `error`; its other errors (a body
  // it cannot deserialise, a redirect without Location) and our own would fail the same way again.
  if (!(err instanceof BoxSdkError) || err.error === undefined)
    return new BoxError(
      'invalid_response',
      0,
      undefined,
      undefined,
      undefined,
      `Box's answer could not be used: ${message.slice(0, 200)}`,
    );
  // Network failures and timeouts: the request may or may not have reached Box.
  return new BoxError(
    'unavailable',
    0,
    undefined,
    undefined,
    undefined,
    `Box could not be reached: ${message.slice(0, 200)}`,
  );
}

/** Our API's answer when a Box call failed on behalf of a request. */
export function boxErrorToAppError(err: BoxError): AppError {
  switch (err.failure) {
    case 'not_found':
    case 'trashed':
      return new AppError('BOX_ITEM_NOT_FOUND', { status: 404, cause: err });
    case 'forbidden':
      return new AppError('BOX_ACCESS_DENIED', { status: 403, cause: err });
    case 'rate_limited':
      return new AppError('BOX_RATE_LIMITED', {
        status: 503,
        cause: err,
        headers: { 'retry-after': String(Math.ceil(err.retryAfterSeconds ?? 30)) },
      });
    default:
      return new AppError('BOX_UNAVAILABLE', { status: 503, cause: err, headers: { 'retry-after': '30' } });
  }
}
