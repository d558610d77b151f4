/**
 * The organisation's ingestion status for the operations overview (product.md F7, operations.md
 * §1): the ingestion cursor (`event.org_streams`), who holds the ingest lease, the lag exactly as
 * `auditor_box_ingest_lag_seconds` reports it, running back-fills, and events per UTC day over the
 * last fortnight (Box's own stream retention), counted through the partition-pruned range query.
 */
import type { Clock } from '../../platform/clock.ts';
import type { LeaseStore } from '../../platform/messaging/leases.ts';
import type { EventStore } from './event-store.ts';
import type { EventDb } from './event-tables.ts';
import { ingestLag, type LagReference } from './ingest-lag.ts';
import { ingestLeaseName } from './ingester.ts';

export const INGEST_STATUS_DAYS = 14;
const DAY_MS = 86_400_000;

export interface IngestStatus {
  ingestion: {
    /** AUDITOR_INGEST_ENABLED on the replica that answered (another replica may hold the lease). */
    enabledHere: boolean;
    /** The replica holding the organisation's ingest lease now, or null when none does. */
    leader: string | null;
    /** False until the ingester first reached the organisation's Box (no cursor yet). */
    started: boolean;
    lastPollAt: string | null;
    caughtUpAt: string | null;
    newestEventAt: string | null;
    eventsStored: number;
    lastError: string | null;
    lagSeconds: number;
    lagReference: LagReference;
    pollIntervalSeconds: number;
    backfillsRunning: number;
  };
  eventsPerDay: { from: string; to: string; total: number; days: { day: string; count: number }[] };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The `n` UTC days ending with today's, oldest first (YYYY-MM-DD), and the range they cover. */
export function utcDays(now: Date, n: number): { from: Date; to: Date; days: string[] } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const from = new Date(today - (n - 1) * DAY_MS);
  const days = Array.from({ length: n }, (_, i) =>
    new Date(from.getTime() + i * DAY_MS).toISOString().slice(0, 10),
  );
  return { from, to: new Date(today + DAY_MS), days };
}

export function createIngestStatus(d: {
  db: EventDb;
  store: EventStore;
  leases: LeaseStore;
  clock: Clock;
  ingestEnabled: boolean;
  pollIntervalMs: number;
}) {
  return {
    async status(orgId: string): Promise<IngestStatus> {
      const now = d.clock.now();
      const range = utcDays(now, INGEST_STATUS_DAYS);
      const stream = await d.db
        .selectFrom('event.org_streams')
        .select(['last_poll_at', 'caught_up_at', 'newest_event_at', 'events_stored', 'last_error'])
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      const leader = await d.leases.holder(ingestLeaseName(orgId), now);
      const running = await d.db
        .selectFrom('event.backfills')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', orgId)
        .where('status', '=', 'running')
        .executeTakeFirstOrThrow();
      const counted = await d.store.countsPerDay(orgId, { from: range.from, to: range.to }, 'UTC');
      const byDay = new Map(counted.map((c) => [c.day, c.count]));
      const days = range.days.map((day) => ({ day, count: byDay.get(day) ?? 0 }));
      const lag = stream ? ingestLag(stream, now) : { seconds: 0, reference: 'none' as const };
      return {
        ingestion: {
          enabledHere: d.ingestEnabled,
          leader: leader ?? null,
          started: stream !== undefined,
          lastPollAt: iso(stream?.last_poll_at ?? null),
          caughtUpAt: iso(stream?.caught_up_at ?? null),
          newestEventAt: iso(stream?.newest_event_at ?? null),
          eventsStored: Number(stream?.events_stored ?? 0),
          lastError: stream?.last_error ?? null,
          lagSeconds: Math.round(lag.seconds * 10) / 10,
          lagReference: lag.reference,
          pollIntervalSeconds: d.pollIntervalMs / 1000,
          backfillsRunning: Number(running.n),
        },
        eventsPerDay: {
          from: range.from.toISOString(),
          to: range.to.toISOString(),
          total: days.reduce((n, x) => n + x.count, 0),
          days,
        },
      };
    },
  };
}

export type IngestStatusReader = ReturnType<typeof createIngestStatus>;
