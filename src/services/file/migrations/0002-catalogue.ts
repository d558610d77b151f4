import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.ts';

/**
 * The catalogue of Box items the file service has seen, and every version observation.
 *
 * Ancestry is a materialised path (`ancestor_ids`, root first) with a GIN index, not a closure table:
 * "everything below folder F" is `ancestor_ids @> {F}` and "below any of these tops" is
 * `ancestor_ids && {...}`, both answered from the index, with one row per item. A closure table
 * would hold depth-many rows per item and need the same rewrite when a folder moves; here a move is
 * one UPDATE of the descendants found through the same index (catalogue-repository.ts).
 *
 * Observations are append-only. Enrichment records each (file, version, sha1) once — the partial
 * unique index keeps two concurrent drains from recording the same pair twice — while baselines and
 * verifications record what they saw every time (they are evidence of Box's state at that moment).
 * `leaf_index` stays null until the reconciliation job finds the leaf in the ledger.
 */
export const catalogueTables: Migration = {
  version: 2,
  name: 'item catalogue and version observations',
  async up(trx) {
    await sql`create table file.items (
      org_id uuid not null,
      item_type text not null check (item_type in ('file', 'folder')),
      item_id text not null,
      name text not null,
      parent_id text,
      ancestor_ids text[] not null,
      path_names text[] not null,
      ancestry_verified boolean not null,
      ancestry_at timestamptz not null,
      owner_id text,
      sha1 text,
      size bigint,
      modified_at timestamptz,
      status text not null check (status in ('active', 'trashed', 'deleted')),
      version_id text,
      fetched_at timestamptz not null,
      source text not null check (source in ('enrichment', 'listing', 'lookup', 'baseline', 'verification')),
      primary key (org_id, item_type, item_id))`.execute(trx);
    await sql`create index items_ancestors_idx on file.items using gin (ancestor_ids)`.execute(trx);
    await sql`create index items_sha1_idx on file.items (org_id, sha1, item_id) where sha1 is not null`.execute(
      trx,
    );
    await sql`create table file.observations (
      observation_id uuid primary key,
      org_id uuid not null,
      file_id text not null,
      version_id text not null,
      sha1 text not null,
      size bigint,
      modified_at timestamptz,
      observed_at timestamptz not null,
      source text not null check (source in ('enrichment', 'baseline', 'verification')),
      leaf_hash bytea not null,
      leaf_index bigint)`.execute(trx);
    await sql`create index observations_file_idx on file.observations (org_id, file_id, version_id)`.execute(
      trx,
    );
    await sql`create index observations_sha1_idx on file.observations (org_id, sha1, file_id, version_id)`.execute(
      trx,
    );
    await sql`create unique index observations_enrichment_once_idx
      on file.observations (org_id, file_id, version_id, sha1) where source = 'enrichment'`.execute(trx);
    await sql`create index observations_unreconciled_idx
      on file.observations (observed_at, observation_id) where leaf_index is null`.execute(trx);
  },
  async down(trx) {
    await sql`drop table file.observations`.execute(trx);
    await sql`drop table file.items`.execute(trx);
  },
};
