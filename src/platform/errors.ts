/**
 * Coded errors. Every error that reaches a client carries a stable `code`, an HTTP status, a message
 * key for the user-safe text (English and Japanese, see messages.ts) and optional details. The internal
 * cause is logged, never sent. One mapping from error to HTTP lives in http/error-handler.ts.
 */
import type { MessageKey } from './messages.ts';

export interface AppErrorOptions {
  status: number;
  details?: Record<string, unknown>;
  /** Parameters interpolated into the localised message ({name} placeholders). */
  params?: Record<string, string | number>;
  cause?: unknown;
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly code: MessageKey;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly params: Record<string, string | number> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: MessageKey, options: AppErrorOptions) {
    super(code, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status;
    this.details = options.details;
    this.params = options.params;
    this.headers = options.headers;
  }
}

type Extra = Omit<AppErrorOptions, 'status'>;

export const badRequest = (code: MessageKey, extra: Extra = {}) =>
  new AppError(code, { status: 400, ...extra });
export const unauthorized = (code: MessageKey = 'UNAUTHENTICATED', extra: Extra = {}) =>
  new AppError(code, { status: 401, ...extra });
export const forbidden = (code: MessageKey = 'FORBIDDEN', extra: Extra = {}) =>
  new AppError(code, { status: 403, ...extra });
export const notFound = (code: MessageKey = 'NOT_FOUND', extra: Extra = {}) =>
  new AppError(code, { status: 404, ...extra });
export const conflict = (code: MessageKey, extra: Extra = {}) =>
  new AppError(code, { status: 409, ...extra });
export const unprocessable = (code: MessageKey, extra: Extra = {}) =>
  new AppError(code, { status: 422, ...extra });
export const tooManyRequests = (retryAfterSeconds: number, code: MessageKey = 'RATE_LIMITED') =>
  new AppError(code, {
    status: 429,
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    params: { seconds: Math.max(1, Math.ceil(retryAfterSeconds)) },
  });
export const serviceUnavailable = (code: MessageKey = 'SERVICE_UNAVAILABLE', extra: Extra = {}) =>
  new AppError(code, { status: 503, headers: { 'retry-after': '5' }, ...extra });

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
