/** Who is calling: a signed-in user (by session JWT, cookie or personal API token) or another service. */
import type { Role } from '../messaging/catalogue.ts';

export const SCOPES = ['read', 'write', 'admin', 'ledger:read'] as const;
export type Scope = (typeof SCOPES)[number];

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  orgId: string;
  roles: Role[];
  scopes: Scope[];
  /** Session id (JWT `sid`) or API token id. */
  sessionId: string;
  via: 'bearer' | 'cookie' | 'api-token';
  /** Token issue time (seconds), to compare with a user's revocation time. */
  issuedAt: number;
}

export interface ServicePrincipal {
  kind: 'service';
  name: string;
}

export type Principal = UserPrincipal | ServicePrincipal;

/** Scopes a session of a user with these roles carries: everything the roles allow. */
export function scopesForRoles(roles: Role[]): Scope[] {
  const scopes: Scope[] = ['read', 'write'];
  if (roles.includes('AUDIT_ADMIN')) scopes.push('admin', 'ledger:read');
  return scopes;
}

export function hasRole(p: UserPrincipal, ...roles: Role[]): boolean {
  return roles.some((r) => p.roles.includes(r));
}
