/**
 * Sessions: a session is a refresh-token family. Refresh tokens rotate on every use and are stored
 * hashed; presenting one that was already used means it was stolen or replayed, so the whole family
 * (the session) is revoked. Access tokens carry the session id, so revoking a session voids them too.
 */
import { randomUUID } from 'node:crypto';
import { scopesForRoles } from '../../platform/auth/principal.ts';
import { unauthorized } from '../../platform/errors.ts';
import type { IdentityDeps } from './identity-deps.ts';
import type { IdentityTrx, UserRow } from './identity-tables.ts';
import { newRefreshToken, sha256 } from './opaque-tokens.ts';

export interface SessionTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  sessionId: string;
}

export interface ClientMeta {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export function createSessions(d: IdentityDeps) {
  async function sign(user: UserRow, sessionId: string) {
    return d.signer.sign(
      {
        userId: user.id,
        orgId: user.org_id,
        roles: user.roles,
        scopes: scopesForRoles(user.roles),
        sessionId,
      },
      d.clock.now(),
    );
  }

  async function insertRefreshToken(trx: IdentityTrx, sessionId: string, expiresAt: Date): Promise<string> {
    const token = newRefreshToken();
    await trx
      .insertInto('identity.refresh_tokens')
      .values({
        token_hash: sha256(token),
        session_id: sessionId,
        created_at: d.clock.now(),
        expires_at: expiresAt,
        used_at: null,
      })
      .execute();
    return token;
  }

  /** Voids every token of a user issued until now (disable, delete, role change, password reset). */
  async function revokeUser(trx: IdentityTrx, userId: string, reason: string): Promise<() => void> {
    const now = d.clock.now();
    // Whole seconds, like JWT `iat`; tokens issued in this same second die with the session revocation below.
    const validAfter = new Date(Math.floor(now.getTime() / 1000) * 1000);
    await trx
      .updateTable('identity.users')
      .set({ tokens_valid_after: validAfter, updated_at: now })
      .where('id', '=', userId)
      .execute();
    const sessions = await trx
      .updateTable('identity.sessions')
      .set({ revoked_at: now, revoked_reason: reason })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    // Applied to the in-memory list only after commit (the caller runs the returned function).
    return () => {
      d.revocations.revokeUser(userId, Math.floor(validAfter.getTime() / 1000));
      for (const s of sessions) d.revocations.revokeSession(s.id);
    };
  }

  return {
    revokeUser,

    async issue(user: UserRow, meta: ClientMeta): Promise<SessionTokens> {
      const now = d.clock.now();
      const sessionId = randomUUID();
      const expiresAt = new Date(now.getTime() + d.config.AUDITOR_REFRESH_TOKEN_TTL);
      const refreshToken = await d.database.transaction(async (trx) => {
        await trx
          .insertInto('identity.sessions')
          .values({
            id: sessionId,
            user_id: user.id,
            created_at: now,
            expires_at: expiresAt,
            last_used_at: now,
            revoked_at: null,
            revoked_reason: null,
            user_agent: meta.userAgent?.slice(0, 300) ?? null,
            ip: meta.ip ?? null,
          })
          .execute();
        await trx
          .updateTable('identity.users')
          .set({ last_login_at: now })
          .where('id', '=', user.id)
          .execute();
        return insertRefreshToken(trx, sessionId, expiresAt);
      });
      const { token, expiresIn } = await sign(user, sessionId);
      return { accessToken: token, expiresIn, refreshToken, sessionId };
    },

    async refresh(presented: string): Promise<SessionTokens & { user: UserRow }> {
      const now = d.clock.now();
      const hash = sha256(presented);
      const outcome = await d.database.transaction(async (trx) => {
        const row = await trx
          .selectFrom('identity.refresh_tokens as r')
          .innerJoin('identity.sessions as s', 's.id', 'r.session_id')
          .select([
            'r.used_at',
            'r.expires_at',
            's.id as session_id',
            's.user_id',
            's.revoked_at',
            's.expires_at as session_expires_at',
          ])
          .where('r.token_hash', '=', hash)
          .forUpdate()
          .executeTakeFirst();
        if (!row) return { kind: 'invalid' as const };
        if (row.used_at) {
          await trx
            .updateTable('identity.sessions')
            .set({ revoked_at: now, revoked_reason: 'refresh token reused' })
            .where('id', '=', row.session_id)
            .where('revoked_at', 'is', null)
            .execute();
          return { kind: 'reused' as const, sessionId: row.session_id };
        }
        if (row.revoked_at || row.expires_at < now || row.session_expires_at < now)
          return { kind: 'invalid' as const };
        const user = await d.users.userById(trx, row.user_id);
        if (!user || user.disabled_at) return { kind: 'invalid' as const };
        await trx
          .updateTable('identity.refresh_tokens')
          .set({ used_at: now })
          .where('token_hash', '=', hash)
          .execute();
        await trx
          .updateTable('identity.sessions')
          .set({ last_used_at: now })
          .where('id', '=', row.session_id)
          .execute();
        const refreshToken = await insertRefreshToken(trx, row.session_id, row.session_expires_at);
        return { kind: 'ok' as const, user, sessionId: row.session_id, refreshToken };
      });
      if (outcome.kind === 'reused') {
        d.revocations.revokeSession(outcome.sessionId);
        d.log.warn({ session_id: outcome.sessionId }, 'refresh token reuse detected; session revoked');
        throw unauthorized('REFRESH_TOKEN_REUSED');
      }
      if (outcome.kind === 'invalid') throw unauthorized('REFRESH_TOKEN_INVALID');
      const { token, expiresIn } = await sign(outcome.user, outcome.sessionId);
      return {
        accessToken: token,
        expiresIn,
        refreshToken: outcome.refreshToken,
        sessionId: outcome.sessionId,
        user: outcome.user,
      };
    },

    /** Ends a session, found by its id or by one of its refresh tokens. */
    async logout(by: { sessionId?: string | undefined; refreshToken?: string | undefined }): Promise<void> {
      const now = d.clock.now();
      let sessionId = by.sessionId;
      if (!sessionId && by.refreshToken) {
        const row = await d.db
          .selectFrom('identity.refresh_tokens')
          .select('session_id')
          .where('token_hash', '=', sha256(by.refreshToken))
          .executeTakeFirst();
        sessionId = row?.session_id;
      }
      if (!sessionId) return;
      await d.db
        .updateTable('identity.sessions')
        .set({ revoked_at: now, revoked_reason: 'logout' })
        .where('id', '=', sessionId)
        .where('revoked_at', 'is', null)
        .execute();
      d.revocations.revokeSession(sessionId);
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
