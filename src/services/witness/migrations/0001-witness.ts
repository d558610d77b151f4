import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.ts';

/**
 * The witness's own record (it may live in another database): per log origin the pinned log key
 * and the last checkpoint it accepted and cosigned, every cosignature it issued, and every
 * checkpoint it refused (fork, rollback, bad proof or signature) with what it had accepted before.
 */
export const witnessTables: Migration = {
  version: 1,
  name: 'witnessed logs, cosignatures and refusals',
  async up(trx) {
    await sql`create table witness.logs (
      origin text primary key,
      log_key text not null,
      tree_size bigint not null check (tree_size >= 0),
      root bytea not null check (length(root) = 32),
      note text not null,
      cosignature text not null,
      cosigned_at timestamptz not null,
      first_seen_at timestamptz not null,
      updated_at timestamptz not null)`.execute(trx);
    await sql`create table witness.cosignatures (
      origin text not null,
      tree_size bigint not null,
      root bytea not null,
      note text not null,
      cosignature text not null,
      cosigned_at timestamptz not null,
      primary key (origin, tree_size))`.execute(trx);
    await sql`create table witness.refusals (
      id bigint generated always as identity primary key,
      origin text not null,
      code text not null,
      message text not null,
      tree_size bigint,
      root bytea,
      note text,
      previous_size bigint,
      previous_root bytea,
      first_seen_at timestamptz not null,
      last_seen_at timestamptz not null,
      occurrences integer not null default 1)`.execute(trx);
    await sql`create index refusals_origin_idx on witness.refusals (origin, last_seen_at desc)`.execute(trx);
  },
  async down(trx) {
    await sql`drop table witness.refusals`.execute(trx);
    await sql`drop table witness.cosignatures`.execute(trx);
    await sql`drop table witness.logs`.execute(trx);
  },
};
