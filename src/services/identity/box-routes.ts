/**
 * Box sign-in routes and the Box integration-menu entry (product.md F1.1, F7.2). Errors during the
 * browser flow redirect to the sign-in page with a code instead of showing JSON to a person.
 */
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { readCookie } from '../../platform/http/authenticate.ts';
import { PUBLIC } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import type { BoxSignIn } from './box-sign-in.ts';
import { setSessionCookies } from './session-cookies.ts';
import type { Sessions } from './sessions.ts';

const STATE_COOKIE = 'afb_oauth_state';
const STATE_PATH = '/api/v1/auth/box';
const tags = ['sessions'];

export function registerBoxRoutes(
  app: App,
  d: {
    signIn: BoxSignIn;
    sessions: Sessions;
    secureCookies: boolean;
    refreshTtlMs: number;
    authRateLimit: number;
  },
): void {
  const limited = { rateLimit: { max: d.authRateLimit, timeWindow: 60_000 } };

  app.get(
    '/api/v1/auth/box/authorize',
    {
      config: { auth: PUBLIC, maintenanceAllowed: true, ...limited },
      schema: {
        tags,
        summary: 'Start signing in with Box (redirects to Box)',
        querystring: z.object({ returnTo: z.string().max(500).optional() }),
      },
    },
    async (request, reply) => {
      try {
        const { url, state } = await d.signIn.begin(request.query.returnTo);
        reply.setCookie(STATE_COOKIE, state, {
          httpOnly: true,
          sameSite: 'lax',
          secure: d.secureCookies,
          path: STATE_PATH,
          maxAge: 600,
        });
        return reply.redirect(url, 302);
      } catch (err) {
        request.log.warn({ err: (err as Error).message }, 'Box sign-in could not start');
        return reply.redirect('/sign-in?error=BOX_NOT_CONFIGURED', 302);
      }
    },
  );

  app.get(
    '/api/v1/auth/box/callback',
    {
      config: { auth: PUBLIC, maintenanceAllowed: true, ...limited },
      schema: {
        tags,
        summary: "Box's redirect after sign-in",
        querystring: z.object({
          code: z.string().max(500).optional(),
          state: z.string().max(200).optional(),
          error: z.string().max(200).optional(),
        }),
      },
    },
    async (request, reply) => {
      reply.clearCookie(STATE_COOKIE, { path: STATE_PATH });
      const { code, state, error } = request.query;
      if (error || !code || !state)
        return reply.redirect(
          `/sign-in?error=${error === 'access_denied' ? 'BOX_ACCESS_DENIED' : 'OAUTH_STATE_INVALID'}`,
          302,
        );
      try {
        const { user, returnTo } = await d.signIn.complete({
          code,
          state,
          boundState: readCookie(request, STATE_COOKIE),
        });
        const tokens = await d.sessions.issue(user, {
          ip: request.ip,
          userAgent: request.headers['user-agent'],
        });
        setSessionCookies(reply, tokens, { secure: d.secureCookies, refreshTtlMs: d.refreshTtlMs });
        return reply.redirect(returnTo, 302);
      } catch (err) {
        const code = err instanceof AppError ? err.code : 'OAUTH_EXCHANGE_FAILED';
        request.log.warn({ code }, 'Box sign-in failed');
        return reply.redirect(`/sign-in?error=${code}`, 302);
      }
    },
  );

  // Box opens this URL from a right-click on a file or folder (Box Web App Integration). We never
  // trust a user id in the URL: the user is whoever holds a session here, or signs in with Box now.
  app.get(
    '/api/v1/integrations/box/open',
    {
      config: { auth: PUBLIC },
      schema: {
        tags: ['integrations'],
        summary: 'Entry point of the Box integration menu',
        querystring: z
          .object({ itemType: z.enum(['file', 'folder']), itemId: z.string().regex(/^\d{1,20}$/) })
          .passthrough(),
      },
    },
    async (request, reply) => {
      const target = `/box/${request.query.itemType}/${request.query.itemId}`;
      if (request.principal?.kind === 'user') return reply.redirect(target, 302);
      return reply.redirect(`/api/v1/auth/box/authorize?returnTo=${encodeURIComponent(target)}`, 302);
    },
  );
}
