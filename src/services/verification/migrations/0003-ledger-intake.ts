import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.ts';

/**
 * What the ledger's message intake keeps besides leaves: leaves it refused (the producer's hash
 * did not match the bytes, or the bytes could not be found) and the baseline requests of
 * `verification.baseline`, recorded until the baseline logic (which needs the file service) reads them.
 */
export const ledgerIntakeTables: Migration = {
  version: 3,
  name: 'refused leaves and baseline requests',
  async up(trx) {
    await sql`create table ledger.refused_leaves (
      id bigint generated always as identity primary key,
      org_id uuid not null,
      kind text not null,
      ref text not null,
      message_id uuid not null,
      reason text not null check (reason in ('HASH_MISMATCH', 'TEXT_MISSING', 'CONFLICT')),
      announced_hash bytea,
      computed_hash bytea,
      created_at timestamptz not null default now(),
      unique (message_id, kind, ref))`.execute(trx);
    await sql`create index refused_leaves_org_idx on ledger.refused_leaves (org_id, created_at)`.execute(trx);
    await sql`create table ledger.baseline_requests (
      message_id uuid primary key,
      org_id uuid not null,
      topic text not null check (topic in ('audit.item_added', 'audit.item_removed')),
      set_id text not null,
      item_id text not null,
      payload jsonb not null,
      requested_at timestamptz not null,
      received_at timestamptz not null default now(),
      processed_at timestamptz)`.execute(trx);
    await sql`create index baseline_requests_pending_idx on ledger.baseline_requests (requested_at)
      where processed_at is null`.execute(trx);
  },
  async down(trx) {
    await sql`drop table ledger.baseline_requests`.execute(trx);
    await sql`drop table ledger.refused_leaves`.execute(trx);
  },
};
