/**
 * Live ingestion of each organisation's enterprise event stream (`admin_logs_streaming`, Box's
 * recommendation for tailing; at-least-once, unordered, positions opaque). One replica ingests per
 * organisation (a lease in the database; another takes over once it lapses). Each page is committed
 * with its cursor (stored-page.ts). An expired position restarts from the oldest retained event and
 * schedules a back-fill of the gap on `admin_logs`.
 */
import { BoxError } from '../../box/box-errors.ts';
import { crashPoint } from '../../platform/crash-points.ts';
import type { OrganizationSummary } from '../identity/identity-client.ts';
import type { Backfills } from './backfill.ts';
import type { EventDeps } from './event-deps.ts';
import { MalformedEventError, type NormalizedEvent, normalizeEvent } from './normalize-event.ts';
import { assertLease, LeaseLostError, storeAndAnnounce } from './stored-page.ts';

/** Pages per organisation per tick before yielding to the others. */
const PAGES_PER_TICK = 20;

export interface Ingester {
  /** One pass over every organisation; true when some organisation has more to read right away. */
  tick(signal?: AbortSignal): Promise<boolean>;
  /** Updates the lag gauge of every known organisation (also at start-up). */
  refreshLag(): Promise<void>;
}

export function createIngester(d: EventDeps, backfills: Backfills): Ingester {
  const db = d.database.db;
  const leaseName = (orgId: string) => `ingest:${orgId}`;

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
    for (let page = 0; page < PAGES_PER_TICK && !signal?.aborted; page++) {
      const stream = await ensureStream(org);
      // A new organisation starts with the retained fortnight (position 0); older history is a back-fill.
      const position = stream.stream_position ?? '0';
      let result: Awaited<ReturnType<typeof box.events>>;
      try {
        result = await box.events({
          streamType: 'admin_logs_streaming',
          streamPosition: position,
          limit,
          eventTypes,
        });
      } catch (err) {
        if (err instanceof BoxError && err.failure === 'stream_position_expired') {
          await recoverExpiredPosition(org.id, stream.newest_event_at);
          continue;
        }
        await db
          .updateTable('event.org_streams')
          .set({ last_error: String((err as Error).message).slice(0, 300), updated_at: d.clock.now() })
          .where('org_id', '=', org.id)
          .execute();
        throw err;
      }
      crashPoint('ingest.after-fetch');
      const events = normalizeAll(result.entries, org.id);
      const now = d.clock.now();
      // A short page means we read everything Box had at this moment (Box may return fewer than
      // `limit` while more exist, but then the next poll comes right away anyway).
      const caughtUp = result.entries.length < limit;
      const newest = events.reduce<Date | null>(
        (m, e) => (!m || e.createdAt > m ? e.createdAt : m),
        stream.newest_event_at,
      );
      const fresh = await d.database.transaction(async (trx) => {
        await assertLease(trx, leaseName(org.id), d.instanceId, ttl, now);
        const stored = await storeAndAnnounce(d, trx, org.id, events);
        await trx
          .updateTable('event.org_streams')
          .set({
            stream_position: result.nextStreamPosition,
            last_poll_at: now,
            ...(caughtUp ? { caught_up_at: now } : {}),
            newest_event_at: newest,
            events_stored: stream.events_stored + stored.length,
            last_error: null,
            updated_at: now,
          })
          .where('org_id', '=', org.id)
          .execute();
        return stored;
      });
      crashPoint('ingest.after-commit');
      d.metrics.boxEventsIngested.inc({ org: org.id }, fresh.length);
      await refreshOrgLag(org.id);
      if (caughtUp) return false;
    }
    return true;
  }

  async function recoverExpiredPosition(orgId: string, newest: Date | null): Promise<void> {
    const now = d.clock.now();
    d.log.warn(
      { org: orgId },
      'stream position expired; restarting from the oldest retained event and back-filling the gap',
    );
    await db
      .updateTable('event.org_streams')
      .set({ stream_position: '0', updated_at: now })
      .where('org_id', '=', orgId)
      .execute();
    const from = new Date((newest ?? new Date(now.getTime() - 365 * 86_400_000)).getTime() - 3_600_000);
    await backfills.start(orgId, from, now);
  }

  async function refreshOrgLag(orgId: string): Promise<void> {
    const s = await db
      .selectFrom('event.org_streams')
      .select(['caught_up_at', 'newest_event_at', 'last_poll_at'])
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (!s) return;
    // Freshness: how long ago we last knew we had everything Box had. Caught up: the last poll that
    // reached the head of the stream; catching up: the newest event stored so far.
    const reference =
      s.caught_up_at && s.last_poll_at && s.caught_up_at.getTime() === s.last_poll_at.getTime()
        ? s.caught_up_at
        : s.newest_event_at;
    const lag = reference ? Math.max(0, (d.clock.now().getTime() - reference.getTime()) / 1000) : 0;
    d.metrics.boxIngestLag.set({ org: orgId }, lag);
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
