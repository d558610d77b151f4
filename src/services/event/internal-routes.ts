/** The event service's service-to-service routes (the HTTP side of event-client.ts). */
import { z } from 'zod';
import { SERVICE_ONLY } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import type { EventClient } from './event-client.ts';
import { MAX_ITEM_EVENTS, MAX_SEARCH_EVENTS } from './event-facts.ts';
import { boxIdSchema, eventFilterQuery, orderSchema } from './event-schemas.ts';

const requester = z.object({
  userId: z.string().uuid(),
  orgId: z.string().uuid(),
  roles: z.array(z.enum(['AUDIT_ADMIN', 'GENERAL_USER', 'EXTERNAL_AUDITOR'])),
});
const orgId = z.string().uuid();

export function registerEventInternalRoutes(app: App, client: Omit<EventClient, 'leafTexts'>): void {
  const config = { auth: SERVICE_ONLY };
  app.post(
    '/internal/events/watermark',
    { config, schema: { hide: true, body: z.object({ orgId }) } },
    async (request) => ({ watermark: await client.watermark(request.body.orgId) }),
  );
  app.post(
    '/internal/events/ingest-status',
    { config, schema: { hide: true, body: z.object({ orgId }) } },
    async (request) => client.ingestStatus(request.body.orgId),
  );
  app.post(
    '/internal/events/item-events',
    {
      config,
      schema: {
        hide: true,
        body: z.object({
          orgId,
          itemId: boxIdSchema,
          types: z.array(z.string().max(80)).max(50),
          limit: z.number().int().min(1).max(MAX_ITEM_EVENTS),
        }),
      },
    },
    async ({ body }) => ({
      items: await client.itemEvents(body.orgId, body.itemId, { types: body.types, limit: body.limit }),
    }),
  );
  app.post(
    '/internal/events/search',
    {
      config,
      schema: {
        hide: true,
        body: z.object({
          user: requester,
          filters: eventFilterQuery
            .extend({
              actor: z.array(boxIdSchema).max(50).optional(),
              type: z.array(z.string().max(80)).max(100).optional(),
              item: z.array(boxIdSchema).max(200).optional(),
            })
            .extend({ order: orderSchema }),
          max: z.number().int().min(1).max(MAX_SEARCH_EVENTS),
        }),
      },
    },
    async ({ body }) => client.searchEvents(body.user, body.filters, body.max),
  );
}
