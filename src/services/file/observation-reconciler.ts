/**
 * Reconciliation of observations with the ledger (architecture.md §7): for observations whose leaf
 * index is still unknown, ask the ledger where their leaves are, recompute each row's leaf bytes and
 * compare both hashes — the one stored with the row and the ledger's. Only a match records the
 * index; a mismatch means the row or the leaf was changed after the fact and is logged as an error
 * (the row stays unreconciled, so it keeps being reported). Rows the ledger has not appended yet are
 * looked at again on a later pass; a cursor walks past them so they never hold up newer rows.
 */
import type { Logger } from '../../platform/logging.ts';
import { leafHashOfText } from '../verification/leaf-format.ts';
import type { VerificationClient } from '../verification/verification-client.ts';
import type { FileDb, ObservationRow } from './file-tables.ts';
import { leafTextOfRow, type Observations } from './observations.ts';

export interface ObservationReconciler {
  /** One pass over up to `batch` rows; returns how many were reconciled and how many mismatched. */
  tick(): Promise<{ reconciled: number; mismatched: number; looked: number }>;
}

export function createObservationReconciler(d: {
  db: FileDb;
  observations: Observations;
  verification: () => VerificationClient;
  log: Logger;
  batch: number;
}): ObservationReconciler {
  let after: { at: Date; id: string } | null = null;

  return {
    async tick() {
      const rows = await d.observations.unreconciled(d.db, d.batch, after);
      const last = rows[rows.length - 1];
      // At the end of the backlog, start over from the oldest on the next pass.
      after = rows.length === d.batch && last ? { at: last.observed_at, id: last.observation_id } : null;
      const byOrg = new Map<string, ObservationRow[]>();
      for (const r of rows) byOrg.set(r.org_id, [...(byOrg.get(r.org_id) ?? []), r]);
      let reconciled = 0;
      let mismatched = 0;
      for (const [orgId, list] of byOrg) {
        const records = await d.verification().leafRecords(
          orgId,
          'file_version',
          list.map((r) => r.observation_id),
        );
        const byRef = new Map(records.map((x) => [x.ref, x]));
        const matched: { observationId: string; leafIndex: number }[] = [];
        for (const r of list) {
          const record = byRef.get(r.observation_id);
          if (!record) continue;
          const recomputed = leafHashOfText(leafTextOfRow(r)).toString('base64');
          if (recomputed === r.leaf_hash.toString('base64') && recomputed === record.leafHash) {
            matched.push({ observationId: r.observation_id, leafIndex: record.index });
          } else {
            mismatched++;
            d.log.error(
              { org: orgId, observation: r.observation_id, leafIndex: record.index },
              'a version observation does not match its ledger leaf',
            );
          }
        }
        if (matched.length > 0) {
          await d.observations.setLeafIndexes(d.db, matched);
          reconciled += matched.length;
        }
      }
      return { reconciled, mismatched, looked: rows.length };
    },
  };
}
