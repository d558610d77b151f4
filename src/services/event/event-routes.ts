/** The event API (`/api/v1/events`, `/api/v1/items/:id/events`) and Box's webhook receiver. */

import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../platform/errors.ts';
import { userOf } from '../../platform/http/authenticate.ts';
import { ADMIN_ONLY, SERVICE_ONLY, SIGNED_IN } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import { pageSchema } from '../../platform/pagination.ts';
import type { ServiceClients } from '../../platform/service-module.ts';
import { csvExport, jsonExport } from './event-export.ts';
import {
  boxIdSchema,
  eventSchema,
  exportQuerySchema,
  ingestStatusSchema,
  searchQuerySchema,
  statsQuerySchema,
  statsSchema,
} from './event-schemas.ts';
import { itemRestriction } from './event-scope.ts';
import type { EventSearch } from './event-search.ts';
import type { EventStore } from './event-store.ts';
import type { IngestStatusReader } from './ingest-status.ts';

const tags = ['events'];
/** Per-item history reaches back before the item joined any audit set (F3.2). */
const ITEM_HISTORY_FROM = new Date('2000-01-01T00:00:00Z');

export function registerEventRoutes(
  app: App,
  d: {
    search: EventSearch;
    store: EventStore;
    ingestStatus: IngestStatusReader;
    searchRateLimit: number;
    clients: Pick<ServiceClients, 'audit' | 'file'>;
  },
): void {
  // Per user, as configured (AUDITOR_SEARCH_RATE_LIMIT_PER_MINUTE): counted once the caller is known,
  // not per address (behind the gateway every user would share one address, and one allowance).
  const limited = {
    rateLimit: {
      max: d.searchRateLimit,
      timeWindow: 60_000,
      hook: 'preHandler' as const,
      keyGenerator: (request: FastifyRequest) =>
        request.principal?.kind === 'user' ? `user:${request.principal.userId}` : request.ip,
    },
  };

  /** The caller's organisation and the items they may see, folded into the query's item filter. */
  async function scoped<
    Q extends { item?: string[] | undefined; folder?: string | undefined; auditSet?: string | undefined },
  >(request: FastifyRequest, q: Q) {
    const user = userOf(request);
    const item = await itemRestriction(d.clients, user, q);
    return { user, q: { ...q, item } };
  }

  app.get(
    '/api/v1/events',
    {
      config: { auth: SIGNED_IN, ...limited },
      schema: {
        tags,
        summary: 'Search events (time range, actor, type, item; keyset pages both ways)',
        querystring: searchQuerySchema,
        response: { 200: pageSchema(eventSchema) },
      },
    },
    async (request) => {
      const { user, q } = await scoped(request, request.query);
      const filter = await d.search.filter(user.orgId, q);
      return d.search.search(user.orgId, filter, q);
    },
  );

  app.get(
    '/api/v1/events/export',
    {
      config: { auth: SIGNED_IN, stream: true, ...limited },
      schema: {
        tags,
        summary: 'Export a search as CSV or JSON (streamed, no size limit)',
        querystring: exportQuerySchema,
      },
    },
    async (request, reply) => {
      const { user, q } = await scoped(request, request.query);
      const filter = await d.search.filter(user.orgId, q);
      const rows = d.search.all(user.orgId, filter, q.order);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      reply.header('content-disposition', `attachment; filename="events-${stamp}.${q.format}"`);
      reply.header('cache-control', 'no-store');
      if (q.format === 'csv') {
        reply.type('text/csv; charset=utf-8');
        return reply.send(csvExport(rows));
      }
      reply.type('application/json; charset=utf-8');
      return reply.send(
        jsonExport(rows, {
          from: filter.from.toISOString(),
          to: filter.to.toISOString(),
          filters: { actor: q.actor ?? null, type: q.type ?? null, item: q.item ?? null },
          exportedAt: new Date().toISOString(),
        }),
      );
    },
  );

  app.get(
    '/api/v1/events/stats',
    {
      config: { auth: SIGNED_IN, ...limited },
      schema: {
        tags,
        summary: 'Counts per day and per type',
        querystring: statsQuerySchema,
        response: { 200: statsSchema },
      },
    },
    async (request) => {
      const { user, q } = await scoped(request, request.query);
      const filter = await d.search.filter(user.orgId, q);
      const [perDay, perType] = await Promise.all([
        d.store.countsPerDay(user.orgId, filter, request.query.tz),
        d.store.countsPerType(user.orgId, filter),
      ]);
      return {
        from: filter.from.toISOString(),
        to: filter.to.toISOString(),
        timeZone: request.query.tz,
        total: perType.reduce((n, t) => n + t.count, 0),
        perDay,
        perType,
      };
    },
  );

  app.get(
    '/api/v1/events/ingest-status',
    {
      // Operations data of the whole organisation: audit admins only, never scoped down.
      config: { auth: ADMIN_ONLY },
      schema: {
        tags,
        summary: 'Ingestion state, lag and events per UTC day over the last 14 days (audit admins)',
        response: { 200: ingestStatusSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return d.ingestStatus.status(userOf(request).orgId);
    },
  );

  app.get(
    '/api/v1/items/:id/events',
    {
      config: { auth: SIGNED_IN, ...limited },
      schema: {
        tags,
        summary: "An item's history, including events from before it joined any audit set",
        params: z.object({ id: boxIdSchema }),
        querystring: searchQuerySchema.omit({ item: true, folder: true, auditSet: true }),
        response: { 200: pageSchema(eventSchema) },
      },
    },
    async (request) => {
      // Scoped like every search (F3.5): an item outside the caller's audit sets has no history for them.
      const { user, q } = await scoped(request, { item: [request.params.id] });
      if (q.item?.length === 0) throw notFound();
      const filter = await d.search.filter(user.orgId, { ...request.query, item: q.item }, ITEM_HISTORY_FROM);
      return d.search.search(user.orgId, filter, request.query);
    },
  );

  app.post(
    '/internal/events/leaf-texts',
    {
      config: { auth: SERVICE_ONLY },
      schema: {
        hide: true,
        body: z.object({ orgId: z.string().uuid(), eventIds: z.array(z.string().max(200)).max(5000) }),
      },
      bodyLimit: 16 * 1024 * 1024,
    },
    async (request) => ({
      items: (await d.store.leafTexts(request.body.orgId, request.body.eventIds)).map((r) => ({
        eventId: r.event_id,
        text: r.raw,
      })),
    }),
  );
}
