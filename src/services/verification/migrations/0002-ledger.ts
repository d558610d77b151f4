import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.ts';

/**
 * The Merkle log of each organisation: its head (size and root, locked by every append), the
 * leaves' exact bytes, the C2SP tiles holding leaf hashes and interior nodes, and the signed
 * checkpoints. Appends are idempotent through the (log, kind, ref) key.
 */
export const ledgerTables: Migration = {
  version: 2,
  name: 'logs, leaves, tiles and checkpoints',
  async up(trx) {
    await sql`create table ledger.logs (
      id bigint generated always as identity primary key,
      org_id uuid not null unique,
      origin text not null unique,
      tree_size bigint not null default 0 check (tree_size >= 0),
      root bytea not null check (length(root) = 32),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`.execute(trx);
    await sql`create table ledger.leaves (
      log_id bigint not null references ledger.logs(id),
      leaf_index bigint not null check (leaf_index >= 0),
      kind text not null check (kind in ('box_event', 'file_version', 'audit_action')),
      ref text not null,
      data text not null,
      leaf_hash bytea not null check (length(leaf_hash) = 32),
      appended_at timestamptz not null default now(),
      primary key (log_id, leaf_index))`.execute(trx);
    await sql`create unique index leaves_ref_idx on ledger.leaves (log_id, kind, ref)`.execute(trx);
    await sql`create table ledger.tiles (
      log_id bigint not null references ledger.logs(id),
      level smallint not null check (level >= 0),
      tile_index bigint not null check (tile_index >= 0),
      width smallint not null check (width between 1 and 256),
      hashes bytea not null check (length(hashes) = width * 32),
      primary key (log_id, level, tile_index))`.execute(trx);
    await sql`create table ledger.checkpoints (
      log_id bigint not null references ledger.logs(id),
      tree_size bigint not null check (tree_size >= 0),
      root bytea not null check (length(root) = 32),
      note text not null,
      created_at timestamptz not null default now(),
      primary key (log_id, tree_size))`.execute(trx);
    // Cosignatures the verification service fetched from the witness and checked against its own
    // checkpoints (docs/decisions/ledger-and-witness.md); served by GET /ledger/witness.
    await sql`create table ledger.cosignatures (
      log_id bigint not null references ledger.logs(id),
      tree_size bigint not null,
      witness_key text not null,
      line text not null,
      cosigned_at timestamptz not null,
      received_at timestamptz not null default now(),
      primary key (log_id, tree_size, witness_key))`.execute(trx);
  },
  async down(trx) {
    for (const t of ['cosignatures', 'checkpoints', 'tiles', 'leaves', 'logs']) {
      await sql`drop table ${sql.table(`ledger.${t}`)}`.execute(trx);
    }
  },
};
