/**
 * Signs C2SP checkpoints: for each log that grew since its latest checkpoint, once
 * AUDITOR_CHECKPOINT_INTERVAL has passed since that checkpoint or AUDITOR_CHECKPOINT_MAX_LEAVES
 * leaves were appended after it. Before signing, the head's root is recomputed from the tiles
 * (one read): a head row and tiles that disagree are never signed, they are reported.
 *
 * Replicas may sign at once: Ed25519 is deterministic, so both produce the same note and the
 * second insert is a no-op.
 */
import { createTreeReader, type Ed25519NoteSigner, hashesEqual, signCheckpoint } from '../../ledger/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { createIntervalJob } from '../../platform/interval-job.ts';
import type { Logger } from '../../platform/logging.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { LedgerRepository, LogRow } from './ledger-repository.ts';
import { createSqlTileStore } from './tile-store.ts';

export interface Checkpointer {
  /** Signs every due checkpoint (all grown logs with `force`); returns how many were signed. */
  signDue(options?: { force?: boolean }): Promise<number>;
  /**
   * Signs the organisation's log at its current size now if no checkpoint covers it yet (evidence
   * needs a checkpoint covering the leaves it proves); returns the size of the latest checkpoint.
   */
  signLogNow(orgId: string): Promise<number>;
  /** Refreshes auditor_ledger_tree_size and auditor_ledger_checkpoint_age_seconds. */
  updateGauges(): Promise<void>;
  job: ReturnType<typeof createIntervalJob>;
}

export function createCheckpointer(d: {
  database: Database;
  repo: LedgerRepository;
  signer: Ed25519NoteSigner;
  clock: Clock;
  log: Logger;
  metrics: Pick<Metrics, 'ledgerTreeSize' | 'ledgerCheckpointAge'>;
  intervalMs: number;
  maxLeaves: number;
}): Checkpointer {
  const db = d.database.db;

  async function sign(log: LogRow): Promise<boolean> {
    const fromTiles = await createTreeReader(createSqlTileStore(db, log.id)).rootAt(log.treeSize);
    if (!hashesEqual(fromTiles, log.root)) {
      d.log.error(
        { origin: log.origin, treeSize: log.treeSize },
        'ledger head and tiles disagree; refusing to sign a checkpoint (run `auditor verify log`)',
      );
      return false;
    }
    const note = signCheckpoint({ origin: log.origin, treeSize: log.treeSize, rootHash: log.root }, [
      d.signer,
    ]);
    const inserted = await d.repo.insertCheckpoint(
      db,
      log.id,
      { treeSize: log.treeSize, root: log.root, note },
      d.clock.now(),
    );
    if (inserted) d.log.info({ origin: log.origin, treeSize: log.treeSize }, 'checkpoint signed');
    return inserted;
  }

  async function signDue(options: { force?: boolean } = {}): Promise<number> {
    const now = d.clock.now().getTime();
    let signed = 0;
    for (const head of await d.repo.heads(db)) {
      const last = head.checkpointSize ?? 0;
      if (head.treeSize <= last) continue;
      const due =
        options.force ||
        head.checkpointAt === null ||
        now - head.checkpointAt.getTime() >= d.intervalMs ||
        head.treeSize - last >= d.maxLeaves;
      if (!due) continue;
      try {
        if (await sign(head)) signed += 1;
      } catch (err) {
        d.log.error({ origin: head.origin, err: (err as Error).message }, 'signing a checkpoint failed');
      }
    }
    return signed;
  }

  async function signLogNow(orgId: string): Promise<number> {
    const log = await d.repo.findLog(db, orgId);
    if (!log) return 0;
    const latest = await d.repo.latestCheckpoint(db, log.id);
    if (latest && latest.treeSize >= log.treeSize) return latest.treeSize;
    if (log.treeSize > 0) await sign(log);
    return (await d.repo.latestCheckpoint(db, log.id))?.treeSize ?? 0;
  }

  async function updateGauges(): Promise<void> {
    const now = d.clock.now().getTime();
    let largest = 0;
    let oldest = 0;
    for (const head of await d.repo.heads(db)) {
      largest = Math.max(largest, head.treeSize);
      // The age that matters is that of checkpoints that leave leaves uncovered.
      if (head.treeSize > (head.checkpointSize ?? 0)) {
        const since = (head.checkpointAt ?? head.createdAt).getTime();
        oldest = Math.max(oldest, (now - since) / 1000);
      }
    }
    d.metrics.ledgerTreeSize.set(largest);
    d.metrics.ledgerCheckpointAge.set(Math.max(0, oldest));
  }

  // Ticks at least every second so that the leaf-count trigger reacts quickly.
  const job = createIntervalJob(
    'ledger-checkpoints',
    Math.max(50, Math.min(d.intervalMs, 1000)),
    async () => {
      await signDue();
      await updateGauges();
      return false;
    },
    d.log,
  );
  return { signDue, signLogNow, updateGauges, job };
}
