/** Personal API tokens (`/api/v1/api-tokens`). */
import { z } from 'zod';
import { userOf } from '../../platform/http/authenticate.ts';
import { SIGNED_IN } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import type { ApiTokens } from './api-tokens.ts';
import { apiTokenSchema, createApiTokenBody, idParams } from './identity-schemas.ts';

const tags = ['api tokens'];

export function registerTokenRoutes(app: App, tokens: ApiTokens): void {
  app.get(
    '/api/v1/api-tokens',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'Your API tokens',
        response: { 200: z.object({ items: z.array(apiTokenSchema) }) },
      },
    },
    async (request) => ({ items: await tokens.list(userOf(request)) }),
  );
  app.post(
    '/api/v1/api-tokens',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'Create an API token (the secret is shown once)',
        body: createApiTokenBody,
        response: { 201: apiTokenSchema.extend({ token: z.string() }) },
      },
    },
    async (request, reply) => reply.status(201).send(await tokens.create(userOf(request), request.body)),
  );
  app.delete(
    '/api/v1/api-tokens/:id',
    { config: { auth: SIGNED_IN }, schema: { tags, summary: 'Revoke an API token', params: idParams } },
    async (request, reply) => {
      await tokens.revoke(userOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
}
