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

/** Lists up to this long are searched one value at a time (see below); longer ones with `= any`. */
const MAX_SPLIT = 20;

/**
 * `after` continues in the display order; `before` goes back. Going back we read in the opposite
 * order and the caller reverses, so each page costs one index range scan.
 */
export function searchQuery(orgId: string, f: EventFilter, page: SearchPage) {
  const desc = page.order === 'desc';
  const backwards = page.before !== undefined;
  const key = page.after ?? page.before;
  const keyset: RawBuilder<unknown>[] = [];
  if (key) {
    const ts = new Date(key.createdAt);
    // Moving towards later events: (created_at, event_id) > key; towards earlier: < key. The plain
    // bound on created_at says the same for the planner, which prunes partitions by it (it cannot
    // by the row comparison), so a page deep into a long range reads only the partitions it needs.
    const later = desc === backwards;
    keyset.push(
      later
        ? sql`created_at >= ${ts} and (created_at, event_id) > (${ts}, ${key.eventId})`
        : sql`created_at <= ${ts} and (created_at, event_id) < (${ts}, ${key.eventId})`,
    );
  }
  const where = sql.join([...filterSql(orgId, f), ...keyset], sql` and `);
  const ascending = desc === backwards;
  const direction = ascending ? sql`asc` : sql`desc`;
  const order = sql`order by created_at ${direction}, event_id ${direction} limit ${page.limit + 1}`;
  // Several items (or actors, or types): one ordered index range scan per value, each stopping after
  // a page, merged. With `in (...)` PostgreSQL reads every match of every value in the range and
  // sorts them to return one page; at millions of events that is the slow search path.
  const split = (['itemIds', 'actorIds', 'types'] as const).find((k) => {
    const n = f[k]?.length ?? 0;
    return n > 1 && n <= MAX_SPLIT;
  });
  if (split) {
    const branches = f[split]!.map((value) => {
      const parts = [...filterSql(orgId, { ...f, [split]: [value] }), ...keyset];
      return sql`(select * from event.events where ${sql.join(parts, sql` and `)} ${order})`;
    });
    return Object.assign(
      sql<EventRow>`select * from (${sql.join(branches, sql` union all `)}) as page ${order}`,
      { where },
    );
  }
  return Object.assign(sql<EventRow>`select * from event.events where ${where} ${order}`, { where });
}

/**
 * Events per calendar day in `timeZone` over the filter's range. The bounds are plain conditions on
 * created_at next to org_id, so the planner prunes the monthly partitions outside the range and can
 * read the rest through (org_id, created_at, …) indexes: counting a fortnight never reads the whole
 * table (the EXPLAIN test in test/events/indexes.test.ts).
 */
export function countsPerDayQuery(orgId: string, f: EventFilter, timeZone: string) {
  const where = sql.join(filterSql(orgId, f), sql` and `);
  return sql<{ day: string; count: number }>`
    select to_char(date_trunc('day', created_at at time zone ${timeZone}), 'YYYY-MM-DD') as day, count(*)::int as count
    from event.events where ${where} group by 1 order by 1`;
}
