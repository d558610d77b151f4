/**
 * Scheduled verification (product.md F6.5): every AUDITOR_VERIFY_SCHEDULE_INTERVAL (0 = off), every
 * monitored file is verified again. Each audit set with monitored items gets a run (trigger
 * `schedule`, visible in the set's history) once its last scheduled run is older than the interval;
 * a file held by several sets is verified once per pass. The calls are spread within the Box budget:
 * one file at a time, paced so verification uses at most a quarter of BOX_CALLS_PER_MINUTE (each
 * file costs about two calls). One replica schedules at a time (a lease).
 */
import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { createIntervalJob } from '../../platform/interval-job.ts';
import type { Logger } from '../../platform/logging.ts';
import type { LeaseStore } from '../../platform/messaging/leases.ts';
import type { ServiceClients } from '../../platform/service-module.ts';
import type { TopItem } from '../audit/allow-rules.ts';
import type { SetVerifier } from './set-verifier.ts';

/** Share of the Box budget scheduled verification may use; the rest serves users and enrichment. */
export const SCHEDULE_BUDGET_SHARE = 0.25;
const CALLS_PER_FILE = 2;
const LEASE = 'verification-schedule';

export interface VerificationSchedule {
  /** One pass over every organisation's due sets; returns how many runs it made. */
  tick(signal?: AbortSignal): Promise<number>;
  job: ReturnType<typeof createIntervalJob> | null;
}

export function paceMsFor(callsPerMinute: number): number {
  const filesPerMinute = Math.max(1, (callsPerMinute * SCHEDULE_BUDGET_SHARE) / CALLS_PER_FILE);
  return Math.ceil(60_000 / filesPerMinute);
}

export function createVerificationSchedule(d: {
  db: AnyDb;
  sets: SetVerifier;
  clients: Pick<ServiceClients, 'identity' | 'audit'>;
  leases: LeaseStore;
  instanceId: string;
  clock: Clock;
  log: Logger;
  intervalMs: number;
  callsPerMinute: number;
}): VerificationSchedule {
  async function lastScheduled(orgId: string, setId: string): Promise<number | null> {
    const res = await sql<{ at: Date | null }>`
      select max(started_at) as at from ledger.set_verifications
      where org_id = ${orgId} and set_id = ${setId} and trigger = 'schedule'`.execute(d.db);
    const at = res.rows[0]?.at;
    return at ? new Date(at).getTime() : null;
  }

  async function tick(signal?: AbortSignal): Promise<number> {
    if (d.intervalMs <= 0) return 0;
    const ttl = Math.max(60_000, d.intervalMs);
    if (!(await d.leases.acquire(LEASE, d.instanceId, ttl, d.clock.now()))) return 0;
    let runs = 0;
    for (const org of await d.clients.identity().organizations()) {
      if (signal?.aborted) break;
      const items = await d.clients.audit().monitoredItems(org.id);
      const bySet = new Map<string, TopItem[]>();
      for (const i of items) bySet.set(i.setId, [...(bySet.get(i.setId) ?? []), i.item]);
      const seen = new Set<string>();
      for (const setId of bySet.keys()) {
        if (signal?.aborted) break;
        const last = await lastScheduled(org.id, setId);
        if (last !== null && d.clock.now().getTime() - last < d.intervalMs) continue;
        await d.leases.acquire(LEASE, d.instanceId, ttl, d.clock.now());
        const run = await d.sets.run({
          orgId: org.id,
          setId,
          requester: null,
          trigger: 'schedule',
          concurrency: 1,
          paceMs: paceMsFor(d.callsPerMinute),
          skip: seen,
        });
        runs++;
        d.log.info(
          { org: org.id, set: setId, run: run.id, files: run.total, counts: run.counts },
          'scheduled verification done',
        );
      }
    }
    return runs;
  }

  const job =
    d.intervalMs > 0
      ? createIntervalJob(
          'verification-schedule',
          Math.min(d.intervalMs, 60_000),
          (signal) => tick(signal),
          d.log,
        )
      : null;
  return { tick, job };
}
