/**
 * Event search, per-item history, counts and export (product.md F3). Until audit sets exist, search
 * is for audit admins over their organisation; scoping for other roles arrives with the audit service.
 */
import { z } from 'zod';
import { badRequest } from '../../platform/errors.ts';
import { buildPage, decodeCursor, type Page } from '../../platform/pagination.ts';
import { BOX_ENTERPRISE_EVENT_TYPES } from './box-event-types.ts';
import type { EventDto } from './event-schemas.ts';
import type { EventFilter, SearchKey } from './event-search-sql.ts';
import type { EventStore } from './event-store.ts';
import type { EventRow } from './event-tables.ts';

export const DEFAULT_RANGE_DAYS = 15;
const keySchema = z.object({ createdAt: z.string().datetime(), eventId: z.string().max(200) });

export interface FilterInput {
  from?: string | undefined;
  to?: string | undefined;
  actor?: string[] | undefined;
  type?: string[] | undefined;
  /** Already combined with the caller's scope, folder and audit-set filters (event-scope.ts). */
  item?: string[] | undefined;
}

export function toEventDto(r: EventRow): EventDto {
  return {
    eventId: r.event_id,
    type: r.event_type,
    createdAt: r.created_at.toISOString(),
    recordedAt: r.recorded_at?.toISOString() ?? null,
    actor: r.actor_id ? { id: r.actor_id, name: r.actor_name, login: r.actor_login } : null,
    item:
      r.item_id && r.item_type
        ? { id: r.item_id, type: r.item_type, name: r.item_name, parentId: r.parent_id }
        : null,
    ownerId: r.owner_id,
    ipAddress: r.ip_address,
    sessionId: r.session_id,
    additionalDetails: r.additional_details ?? null,
    leafIndex: r.leaf_index,
  };
}

export function createEventSearch(store: EventStore, now: () => Date) {
  const typeCache = new Map<string, { at: number; types: Set<string> }>();

  async function knownTypes(orgId: string): Promise<Set<string>> {
    const cached = typeCache.get(orgId);
    if (cached && now().getTime() - cached.at < 60_000) return cached.types;
    const types = new Set([...BOX_ENTERPRISE_EVENT_TYPES, ...(await store.knownTypes(orgId))]);
    typeCache.set(orgId, { at: now().getTime(), types });
    return types;
  }

  async function filter(orgId: string, q: FilterInput, defaultFrom?: Date): Promise<EventFilter> {
    const to = q.to ? new Date(q.to) : now();
    const from = q.from
      ? new Date(q.from)
      : (defaultFrom ?? new Date(to.getTime() - DEFAULT_RANGE_DAYS * 86_400_000));
    if (!(from < to))
      throw badRequest('EVENT_RANGE_INVALID', {
        details: { from: from.toISOString(), to: to.toISOString() },
      });
    if (q.type?.length) {
      const known = await knownTypes(orgId);
      const unknown = q.type.find((t) => !known.has(t));
      if (unknown)
        throw badRequest('EVENT_TYPE_UNKNOWN', { params: { type: unknown }, details: { type: unknown } });
    }
    return { from, to, actorIds: q.actor, types: q.type, itemIds: q.item };
  }

  async function search(
    orgId: string,
    f: EventFilter,
    o: { order: 'asc' | 'desc'; limit: number; cursor?: string | undefined },
  ): Promise<Page<EventDto>> {
    const keys = decodeCursor<SearchKey>(o.cursor, keySchema);
    const page = { limit: o.limit, order: o.order, ...keys };
    const rows = await store.search(orgId, f, page);
    if (page.before) rows.reverse();
    return buildPage(
      rows,
      page,
      (r) => ({ createdAt: r.created_at.toISOString(), eventId: r.event_id }),
      toEventDto,
    );
  }

  /** Every matching event, page by page (keyset), for streamed exports without a size limit. */
  async function* all(orgId: string, f: EventFilter, order: 'asc' | 'desc'): AsyncGenerator<EventRow> {
    let after: SearchKey | undefined;
    for (;;) {
      const rows = await store.search(orgId, f, { limit: 1000, order, after });
      const visible = rows.slice(0, 1000);
      for (const r of visible) yield r;
      if (rows.length <= 1000) return;
      const last = visible[visible.length - 1]!;
      after = { createdAt: last.created_at.toISOString(), eventId: last.event_id };
    }
  }

  return { filter, search, all };
}

export type EventSearch = ReturnType<typeof createEventSearch>;
