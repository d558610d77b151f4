/**
 * What every route declares besides its schema: who may call it, whether it is reachable through the
 * gateway, and whether it is a write (refused in maintenance mode) or a streaming route (excluded from
 * latency alerts). A route without `auth` is refused at registration: authorisation is never implicit.
 */
import type {} from 'fastify';
import type { Principal, Scope } from '../auth/principal.ts';
import type { Role } from '../messaging/catalogue.ts';

export type AuthRequirement =
  | { kind: 'public' }
  /** Any signed-in user, optionally with one of `roles`; API tokens need `scope` (default: read for GET, write otherwise). */
  | { kind: 'user'; roles?: Role[]; scope?: Scope }
  /** Another service, authenticated with the service secret. */
  | { kind: 'service' };

export const PUBLIC: AuthRequirement = { kind: 'public' };
export const SIGNED_IN: AuthRequirement = { kind: 'user' };
export const SERVICE_ONLY: AuthRequirement = { kind: 'service' };
export const ADMIN_ONLY: AuthRequirement = { kind: 'user', roles: ['AUDIT_ADMIN'], scope: 'admin' };

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRequirement;
    /** Long-lived response (export, download, progress stream). */
    stream?: boolean;
    /** Allowed in maintenance mode although it is not a GET (sign-in, refresh, logout). */
    maintenanceAllowed?: boolean;
    /** Owning service (process name), set when the route is registered. */
    service?: string;
  }
  interface FastifyRequest {
    principal?: Principal;
    /** Set by the gateway's proxy: the matched route template and owning service, for metrics. */
    proxiedRoute?: { template: string; service: string };
  }
}
