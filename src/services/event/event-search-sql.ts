/**
 * The search query (product.md F3.1): a time range plus any combination of actor, event types and
 * items, ordered by (created_at, event_id) either way, paged by keyset in both directions. Every
 * filter is a column of an index that starts with (org_id, <column>, created_at), and the range is
 * on created_at, which also prunes partitions: see the EXPLAIN test in test/events.
 */
import { type RawBuilder, sql } from 'kysely';
import type { EventRow } from './event-tables.ts';

export interface EventFilter {
  from: Date;
  to: Date;
  actorIds?: string[] | undefined;
  types?: string[] | undefined;
  itemIds?: string[] | undefined;
}

export interface SearchKey {
  createdAt: string;
  eventId: string;
}

export interface SearchPage {
  limit: number;
  order: 'asc' | 'desc';
  after?: SearchKey | undefined;
  before?: SearchKey | undefined;
}

export function filterSql(orgId: string, f: EventFilter): RawBuilder<unknown>[] {
  const parts: RawBuilder<unknown>[] = [
    sql`org_id = ${orgId}`,
    sql`created_at >= ${f.from}`,
    sql`created_at < ${f.to}`,
  ];
  if (f.actorIds?.length)
    parts.push(
      f.actorIds.length === 1 ? sql`actor_id = ${f.actorIds[0]}` : sql`actor_id in (${sql.join(f.actorIds)})`,
    );
  if (f.types?.length)
    parts.push(
      f.types.length === 1 ? sql`event_type = ${f.types[0]}` : sql`event_type in (${sql.join(f.types)})`,
    );
  // An empty list is a restriction to nothing (a user whose sets hold no items), not "no filter".
  if (f.itemIds !== undefined) {
    if (f.itemIds.length === 0) parts.push(sql`false`);
    else if (f.itemIds.length === 1) parts.push(sql`item_id = ${f.itemIds[0]}`);
    else parts.push(sql`item_id = any(${f.itemIds}::text[])`);
  }
  return parts;
}

/**
 * `after` continues in the display order; `before` goes back. Going back we read in the opposite
 * order and the caller reverses, so each page costs one index range scan.
 */
export function searchQuery(orgId: string, f: EventFilter, page: SearchPage) {
  const parts = filterSql(orgId, f);
  const desc = page.order === 'desc';
  const backwards = page.before !== undefined;
  const key = page.after ?? page.before;
  if (key) {
    const ts = new Date(key.createdAt);
    // Moving towards later events: (created_at, event_id) > key; towards earlier: < key. The plain
    // bound on created_at says the same for the planner, which prunes partitions by it (it cannot
    // by the row comparison), so a page deep into a long range reads only the partitions it needs.
    const later = desc === backwards;
    parts.push(
      later
        ? sql`created_at >= ${ts} and (created_at, event_id) > (${ts}, ${key.eventId})`
        : sql`created_at <= ${ts} and (created_at, event_id) < (${ts}, ${key.eventId})`,
    );
  }
  const where = sql.join(parts, sql` and `);
  const ascending = desc === backwards;
  const direction = ascending ? sql`asc` : sql`desc`;
  return Object.assign(
    sql<EventRow>`select * from event.events where ${where} order by created_at ${direction}, event_id ${direction} limit ${page.limit + 1}`,
    { where },
  );
}
