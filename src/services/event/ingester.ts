/**
 * Live ingestion of each organisation's enterprise event stream (`admin_logs_streaming`, Box's
 * recommendation for tailing; at-least-once, unordered, positions opaque). One replica ingests per
 * organisation (a lease in the database; another takes over once it lapses). Each page is committed
 * with its cursor (stored-page.ts). An expired position restarts from the oldest retained event and
 * schedules a back-fill of the gap on `admin_logs`.
 */
import { BoxError } from '../../box/box-errors.ts';
import type { EventsPage } from '../../box/box-model.ts';
import { crashPoint } from '../../platform/crash-points.ts';
import type { OrganizationSummary } from '../identity/identity-client.ts';
import type { Backfills } from './backfill.ts';
import type { EventDeps } from './event-deps.ts';
import { ingestLag } from './ingest-lag.ts';
import { MalformedEventError, type NormalizedEvent, normalizeEvent } from './normalize-event.ts';
import { assertLease, LeaseLostError, storeAndAnnounce } from './stored-page.ts';

/** The lease one replica holds to ingest an organisation (also read by the ingest-status API). */
export const ingestLeaseName = (orgId: string) => `ingest:${orgId}`;

/** Pages per organisation per tick before yielding to the others. */
const PAGES_PER_TICK = 20;

export interface Ingester {
  /** One pass over every organisation; true when some organisation has more to read right away. */
  tick(signal?: AbortSignal): Promise<boolean>;
  /** Updates the lag gauge of every known organisation (also at start-up). */
  refreshLag(): Promise<void>;
}

export function createIngester(
  d: EventDeps,
  backfills: Backfills,
  /** Called when ingestion scheduled a back-fill (an expired position), to run it soon. */
  onBackfillScheduled?: () => void,
): Ingester {
  const db = d.database.db;
  const leaseName = ingestLeaseName;

  function normalizeAll(entries: Parameters<typeof normalizeEvent>[0][], orgId: string): NormalizedEvent[] {
    const out: NormalizedEvent[] = [];
    for (const entry of entries) {
      try {
        out.push(normalizeEvent(entry));
      } catch (err) {
        if (!(err instanceof MalformedEventError)) throw err;
        d.log.warn({ org: orgId }, 'skipped an event without event_id or created_at');
      }
    }
    return out;
  }

  async function ensureStream(org: OrganizationSummary & { boxEnterpriseId: string }) {
    await db
      .insertInto('event.org_streams')
      .values({
        org_id: org.id,
        enterprise_id: org.boxEnterpriseId,
        stream_position: null,
        last_poll_at: null,
        caught_up_at: null,
        newest_event_at: null,
        events_stored: 0,
        last_error: null,
        updated_at: d.clock.now(),
      })
      .onConflict((oc) => oc.column('org_id').doNothing())
      .execute();
    return db
      .selectFrom('event.org_streams')
      .selectAll()
      .where('org_id', '=', org.id)
      .executeTakeFirstOrThrow();
  }

  /** A page fetched (and normalised) ahead, or the error fetching it: never an unhandled rejection. */
  type Fetched = { ok: true; page: EventsPage; events: NormalizedEvent[] } | { ok: false; error: unknown };

  async function ingestOrg(
    org: OrganizationSummary & { boxEnterpriseId: string },
    signal?: AbortSignal,
  ): Promise<boolean> {
    const ttl = d.config.AUDITOR_INGEST_LEASE_TTL;
    if (!(await d.leases.acquire(leaseName(org.id), d.instanceId, ttl, d.clock.now()))) return false;
    const box = d.box.enterprise(org.boxEnterpriseId);
    const limit = d.config.AUDITOR_INGEST_PAGE_SIZE;
    const eventTypes =
      d.config.AUDITOR_INGEST_EVENT_TYPES.length > 0 ? d.config.AUDITOR_INGEST_EVENT_TYPES : undefined;
    const fetchPage = (position: string): Promise<Fetched> =>
      box.events({ streamType: 'admin_logs_streaming', streamPosition: position, limit, eventTypes }).then(
        (page) => ({ ok: true as const, page, events: normalizeAll(page.entries, org.id) }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    // The cursor is read once per tick; this process holds the lease, so only its own commits move it.
    const stream = await ensureStream(org);
    // A new organisation starts with the retained fortnight (position 0); older history is a back-fill.
    let position = stream.stream_position ?? '0';
    let newest = stream.newest_event_at;
    // While a page commits, the next one is already on its way (fetched and normalised): Box's
    // latency and our parsing overlap PostgreSQL's work. A prefetched page is only used if its
    // position is the one just committed; a failed commit discards it.
    let ahead: { from: string; fetched: Promise<Fetched> } | undefined;
    try {
      for (let page = 0; page < PAGES_PER_TICK && !signal?.aborted; page++) {
        const fetched = await (ahead?.from === position ? ahead.fetched : fetchPage(position));
        ahead = undefined;
        if (!fetched.ok) {
          const err = fetched.error;
          if (err instanceof BoxError && err.failure === 'stream_position_expired') {
            await recoverExpiredPosition(org.id, newest, ttl);
            position = '0';
            continue;
          }
          await db
            .updateTable('event.org_streams')
            .set({ last_error: String((err as Error).message).slice(0, 300), updated_at: d.clock.now() })
            .where('org_id', '=', org.id)
            .execute();
          throw err;
        }
        const { page: result, events } = fetched;
        crashPoint('ingest.after-fetch');
        const now = d.clock.now();
        // A short page means we read everything Box had at this moment (Box may return fewer than
        // `limit` while more exist, but then the next poll comes right away anyway).
        const caughtUp = result.entries.length < limit;
        if (!caughtUp && page + 1 < PAGES_PER_TICK && !signal?.aborted)
          ahead = { from: result.nextStreamPosition, fetched: fetchPage(result.nextStreamPosition) };
        const pageNewest = events.reduce<Date | null>(
          (m, e) => (!m || e.createdAt > m ? e.createdAt : m),
          newest,
        );
        await d.store.prepare(events);
        const fresh = await d.database.transaction(async (trx) => {
          await assertLease(trx, leaseName(org.id), d.instanceId, ttl, now);
          const stored = await storeAndAnnounce(d, trx, org.id, events);
          await trx
            .updateTable('event.org_streams')
            .set((eb) => ({
              stream_position: result.nextStreamPosition,
              last_poll_at: now,
              ...(caughtUp ? { caught_up_at: now } : {}),
              newest_event_at: pageNewest,
              events_stored: eb('events_stored', '+', stored.length),
              last_error: null,
              updated_at: now,
            }))
            .where('org_id', '=', org.id)
            .execute();
          return stored;
        });
        crashPoint('ingest.after-commit');
        position = result.nextStreamPosition;
        newest = pageNewest;
        d.metrics.boxEventsIngested.inc({ org: org.id }, fresh.length);
        if (caughtUp) return false;
      }
      return true;
    } finally {
      await refreshOrgLag(org.id).catch(() => {});
    }
  }

  /**
   * The position expired (we were away longer than the stream's retention): restart from the oldest
   * retained event and back-fill from `admin_logs` what may have dropped out of the stream since the
   * newest event we stored (an hour earlier, for events recorded late). The restart and the
   * back-fill it needs commit together, under the lease: a crash between them must not leave a
   * restarted stream without the back-fill of its gap.
   */
  async function recoverExpiredPosition(orgId: string, newest: Date | null, ttl: number): Promise<void> {
    const now = d.clock.now();
    d.log.warn(
      { org: orgId },
      'stream position expired; restarting from the oldest retained event and back-filling the gap',
    );
    const from = new Date((newest ?? new Date(now.getTime() - 365 * 86_400_000)).getTime() - 3_600_000);
    await d.database.transaction(async (trx) => {
      await assertLease(trx, leaseName(orgId), d.instanceId, ttl, now);
      await trx
        .updateTable('event.org_streams')
        .set({ stream_position: '0', updated_at: now })
        .where('org_id', '=', orgId)
        .execute();
      await backfills.start(orgId, from, now, trx);
    });
    onBackfillScheduled?.();
  }

  async function refreshOrgLag(orgId: string): Promise<void> {
    const s = await db
      .selectFrom('event.org_streams')
      .select(['caught_up_at', 'newest_event_at', 'last_poll_at'])
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (!s) return;
    d.metrics.boxIngestLag.set({ org: orgId }, ingestLag(s, d.clock.now()).seconds);
  }

  return {
    async tick(signal) {
      const orgs = (await d.clients.identity().organizations()).filter(
        (o): o is OrganizationSummary & { boxEnterpriseId: string } => !!o.boxEnterpriseId,
      );
      let more = false;
      for (const org of orgs) {
        if (signal?.aborted) break;
        try {
          if (await ingestOrg(org, signal)) more = true;
        } catch (err) {
          if (err instanceof LeaseLostError) continue;
          d.log.warn({ org: org.id, err: (err as Error).message }, 'ingestion failed; will retry');
        }
      }
      return more;
    },
    async refreshLag() {
      const rows = await db.selectFrom('event.org_streams').select('org_id').execute();
      for (const r of rows) {
        d.metrics.boxEventsIngested.inc({ org: r.org_id }, 0);
        await refreshOrgLag(r.org_id);
      }
    },
  };
}
