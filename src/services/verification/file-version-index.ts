/**
 * `ledger.file_versions`: the `file_version` leaves indexed by file (migration 0004). Written in the
 * append's transaction for every leaf the intake appends, read by verification to find a file's
 * recorded versions without scanning the log. The projection only points at leaves: whoever uses a
 * row reads the leaf's bytes and checks them (verification-ledger.ts), so an edited projection row
 * can hide a leaf (and a verification then reports the version as never recorded) but can never
 * make a version look recorded.
 */
import { sql } from 'kysely';
import type { AnyDb, AnyTrx } from '../../platform/db/database.ts';
import type { VersionObservation } from './leaf-format.ts';

type Db = AnyDb | AnyTrx;

export interface FileVersionRow {
  leafIndex: number;
  fileId: string;
  versionId: string;
  sha1: string;
  source: string;
  observedAt: Date;
}

interface RawRow {
  leaf_index: number;
  file_id: string;
  version_id: string;
  sha1: string;
  source: string;
  observed_at: Date;
}

const toRow = (r: RawRow): FileVersionRow => ({
  leafIndex: Number(r.leaf_index),
  fileId: r.file_id,
  versionId: r.version_id,
  sha1: r.sha1,
  source: r.source,
  observedAt: r.observed_at,
});

/** Sources whose observations record a version (verification observations are evidence of what Box showed). */
export const RECORDING_SOURCES = ['baseline', 'enrichment'] as const;

export async function indexFileVersionLeaves(
  trx: AnyTrx,
  logId: number,
  leaves: ReadonlyArray<{ index: number; observation: Omit<VersionObservation, 'leafHash'> }>,
): Promise<void> {
  if (leaves.length === 0) return;
  for (let i = 0; i < leaves.length; i += 1000) {
    const chunk = leaves.slice(i, i + 1000);
    await sql`
      insert into ledger.file_versions (log_id, leaf_index, file_id, version_id, sha1, source, observed_at)
      select ${logId}, t.leaf_index, t.file_id, t.version_id, t.sha1, t.source, t.observed_at
      from unnest(${chunk.map((l) => l.index)}::bigint[], ${chunk.map((l) => l.observation.fileId)}::text[],
                  ${chunk.map((l) => l.observation.versionId)}::text[], ${chunk.map((l) => l.observation.sha1)}::text[],
                  ${chunk.map((l) => l.observation.source)}::text[],
                  ${chunk.map((l) => l.observation.observedAt)}::timestamptz[])
        as t(leaf_index, file_id, version_id, sha1, source, observed_at)
      on conflict do nothing`.execute(trx);
  }
}

/**
 * What the ledger holds about one file, bounded by its number of versions (not by how often it was
 * observed): per version, its first leaf from any source and its first leaf from a recording source;
 * plus the leaves of the earliest baseline (or, without one, of the earliest recording observation).
 */
export async function recordedVersionsOf(
  db: Db,
  logId: number,
  fileId: string,
): Promise<{
  firstAny: FileVersionRow[];
  firstRecording: FileVersionRow[];
  earliestSnapshot: FileVersionRow[];
}> {
  // One round trip: the three answers are told apart by `part`.
  const res = await sql<RawRow & { part: 'any' | 'recording' | 'snapshot' }>`
    (select distinct on (version_id) leaf_index, file_id, version_id, sha1, source, observed_at, 'any' as part
     from ledger.file_versions where log_id = ${logId} and file_id = ${fileId}
     order by version_id, leaf_index)
    union all
    (select distinct on (version_id) leaf_index, file_id, version_id, sha1, source, observed_at, 'recording' as part
     from ledger.file_versions where log_id = ${logId} and file_id = ${fileId}
       and source in ('baseline', 'enrichment')
     order by version_id, leaf_index)
    union all
    (with anchor as (
       select source, observed_at from ledger.file_versions
       where log_id = ${logId} and file_id = ${fileId} and source in ('baseline', 'enrichment')
       order by (source = 'baseline') desc, leaf_index limit 1)
     select f.leaf_index, f.file_id, f.version_id, f.sha1, f.source, f.observed_at, 'snapshot' as part
     from ledger.file_versions f join anchor a on a.source = f.source and a.observed_at = f.observed_at
     where f.log_id = ${logId} and f.file_id = ${fileId})`.execute(db);
  const of = (part: string) =>
    res.rows
      .filter((r) => r.part === part)
      .map(toRow)
      .sort((a, b) => a.leafIndex - b.leafIndex);
  return { firstAny: of('any'), firstRecording: of('recording'), earliestSnapshot: of('snapshot') };
}

/** Whether any baseline observation of the file is in the ledger. */
export async function hasBaseline(db: Db, logId: number, fileId: string): Promise<boolean> {
  const res = await sql`select 1 from ledger.file_versions
    where log_id = ${logId} and file_id = ${fileId} and source = 'baseline' limit 1`.execute(db);
  return res.rows.length > 0;
}
