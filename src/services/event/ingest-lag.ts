/**
 * Ingestion freshness (docs/architecture.md, "Ingestion freshness"): how long ago the ingester last
 * knew it had everything Box had. One definition for the `auditor_box_ingest_lag_seconds` gauge and
 * the ingest-status API, so the page and the alerts never disagree.
 */
import type { OrgStreamRow } from './event-tables.ts';

export type LagReference = 'caught-up' | 'newest-event' | 'none';

export function ingestLag(
  s: Pick<OrgStreamRow, 'caught_up_at' | 'newest_event_at' | 'last_poll_at'>,
  now: Date,
): { seconds: number; reference: LagReference; since: Date | null } {
  // Caught up: the last poll reached the head of the stream, so that poll is the reference (a quiet
  // enterprise shows a small lag, not a growing one). Catching up: the newest event stored so far.
  const caughtUp =
    s.caught_up_at !== null &&
    s.last_poll_at !== null &&
    s.caught_up_at.getTime() === s.last_poll_at.getTime();
  const since = caughtUp ? s.caught_up_at : s.newest_event_at;
  if (!since) return { seconds: 0, reference: 'none', since: null };
  return {
    seconds: Math.max(0, (now.getTime() - since.getTime()) / 1000),
    reference: caughtUp ? 'caught-up' : 'newest-event',
    since,
  };
}
