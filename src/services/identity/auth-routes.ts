/** Sign-in, refresh, logout, password reset and invitations (`/api/v1/auth/*`), and the JWKS. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { unauthorized } from '../../platform/errors.ts';
import { REFRESH_COOKIE, readCookie } from '../../platform/http/authenticate.ts';
import { PUBLIC } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import type { AccessTokenSigner } from './access-tokens.ts';
import {
  acceptInvitationBody,
  loginBody,
  refreshBody,
  resetBody,
  resetRequestBody,
  sessionResponse,
} from './identity-schemas.ts';
import type { UserRow } from './identity-tables.ts';
import type { PasswordAuth } from './password-auth.ts';
import { clearSessionCookies, isWebClient, setSessionCookies } from './session-cookies.ts';
import type { Sessions, SessionTokens } from './sessions.ts';
import { toUserDto } from './user-dto.ts';

export interface AuthRouteDeps {
  sessions: Sessions;
  passwords: PasswordAuth;
  signer: AccessTokenSigner;
  secureCookies: boolean;
  refreshTtlMs: number;
  authRateLimit: number;
}

const tags = ['sessions'];

export function respondWithSession(
  request: FastifyRequest,
  reply: FastifyReply,
  tokens: SessionTokens & { user: UserRow },
  d: Pick<AuthRouteDeps, 'secureCookies' | 'refreshTtlMs'>,
) {
  const csrfToken = setSessionCookies(reply, tokens, {
    secure: d.secureCookies,
    refreshTtlMs: d.refreshTtlMs,
  });
  return {
    accessToken: tokens.accessToken,
    expiresIn: tokens.expiresIn,
    ...(isWebClient(request) ? {} : { refreshToken: tokens.refreshToken }),
    csrfToken,
    user: toUserDto(tokens.user),
  };
}

export function registerAuthRoutes(app: App, d: AuthRouteDeps): void {
  const limited = { rateLimit: { max: d.authRateLimit, timeWindow: 60_000 } };

  app.post(
    '/api/v1/auth/login',
    {
      config: { auth: PUBLIC, maintenanceAllowed: true, ...limited },
      schema: {
        tags,
        summary: 'Sign in with email and password (+ TOTP)',
        body: loginBody,
        response: { 200: sessionResponse },
      },
    },
    async (request, reply) => {
      const tokens = await d.passwords.login(request.body, {
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      return respondWithSession(request, reply, tokens, d);
    },
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      config: { auth: PUBLIC, maintenanceAllowed: true, ...limited },
      schema: {
        tags,
        summary: 'Rotate the refresh token and get a new access token',
        body: refreshBody,
        response: { 200: sessionResponse },
      },
    },
    async (request, reply) => {
      const presented = request.body?.refreshToken ?? readCookie(request, REFRESH_COOKIE);
      if (!presented) throw unauthorized('REFRESH_TOKEN_INVALID');
      const tokens = await d.sessions.refresh(presented);
      return respondWithSession(request, reply, tokens, d);
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { auth: PUBLIC, maintenanceAllowed: true },
      schema: { tags, summary: 'End the session', body: refreshBody },
    },
    async (request, reply) => {
      const principal = request.principal;
      await d.sessions.logout({
        sessionId:
          principal?.kind === 'user' && principal.via !== 'api-token' ? principal.sessionId : undefined,
        refreshToken: request.body?.refreshToken ?? readCookie(request, REFRESH_COOKIE),
      });
      clearSessionCookies(reply, d.secureCookies);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/auth/password/reset-request',
    {
      config: { auth: PUBLIC, ...limited },
      schema: {
        tags,
        summary: 'Email a password-reset code (same answer whether or not the account exists)',
        body: resetRequestBody,
        response: { 202: z.object({ status: z.literal('accepted') }) },
      },
    },
    async (request, reply) => {
      await d.passwords.requestReset(request.body.email);
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/api/v1/auth/password/reset',
    {
      config: { auth: PUBLIC, ...limited },
      schema: { tags, summary: 'Set a new password with the emailed code', body: resetBody },
    },
    async (request, reply) => {
      await d.passwords.reset(request.body);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/auth/invitation/accept',
    {
      config: { auth: PUBLIC, ...limited },
      schema: { tags, summary: 'Set the first password from an invitation link', body: acceptInvitationBody },
    },
    async (request, reply) => {
      await d.passwords.acceptInvitation(request.body);
      return reply.status(204).send();
    },
  );

  app.get(
    '/.well-known/jwks.json',
    { config: { auth: PUBLIC }, schema: { tags, summary: 'Public keys verifying access tokens' } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return d.signer.jwks();
    },
  );
}
