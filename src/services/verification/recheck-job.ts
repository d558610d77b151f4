/**
 * Re-checks (product.md F6.4): a PENDING result is verified again once the ingestion watermark has
 * passed what it waits for (`evidence.pendingUntil`), or after a short back-off when it waits for
 * nothing in particular (an event the ledger has not appended yet, a baseline in progress); an
 * UNVERIFIABLE result is retried with back-off a few times. The new result supersedes the old one
 * (`supersededBy`), carries on the conditions it had already seen (`seenSince`), and is announced
 * like any other. Also marks set verifications whose process vanished as INTERRUPTED.
 */
import type { Clock } from '../../platform/clock.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { createIntervalJob } from '../../platform/interval-job.ts';
import type { Logger } from '../../platform/logging.ts';
import type { ServiceClients } from '../../platform/service-module.ts';
import { mapLimited } from '../file/box-calls.ts';
import { type FileVerifier, RECHECK_DELAY_MS } from './file-verifier.ts';
import type { VerificationStore } from './verification-store.ts';

export interface RecheckJob {
  /** One pass; returns how many results were verified again. */
  tick(): Promise<number>;
  job: ReturnType<typeof createIntervalJob>;
}

const BATCH = 50;
/** A RUNNING set verification not updated for this long has lost its process. */
export const STALE_RUN_MS = 120_000;

export function createRecheckJob(d: {
  db: AnyDb;
  store: VerificationStore;
  verifier: FileVerifier;
  clients: Pick<ServiceClients, 'event'>;
  clock: Clock;
  log: Logger;
  eventDelayMs: number;
  concurrency: number;
}): RecheckJob {
  async function tick(): Promise<number> {
    const now = d.clock.now();
    await d.store.interruptStale(d.db, now, STALE_RUN_MS);
    const due = await d.store.dueRechecks(d.db, now, BATCH);
    const watermarks = new Map<string, Promise<number | null>>();
    const watermarkOf = (orgId: string) => {
      let w = watermarks.get(orgId);
      if (!w) {
        w = d.clients
          .event()
          .watermark(orgId)
          .then((x) => (x?.caughtUpAt ? Date.parse(x.caughtUpAt) - d.eventDelayMs : null));
        watermarks.set(orgId, w);
      }
      return w;
    };
    let rechecked = 0;
    await mapLimited(due, d.concurrency, async (v) => {
      try {
        if (v.result === 'PENDING' && v.evidence.pendingUntil) {
          const watermark = await watermarkOf(v.orgId);
          if (watermark === null || watermark < Date.parse(v.evidence.pendingUntil)) {
            await d.store.postponeRecheck(d.db, v.id, new Date(now.getTime() + RECHECK_DELAY_MS));
            return;
          }
        }
        await d.verifier.verify({
          orgId: v.orgId,
          fileId: v.fileId,
          requester: null,
          setId: v.setId,
          trigger: 'recheck',
          recheckOf: v,
        });
        rechecked++;
      } catch (err) {
        d.log.warn({ verification: v.id, err: (err as Error).message }, 're-checking a verification failed');
        await d.store.postponeRecheck(d.db, v.id, new Date(now.getTime() + 60_000));
      }
    });
    return rechecked;
  }

  const job = createIntervalJob(
    'verification-rechecks',
    1000,
    async () => {
      await tick();
      return false;
    },
    d.log,
  );
  return { tick, job };
}
