/**
 * Back-fill of a period from `admin_logs` (chronological, no duplicates, up to a year back), paged by
 * stream position inside a created_after/created_before window. The position is committed with each
 * page, so an interrupted back-fill resumes where it stopped (`auditor events backfill` again with the
 * same range). Events already ingested live are de-duplicated by event id.
 */
import { randomUUID } from 'node:crypto';
import { badRequest } from '../../platform/errors.ts';
import type { EventDeps } from './event-deps.ts';
import type { BackfillRow, EventTrx } from './event-tables.ts';
import { normalizeEvent } from './normalize-event.ts';
import { assertLease, storeAndAnnounce } from './stored-page.ts';

export class BackfillBusyError extends Error {
  constructor(id: string) {
    super(`back-fill ${id} is running in another process`);
  }
}

export interface BackfillProgress {
  id: string;
  orgId: string;
  from: string;
  to: string;
  status: BackfillRow['status'];
  pages: number;
  eventsSeen: number;
  eventsStored: number;
  /** 0–1, from how far into the window the newest event read so far lies (admin_logs is chronological). */
  fraction: number;
  error: string | null;
}

export interface Backfills {
  /**
   * Starts a back-fill, or returns the unfinished one for the same organisation and range (inside
   * `trx` when given, so it commits with the caller's change).
   */
  start(orgId: string, from: Date, to: Date, trx?: EventTrx): Promise<BackfillRow>;
  /** Runs (or resumes) a back-fill to its end; `onProgress` after every page. */
  run(
    id: string,
    onProgress?: (p: BackfillProgress) => void,
    signal?: AbortSignal,
  ): Promise<BackfillProgress>;
  progress(id: string): Promise<BackfillProgress | undefined>;
  /** Whether this process is running that back-fill right now. */
  runningHere(id: string): boolean;
  /** Runs unfinished back-fills (started by expired positions or by an earlier process). */
  resumePending(signal?: AbortSignal): Promise<boolean>;
}

export function toProgress(b: BackfillRow): BackfillProgress {
  const span = b.to_ts.getTime() - b.from_ts.getTime();
  const done =
    b.status === 'done'
      ? 1
      : b.last_event_at
        ? (b.last_event_at.getTime() - b.from_ts.getTime()) / Math.max(1, span)
        : 0;
  return {
    id: b.id,
    orgId: b.org_id,
    from: b.from_ts.toISOString(),
    to: b.to_ts.toISOString(),
    status: b.status,
    pages: b.pages,
    eventsSeen: b.events_seen,
    eventsStored: b.events_stored,
    fraction: Math.min(1, Math.max(0, done)),
    error: b.last_error,
  };
}

export function createBackfills(d: EventDeps): Backfills {
  const db = d.database.db;
  /**
   * Back-fills running in this process. The lease keeps other processes out, but every runner here
   * shares one lease owner (the instance id): without this, the background job and an admin command
   * could run the same back-fill twice at once.
   */
  const runningIds = new Set<string>();

  async function enterpriseOf(orgId: string): Promise<string> {
    const org = (await d.clients.identity().organizations()).find((o) => o.id === orgId);
    if (!org?.boxEnterpriseId) throw badRequest('BOX_NOT_CONFIGURED');
    return org.boxEnterpriseId;
  }

  async function runOnce(
    id: string,
    onProgress: ((p: BackfillProgress) => void) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<BackfillProgress> {
    let b = await db.selectFrom('event.backfills').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    // One runner per back-fill across processes (the server's job and a CLI run, say).
    const lease = `backfill:${id}`;
    const ttl = d.config.AUDITOR_INGEST_LEASE_TTL;
    if (b.status === 'running' && !(await d.leases.acquire(lease, d.instanceId, ttl, d.clock.now()))) {
      throw new BackfillBusyError(id);
    }
    const box = d.box.enterprise(await enterpriseOf(b.org_id));
    const limit = d.config.AUDITOR_INGEST_PAGE_SIZE;
    while (b.status === 'running' && !signal?.aborted) {
      let page: Awaited<ReturnType<typeof box.events>>;
      try {
        page = await box.events({
          streamType: 'admin_logs',
          streamPosition: b.stream_position ?? undefined,
          limit,
          createdAfter: b.from_ts.toISOString(),
          createdBefore: b.to_ts.toISOString(),
        });
      } catch (err) {
        await db
          .updateTable('event.backfills')
          .set({ last_error: String((err as Error).message).slice(0, 300), updated_at: d.clock.now() })
          .where('id', '=', id)
          .execute();
        throw err;
      }
      const events = page.entries.flatMap((e) => {
        try {
          return [normalizeEvent(e)];
        } catch {
          return [];
        }
      });
      const now = d.clock.now();
      const finished = page.entries.length === 0;
      const newest = events.reduce<Date | null>(
        (m, e) => (!m || e.createdAt > m ? e.createdAt : m),
        b.last_event_at,
      );
      await d.store.prepare(events);
      let storedCount = 0;
      b = await d.database.transaction(async (trx) => {
        await assertLease(trx, lease, d.instanceId, ttl, now);
        const stored = await storeAndAnnounce(d, trx, b.org_id, events);
        storedCount = stored.length;
        const next = {
          stream_position: page.nextStreamPosition,
          pages: b.pages + 1,
          events_seen: b.events_seen + events.length,
          events_stored: b.events_stored + stored.length,
          last_event_at: newest,
          status: finished ? ('done' as const) : ('running' as const),
          finished_at: finished ? now : null,
          last_error: null,
          updated_at: now,
        };
        await trx.updateTable('event.backfills').set(next).where('id', '=', id).execute();
        return { ...b, ...next };
      });
      d.metrics.boxEventsIngested.inc({ org: b.org_id }, storedCount);
      onProgress?.(toProgress(b));
    }
    await d.leases.release(lease, d.instanceId).catch(() => {});
    return toProgress(b);
  }

  const api: Backfills = {
    async start(orgId, from, to, trx) {
      if (!(from < to)) throw badRequest('EVENT_RANGE_INVALID');
      const executor = trx ?? db;
      const existing = await executor
        .selectFrom('event.backfills')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('status', '=', 'running')
        .where('from_ts', '=', from)
        .where('to_ts', '=', to)
        .executeTakeFirst();
      if (existing) return existing;
      const now = d.clock.now();
      const row: BackfillRow = {
        id: randomUUID(),
        org_id: orgId,
        from_ts: from,
        to_ts: to,
        stream_position: null,
        status: 'running',
        pages: 0,
        events_seen: 0,
        events_stored: 0,
        last_event_at: null,
        last_error: null,
        started_at: now,
        finished_at: null,
        updated_at: now,
      };
      await executor.insertInto('event.backfills').values(row).execute();
      return row;
    },

    async run(id, onProgress, signal) {
      if (runningIds.has(id)) throw new BackfillBusyError(id);
      runningIds.add(id);
      try {
        return await runOnce(id, onProgress, signal);
      } finally {
        runningIds.delete(id);
      }
    },

    runningHere: (id) => runningIds.has(id),

    async progress(id) {
      const b = await db.selectFrom('event.backfills').selectAll().where('id', '=', id).executeTakeFirst();
      return b ? toProgress(b) : undefined;
    },

    async resumePending(signal) {
      const pending = await db
        .selectFrom('event.backfills')
        .select(['id', 'org_id'])
        .where('status', '=', 'running')
        .orderBy('started_at')
        .execute();
      // One failing back-fill (Box unreachable for its organisation, say) must not hold up the others.
      for (const p of pending) {
        if (signal?.aborted) break;
        await api.run(p.id, undefined, signal).catch((err) => {
          if (err instanceof BackfillBusyError) return;
          d.log.warn(
            { org: p.org_id, backfill: p.id, err: (err as Error).message },
            'back-fill failed; will retry',
          );
        });
      }
      return false;
    },
  };
  return api;
}
