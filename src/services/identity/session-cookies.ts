/**
 * Browser sessions ride on cookies: the access token and refresh token are httpOnly (scripts cannot
 * read them), SameSite, Secure behind HTTPS; a third, readable cookie holds the CSRF token the web
 * app echoes in `x-csrf-token` on writes (double submit). API clients use the body tokens instead.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE } from '../../platform/http/authenticate.ts';

export const WEB_CLIENT_HEADER = 'x-requested-with';
export const WEB_CLIENT_VALUE = 'auditor-web';

export function isWebClient(request: FastifyRequest): boolean {
  return request.headers[WEB_CLIENT_HEADER] === WEB_CLIENT_VALUE;
}

export function setSessionCookies(
  reply: FastifyReply,
  tokens: { accessToken: string; expiresIn: number; refreshToken: string },
  o: { secure: boolean; refreshTtlMs: number },
): string {
  const csrf = randomBytes(24).toString('base64url');
  reply.setCookie(ACCESS_COOKIE, tokens.accessToken, {
    httpOnly: true,
    sameSite: 'lax',
    secure: o.secure,
    path: '/',
    maxAge: tokens.expiresIn,
  });
  reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure: o.secure,
    path: '/api/v1/auth',
    maxAge: Math.round(o.refreshTtlMs / 1000),
  });
  // Lives as long as the refresh token, so after a browser restart the app knows a session can be renewed.
  reply.setCookie(CSRF_COOKIE, csrf, {
    httpOnly: false,
    sameSite: 'strict',
    secure: o.secure,
    path: '/',
    maxAge: Math.round(o.refreshTtlMs / 1000),
  });
  return csrf;
}

export function clearSessionCookies(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(ACCESS_COOKIE, { path: '/', secure });
  reply.clearCookie(REFRESH_COOKIE, { path: '/api/v1/auth', secure });
  reply.clearCookie(CSRF_COOKIE, { path: '/', secure });
}
