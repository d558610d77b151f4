/**
 * Box sign-in (product.md F1.1): the server-side authorization-code flow with `state` and PKCE. The
 * state is stored hashed with its PKCE verifier (encrypted) and bound to the browser by an httpOnly
 * cookie, so a sign-in cannot be started in one browser and finished in another (login CSRF). The
 * code exchange and the client secret never touch the browser. The first sign-in creates the
 * organisation (the Box enterprise) and the user: GENERAL_USER, plus AUDIT_ADMIN for the enterprise
 * admin. Box tokens are stored encrypted.
 */
import { createHash, randomBytes } from 'node:crypto';
import { BoxError, boxErrorToAppError } from '../../box/box-errors.ts';
import type { BoxEnterpriseUser } from '../../box/box-model.ts';
import type { OAuthFlow } from '../../box/oauth-flow.ts';
import { isUniqueViolation } from '../../platform/db/database-errors.ts';
import { AppError, badRequest, conflict, forbidden } from '../../platform/errors.ts';
import type { Role } from '../../platform/messaging/catalogue.ts';
import type { IdentityDeps } from './identity-deps.ts';
import type { IdentityTrx, UserRow } from './identity-tables.ts';
import { sha256 } from './opaque-tokens.ts';

const STATE_TTL_MS = 10 * 60_000;

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Only same-site relative paths: `returnTo` must never become an open redirect. */
export function safeReturnTo(value: string | undefined): string {
  return value && /^\/(?![/\\])[^\s]*$/.test(value) ? value : '/';
}

export function createBoxSignIn(d: IdentityDeps, oauth: () => OAuthFlow, redirectUri: string) {
  async function upsertUser(trx: IdentityTrx, me: BoxEnterpriseUser): Promise<UserRow> {
    if (!me.enterprise) throw forbidden('BOX_USER_NOT_IN_ENTERPRISE');
    const now = d.clock.now();
    const org =
      (await d.users.organizationByEnterprise(trx, me.enterprise.id)) ??
      (await d.users.createOrganization(
        trx,
        me.enterprise.name || `Box enterprise ${me.enterprise.id}`,
        me.enterprise.id,
        now,
      ));
    const isAdmin = me.role === 'admin';
    const existing = await d.users.userByBoxId(trx, org.id, me.id);
    if (!existing) {
      if (await d.users.userByEmail(trx, me.login)) throw conflict('EMAIL_TAKEN');
      const roles: Role[] = isAdmin ? ['AUDIT_ADMIN', 'GENERAL_USER'] : ['GENERAL_USER'];
      const user = await d.users.createUser(
        trx,
        {
          orgId: org.id,
          email: me.login,
          name: me.name || me.login,
          kind: 'box',
          roles,
          boxUserId: me.id,
          boxRole: me.role,
          language: me.language === 'ja' ? 'ja' : 'en',
        },
        now,
      );
      await d.publish(trx, {
        topic: 'identity.user_created',
        key: user.id,
        payload: { v: 1, orgId: org.id, actorId: user.id, userId: user.id, kind: 'box', roles },
      });
      return user;
    }
    if (existing.disabled_at) throw forbidden('ACCOUNT_DISABLED');
    const changes: string[] = [];
    const set: Partial<UserRow> = { updated_at: now };
    const updates: [keyof UserRow, unknown, unknown, string][] = [
      ['name', existing.name, me.name || existing.name, 'name'],
      ['email', existing.email, me.login, 'email'],
      ['box_role', existing.box_role, me.role, 'boxRole'],
    ];
    for (const [column, before, after, change] of updates) {
      if (before === after) continue;
      (set as Record<string, unknown>)[column] = after;
      changes.push(change);
    }
    // The enterprise admin always holds AUDIT_ADMIN (product.md §2).
    const roles =
      isAdmin && !existing.roles.includes('AUDIT_ADMIN')
        ? ([...existing.roles, 'AUDIT_ADMIN'] as Role[])
        : existing.roles;
    if (roles !== existing.roles) set.roles = roles;
    if (changes.length === 0 && roles === existing.roles) return existing;
    await trx.updateTable('identity.users').set(set).where('id', '=', existing.id).execute();
    if (changes.length > 0) {
      await d.publish(trx, {
        topic: 'identity.user_updated',
        key: existing.id,
        payload: { v: 1, orgId: org.id, actorId: existing.id, userId: existing.id, changes },
      });
    }
    if (roles !== existing.roles) {
      await d.publish(trx, {
        topic: 'identity.roles_changed',
        key: existing.id,
        payload: {
          v: 1,
          orgId: org.id,
          actorId: null,
          userId: existing.id,
          roles,
          previousRoles: existing.roles,
        },
      });
    }
    return { ...existing, ...set } as UserRow;
  }

  async function storeTokens(
    trx: IdentityTrx,
    userId: string,
    tokens: { accessToken: string; refreshToken: string | null; expiresIn: number },
  ) {
    const now = d.clock.now();
    const row = {
      user_id: userId,
      access_token: d.encryptor.encrypt(tokens.accessToken, `box-access:${userId}`),
      refresh_token: tokens.refreshToken
        ? d.encryptor.encrypt(tokens.refreshToken, `box-refresh:${userId}`)
        : null,
      access_expires_at: new Date(now.getTime() + tokens.expiresIn * 1000),
      updated_at: now,
    };
    await trx
      .insertInto('identity.box_tokens')
      .values(row)
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...row }))
      .execute();
  }

  return {
    /** Starts a sign-in: returns Box's authorize URL and the state to bind to the browser. */
    async begin(returnTo: string | undefined): Promise<{ url: string; state: string }> {
      const state = randomBytes(32).toString('base64url');
      const { verifier, challenge } = pkcePair();
      const now = d.clock.now();
      await d.db
        .insertInto('identity.oauth_states')
        .values({
          state_hash: sha256(state),
          code_verifier: d.encryptor.encrypt(verifier, 'pkce'),
          return_to: safeReturnTo(returnTo),
          created_at: now,
          expires_at: new Date(now.getTime() + STATE_TTL_MS),
          used_at: null,
        })
        .execute();
      return { url: oauth().authorizeUrl({ state, codeChallenge: challenge, redirectUri }), state };
    },

    /** Finishes a sign-in from Box's redirect. `boundState` is the state cookie of this browser. */
    async complete(input: {
      code: string;
      state: string;
      boundState: string | undefined;
    }): Promise<{ user: UserRow; returnTo: string }> {
      if (!input.boundState || input.boundState !== input.state) throw badRequest('OAUTH_STATE_INVALID');
      const now = d.clock.now();
      const row = await d.db
        .updateTable('identity.oauth_states')
        .set({ used_at: now })
        .where('state_hash', '=', sha256(input.state))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['code_verifier', 'return_to'])
        .executeTakeFirst();
      if (!row) throw badRequest('OAUTH_STATE_INVALID');
      const user = await this.signInWithCode({
        code: input.code,
        codeVerifier: d.encryptor.decrypt(row.code_verifier, 'pkce'),
      });
      return { user, returnTo: row.return_to ?? '/' };
    },

    /** Exchanges a code and creates or updates the user (also used by the demo's automatic sign-in). */
    async signInWithCode(input: { code: string; codeVerifier: string }): Promise<UserRow> {
      let me: BoxEnterpriseUser;
      let tokens: Awaited<ReturnType<OAuthFlow['exchangeCode']>>;
      try {
        tokens = await oauth().exchangeCode({
          code: input.code,
          codeVerifier: input.codeVerifier,
          redirectUri,
        });
        me = await oauth().currentUser(tokens.accessToken);
      } catch (err) {
        if (err instanceof AppError) throw err;
        const status = err instanceof BoxError && err.failure === 'unavailable' ? 503 : 400;
        throw new AppError('OAUTH_EXCHANGE_FAILED', { status, cause: err });
      }
      const upsert = () =>
        d.database.transaction(async (trx) => {
          const user = await upsertUser(trx, me);
          await storeTokens(trx, user.id, tokens);
          return user;
        });
      try {
        return await upsert();
      } catch (err) {
        // The first sign-ins of a new enterprise (or one person in two tabs) race to create the same
        // organisation or user; the loser finds the winner's rows on a second try.
        if (!isUniqueViolation(err)) throw err;
        return upsert();
      }
    },

    /**
     * A fresh Box access token for a user, refreshing (and persisting the new single-use refresh
     * token) under a row lock so two refreshes cannot race and burn the token.
     */
    async boxAccessToken(userId: string): Promise<string> {
      const token = await d.database.transaction(async (trx) => {
        const row = await trx
          .selectFrom('identity.box_tokens')
          .selectAll()
          .where('user_id', '=', userId)
          .forUpdate()
          .executeTakeFirst();
        if (!row) throw new AppError('BOX_NOT_CONFIGURED', { status: 409 });
        const now = d.clock.now();
        if (row.access_expires_at.getTime() - now.getTime() > 60_000)
          return d.encryptor.decrypt(row.access_token, `box-access:${userId}`);
        if (!row.refresh_token) return null;
        let fresh: Awaited<ReturnType<OAuthFlow['refresh']>>;
        try {
          fresh = await oauth().refresh(d.encryptor.decrypt(row.refresh_token, `box-refresh:${userId}`));
        } catch (err) {
          if (!(err instanceof BoxError)) throw err;
          if (err.failure !== 'bad_request' && err.failure !== 'unauthorized') throw boxErrorToAppError(err);
          // Box refused the refresh token (used, revoked or expired): it will never work again, so it
          // is forgotten rather than sent again; the user signs in with Box anew.
          await trx
            .updateTable('identity.box_tokens')
            .set({ refresh_token: null, updated_at: now })
            .where('user_id', '=', userId)
            .execute();
          return null;
        }
        await storeTokens(trx, userId, fresh);
        return fresh.accessToken;
      });
      if (token === null) throw new AppError('OAUTH_EXCHANGE_FAILED', { status: 409 });
      return token;
    },
  };
}

export type BoxSignIn = ReturnType<typeof createBoxSignIn>;
