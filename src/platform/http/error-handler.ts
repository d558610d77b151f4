/**
 * The one mapping from errors to HTTP responses: `{error: {code, message, details}, requestId}` with a
 * stable code and a message in the caller's language. Unexpected errors are logged with their stack
 * and answered as INTERNAL_ERROR without internals; an unreachable database answers 503 so callers
 * and load balancers back off instead of seeing a 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isDatabaseUnavailableError } from '../db/database-errors.ts';
import { AppError } from '../errors.ts';
import { localise, type MessageKey, pickLanguage } from '../messages.ts';

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
  requestId: string;
}

export function errorBody(
  request: FastifyRequest,
  code: MessageKey,
  details?: Record<string, unknown>,
  params?: Record<string, string | number>,
): ErrorBody {
  const lang = pickLanguage(request.headers['accept-language']);
  return {
    error: { code, message: localise(code, lang, params), ...(details ? { details } : {}) },
    requestId: String(request.id),
  };
}

function toAppError(err: FastifyError | Error): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({
      path: `${err.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
      message: v.message ?? 'invalid',
    }));
    return new AppError('VALIDATION_FAILED', { status: 400, details: { issues } });
  }
  const fe = err as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE', { status: 413 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', { status: 415 });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('MALFORMED_JSON', { status: 400 });
    case 'FST_ERR_VALIDATION':
      return new AppError('VALIDATION_FAILED', {
        status: 400,
        details: { issues: [{ path: '', message: fe.message }] },
      });
  }
  if (fe.statusCode === 429) return new AppError('RATE_LIMITED', { status: 429, params: { seconds: 60 } });
  if (err instanceof SyntaxError && fe.statusCode === 400)
    return new AppError('MALFORMED_JSON', { status: 400 });
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError('VALIDATION_FAILED', {
      status: fe.statusCode,
      details: { issues: [{ path: '', message: fe.message }] },
    });
  }
  if (isDatabaseUnavailableError(err)) {
    return new AppError('DATABASE_UNAVAILABLE', { status: 503, headers: { 'retry-after': '5' }, cause: err });
  }
  return new AppError('INTERNAL_ERROR', { status: 500, cause: err });
}

export function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const appError = toAppError(err);
  if (appError.status >= 500) {
    const level = appError.code === 'INTERNAL_ERROR' || isResponseSerializationError(err) ? 'error' : 'warn';
    request.log[level]({ err, code: appError.code }, 'request failed');
  }
  if (appError.headers) for (const [k, v] of Object.entries(appError.headers)) reply.header(k, v);
  if (reply.sent) return;
  reply.status(appError.status).send(errorBody(request, appError.code, appError.details, appError.params));
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): void {
  reply.status(404).send(errorBody(request, 'ROUTE_NOT_FOUND'));
}
