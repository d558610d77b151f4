/**
 * Committing one page of events: the new events, the cursor that follows them and the `event.stored`
 * announcement in ONE transaction, under a still-valid lease (a replica that lost its lease while
 * fetching cannot move the cursor behind the new leader's back). A crash anywhere means the page is
 * fetched again and de-duplicated: nothing is lost, nothing stored twice.
 */
import { sql } from 'kysely';
import { crashPoint } from '../../platform/crash-points.ts';
import type { EventDeps } from './event-deps.ts';
import type { EventTrx } from './event-tables.ts';
import type { NormalizedEvent } from './normalize-event.ts';

export class LeaseLostError extends Error {
  constructor(name: string) {
    super(`lease ${name} was lost; another replica ingests now`);
  }
}

/**
 * Renews the lease inside the page's transaction, or throws if another replica has taken it since
 * this one acquired it. Ownership is the fence, not expiry: a replica that took over has its own id
 * in the row (and a released lease has no row), so a lease still naming us means nobody else moved
 * the cursor meanwhile — even if it lapsed while we waited for Box (a Retry-After longer than the
 * TTL), in which case committing is still safe and the fetched page is not wasted.
 */
export async function assertLease(
  trx: EventTrx,
  name: string,
  owner: string,
  ttlMs: number,
  now: Date,
): Promise<void> {
  const res = await sql`update event.leases set expires_at = ${new Date(now.getTime() + ttlMs)}
                        where name = ${name} and owner = ${owner} returning name`.execute(trx);
  if (res.rows.length === 0) throw new LeaseLostError(name);
}

/** Stores a page inside `trx` and announces the new events; returns the new ones. */
export async function storeAndAnnounce(
  d: EventDeps,
  trx: EventTrx,
  orgId: string,
  events: NormalizedEvent[],
): Promise<NormalizedEvent[]> {
  const fresh = await d.store.store(trx, orgId, events);
  if (fresh.length > 0) {
    await d.publish(trx, {
      topic: 'event.stored',
      key: orgId,
      payload: {
        v: 1,
        orgId,
        actorId: null,
        events: fresh.map((e) => ({
          eventId: e.eventId,
          leafHash: e.leafHash.toString('base64'),
          type: e.type,
          itemId: e.itemId,
          itemType: e.itemType,
          ownerBoxUserId: e.ownerId,
          createdAt: e.createdAt.toISOString(),
        })),
      },
    });
  }
  crashPoint('ingest.before-commit');
  return fresh;
}
