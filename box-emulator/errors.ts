/** Box's `ClientError` shape and the errors the local Box raises. */
export const HELP_URL = 'https://developer.box.com/guides/api-calls/permissions-and-errors/common-errors/';

export class BoxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly contextInfo?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(err: BoxHttpError, requestId: string): Record<string, unknown> {
  return {
    type: 'error',
    status: err.status,
    code: err.code,
    message: err.message,
    ...(err.contextInfo ? { context_info: err.contextInfo } : {}),
    help_url: HELP_URL,
    request_id: requestId,
  };
}

/** Box's usual detail for a bad parameter. */
export function badParam(name: string, message: string, code = 'bad_request'): BoxHttpError {
  return new BoxHttpError(400, code, `Bad Request: ${message}`, {
    errors: [{ reason: 'invalid_parameter', name, message }],
  });
}

export const notFound = (what = 'Not Found'): BoxHttpError => new BoxHttpError(404, 'not_found', what);
export const trashedError = (): BoxHttpError => new BoxHttpError(404, 'trashed', 'Item is trashed');
export const forbidden = (message = 'Access denied - insufficient permission'): BoxHttpError =>
  new BoxHttpError(403, 'access_denied_insufficient_permissions', message);

export function insufficientScope(scope: string): BoxHttpError {
  return new BoxHttpError(
    403,
    'insufficient_scope',
    'The request requires higher privileges than provided by the access token.',
    undefined,
    {
      'www-authenticate': `Bearer realm="Service", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token: ${scope}."`,
    },
  );
}

export function unauthorized(invalidToken: boolean): BoxHttpError {
  const header = invalidToken
    ? 'Bearer realm="Service", error="invalid_token", error_description="The access token provided is invalid."'
    : 'Bearer realm="Service"';
  return new BoxHttpError(401, 'unauthorized', 'Unauthorized', undefined, { 'www-authenticate': header });
}

/** Errors of `/oauth2/*`: `{error, error_description}` instead of ClientError. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}
