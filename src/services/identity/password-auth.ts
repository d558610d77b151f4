/**
 * Password sign-in (external auditors and the bootstrap admin; Box users sign in with Box only),
 * with back-off per account and per address, optional TOTP, and password reset by an emailed,
 * single-use, expiring, attempt-limited code that never appears in a response or a log.
 */
import { randomUUID } from 'node:crypto';
import { AppError, badRequest, forbidden, unauthorized } from '../../platform/errors.ts';
import type { IdentityDeps } from './identity-deps.ts';
import type { IdentityTrx, UserRow } from './identity-tables.ts';
import { newResetCode, newStateToken, normaliseResetCode, sameHash, sha256 } from './opaque-tokens.ts';
import { assertPasswordPolicy } from './passwords.ts';
import type { ClientMeta, Sessions, SessionTokens } from './sessions.ts';
import { checkTotp } from './totp.ts';

const accountKey = (email: string) => `account:${email.toLowerCase()}`;
const addressKey = (ip: string | undefined) => `ip:${ip ?? 'unknown'}`;

export function createPasswordAuth(d: IdentityDeps, sessions: Sessions) {
  async function purgeUnused(
    trx: IdentityTrx,
    userId: string,
    purpose: 'reset' | 'invitation',
  ): Promise<void> {
    await trx
      .updateTable('identity.password_resets')
      .set({ used_at: d.clock.now() })
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .execute();
  }

  async function setPassword(trx: IdentityTrx, user: UserRow, password: string): Promise<() => void> {
    const hash = await d.hasher.hash(password);
    await trx
      .updateTable('identity.users')
      .set({ password_hash: hash, updated_at: d.clock.now() })
      .where('id', '=', user.id)
      .execute();
    const applyRevocation = await sessions.revokeUser(trx, user.id, 'password changed');
    await d.publish(trx, {
      topic: 'identity.user_updated',
      key: user.id,
      payload: { v: 1, orgId: user.org_id, actorId: user.id, userId: user.id, changes: ['password'] },
    });
    return applyRevocation;
  }

  return {
    async login(
      input: { email: string; password: string; totp?: string | undefined },
      meta: ClientMeta,
    ): Promise<SessionTokens & { user: UserRow }> {
      const now = d.clock.now();
      const keys = [accountKey(input.email), addressKey(meta.ip)];
      const wait = await d.throttle.retryAfter(keys, now);
      if (wait > 0) {
        throw new AppError('ACCOUNT_LOCKED', {
          status: 429,
          headers: { 'retry-after': String(wait) },
          params: { seconds: wait },
        });
      }
      const user = await d.users.userByEmail(d.db, input.email);
      const ok = await d.hasher.verify(user?.password_hash ?? null, input.password);
      if (!ok || !user) {
        await d.throttle.recordFailure(keys, now);
        throw unauthorized('INVALID_CREDENTIALS');
      }
      if (user.disabled_at) throw forbidden('ACCOUNT_DISABLED');
      if (user.totp_enabled && user.totp_secret) {
        if (!input.totp) throw unauthorized('TOTP_REQUIRED');
        const step = checkTotp(
          d.encryptor.decrypt(user.totp_secret, user.id),
          input.totp,
          now,
          user.totp_last_step,
        );
        if (step === null || !(await d.users.acceptTotpStep(d.db, user.id, step))) {
          await d.throttle.recordFailure(keys, now);
          throw unauthorized('TOTP_INVALID');
        }
      }
      await d.throttle.clear(keys[0]!);
      const tokens = await sessions.issue(user, meta);
      return { ...tokens, user };
    },

    /** Always answers the same, whether or not the account exists (no account enumeration). */
    async requestReset(email: string): Promise<void> {
      const user = await d.users.userByEmail(d.db, email);
      if (!user || user.disabled_at || user.kind === 'box') return;
      const code = newResetCode();
      const now = d.clock.now();
      const minutes = Math.round(d.config.AUDITOR_RESET_CODE_TTL / 60_000);
      await d.database.transaction(async (trx) => {
        await purgeUnused(trx, user.id, 'reset');
        await trx
          .insertInto('identity.password_resets')
          .values({
            id: randomUUID(),
            user_id: user.id,
            code_hash: sha256(code),
            purpose: 'reset',
            created_at: now,
            expires_at: new Date(now.getTime() + d.config.AUDITOR_RESET_CODE_TTL),
            attempts: 0,
            used_at: null,
          })
          .execute();
        await d.mail.enqueue(trx, {
          to: user.email,
          subject: user.language === 'ja' ? 'パスワードの再設定 / Password reset' : 'Password reset',
          text:
            user.language === 'ja'
              ? `パスワード再設定コード: ${code}\n有効期限: ${minutes}分。心当たりがない場合はこのメールを無視してください。\n\nYour password reset code: ${code} (valid for ${minutes} minutes).`
              : `Your password reset code: ${code}\nIt is valid for ${minutes} minutes and works once. If you did not ask for it, ignore this email.`,
        });
      });
    },

    async reset(input: { email: string; code: string; newPassword: string }): Promise<void> {
      assertPasswordPolicy(input.newPassword);
      const now = d.clock.now();
      const user = await d.users.userByEmail(d.db, input.email);
      const apply = await d.database.transaction(async (trx) => {
        if (!user || user.disabled_at) return undefined;
        const pending = await trx
          .selectFrom('identity.password_resets')
          .selectAll()
          .where('user_id', '=', user.id)
          .where('purpose', '=', 'reset')
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .orderBy('created_at', 'desc')
          .forUpdate()
          .executeTakeFirst();
        if (!pending || pending.attempts >= d.config.AUDITOR_RESET_CODE_MAX_ATTEMPTS) return undefined;
        if (!sameHash(pending.code_hash, sha256(normaliseResetCode(input.code)))) {
          const attempts = pending.attempts + 1;
          await trx
            .updateTable('identity.password_resets')
            .set({
              attempts,
              ...(attempts >= d.config.AUDITOR_RESET_CODE_MAX_ATTEMPTS ? { used_at: now } : {}),
            })
            .where('id', '=', pending.id)
            .execute();
          return undefined;
        }
        await trx
          .updateTable('identity.password_resets')
          .set({ used_at: now })
          .where('id', '=', pending.id)
          .execute();
        return setPassword(trx, user, input.newPassword);
      });
      if (!apply) throw badRequest('RESET_CODE_INVALID');
      apply();
    },

    /** Sends an invitation link with which a new external auditor sets their password. */
    async invite(trx: IdentityTrx, user: UserRow): Promise<void> {
      const token = newStateToken();
      const now = d.clock.now();
      await purgeUnused(trx, user.id, 'invitation');
      await trx
        .insertInto('identity.password_resets')
        .values({
          id: randomUUID(),
          user_id: user.id,
          code_hash: sha256(token),
          purpose: 'invitation',
          created_at: now,
          expires_at: new Date(now.getTime() + d.config.AUDITOR_INVITATION_TTL),
          attempts: 0,
          used_at: null,
        })
        .execute();
      const link = `${d.publicUrl}/accept-invitation#token=${token}`;
      await d.mail.enqueue(trx, {
        to: user.email,
        subject: user.language === 'ja' ? 'Auditor for Box への招待' : 'Your Auditor for Box invitation',
        text:
          user.language === 'ja'
            ? `${user.name} 様\n\n外部監査人としてAuditor for Boxに招待されました。次のリンクからパスワードを設定してください:\n${link}`
            : `Hello ${user.name},\n\nYou have been invited to Auditor for Box as an external auditor. Set your password here:\n${link}`,
      });
    },

    async acceptInvitation(input: { token: string; password: string }): Promise<void> {
      assertPasswordPolicy(input.password);
      const now = d.clock.now();
      const apply = await d.database.transaction(async (trx) => {
        const invitation = await trx
          .selectFrom('identity.password_resets')
          .selectAll()
          .where('code_hash', '=', sha256(input.token))
          .where('purpose', '=', 'invitation')
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .forUpdate()
          .executeTakeFirst();
        if (!invitation) return undefined;
        const user = await d.users.userById(trx, invitation.user_id);
        if (!user || user.disabled_at) return undefined;
        await trx
          .updateTable('identity.password_resets')
          .set({ used_at: now })
          .where('id', '=', invitation.id)
          .execute();
        return setPassword(trx, user, input.password);
      });
      if (!apply) throw badRequest('INVITATION_INVALID');
      apply();
    },
  };
}

export type PasswordAuth = ReturnType<typeof createPasswordAuth>;
