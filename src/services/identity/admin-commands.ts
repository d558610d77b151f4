/**
 * Operator commands (`auditor admin bootstrap|token`), run in-process or through the admin socket.
 * Bootstrap creates an organisation and its first audit admin with a password, for installations that
 * start without Box sign-in; `token` mints a personal API token for an existing user.
 */
import { scopesForRoles, type UserPrincipal } from '../../platform/auth/principal.ts';
import { parseDuration } from '../../platform/duration.ts';
import type { ApiTokens } from './api-tokens.ts';
import type { IdentityDeps } from './identity-deps.ts';
import type { UserRow } from './identity-tables.ts';
import { assertPasswordPolicy } from './passwords.ts';
import type { NewExternalAuditor, UserManagement } from './user-management.ts';

export function createAdminCommands(d: IdentityDeps, tokens: ApiTokens, users: UserManagement) {
  return {
    async bootstrap(input: { org: string; email: string; password: string; name?: string }) {
      assertPasswordPolicy(input.password);
      const passwordHash = await d.hasher.hash(input.password);
      const now = d.clock.now();
      return d.database.transaction(async (trx) => {
        if (await d.users.userByEmail(trx, input.email))
          throw new Error(`a user with email ${input.email} already exists`);
        const org = await d.users.createOrganization(trx, input.org, null, now);
        const user = await d.users.createUser(
          trx,
          {
            orgId: org.id,
            email: input.email,
            name: input.name ?? 'Administrator',
            kind: 'local',
            roles: ['AUDIT_ADMIN'],
            passwordHash,
          },
          now,
        );
        await d.publish(trx, {
          topic: 'identity.user_created',
          key: user.id,
          payload: { v: 1, orgId: org.id, actorId: null, userId: user.id, kind: 'local', roles: user.roles },
        });
        return { organizationId: org.id, userId: user.id };
      });
    },

    /** Creates an external auditor as if `admin` did it in the UI (demo set-up, operator scripts). */
    async createExternalAuditor(admin: UserRow, input: NewExternalAuditor) {
      const actor: UserPrincipal = {
        kind: 'user',
        userId: admin.id,
        orgId: admin.org_id,
        roles: admin.roles,
        scopes: scopesForRoles(admin.roles),
        sessionId: 'operator',
        via: 'api-token',
        issuedAt: Math.floor(d.clock.now().getTime() / 1000),
      };
      return users.createExternalAuditor(actor, input);
    },

    async token(input: { email: string; ttl?: string; name?: string }) {
      const user = await d.users.userByEmail(d.db, input.email);
      if (!user || user.disabled_at) throw new Error(`no active user with email ${input.email}`);
      const ttlMs = input.ttl ? parseDuration(input.ttl) : undefined;
      if (input.ttl && !ttlMs) throw new Error(`--ttl ${input.ttl} is not a duration (e.g. 30d, 12h)`);
      const minted = await tokens.mint(user, input.name ?? 'cli', scopesForRoles(user.roles), ttlMs);
      return { token: minted.token, id: minted.id, scopes: minted.scopes, expiresAt: minted.expiresAt };
    },
  };
}

export type AdminCommands = ReturnType<typeof createAdminCommands>;
