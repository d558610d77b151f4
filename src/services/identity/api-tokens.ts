/**
 * Personal API tokens for automation and the CLI: opaque, shown once, stored as SHA-256 hashes,
 * scoped (never more than the user's roles allow, re-checked on every introspection so a user who
 * loses a role loses it in their tokens too), revocable, optionally expiring.
 */
import { randomUUID } from 'node:crypto';
import { type Scope, scopesForRoles, type UserPrincipal } from '../../platform/auth/principal.ts';
import type { Introspection } from '../../platform/auth/verifier.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import type { IdentityDeps } from './identity-deps.ts';
import type { ApiTokenRow, UserRow } from './identity-tables.ts';
import { newApiToken, sha256 } from './opaque-tokens.ts';

export interface ApiTokenDto {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export const toApiTokenDto = (t: ApiTokenRow): ApiTokenDto => ({
  id: t.id,
  name: t.name,
  scopes: t.scopes as Scope[],
  createdAt: t.created_at.toISOString(),
  expiresAt: t.expires_at?.toISOString() ?? null,
  lastUsedAt: t.last_used_at?.toISOString() ?? null,
});

export function createApiTokens(d: IdentityDeps) {
  async function mint(user: UserRow, name: string, scopes: Scope[], ttlMs: number | undefined) {
    const allowed = scopesForRoles(user.roles);
    if (scopes.some((s) => !allowed.includes(s))) throw forbidden('SCOPE_NOT_HELD');
    const token = newApiToken();
    const now = d.clock.now();
    const row: ApiTokenRow = {
      id: randomUUID(),
      user_id: user.id,
      name,
      token_hash: sha256(token),
      scopes: [...new Set(scopes)],
      created_at: now,
      expires_at: ttlMs ? new Date(now.getTime() + ttlMs) : null,
      last_used_at: null,
      revoked_at: null,
    };
    await d.db.insertInto('identity.api_tokens').values(row).execute();
    return { token, ...toApiTokenDto(row) };
  }

  return {
    mint,

    async create(
      actor: UserPrincipal,
      input: { name: string; scopes: Scope[]; expiresInDays?: number | undefined },
    ) {
      const user = await d.users.userById(d.db, actor.userId);
      if (!user) throw notFound('USER_NOT_FOUND');
      // A token cannot mint a token with more rights than itself.
      if (actor.via === 'api-token' && input.scopes.some((s) => !actor.scopes.includes(s)))
        throw forbidden('SCOPE_NOT_HELD');
      return mint(
        user,
        input.name,
        input.scopes,
        input.expiresInDays ? input.expiresInDays * 86_400_000 : undefined,
      );
    },

    async list(actor: UserPrincipal): Promise<ApiTokenDto[]> {
      const rows = await d.db
        .selectFrom('identity.api_tokens')
        .selectAll()
        .where('user_id', '=', actor.userId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .limit(500)
        .execute();
      return rows.map(toApiTokenDto);
    },

    async revoke(actor: UserPrincipal, id: string): Promise<void> {
      const res = await d.db
        .updateTable('identity.api_tokens')
        .set({ revoked_at: d.clock.now() })
        .where('id', '=', id)
        .where('user_id', '=', actor.userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw notFound('API_TOKEN_NOT_FOUND');
      d.revocations.revokeSession(id);
    },

    async introspect(token: string): Promise<Introspection | null> {
      const now = d.clock.now();
      const row = await d.db
        .selectFrom('identity.api_tokens as t')
        .innerJoin('identity.users as u', 'u.id', 't.user_id')
        .select([
          't.id',
          't.scopes',
          't.expires_at',
          't.revoked_at',
          't.last_used_at',
          'u.id as user_id',
          'u.org_id',
          'u.roles',
          'u.disabled_at',
          'u.deleted_at',
        ])
        .where('t.token_hash', '=', sha256(token))
        .executeTakeFirst();
      if (
        !row ||
        row.revoked_at ||
        row.disabled_at ||
        row.deleted_at ||
        (row.expires_at && row.expires_at < now)
      )
        return null;
      if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
        await d.db
          .updateTable('identity.api_tokens')
          .set({ last_used_at: now })
          .where('id', '=', row.id)
          .execute();
      }
      const allowed = scopesForRoles(row.roles);
      return {
        active: true,
        userId: row.user_id,
        orgId: row.org_id,
        roles: row.roles,
        scopes: (row.scopes as Scope[]).filter((s) => allowed.includes(s)),
        tokenId: row.id,
        // The moment of this introspection: a cached answer from before a user-level revocation
        // (disable, role change) is refused by the revocation check; a fresh one reflects the change.
        issuedAt: Math.floor(now.getTime() / 1000),
      };
    },
  };
}

export type ApiTokens = ReturnType<typeof createApiTokens>;
