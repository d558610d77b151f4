/**
 * Tables every service schema holds for messaging: its outbox, the relay's progress per subscriber,
 * the ids of messages it has processed as a consumer (inbox), and leases (one active relay or
 * ingester per key across replicas). Used by each service's first migration.
 */
import { sql } from 'kysely';
import type { AnyTrx } from '../db/database.ts';
import type { Migration } from '../db/migrator.ts';

export async function createMessagingTables(trx: AnyTrx, schema: string): Promise<void> {
  const t = (name: string) => sql.table(`${schema}.${name}`);
  await sql`create table ${t('outbox')} (
    seq bigserial primary key,
    id uuid not null unique,
    topic text not null,
    key text not null,
    payload jsonb not null,
    traceparent text,
    created_at timestamptz not null default now())`.execute(trx);
  await sql`create index ${sql.id(`${schema}_outbox_created_idx`)} on ${t('outbox')} (created_at)`.execute(
    trx,
  );
  await sql`create table ${t('outbox_progress')} (
    subscriber text primary key,
    delivered_seq bigint not null default 0,
    attempts integer not null default 0,
    next_attempt_at timestamptz,
    last_error text,
    updated_at timestamptz not null default now())`.execute(trx);
  await sql`create table ${t('inbox')} (
    subscriber text not null,
    message_id uuid not null,
    processed_at timestamptz not null default now(),
    primary key (subscriber, message_id))`.execute(trx);
  await sql`create index ${sql.id(`${schema}_inbox_processed_idx`)} on ${t('inbox')} (processed_at)`.execute(
    trx,
  );
  await sql`create table ${t('leases')} (
    name text primary key,
    owner text not null,
    expires_at timestamptz not null)`.execute(trx);
}

export async function dropMessagingTables(trx: AnyTrx, schema: string): Promise<void> {
  for (const name of ['leases', 'inbox', 'outbox_progress', 'outbox']) {
    await sql`drop table if exists ${sql.table(`${schema}.${name}`)}`.execute(trx);
  }
}

/** Version 1 of every service's migrations: its messaging tables. */
export function messagingMigration(schema: string): Migration {
  return {
    version: 1,
    name: 'messaging tables',
    up: (trx) => createMessagingTables(trx, schema),
    down: (trx) => dropMessagingTables(trx, schema),
  };
}
