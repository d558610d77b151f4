/**
 * What other services ask the event service. In all-in-one mode the event service implements it; in
 * distributed mode the HTTP client calls its internal routes.
 */
import type { ServiceHttpClient } from '../../platform/service-http-client.ts';
import type { Requester } from '../audit/audit-client.ts';
import type { IngestStatus } from './ingest-status.ts';

export interface EventLeafText {
  eventId: string;
  /** Canonical JSON (RFC 8785) text of the event exactly as Box sent it: the ledger leaf's `data`. */
  text: string;
}

/** How far ingestion has got for an organisation (event.org_streams). ISO 8601 times. */
export interface IngestionWatermark {
  /**
   * The last poll that reached the head of Box's stream: every event Box had recorded by then is
   * stored. Null until the first such poll.
   */
  caughtUpAt: string | null;
  /** created_at of the newest stored event. */
  newestEventAt: string | null;
  lastPollAt: string | null;
}

/** A stored event about one item (what verification needs of it). */
export interface ItemEventRecord {
  eventId: string;
  type: string;
  createdAt: string;
  recordedAt: string | null;
  /** Box's additional_details (version_id, sha1, restored_from_version_id… for file events). */
  additionalDetails: unknown;
  /** Where the event sits in the ledger, once reconciliation has found it (else null). */
  leafIndex: number | null;
}

/** The filters of `GET /events` (product.md §6), before the caller's scope is applied. */
export interface EventSearchFilters {
  from?: string | undefined;
  to?: string | undefined;
  actor?: string[] | undefined;
  type?: string[] | undefined;
  item?: string[] | undefined;
  folder?: string | undefined;
  auditSet?: string | undefined;
  order: 'asc' | 'desc';
}

export interface ScopedEventList {
  /** The range actually searched (defaults applied). */
  from: string;
  to: string;
  events: { eventId: string; type: string; createdAt: string; itemId: string | null }[];
  /** More events matched than `max`: only the first `max` (in the requested order) are listed. */
  truncated: boolean;
}

export interface EventClient {
  /** Canonical texts of stored events (unknown ids are left out). */
  leafTexts(orgId: string, eventIds: string[]): Promise<EventLeafText[]>;
  /** The organisation's ingestion watermark, or null when ingestion never ran for it. */
  watermark(orgId: string): Promise<IngestionWatermark | null>;
  /** Stored events about an item of the given types, newest first, at most `limit` (≤ 5,000). */
  itemEvents(
    orgId: string,
    itemId: string,
    o: { types: string[]; limit: number },
  ): Promise<ItemEventRecord[]>;
  /**
   * The events `GET /events` would show this user for these filters (same scoping and validation),
   * at most `max` (≤ 10,000): what an event-search evidence bundle holds.
   */
  searchEvents(user: Requester, filters: EventSearchFilters, max: number): Promise<ScopedEventList>;
  /** The organisation's ingestion state and events per day (the operations overview). */
  ingestStatus(orgId: string): Promise<IngestStatus>;
}

export function createEventHttpClient(http: ServiceHttpClient): EventClient {
  const post = <T>(path: string, body: unknown) => http.call<T>('POST', `/internal/events/${path}`, body);
  return {
    leafTexts: async (orgId, eventIds) =>
      eventIds.length === 0
        ? []
        : (await post<{ items: EventLeafText[] }>('leaf-texts', { orgId, eventIds })).items,
    ingestStatus: (orgId) => post<IngestStatus>('ingest-status', { orgId }),
    watermark: async (orgId) =>
      (await post<{ watermark: IngestionWatermark | null }>('watermark', { orgId })).watermark,
    itemEvents: async (orgId, itemId, o) =>
      (await post<{ items: ItemEventRecord[] }>('item-events', { orgId, itemId, ...o })).items,
    searchEvents: (user, filters, max) => post<ScopedEventList>('search', { user, filters, max }),
  };
}
