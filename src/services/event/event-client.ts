/**
 * What other services ask the event service. In all-in-one mode the event service implements it; in
 * distributed mode the HTTP client calls its internal routes.
 */
import type { ServiceHttpClient } from '../../platform/service-http-client.ts';

export interface EventLeafText {
  eventId: string;
  /** Canonical JSON (RFC 8785) text of the event exactly as Box sent it: the ledger leaf's `data`. */
  text: string;
}

export interface EventClient {
  /** Canonical texts of stored events (unknown ids are left out). */
  leafTexts(orgId: string, eventIds: string[]): Promise<EventLeafText[]>;
}

export function createEventHttpClient(http: ServiceHttpClient): EventClient {
  return {
    leafTexts: async (orgId, eventIds) =>
      eventIds.length === 0
        ? []
        : (
            await http.call<{ items: EventLeafText[] }>('POST', '/internal/events/leaf-texts', {
              orgId,
              eventIds,
            })
          ).items,
  };
}
