/**
 * What other services ask identity: token introspection, the revocation list, and user summaries.
 * In all-in-one mode the identity service itself implements this; in distributed mode the HTTP client
 * below calls identity's internal routes.
 */
import type { Introspection } from '../../platform/auth/verifier.ts';
import type { Role } from '../../platform/messaging/catalogue.ts';
import type { ServiceHttpClient } from '../../platform/service-http-client.ts';
import type { RevocationList } from './revocations.ts';

export interface UserSummary {
  id: string;
  orgId: string;
  email: string;
  name: string;
  kind: 'box' | 'external' | 'local';
  roles: Role[];
  boxUserId: string | null;
  active: boolean;
  language: 'en' | 'ja';
}

export interface OrganizationSummary {
  id: string;
  name: string;
  /** The Box enterprise this organisation is; null for organisations without Box (bootstrap only). */
  boxEnterpriseId: string | null;
}

export interface IdentityClient {
  organizations(): Promise<OrganizationSummary[]>;
  introspect(token: string): Promise<Introspection | null>;
  revocations(): Promise<RevocationList>;
  /** Summaries of users (deleted ones included, marked inactive), in no particular order. */
  users(ids: string[]): Promise<UserSummary[]>;
  usersByEmail(orgId: string, emails: string[]): Promise<UserSummary[]>;
}

export function createIdentityHttpClient(http: ServiceHttpClient): IdentityClient {
  return {
    organizations: async () =>
      (await http.call<{ items: OrganizationSummary[] }>('GET', '/internal/identity/organizations')).items,
    introspect: async (token) =>
      (await http.call<{ result: Introspection | null }>('POST', '/internal/identity/introspect', { token }))
        .result,
    revocations: () => http.call<RevocationList>('GET', '/internal/identity/revocations'),
    users: async (ids) =>
      ids.length === 0
        ? []
        : (await http.call<{ items: UserSummary[] }>('POST', '/internal/identity/users', { ids })).items,
    usersByEmail: async (orgId, emails) =>
      emails.length === 0
        ? []
        : (
            await http.call<{ items: UserSummary[] }>('POST', '/internal/identity/users/by-email', {
              orgId,
              emails,
            })
          ).items,
  };
}
