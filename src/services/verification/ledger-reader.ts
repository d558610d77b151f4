/**
 * Reads of one organisation's log: checkpoints, leaves, and proofs from tiles (one tile query per
 * proof). Range checks live here, so the public routes and the service client refuse the same
 * requests with the same code (PROOF_RANGE_INVALID, 400).
 */
import { addNoteSignatureLines, createTreeReader } from '../../ledger/index.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { badRequest } from '../../platform/errors.ts';
import type { LeafKind } from './leaf-format.ts';
import type { CheckpointRow, LeafRow, LedgerRepository, LogRow } from './ledger-repository.ts';
import { createSqlTileStore } from './tile-store.ts';

export interface LedgerReader {
  log(orgId: string): Promise<LogRow | undefined>;
  latestCheckpoint(orgId: string): Promise<CheckpointRow | undefined>;
  checkpoint(orgId: string, treeSize: number): Promise<CheckpointRow | undefined>;
  /** The largest cosigned checkpoint, as its note with the witness's cosignature line added. */
  latestCosigned(orgId: string): Promise<{ treeSize: number; note: string } | undefined>;
  inclusionProof(orgId: string, index: number, treeSize: number): Promise<Buffer[]>;
  consistencyProof(orgId: string, from: number, to: number): Promise<Buffer[]>;
  leaf(orgId: string, index: number): Promise<LeafRow | undefined>;
  leaves(orgId: string, indexes: readonly number[]): Promise<LeafRow[]>;
  leafRecords(orgId: string, kind: LeafKind, refs: readonly string[]): Promise<Array<Omit<LeafRow, 'data'>>>;
  leafRecordsFrom(
    orgId: string,
    kind: LeafKind,
    fromIndex: number,
    limit: number,
  ): Promise<Array<Omit<LeafRow, 'data'>>>;
}

const invalid = (details: Record<string, unknown>) => badRequest('PROOF_RANGE_INVALID', { details });

export function createLedgerReader(d: { db: AnyDb; repo: LedgerRepository }): LedgerReader {
  const { db, repo } = d;
  const sizeOf = async (orgId: string) => {
    const log = await repo.findLog(db, orgId);
    return { log, size: log?.treeSize ?? 0 };
  };

  return {
    log: (orgId) => repo.findLog(db, orgId),

    async latestCheckpoint(orgId) {
      const log = await repo.findLog(db, orgId);
      return log && repo.latestCheckpoint(db, log.id);
    },

    async checkpoint(orgId, treeSize) {
      const log = await repo.findLog(db, orgId);
      return log && repo.checkpointAt(db, log.id, treeSize);
    },

    async latestCosigned(orgId) {
      const log = await repo.findLog(db, orgId);
      const row = log && (await repo.latestCosigned(db, log.id));
      return row && { treeSize: row.treeSize, note: addNoteSignatureLines(row.note, [row.line]) };
    },

    async inclusionProof(orgId, index, treeSize) {
      const { log, size } = await sizeOf(orgId);
      if (!log || !(index >= 0 && index < treeSize && treeSize <= size)) {
        throw invalid({ index, treeSize, logSize: size });
      }
      return createTreeReader(createSqlTileStore(db, log.id)).inclusionProof(index, treeSize);
    },

    async consistencyProof(orgId, from, to) {
      const { log, size } = await sizeOf(orgId);
      // RFC 9162: a proof from the empty tree proves nothing, so `from` starts at 1.
      if (!log || !(from >= 1 && from <= to && to <= size)) throw invalid({ from, to, logSize: size });
      return createTreeReader(createSqlTileStore(db, log.id)).consistencyProof(from, to);
    },

    async leaf(orgId, index) {
      const log = await repo.findLog(db, orgId);
      return log && repo.leafAt(db, log.id, index);
    },

    async leaves(orgId, indexes) {
      const log = await repo.findLog(db, orgId);
      return log ? repo.leavesAt(db, log.id, indexes) : [];
    },

    async leafRecordsFrom(orgId, kind, fromIndex, limit) {
      const log = await repo.findLog(db, orgId);
      return log ? repo.leavesOfKindFrom(db, log.id, kind, fromIndex, limit) : [];
    },

    async leafRecords(orgId, kind, refs) {
      const log = await repo.findLog(db, orgId);
      if (!log || refs.length === 0) return [];
      return repo.leavesByRefs(
        db,
        log.id,
        refs.map((ref) => ({ kind, ref })),
      );
    },
  };
}
