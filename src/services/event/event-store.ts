/**
 * The EventStore port and its PostgreSQL implementation (architecture.md §4: a Cassandra/ScyllaDB
 * implementation may come later behind the same port). Writes are one statement per page: the
 * event_keys insert de-duplicates (repeats, the streaming feed's at-least-once delivery, overlaps
 * with back-fill), and only the new keys' rows reach `event.events`.
 */
import { CompiledQuery, sql } from 'kysely';
import { countsPerDayQuery, type EventFilter, type SearchPage, searchQuery } from './event-search-sql.ts';
import type { EventDb, EventRow, EventTrx } from './event-tables.ts';
import type { NormalizedEvent } from './normalize-event.ts';

export interface EventStore {
  /**
   * Creates the monthly partitions these events need (and two months ahead), committed on its own,
   * outside the caller's page transaction: a page that rolls back must not take a partition the
   * store believes exists with it, and the DDL's lock on `event.events` is not held while the page
   * commits. Call it before `store`; `store` still creates what is missing, without caching it.
   */
  prepare(events: NormalizedEvent[]): Promise<void>;
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

const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));

/** PostgreSQL's answers when two sessions create the same partition at once. */
const isConcurrentCreate = (err: unknown) =>
  ['42P07', '23505'].includes((err as { code?: string })?.code ?? '');

/** The columns each stored event fills, in the order of `eventRow` (the ingest benchmark uses both). */
export const INSERT_COLUMNS = [
  'org_id',
  'event_id',
  'created_at',
  'recorded_at',
  'event_type',
  'actor_id',
  'actor_name',
  'actor_login',
  'item_id',
  'item_type',
  'item_name',
  'parent_id',
  'owner_id',
  'ip_address',
  'session_id',
  'additional_details',
  'raw',
  'leaf_hash',
] as const;
const insertTexts = new Map<number, string>();

/** One event's values for INSERT_COLUMNS. */
export function eventRow(orgId: string, e: NormalizedEvent): unknown[] {
  return [
    orgId,
    e.eventId,
    e.createdAt,
    e.recordedAt,
    e.type,
    e.actorId,
    e.actorName,
    e.actorLogin,
    e.itemId,
    e.itemType,
    e.itemName,
    e.parentId,
    e.ownerId,
    e.ipAddress,
    e.sessionId,
    e.additionalDetails === null ? null : JSON.stringify(e.additionalDetails),
    e.raw,
    e.leafHash,
  ];
}

/** `insert into event.events (...) values ($1, ..., $18), ...` for `rows` rows. */
function insertText(rows: number): string {
  let text = insertTexts.get(rows);
  if (!text) {
    const n = INSERT_COLUMNS.length;
    const tuples: string[] = [];
    for (let r = 0; r < rows; r++)
      tuples.push(
        `(${INSERT_COLUMNS.map((c, i) => `$${r * n + i + 1}${c === 'org_id' ? '::uuid' : ''}`).join(', ')})`,
      );
    text = `insert into event.events (${INSERT_COLUMNS.join(', ')}) values ${tuples.join(', ')}`;
    if (insertTexts.size > 600) insertTexts.clear();
    insertTexts.set(rows, text);
  }
  return text;
}

export function createEventStore(db: EventDb): EventStore {
  /** Months (epoch ms of their first instant) whose partition is known to exist (committed). */
  const ensured = new Set<number>();

  /**
   * The months a page needs, and two months beyond its newest event, so live ingestion never waits
   * for DDL at a month boundary. Distinct months, not the span between the oldest and the newest:
   * one stray old date in a page must not mean hundreds of partitions (or the function's refusal of
   * a span that large, which would stop ingestion on that page for good).
   */
  function monthsNeeded(events: NormalizedEvent[]): Date[] {
    const months = new Map<number, Date>();
    let max: Date | undefined;
    for (const e of events) {
      const m = monthStart(e.createdAt);
      months.set(m.getTime(), m);
      if (!max || e.createdAt > max) max = e.createdAt;
    }
    if (max) for (const n of [1, 2]) months.set(addMonths(max, n).getTime(), addMonths(max, n));
    return [...months.values()].filter((m) => !ensured.has(m.getTime()));
  }

  async function createPartitions(executor: EventDb | EventTrx, months: Date[]): Promise<void> {
    if (months.length === 0) return;
    await sql`select sum(event.ensure_partitions(m, m)) from unnest(${months.map((m) => m.toISOString())}::timestamptz[]) as t(m)`.execute(
      executor,
    );
  }

  return {
    async prepare(events) {
      const months = monthsNeeded(events);
      if (months.length === 0) return;
      for (let attempt = 0; ; attempt++) {
        try {
          await createPartitions(db, months);
          break;
        } catch (err) {
          // Another process created one of them first: it exists now, so one more pass settles it.
          if (attempt > 0 || !isConcurrentCreate(err)) throw err;
        }
      }
      for (const m of months) ensured.add(m.getTime());
    },

    async store(trx, orgId, input) {
      const byId = new Map<string, NormalizedEvent>();
      for (const e of input) if (!byId.has(e.eventId)) byId.set(e.eventId, e);
      const events = [...byId.values()];
      if (events.length === 0) return [];
      // Not cached: if this transaction rolls back, so does any partition it creates.
      await createPartitions(trx, monthsNeeded(events));
      // 1. The keys: only those not seen before come back (small arrays, one statement).
      const keys = await sql<{ event_id: string }>`
        insert into event.event_keys (org_id, event_id, created_at)
        select ${orgId}::uuid, k.event_id, k.created_at
        from unnest(${events.map((e) => e.eventId)}::text[], ${events.map((e) => e.createdAt.toISOString())}::timestamptz[])
          as k(event_id, created_at)
        on conflict do nothing
        returning event_id`.execute(trx);
      if (keys.rows.length === 0) return [];
      const stored = new Set(keys.rows.map((r) => r.event_id));
      const fresh = events.filter((e) => stored.has(e.eventId));
      // 2. Their rows, in input order (seq follows it), as one multi-row INSERT with plain parameters:
      // cheaper than passing the raw JSON through array literals, which must be escaped and re-parsed.
      // The statement text is built directly (and kept per row count): compiling 9,000 parameters
      // through the query builder on every page was a visible share of the ingester's CPU.
      const params = fresh.flatMap((e) => eventRow(orgId, e));
      await trx.executeQuery(CompiledQuery.raw(insertText(fresh.length), params));
      return fresh;
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
      return (await countsPerDayQuery(orgId, filter, timeZone).execute(db)).rows;
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
