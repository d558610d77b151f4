import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.ts';

/**
 * What file and set verification keep (product.md F5.3, F6.4, F6.5):
 *
 *  - `file_versions`: a projection of the `file_version` leaves by file id, written in the append's
 *    transaction (and filled here from the leaves already appended), so a verification finds a
 *    file's recorded versions through an index instead of scanning leaves. It only points at leaves:
 *    every decision re-reads the leaf bytes it uses and checks them against their hash.
 *  - baseline progress on `baseline_requests` (attempts, back-off, outcome) and `baseline_files`:
 *    the observations each baseline recorded per file, so a crash never re-observes a file already
 *    done and a set's verification knows which files its baseline saw.
 *  - `verifications`: every file verification with its result, reasons and evidence (history);
 *    `set_verifications`: runs over a whole audit set with their progress and summary.
 */
export const verificationTables: Migration = {
  version: 4,
  name: 'file versions by file, baselines, verification results',
  async up(trx) {
    await sql`create table ledger.file_versions (
      log_id bigint not null references ledger.logs(id),
      leaf_index bigint not null,
      file_id text not null,
      version_id text not null,
      sha1 text not null,
      source text not null,
      observed_at timestamptz not null,
      primary key (log_id, leaf_index))`.execute(trx);
    await sql`create index file_versions_file_idx on ledger.file_versions (log_id, file_id, version_id, leaf_index)`.execute(
      trx,
    );
    // Leaves appended before this migration. Malformed leaf data is skipped, not an error: the
    // full log audit is what reports leaves whose bytes are not what they should be.
    await sql`
      insert into ledger.file_versions (log_id, leaf_index, file_id, version_id, sha1, source, observed_at)
      select l.log_id, l.leaf_index, d->>'fileId', d->>'versionId', d->>'sha1', d->>'source', (d->>'observedAt')::timestamptz
      from ledger.leaves l, lateral (select (l.data::jsonb)->'data' as d) x
      where l.kind = 'file_version' and d->>'fileId' is not null and d->>'versionId' is not null
        and d->>'sha1' is not null and d->>'source' is not null and d->>'observedAt' is not null
      on conflict do nothing`.execute(trx);

    await sql`alter table ledger.baseline_requests
      add column attempts integer not null default 0,
      add column next_attempt_at timestamptz,
      add column last_error text,
      add column observed_at timestamptz,
      add column outcome text check (outcome in ('recorded', 'dropped', 'removed')),
      add column files integer`.execute(trx);
    await sql`drop index ledger.baseline_requests_pending_idx`.execute(trx);
    await sql`create index baseline_requests_due_idx on ledger.baseline_requests (next_attempt_at, requested_at)
      where processed_at is null`.execute(trx);
    await sql`create index baseline_requests_item_idx on ledger.baseline_requests (org_id, set_id, item_id, requested_at)`.execute(
      trx,
    );
    await sql`create table ledger.baseline_files (
      message_id uuid not null references ledger.baseline_requests(message_id),
      file_id text not null,
      org_id uuid not null,
      set_id text not null,
      item_id text not null,
      observation_ids uuid[] not null,
      version_ids text[] not null,
      current_version_id text,
      observed_at timestamptz not null,
      primary key (message_id, file_id))`.execute(trx);
    await sql`create index baseline_files_set_idx on ledger.baseline_files (org_id, set_id, file_id, observed_at)`.execute(
      trx,
    );

    await sql`create table ledger.set_verifications (
      id uuid primary key,
      org_id uuid not null,
      set_id text not null,
      requested_by uuid,
      trigger text not null check (trigger in ('user', 'cli', 'schedule')),
      status text not null check (status in ('RUNNING', 'DONE', 'FAILED', 'INTERRUPTED')),
      total integer,
      done integer not null default 0,
      counts jsonb not null default '{}',
      error text,
      started_at timestamptz not null,
      updated_at timestamptz not null,
      finished_at timestamptz)`.execute(trx);
    await sql`create index set_verifications_set_idx on ledger.set_verifications (org_id, set_id, started_at desc, id)`.execute(
      trx,
    );
    await sql`create table ledger.verifications (
      id uuid primary key,
      seq bigint generated always as identity,
      org_id uuid not null,
      file_id text not null,
      file_name text,
      ancestor_ids text[],
      set_id text,
      set_verification_id uuid references ledger.set_verifications(id),
      requested_by uuid,
      trigger text not null check (trigger in ('user', 'cli', 'set', 'schedule', 'recheck')),
      result text not null check (result in
        ('INTACT', 'CHANGED', 'TAMPERED', 'DELETED', 'NOT_MONITORED', 'UNVERIFIABLE', 'PENDING')),
      reasons jsonb not null,
      evidence jsonb not null,
      started_at timestamptz not null,
      completed_at timestamptz not null,
      recheck_of uuid references ledger.verifications(id),
      superseded_by uuid references ledger.verifications(id),
      recheck_due_at timestamptz,
      recheck_attempts integer not null default 0)`.execute(trx);
    await sql`create index verifications_file_idx on ledger.verifications (org_id, file_id, started_at desc, id)`.execute(
      trx,
    );
    await sql`create index verifications_run_idx on ledger.verifications (set_verification_id, seq)
      where set_verification_id is not null`.execute(trx);
    await sql`create index verifications_recheck_idx on ledger.verifications (recheck_due_at)
      where superseded_by is null and recheck_due_at is not null`.execute(trx);
  },
  async down(trx) {
    await sql`drop table ledger.verifications`.execute(trx);
    await sql`drop table ledger.set_verifications`.execute(trx);
    await sql`drop table ledger.baseline_files`.execute(trx);
    await sql`drop index ledger.baseline_requests_item_idx`.execute(trx);
    await sql`drop index ledger.baseline_requests_due_idx`.execute(trx);
    await sql`alter table ledger.baseline_requests
      drop column attempts, drop column next_attempt_at, drop column last_error, drop column observed_at,
      drop column outcome, drop column files`.execute(trx);
    await sql`create index baseline_requests_pending_idx on ledger.baseline_requests (requested_at)
      where processed_at is null`.execute(trx);
    await sql`drop table ledger.file_versions`.execute(trx);
  },
};
