/**
 * What the verification service asks of stored events (EventClient): the ingestion watermark, the
 * events about one item (a file's edits, version promotions, trashes), and the events an event
 * search shows a user — with the same scoping and validation as `GET /events` — for evidence bundles.
 */
import { badRequest } from '../../platform/errors.ts';
import type { ServiceClients } from '../../platform/service-module.ts';
import type { EventClient } from './event-client.ts';
import { itemRestriction } from './event-scope.ts';
import type { EventSearch } from './event-search.ts';
import type { SearchKey } from './event-search-sql.ts';
import type { EventStore } from './event-store.ts';
import type { EventDb } from './event-tables.ts';

export const MAX_ITEM_EVENTS = 5000;
export const MAX_SEARCH_EVENTS = 10_000;

export function createEventFacts(d: {
  db: EventDb;
  store: EventStore;
  search: EventSearch;
  clients: Pick<ServiceClients, 'audit' | 'file'>;
}): Omit<EventClient, 'leafTexts' | 'ingestStatus'> {
  return {
    async watermark(orgId) {
      const row = await d.db
        .selectFrom('event.org_streams')
        .select(['caught_up_at', 'newest_event_at', 'last_poll_at'])
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      if (!row) return null;
      return {
        caughtUpAt: row.caught_up_at?.toISOString() ?? null,
        newestEventAt: row.newest_event_at?.toISOString() ?? null,
        lastPollAt: row.last_poll_at?.toISOString() ?? null,
      };
    },

    async itemEvents(orgId, itemId, o) {
      if (o.types.length === 0) return [];
      const rows = await d.db
        .selectFrom('event.events')
        .select(['event_id', 'event_type', 'created_at', 'recorded_at', 'additional_details', 'leaf_index'])
        .where('org_id', '=', orgId)
        .where('item_id', '=', itemId)
        .where('event_type', 'in', o.types)
        .orderBy('created_at', 'desc')
        .orderBy('event_id', 'desc')
        .limit(Math.max(1, Math.min(o.limit, MAX_ITEM_EVENTS)))
        .execute();
      return rows.map((r) => ({
        eventId: r.event_id,
        type: r.event_type,
        createdAt: r.created_at.toISOString(),
        recordedAt: r.recorded_at?.toISOString() ?? null,
        additionalDetails: r.additional_details ?? null,
        leafIndex: r.leaf_index === null ? null : Number(r.leaf_index),
      }));
    },

    async searchEvents(user, filters, max) {
      if (!(max >= 1 && max <= MAX_SEARCH_EVENTS))
        throw badRequest('VALIDATION_FAILED', { details: { max, limit: MAX_SEARCH_EVENTS } });
      const item = await itemRestriction(d.clients, user, filters);
      const filter = await d.search.filter(user.orgId, {
        from: filters.from,
        to: filters.to,
        actor: filters.actor,
        type: filters.type,
        item,
      });
      const events: Awaited<ReturnType<EventClient['searchEvents']>>['events'] = [];
      let after: SearchKey | undefined;
      let truncated = false;
      for (;;) {
        // One row more than still fits tells whether the search goes on past `max`.
        const limit = Math.min(1000, max + 1 - events.length);
        const rows = await d.store.search(user.orgId, filter, { limit, order: filters.order, after });
        const visible = rows.slice(0, limit);
        for (const r of visible) {
          if (events.length === max) {
            truncated = true;
            break;
          }
          events.push({
            eventId: r.event_id,
            type: r.event_type,
            createdAt: r.created_at.toISOString(),
            itemId: r.item_id,
          });
        }
        if (truncated || rows.length <= limit) break;
        const last = visible[visible.length - 1]!;
        after = { createdAt: last.created_at.toISOString(), eventId: last.event_id };
      }
      return { from: filter.from.toISOString(), to: filter.to.toISOString(), events, truncated };
    },
  };
}
