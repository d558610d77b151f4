/**
 * What other services ask the audit service: may this user see this item (and through which audit
 * sets), the scope of a user's event searches, server-side access records, which sets monitor a file,
 * and the items of a set. Authorisation of objects the audit service owns is decided here, once.
 */
import type { Role } from '../../platform/messaging/catalogue.ts';
import type { ServiceHttpClient } from '../../platform/service-http-client.ts';
import type { ItemRef } from '../file/file-client.ts';
import type { TopItem } from './allow-rules.ts';

export interface Requester {
  userId: string;
  orgId: string;
  roles: Role[];
}

export interface AccessDecision {
  allowed: boolean;
  /** Live sets through which the user may see the item (empty for audit admins' org-wide access). */
  setIds: string[];
}

export type SearchScope = { all: true } | { all: false; tops: TopItem[] };

export interface MonitoringSet {
  setId: string;
  name: string;
  /** Owners and co-owners (notified of tampering). */
  notifyUserIds: string[];
}

export interface AccessLogEntry {
  orgId: string;
  userId: string;
  itemId: string;
  itemType: 'file' | 'folder';
  setId: string | null;
  action: 'VIEW' | 'PREVIEW' | 'DOWNLOAD';
}

export interface AuditClient {
  /** `ancestorIds` of the item (root first); the caller has them from the file service. */
  access(
    user: Requester,
    item: ItemRef & { ancestorIds: string[] },
    o?: { setId?: string },
  ): Promise<AccessDecision>;
  /** Whole organisation for audit admins (unless a set is asked for), else the allowed top items of the user's sets. */
  searchScope(user: Requester, o?: { setId?: string }): Promise<SearchScope>;
  logAccess(entry: AccessLogEntry): Promise<void>;
  /** Live sets whose rules allow the file (for verification status and tamper notifications). */
  setsMonitoring(orgId: string, fileId: string, ancestorIds: string[]): Promise<MonitoringSet[]>;
  /** The top items of a set, if the user may view it (verification of a whole set). */
  setItems(user: Requester, setId: string): Promise<TopItem[]>;
  /** Every monitored top item of an organisation (scheduled verification). */
  monitoredItems(orgId: string): Promise<{ setId: string; item: TopItem; ownerBoxUserId: string | null }[]>;
}

export function createAuditHttpClient(http: ServiceHttpClient): AuditClient {
  const call = <T>(path: string, body: unknown) => http.call<T>('POST', `/internal/audit/${path}`, body);
  return {
    access: (user, item, o) => call('access', { user, item, setId: o?.setId ?? null }),
    searchScope: (user, o) => call('search-scope', { user, setId: o?.setId ?? null }),
    logAccess: (entry) => call('access-log', entry),
    setsMonitoring: async (orgId, fileId, ancestorIds) =>
      (await call<{ items: MonitoringSet[] }>('sets-monitoring', { orgId, fileId, ancestorIds })).items,
    setItems: async (user, setId) => (await call<{ items: TopItem[] }>('set-items', { user, setId })).items,
    monitoredItems: async (orgId) =>
      (
        await call<{ items: Awaited<ReturnType<AuditClient['monitoredItems']>> }>('monitored-items', {
          orgId,
        })
      ).items,
  };
}
