import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.ts';

/**
 * Event storage (architecture.md §4): `event.events` range-partitioned by month on created_at, the
 * canonical JSON text of each event plus normalised columns, an index per search path. PostgreSQL
 * cannot enforce a unique event_id across partitions, so `event.event_keys` (not partitioned)
 * de-duplicates. Partitions are created ahead by `event.ensure_partitions`, a SECURITY DEFINER
 * function, so the event service's own database role needs no DDL rights.
 */
export const eventTables: Migration = {
  version: 2,
  name: 'events, ingestion state, back-fills',
  async up(trx) {
    await sql`create table event.org_streams (
      org_id uuid primary key,
      enterprise_id text not null,
      stream_position text,
      last_poll_at timestamptz,
      caught_up_at timestamptz,
      newest_event_at timestamptz,
      events_stored bigint not null default 0,
      last_error text,
      updated_at timestamptz not null default now())`.execute(trx);
    await sql`create table event.backfills (
      id uuid primary key,
      org_id uuid not null,
      from_ts timestamptz not null,
      to_ts timestamptz not null,
      stream_position text,
      status text not null check (status in ('running', 'done', 'failed')),
      pages integer not null default 0,
      events_seen bigint not null default 0,
      events_stored bigint not null default 0,
      last_event_at timestamptz,
      last_error text,
      started_at timestamptz not null,
      finished_at timestamptz,
      updated_at timestamptz not null)`.execute(trx);
    await sql`create index backfills_org_idx on event.backfills (org_id, status)`.execute(trx);
    await sql`create table event.event_keys (
      org_id uuid not null,
      event_id text not null,
      created_at timestamptz not null,
      primary key (org_id, event_id))`.execute(trx);
    await sql`create sequence event.event_seq`.execute(trx);
    await sql`create table event.events (
      org_id uuid not null,
      event_id text not null,
      seq bigint not null default nextval('event.event_seq'),
      created_at timestamptz not null,
      recorded_at timestamptz,
      event_type text not null,
      actor_id text,
      actor_name text,
      actor_login text,
      item_id text,
      item_type text,
      item_name text,
      parent_id text,
      owner_id text,
      ip_address text,
      session_id text,
      additional_details jsonb,
      raw text not null,
      leaf_hash bytea not null,
      leaf_index bigint,
      ingested_at timestamptz not null default now(),
      primary key (org_id, created_at, event_id)
    ) partition by range (created_at)`.execute(trx);
    await sql`create index events_actor_idx on event.events (org_id, actor_id, created_at, event_id)`.execute(
      trx,
    );
    await sql`create index events_type_idx on event.events (org_id, event_type, created_at, event_id)`.execute(
      trx,
    );
    await sql`create index events_item_idx on event.events (org_id, item_id, created_at, event_id)`.execute(
      trx,
    );
    await sql`create index events_event_id_idx on event.events (org_id, event_id)`.execute(trx);
    await sql`create index events_unreconciled_idx on event.events (org_id, seq) where leaf_index is null`.execute(
      trx,
    );
    await sql`
      create function event.ensure_partitions(from_ts timestamptz, to_ts timestamptz) returns integer
      language plpgsql security definer set search_path = pg_catalog, event as $$
      declare
        month date := date_trunc('month', from_ts at time zone 'UTC')::date;
        last date := date_trunc('month', to_ts at time zone 'UTC')::date;
        created integer := 0;
        name text;
      begin
        if last < month then return 0; end if;
        if (last - month) > 400 * 31 then raise exception 'partition range too large'; end if;
        while month <= last loop
          name := format('events_%s', to_char(month, 'YYYY_MM'));
          if not exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                         where n.nspname = 'event' and c.relname = name) then
            execute format('create table event.%I partition of event.events for values from (%L) to (%L)',
                           name, (month::timestamp at time zone 'UTC'), ((month + interval '1 month')::timestamp at time zone 'UTC'));
            created := created + 1;
          end if;
          month := (month + interval '1 month')::date;
        end loop;
        return created;
      end $$`.execute(trx);
  },
  async down(trx) {
    await sql`drop function event.ensure_partitions(timestamptz, timestamptz)`.execute(trx);
    await sql`drop table event.events`.execute(trx);
    await sql`drop sequence event.event_seq`.execute(trx);
    for (const t of ['event_keys', 'backfills', 'org_streams'])
      await sql`drop table ${sql.table(`event.${t}`)}`.execute(trx);
  },
};
