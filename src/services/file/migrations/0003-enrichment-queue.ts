import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.ts';

/**
 * Items waiting for enrichment (product.md F2.4): one row per (organisation, item), however many
 * events name it — later events only bump the counters — so a burst costs one fetch per item. A
 * drain claims due rows by moving `due_at` forward (a replica that dies releases them when that
 * passes) and removes a row only if no event bumped `generation` while it was fetching.
 */
export const enrichmentQueue: Migration = {
  version: 3,
  name: 'enrichment queue',
  async up(trx) {
    await sql`create table file.enrichment_queue (
      org_id uuid not null,
      item_type text not null check (item_type in ('file', 'folder')),
      item_id text not null,
      owner_id text,
      events integer not null,
      generation integer not null,
      first_event_at timestamptz not null,
      last_event_at timestamptz not null,
      enqueued_at timestamptz not null,
      due_at timestamptz not null,
      attempts integer not null default 0,
      last_error text,
      primary key (org_id, item_type, item_id))`.execute(trx);
    await sql`create index enrichment_queue_due_idx on file.enrichment_queue (due_at)`.execute(trx);
  },
  async down(trx) {
    await sql`drop table file.enrichment_queue`.execute(trx);
  },
};
