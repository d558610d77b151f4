/**
 * The organisation's log at a glance for the operations overview (product.md F7, operations.md
 * §1-§2): its size, the latest signed checkpoint and how old it is, and the witness — the newest
 * cosignature the ledger imported (its own table, so it shows while the witness is down) and the
 * refusals the witness recorded for this log's origin (forks, rollbacks, inconsistencies), asked
 * live because they live in the witness's own store, not in ours.
 */
import type { Clock } from '../../platform/clock.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logging.ts';
import type { WitnessClient, WitnessRefusal } from '../witness/witness-client.ts';
import type { LedgerRepository } from './ledger-repository.ts';

export interface LedgerStatus {
  origin: string;
  treeSize: number;
  logCreatedAt: string | null;
  checkpointIntervalSeconds: number;
  checkpoint: {
    treeSize: number;
    signedAt: string;
    ageSeconds: number;
    /** Leaves appended since: not yet covered by any signed checkpoint. */
    uncoveredLeaves: number;
  } | null;
  witness: {
    /** Whether this service knows a witness (in-process, or AUDITOR_WITNESS_URL). */
    configured: boolean;
    /** Whether the witness answered just now; null when none is configured. */
    reachable: boolean | null;
    lastCosignature: { treeSize: number; cosignedAt: string; receivedAt: string; ageSeconds: number } | null;
    /** Refusals recorded for this log, newest first; null when the witness could not be asked. */
    refusals: WitnessRefusal[] | null;
  };
}

const seconds = (now: Date, then: Date) =>
  Math.max(0, Math.round((now.getTime() - then.getTime()) / 100) / 10);

export function createLedgerStatus(d: {
  db: AnyDb;
  repo: LedgerRepository;
  witness: () => WitnessClient | undefined;
  originOf: (orgId: string) => string;
  clock: Clock;
  log: Logger;
  checkpointIntervalMs: number;
}) {
  async function witnessRefusals(
    client: WitnessClient | undefined,
    origin: string,
  ): Promise<{ reachable: boolean | null; refusals: WitnessRefusal[] | null }> {
    if (!client) return { reachable: null, refusals: null };
    try {
      return { reachable: true, refusals: await client.refusals(origin) };
    } catch (err) {
      // The page still shows what the ledger holds; the witness being away is itself the news.
      d.log.warn({ origin, err: (err as Error).message }, 'witness refusals unavailable');
      return { reachable: false, refusals: null };
    }
  }

  return {
    async status(orgId: string): Promise<LedgerStatus> {
      const now = d.clock.now();
      const log = await d.repo.findLog(d.db, orgId);
      // A log is created by its first leaf; before that, the origin it will have is still its name.
      const origin = log?.origin ?? d.originOf(orgId);
      const checkpoint = log ? await d.repo.latestCheckpoint(d.db, log.id) : undefined;
      const cosignature = log ? await d.repo.latestCosignature(d.db, log.id) : undefined;
      const client = d.witness();
      const fromWitness = await witnessRefusals(client, origin);
      const treeSize = log?.treeSize ?? 0;
      return {
        origin,
        treeSize,
        logCreatedAt: log ? log.createdAt.toISOString() : null,
        checkpointIntervalSeconds: d.checkpointIntervalMs / 1000,
        checkpoint: checkpoint
          ? {
              treeSize: checkpoint.treeSize,
              signedAt: checkpoint.createdAt.toISOString(),
              ageSeconds: seconds(now, checkpoint.createdAt),
              uncoveredLeaves: Math.max(0, treeSize - checkpoint.treeSize),
            }
          : null,
        witness: {
          configured: client !== undefined,
          ...fromWitness,
          lastCosignature: cosignature
            ? {
                treeSize: cosignature.treeSize,
                cosignedAt: cosignature.cosignedAt.toISOString(),
                receivedAt: cosignature.receivedAt.toISOString(),
                ageSeconds: seconds(now, cosignature.cosignedAt),
              }
            : null,
        },
      };
    },
  };
}

export type LedgerStatusReader = ReturnType<typeof createLedgerStatus>;
