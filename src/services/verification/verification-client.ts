/**
 * What other services ask the verification service about the ledger. In all-in-one mode the
 * verification service implements it; in distributed mode the HTTP client calls its internal
 * routes (`/internal/ledger/*`, service secret). Hashes are standard base64 throughout. The
 * witness does not use this client: it reads only the public API (docs/decisions/ledger-and-witness.md).
 */

import type { ServiceHttpClient } from '../../platform/service-http-client.ts';
import type { LeafKind } from './leaf-format.ts';
import type { LedgerStatus } from './ledger-status.ts';

export interface LedgerCheckpoint {
  treeSize: number;
  /** base64 root hash. */
  rootHash: string;
  /** The C2SP signed note, exactly as signed. */
  note: string;
  /** ISO 8601. */
  createdAt: string;
}

/** Where a record sits in the ledger: what owners' reconciliation jobs compare with their bytes. */
export interface LedgerLeafRecord {
  kind: LeafKind;
  /** Event id, observation id or message id. */
  ref: string;
  index: number;
  /** base64 SHA-256(0x00 || leaf bytes). */
  leafHash: string;
}

export interface LedgerLeaf extends LedgerLeafRecord {
  /** The exact leaf bytes (canonical JSON of {kind, data}). */
  data: string;
}

export interface VerificationClient {
  /** Latest signed checkpoint of the organisation's log, or null when none was signed yet. */
  latestCheckpoint(orgId: string): Promise<LedgerCheckpoint | null>;
  checkpoint(orgId: string, treeSize: number): Promise<LedgerCheckpoint | null>;
  /** Latest checkpoint the witness cosigned: the signed note with the cosignature line added. */
  witnessedCheckpoint(orgId: string): Promise<{ treeSize: number; note: string } | null>;
  /** RFC 9162 inclusion proof; PROOF_RANGE_INVALID unless 0 ≤ index < treeSize ≤ log size. */
  inclusionProof(orgId: string, index: number, treeSize: number): Promise<string[]>;
  /** RFC 9162 consistency proof; PROOF_RANGE_INVALID unless 1 ≤ from ≤ to ≤ log size. */
  consistencyProof(orgId: string, from: number, to: number): Promise<string[]>;
  /** Ledger positions of records by (kind, refs), at most 1,000 refs a call; unknown refs are left out. */
  leafRecords(orgId: string, kind: LeafKind, refs: string[]): Promise<LedgerLeafRecord[]>;
  /** Leaves with their bytes by index, at most 1,000 a call; missing indexes are left out. */
  leaves(orgId: string, indexes: number[]): Promise<LedgerLeaf[]>;
  /**
   * Leaves of one kind in index order from `fromIndex`, at most `limit` (≤ 1,000) a call, without
   * their bytes: what an owner's full reconciliation walks to find leaves whose record is gone.
   * `next` is the index to continue from, or null at the end of the log.
   */
  leafRecordsFrom(
    orgId: string,
    kind: LeafKind,
    fromIndex: number,
    limit: number,
  ): Promise<{ items: LedgerLeafRecord[]; next: number | null }>;
  /** The log's and the witness's verifier keys (for evidence bundles). */
  publicKeys(): Promise<{ log: string; witness: string | null }>;
  /** The log's size, latest checkpoint and witness status (the operations overview). */
  ledgerStatus(orgId: string): Promise<LedgerStatus>;
}

export const MAX_LEDGER_BATCH = 1000;

export function createVerificationHttpClient(http: ServiceHttpClient): VerificationClient {
  const post = <T>(path: string, body: unknown) => http.call<T>('POST', `/internal/ledger/${path}`, body);
  return {
    latestCheckpoint: async (orgId) =>
      (await post<{ checkpoint: LedgerCheckpoint | null }>('checkpoint', { orgId })).checkpoint,
    checkpoint: async (orgId, treeSize) =>
      (await post<{ checkpoint: LedgerCheckpoint | null }>('checkpoint', { orgId, treeSize })).checkpoint,
    witnessedCheckpoint: async (orgId) =>
      (await post<{ witnessed: { treeSize: number; note: string } | null }>('witnessed', { orgId }))
        .witnessed,
    inclusionProof: async (orgId, index, treeSize) =>
      (await post<{ hashes: string[] }>('proofs/inclusion', { orgId, index, treeSize })).hashes,
    consistencyProof: async (orgId, from, to) =>
      (await post<{ hashes: string[] }>('proofs/consistency', { orgId, from, to })).hashes,
    leafRecords: async (orgId, kind, refs) =>
      refs.length === 0
        ? []
        : (await post<{ items: LedgerLeafRecord[] }>('leaf-records', { orgId, kind, refs })).items,
    leaves: async (orgId, indexes) =>
      indexes.length === 0 ? [] : (await post<{ items: LedgerLeaf[] }>('leaves', { orgId, indexes })).items,
    leafRecordsFrom: (orgId, kind, fromIndex, limit) =>
      post<{ items: LedgerLeafRecord[]; next: number | null }>('leaf-records-from', {
        orgId,
        kind,
        fromIndex,
        limit,
      }),
    ledgerStatus: (orgId) => post<LedgerStatus>('status', { orgId }),
    publicKeys: () =>
      http.call<{ log: string; witness: string | null }>('GET', '/internal/ledger/public-keys'),
  };
}
