/**
 * The per-route authentication and coarse authorisation step (roles, token scopes, CSRF).
 * Object-level rules (may this user see this set?) belong to the owning service's code.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole, type Principal, type Scope, type UserPrincipal } from '../auth/principal.ts';
import { API_TOKEN_PREFIX, type AuthVerifier } from '../auth/verifier.ts';
import { forbidden, unauthorized } from '../errors.ts';
import type { AuthRequirement } from './route-config.ts';

export const ACCESS_COOKIE = 'afb_access';
export const REFRESH_COOKIE = 'afb_refresh';
export const CSRF_COOKIE = 'afb_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

export { readCookie };

async function resolveUser(
  request: FastifyRequest,
  verifier: AuthVerifier,
): Promise<UserPrincipal | undefined> {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const token = header.slice(7).trim();
    return token.startsWith(API_TOKEN_PREFIX)
      ? await verifier.verifyApiToken(token)
      : await verifier.verifyAccessToken(token, 'bearer');
  }
  const cookie = readCookie(request, ACCESS_COOKIE);
  if (cookie) {
    const principal = await verifier.verifyAccessToken(cookie, 'cookie');
    // Cookies ride along with any cross-site request; a write must also show the CSRF token
    // (double submit: the header must equal the non-httpOnly cookie set at sign-in).
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      const expected = readCookie(request, CSRF_COOKIE);
      if (!expected || typeof sent !== 'string' || sent !== expected) throw forbidden('CSRF_TOKEN_INVALID');
    }
    return principal;
  }
  return undefined;
}

function requiredScope(request: FastifyRequest, auth: Extract<AuthRequirement, { kind: 'user' }>): Scope {
  return auth.scope ?? (SAFE_METHODS.has(request.method) ? 'read' : 'write');
}

export function createAuthenticateHook(verifier: AuthVerifier) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const auth = request.routeOptions.config?.auth;
    if (!auth) throw forbidden();
    if (auth.kind === 'public') {
      // Optional identity for public routes (e.g. logout); a bad credential is simply ignored.
      request.principal = await resolveUser(request, verifier).catch(() => undefined);
      return;
    }
    if (auth.kind === 'service') {
      const header = request.headers.authorization;
      if (!header?.startsWith('Service ') || !verifier.verifyServiceSecret(header.slice(8).trim())) {
        throw unauthorized();
      }
      request.principal = {
        kind: 'service',
        name: String(request.headers['x-auditor-service'] ?? 'unknown'),
      };
      return;
    }
    const principal = await resolveUser(request, verifier);
    if (!principal) throw unauthorized();
    request.principal = principal;
    if (auth.roles && !hasRole(principal, ...auth.roles)) throw forbidden();
    if (principal.via === 'api-token' && !principal.scopes.includes(requiredScope(request, auth))) {
      throw forbidden('INSUFFICIENT_SCOPE');
    }
  };
}

/** The signed-in user of a `user` route (the hook guarantees it). */
export function userOf(request: FastifyRequest): UserPrincipal {
  const p: Principal | undefined = request.principal;
  if (p?.kind !== 'user') throw unauthorized();
  return p;
}
