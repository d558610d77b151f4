/**
 * The EventStore port and its PostgreSQL implementation (architecture.md §4: a Cassandra/ScyllaDB
 * implementation may come later behind the same port). Writes are one statement per page: the
 * event_keys insert de-duplicates (repeats, the streaming feed's at-least-once delivery, overlaps
 * with back-fill), and only the new keys' rows reach `event.events`.
 */
import { sql } from 'kysely';
import { type EventFilter, type SearchPage, searchQuery } from './event-search-sql.ts';
import type { EventDb, EventRow, EventTrx } from './event-tables.ts';
import type { NormalizedEvent } from './normalize-event.ts';

export interface EventStore {
  /** Stores the events not seen before; returns those (in input order). */
  store(trx: EventTrx, orgId: string, events: NormalizedEvent[]): Promise<NormalizedEvent[]>;
  search(orgId: string, filter: EventFilter, page: SearchPage): Promise<EventRow[]>;
  leafTexts(orgId: string, eventIds: string[]): Promise<{ event_id: string; raw: string }[]>;
  knownTypes(orgId: string): Promise<string[]>;
  countsPerDay(
    orgId: string,
    filter: EventFilter,
    timeZone: string,
  ): Promise<{ day: string; count: number }[]>;
  countsPerType(orgId: string, filter: EventFilter): Promise<{ type: string; count: number }[]>;
}

const monthKey = (d: Date) => `${d.getUTCFullYear()}-${d.getUTCMonth()}`;

export function createEventStore(db: EventDb): EventStore {
  const ensured = new Set<string>();

  async function ensurePartitions(trx: EventTrx, events: NormalizedEvent[]): Promise<void> {
    let min: Date | undefined;
    let max: Date | undefined;
    for (const e of events) {
      if (!min || e.createdAt < min) min = e.createdAt;
      if (!max || e.createdAt > max) max = e.createdAt;
    }
    if (!min || !max) return;
    if (ensured.has(monthKey(min)) && ensured.has(monthKey(max)) && monthKey(min) === monthKey(max)) return;
    // Two months ahead, so live ingestion never waits for DDL at a month boundary.
    const ahead = new Date(Date.UTC(max.getUTCFullYear(), max.getUTCMonth() + 2, 1));
    await sql`select event.ensure_partitions(${min}, ${ahead})`.execute(trx);
    for (
      let d = new Date(Date.UTC(min.getUTCFullYear(), min.getUTCMonth(), 1));
      d <= ahead;
      d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))
    ) {
      ensured.add(monthKey(d));
    }
  }

  return {
    async store(trx, orgId, input) {
      const byId = new Map<string, NormalizedEvent>();
      for (const e of input) if (!byId.has(e.eventId)) byId.set(e.eventId, e);
      const events = [...byId.values()];
      if (events.length === 0) return [];
      await ensurePartitions(trx, events);
      const col = <T>(f: (e: NormalizedEvent) => T) => events.map(f);
      const res = await sql<{ event_id: string }>`
        with input as (
          select * from unnest(
            ${col((e) => e.eventId)}::text[], ${col((e) => e.createdAt.toISOString())}::timestamptz[],
            ${col((e) => e.recordedAt?.toISOString() ?? null)}::timestamptz[], ${col((e) => e.type)}::text[],
            ${col((e) => e.actorId)}::text[], ${col((e) => e.actorName)}::text[], ${col((e) => e.actorLogin)}::text[],
            ${col((e) => e.itemId)}::text[], ${col((e) => e.itemType)}::text[], ${col((e) => e.itemName)}::text[],
            ${col((e) => e.parentId)}::text[], ${col((e) => e.ownerId)}::text[], ${col((e) => e.ipAddress)}::text[],
            ${col((e) => e.sessionId)}::text[],
            ${col((e) => (e.additionalDetails === null ? null : JSON.stringify(e.additionalDetails)))}::jsonb[],
            ${col((e) => e.raw)}::text[], ${col((e) => e.leafHash.toString('hex'))}::text[]
          ) with ordinality as t(event_id, created_at, recorded_at, event_type, actor_id, actor_name, actor_login,
                item_id, item_type, item_name, parent_id, owner_id, ip_address, session_id, additional_details, raw,
                leaf_hash_hex, ord)
        ),
        fresh as (
          insert into event.event_keys (org_id, event_id, created_at)
          select ${orgId}::uuid, event_id, created_at from input order by ord
          on conflict do nothing
          returning event_id
        )
        insert into event.events (org_id, event_id, created_at, recorded_at, event_type, actor_id, actor_name, actor_login,
          item_id, item_type, item_name, parent_id, owner_id, ip_address, session_id, additional_details, raw, leaf_hash)
        select ${orgId}::uuid, i.event_id, i.created_at, i.recorded_at, i.event_type, i.actor_id, i.actor_name, i.actor_login,
          i.item_id, i.item_type, i.item_name, i.parent_id, i.owner_id, i.ip_address, i.session_id, i.additional_details, i.raw,
          decode(i.leaf_hash_hex, 'hex')
        from input i join fresh f on f.event_id = i.event_id
        order by i.ord
        returning event_id`.execute(trx);
      const stored = new Set(res.rows.map((r) => r.event_id));
      return events.filter((e) => stored.has(e.eventId));
    },

    async search(orgId, filter, page) {
      return (await searchQuery(orgId, filter, page).execute(db)).rows;
    },

    async leafTexts(orgId, eventIds) {
      if (eventIds.length === 0) return [];
      return db
        .selectFrom('event.events')
        .select(['event_id', 'raw'])
        .where('org_id', '=', orgId)
        .where('event_id', 'in', eventIds)
        .execute();
    },

    async knownTypes(orgId) {
      // Loose index scan over the type index: one probe per distinct type, not a scan of every event.
      const res = await sql<{ event_type: string }>`
        with recursive t as (
          (select event_type from event.events where org_id = ${orgId} order by event_type limit 1)
          union all
          select (select e.event_type from event.events e where e.org_id = ${orgId} and e.event_type > t.event_type order by e.event_type limit 1)
          from t where t.event_type is not null
        ) select event_type from t where event_type is not null`.execute(db);
      return res.rows.map((r) => r.event_type);
    },

    async countsPerDay(orgId, filter, timeZone) {
      const { where } = searchQuery(orgId, filter, { limit: 0, order: 'asc' });
      const res = await sql<{ day: string; count: number }>`
        select to_char(date_trunc('day', created_at at time zone ${timeZone}), 'YYYY-MM-DD') as day, count(*)::int as count
        from event.events where ${where} group by 1 order by 1`.execute(db);
      return res.rows;
    },

    async countsPerType(orgId, filter) {
      const { where } = searchQuery(orgId, filter, { limit: 0, order: 'asc' });
      const res = await sql<{ type: string; count: number }>`
        select event_type as type, count(*)::int as count from event.events where ${where}
        group by 1 order by 2 desc, 1`.execute(db);
      return res.rows;
    },
  };
}
