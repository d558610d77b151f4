/** The in-process `VerificationClient`: the ledger reader, with hashes as base64 and batch limits. */
import { badRequest } from '../../platform/errors.ts';
import type { PublicKeys } from './ledger-api.ts';
import type { LedgerReader } from './ledger-reader.ts';
import type { CheckpointRow } from './ledger-repository.ts';
import { type LedgerCheckpoint, MAX_LEDGER_BATCH, type VerificationClient } from './verification-client.ts';

const toCheckpoint = (c: CheckpointRow): LedgerCheckpoint => ({
  treeSize: c.treeSize,
  rootHash: c.root.toString('base64'),
  note: c.note,
  createdAt: c.createdAt.toISOString(),
});

function limit<T>(items: T[]): T[] {
  if (items.length > MAX_LEDGER_BATCH)
    throw badRequest('VALIDATION_FAILED', { details: { max: MAX_LEDGER_BATCH, given: items.length } });
  return items;
}

export function createLedgerClient(d: {
  reader: LedgerReader;
  publicKeys(): Promise<PublicKeys>;
}): Omit<VerificationClient, 'ledgerStatus'> {
  const { reader } = d;
  return {
    async latestCheckpoint(orgId) {
      const c = await reader.latestCheckpoint(orgId);
      return c ? toCheckpoint(c) : null;
    },
    async checkpoint(orgId, treeSize) {
      const c = await reader.checkpoint(orgId, treeSize);
      return c ? toCheckpoint(c) : null;
    },
    async witnessedCheckpoint(orgId) {
      return (await reader.latestCosigned(orgId)) ?? null;
    },
    async inclusionProof(orgId, index, treeSize) {
      return (await reader.inclusionProof(orgId, index, treeSize)).map((h) => h.toString('base64'));
    },
    async consistencyProof(orgId, from, to) {
      return (await reader.consistencyProof(orgId, from, to)).map((h) => h.toString('base64'));
    },
    async leafRecords(orgId, kind, refs) {
      return (await reader.leafRecords(orgId, kind, limit(refs))).map((r) => ({
        kind: r.kind,
        ref: r.ref,
        index: r.index,
        leafHash: r.leafHash.toString('base64'),
      }));
    },
    async leaves(orgId, indexes) {
      return (await reader.leaves(orgId, limit(indexes))).map((r) => ({
        kind: r.kind,
        ref: r.ref,
        index: r.index,
        leafHash: r.leafHash.toString('base64'),
        data: r.data,
      }));
    },
    async leafRecordsFrom(orgId, kind, fromIndex, limit) {
      const size = Math.max(1, Math.min(MAX_LEDGER_BATCH, limit));
      const rows = await reader.leafRecordsFrom(orgId, kind, Math.max(0, fromIndex), size);
      return {
        items: rows.map((r) => ({
          kind: r.kind,
          ref: r.ref,
          index: r.index,
          leafHash: r.leafHash.toString('base64'),
        })),
        next: rows.length === size ? rows[rows.length - 1]!.index + 1 : null,
      };
    },
    publicKeys: () => d.publicKeys(),
  };
}
