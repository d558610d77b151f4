/**
 * What the ledger recorded about one file, read for a verification: the `file_version` leaves the
 * projection points at (file-version-index.ts), each re-read from the log and checked — its bytes
 * hash to its leaf hash, it is a `file_version` leaf of this file and version — so the comparison
 * only ever rests on leaf bytes, never on the projection. The reference snapshot is the set's own
 * baseline when a set is named and has one, else the file's earliest baseline (else its earliest
 * recording by enrichment).
 */
import { sql } from 'kysely';
import { hashesEqual } from '../../ledger/index.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { type FileVersionRow, recordedVersionsOf } from './file-version-index.ts';
import { leafHashOfText } from './leaf-format.ts';
import { LedgerCorruptError } from './ledger-prover.ts';
import type { LeafRow, LedgerRepository } from './ledger-repository.ts';
import type { LogDirectory } from './log-directory.ts';
import type { RecordedVersion } from './verification-types.ts';

export interface FileRecords {
  /** The leaves read (bytes checked), by index: the prover need not read them again. */
  leaves: Map<number, LeafRow>;
  firstAny: Map<string, RecordedVersion>;
  firstRecording: Map<string, RecordedVersion>;
  reference: {
    source: 'set-baseline' | 'baseline' | 'enrichment';
    setId: string | null;
    observedAt: string;
    versionIds: string[];
    leafIndexes: number[];
  } | null;
}

function parseLeaf(row: { index: number; kind: string; data: string; leafHash: Buffer }): RecordedVersion {
  if (!hashesEqual(leafHashOfText(row.data), row.leafHash))
    throw new LedgerCorruptError(`leaf ${row.index}: its bytes do not hash to its leaf hash`);
  let parsed: { kind?: unknown; data?: Record<string, unknown> };
  try {
    parsed = JSON.parse(row.data);
  } catch {
    throw new LedgerCorruptError(`leaf ${row.index} is not JSON`);
  }
  const x = parsed.data ?? {};
  if (row.kind !== 'file_version' || parsed.kind !== 'file_version')
    throw new LedgerCorruptError(`leaf ${row.index} is not a file_version leaf`);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const observationId = str(x.observationId);
  const fileId = str(x.fileId);
  const versionId = str(x.versionId);
  const sha1 = str(x.sha1);
  const observedAt = str(x.observedAt);
  const source = str(x.source);
  if (!observationId || !fileId || !versionId || !sha1 || !observedAt || !source)
    throw new LedgerCorruptError(`leaf ${row.index} is not a complete version observation`);
  return {
    leafIndex: row.index,
    observationId,
    fileId,
    versionId,
    sha1,
    size: typeof x.size === 'number' ? x.size : null,
    modifiedAt: str(x.modifiedAt),
    observedAt,
    source,
  };
}

export async function readFileRecords(
  d: { db: AnyDb; repo: LedgerRepository; logs: LogDirectory },
  orgId: string,
  fileId: string,
  o: { setId?: string | null } = {},
): Promise<FileRecords> {
  const log = await d.logs.find(orgId);
  if (!log) return { leaves: new Map(), firstAny: new Map(), firstRecording: new Map(), reference: null };
  const { firstAny, firstRecording, earliestSnapshot } = await recordedVersionsOf(d.db, log.id, fileId);

  // The set's own baseline: the observations its baseline job recorded for this file.
  let setSnapshot: FileVersionRow[] = [];
  if (o.setId) {
    const res = await sql<{ observation_ids: string[] }>`
      select observation_ids from ledger.baseline_files
      where org_id = ${orgId} and set_id = ${o.setId} and file_id = ${fileId}
      order by observed_at desc limit 1`.execute(d.db);
    const ids = res.rows[0]?.observation_ids ?? [];
    if (ids.length > 0) {
      const found = await d.repo.leavesByRefs(
        d.db,
        log.id,
        ids.map((ref) => ({ kind: 'file_version' as const, ref })),
      );
      setSnapshot = found.map((f) => ({
        leafIndex: f.index,
        fileId,
        versionId: '',
        sha1: '',
        source: 'baseline',
        observedAt: new Date(0),
      }));
    }
  }

  const projected = [...firstAny, ...firstRecording, ...earliestSnapshot, ...setSnapshot];
  const indexes = [...new Set(projected.map((r) => r.leafIndex))];
  const leaves = new Map<number, RecordedVersion>();
  const rows = new Map<number, LeafRow>();
  for (let i = 0; i < indexes.length; i += 1000) {
    for (const row of await d.repo.leavesAt(d.db, log.id, indexes.slice(i, i + 1000))) {
      leaves.set(row.index, parseLeaf(row));
      rows.set(row.index, row);
    }
  }
  const leafOf = (r: FileVersionRow, checkVersion: boolean): RecordedVersion => {
    const leaf = leaves.get(r.leafIndex);
    if (!leaf) throw new LedgerCorruptError(`leaf ${r.leafIndex} is missing`);
    if (leaf.fileId !== fileId || (checkVersion && leaf.versionId !== r.versionId))
      throw new LedgerCorruptError(`leaf ${r.leafIndex} is not an observation of file ${fileId}`);
    return leaf;
  };
  const byVersion = (rows: FileVersionRow[]) =>
    new Map(rows.map((r) => [r.versionId, leafOf(r, true)] as const));

  let reference: FileRecords['reference'] = null;
  const snapshot = setSnapshot.length > 0 ? setSnapshot : earliestSnapshot;
  if (snapshot.length > 0) {
    const parsed = snapshot.map((r) => leafOf(r, setSnapshot.length === 0));
    reference = {
      source:
        setSnapshot.length > 0
          ? 'set-baseline'
          : parsed[0]!.source === 'baseline'
            ? 'baseline'
            : 'enrichment',
      setId: setSnapshot.length > 0 ? (o.setId ?? null) : null,
      observedAt: parsed[0]!.observedAt,
      versionIds: [...new Set(parsed.map((p) => p.versionId))],
      leafIndexes: parsed.map((p) => p.leafIndex),
    };
  }
  return {
    leaves: rows,
    firstAny: byVersion(firstAny),
    firstRecording: byVersion(firstRecording),
    reference,
  };
}
