/** Identity's service-to-service routes (never routed by the gateway). */
import { z } from 'zod';
import { SERVICE_ONLY } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import type { IdentityClient } from './identity-client.ts';

export function registerInternalRoutes(app: App, client: IdentityClient): void {
  const hide = { hide: true };
  app.post(
    '/internal/identity/introspect',
    { config: { auth: SERVICE_ONLY }, schema: { ...hide, body: z.object({ token: z.string().max(200) }) } },
    async (request) => ({ result: await client.introspect(request.body.token) }),
  );
  app.get('/internal/identity/organizations', { config: { auth: SERVICE_ONLY }, schema: hide }, async () => ({
    items: await client.organizations(),
  }));
  app.get('/internal/identity/revocations', { config: { auth: SERVICE_ONLY }, schema: hide }, async () =>
    client.revocations(),
  );
  app.post(
    '/internal/identity/users',
    {
      config: { auth: SERVICE_ONLY },
      schema: { ...hide, body: z.object({ ids: z.array(z.string().uuid()).max(1000) }) },
    },
    async (request) => ({ items: await client.users(request.body.ids) }),
  );
  app.post(
    '/internal/identity/users/by-email',
    {
      config: { auth: SERVICE_ONLY },
      schema: {
        ...hide,
        body: z.object({ orgId: z.string().uuid(), emails: z.array(z.string().max(254)).max(1000) }),
      },
    },
    async (request) => ({ items: await client.usersByEmail(request.body.orgId, request.body.emails) }),
  );
}
