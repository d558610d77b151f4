/**
 * Batched, idempotent appends to an organisation's log inside the caller's transaction.
 *
 * Per call: lock the log's head row (appends to one log are serialised, so indexes follow commit
 * order), insert the leaves with the next indexes (one statement per 1,000 leaves), let the
 * library's appender extend the tree from the right edge (one tile read), upsert the changed tiles
 * (one statement) and move the head. No per-leaf round trip: the cost per leaf is hashing and its
 * share of a few bulk statements.
 *
 * Idempotence without a lookup on the hot path: the insert skips (kind, ref) pairs already in the
 * log (unique key). Only when it skipped some — a redelivery — are this batch's rows removed again,
 * the existing leaves looked up, and the new ones inserted with consecutive indexes. (A lookup
 * first would cost a query per batch, and its plan depends on table statistics: measured, a stale
 * plan scanning the table made appends several times slower until autovacuum analysed it.)
 */
import { appendLeaves, hashesEqual } from '../../ledger/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AnyTrx } from '../../platform/db/database.ts';
import { type LeafKind, leafHashOfText } from './leaf-format.ts';
import type { LedgerRepository } from './ledger-repository.ts';
import { createSqlTileStore } from './tile-store.ts';

export interface NewLeaf {
  kind: LeafKind;
  /** What the leaf records: an event id, an observation id or a message id. Unique per kind and log. */
  ref: string;
  /** The exact leaf bytes (canonical JSON of {kind, data}) as text. */
  text: string;
  /** SHA-256(0x00 || text), when the caller already computed it. */
  leafHash?: Buffer;
}

export interface AppendedLeaf {
  kind: LeafKind;
  ref: string;
  index: number;
  leafHash: Buffer;
  /**
   * `appended` now; `existing` when the same (kind, ref) with the same bytes was already there;
   * `conflict` when it was there with other bytes (nothing is changed; the caller reports it).
   */
  status: 'appended' | 'existing' | 'conflict';
}

export interface AppendOutcome {
  logId: number;
  treeSize: number;
  root: Buffer;
  /** One entry per input leaf, in input order. */
  leaves: AppendedLeaf[];
}

export interface LeafAppender {
  append(trx: AnyTrx, orgId: string, leaves: readonly NewLeaf[]): Promise<AppendOutcome>;
}

export function createLeafAppender(d: {
  repo: LedgerRepository;
  clock: Clock;
  originOf(orgId: string): string;
}): LeafAppender {
  return {
    async append(trx, orgId, input) {
      const now = d.clock.now();
      const log = await d.repo.lockLog(trx, orgId, d.originOf(orgId), now);
      const key = (kind: string, ref: string) => `${kind}\u0000${ref}`;

      // The first occurrence of a (kind, ref) in the batch wins; later ones resolve to it.
      const unique = new Map<string, NewLeaf & { leafHash: Buffer }>();
      for (const leaf of input) {
        const k = key(leaf.kind, leaf.ref);
        if (!unique.has(k)) unique.set(k, { ...leaf, leafHash: leaf.leafHash ?? leafHashOfText(leaf.text) });
      }
      const candidates = [...unique.values()];
      const rows = (leaves: typeof candidates) =>
        leaves.map((leaf) => ({ kind: leaf.kind, ref: leaf.ref, data: leaf.text, leafHash: leaf.leafHash }));

      let fresh = candidates;
      const stored = new Map<string, { index: number; leafHash: Buffer }>();
      const inserted = await d.repo.insertLeaves(trx, log.id, log.treeSize, rows(candidates), now);
      if (inserted < candidates.length) {
        await d.repo.deleteLeavesFrom(trx, log.id, log.treeSize);
        for (const row of await d.repo.leavesByRefs(trx, log.id, candidates)) {
          stored.set(key(row.kind, row.ref), { index: row.index, leafHash: row.leafHash });
        }
        fresh = candidates.filter((leaf) => !stored.has(key(leaf.kind, leaf.ref)));
        await d.repo.insertLeaves(trx, log.id, log.treeSize, rows(fresh), now);
      }

      const results = new Map<string, AppendedLeaf>();
      for (const leaf of candidates) {
        const existing = stored.get(key(leaf.kind, leaf.ref));
        if (!existing) continue;
        results.set(key(leaf.kind, leaf.ref), {
          kind: leaf.kind,
          ref: leaf.ref,
          index: existing.index,
          leafHash: existing.leafHash,
          status: hashesEqual(existing.leafHash, leaf.leafHash) ? 'existing' : 'conflict',
        });
      }

      let treeSize = log.treeSize;
      let root = log.root;
      if (fresh.length > 0) {
        const tiles = createSqlTileStore(trx, log.id);
        const appended = await appendLeaves(
          tiles,
          log.treeSize,
          fresh.map((leaf) => leaf.leafHash),
        );
        await tiles.writeTiles(appended.tiles);
        await d.repo.setHead(trx, log.id, appended.treeSize, appended.root, now);
        treeSize = appended.treeSize;
        root = appended.root;
        fresh.forEach((leaf, i) => {
          results.set(key(leaf.kind, leaf.ref), {
            kind: leaf.kind,
            ref: leaf.ref,
            index: appended.firstIndex + i,
            leafHash: leaf.leafHash,
            status: 'appended',
          });
        });
      }
      return {
        logId: log.id,
        treeSize,
        root,
        leaves: input.map((leaf) => {
          const k = key(leaf.kind, leaf.ref);
          const result = results.get(k)!;
          // A later duplicate in the batch with other bytes was not recorded: say so.
          return unique.get(k)!.text === leaf.text ? result : { ...result, status: 'conflict' as const };
        }),
      };
    },
  };
}
