/**
 * User management (product.md F1.5–F1.7 and the role rules of §2): audit admins list users, change
 * Box users' roles, and create, edit, disable and delete external auditors. Every change is published
 * (identity.*) so other services drop memberships and the ledger records who changed what.
 * Users of another organisation are reported as not found.
 */
import { randomUUID } from 'node:crypto';
import type { UserPrincipal } from '../../platform/auth/principal.ts';
import { isUniqueViolation } from '../../platform/db/database-errors.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import type { Role } from '../../platform/messaging/catalogue.ts';
import type { IdentityDeps } from './identity-deps.ts';
import type { IdentityTrx, UserKind, UserRow } from './identity-tables.ts';
import type { PasswordAuth } from './password-auth.ts';
import { assertPasswordPolicy } from './passwords.ts';
import type { Sessions } from './sessions.ts';
import { checkTotp, newTotpSecret, totpUri } from './totp.ts';

const BOX_ROLES: Role[] = ['AUDIT_ADMIN', 'GENERAL_USER'];

export interface NewExternalAuditor {
  email: string;
  name: string;
  auditorFirm?: string | null | undefined;
  password?: string | undefined;
  invite?: boolean | undefined;
  language?: 'en' | 'ja' | undefined;
}

export interface UserPatch {
  name?: string | undefined;
  email?: string | undefined;
  auditorFirm?: string | null | undefined;
  language?: 'en' | 'ja' | undefined;
  disabled?: boolean | undefined;
}

export function createUserManagement(d: IdentityDeps, sessions: Sessions, passwords: PasswordAuth) {
  const isAdmin = (actor: UserPrincipal) => actor.roles.includes('AUDIT_ADMIN');

  async function target(
    db: IdentityDeps['db'] | IdentityTrx,
    actor: UserPrincipal,
    id: string,
    lock = false,
  ): Promise<UserRow> {
    const user = lock
      ? await d.users.userByIdForUpdate(db as IdentityTrx, id)
      : await d.users.userById(db, id);
    if (!user || user.org_id !== actor.orgId) throw notFound('USER_NOT_FOUND');
    return user;
  }

  async function ensureFirm(trx: IdentityTrx, orgId: string, name: string | null | undefined): Promise<void> {
    if (!name) return;
    await trx
      .insertInto('identity.auditor_firms')
      .values({ id: randomUUID(), org_id: orgId, name, created_at: d.clock.now() })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** An organisation always keeps one active audit admin. */
  async function assertKeepsAnAdmin(trx: IdentityTrx, user: UserRow): Promise<void> {
    if (!user.roles.includes('AUDIT_ADMIN')) return;
    if ((await d.users.countAuditAdmins(trx, user.org_id, user.id)) === 0) throw conflict('LAST_AUDIT_ADMIN');
  }

  async function withEmailConflict<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('EMAIL_TAKEN');
      throw err;
    }
  }

  return {
    get: (actor: UserPrincipal, id: string) => {
      if (!isAdmin(actor) && actor.userId !== id) throw forbidden();
      return target(d.db, actor, id);
    },

    async createExternalAuditor(actor: UserPrincipal, input: NewExternalAuditor): Promise<UserRow> {
      if (!input.password && !input.invite) {
        throw badRequest('VALIDATION_FAILED', {
          details: { issues: [{ path: 'body.password', message: 'give a password or invite: true' }] },
        });
      }
      if (input.password) assertPasswordPolicy(input.password);
      const passwordHash = input.password ? await d.hasher.hash(input.password) : null;
      const now = d.clock.now();
      return withEmailConflict(() =>
        d.database.transaction(async (trx) => {
          if (await d.users.userByEmail(trx, input.email)) throw conflict('EMAIL_TAKEN');
          const user = await d.users.createUser(
            trx,
            {
              orgId: actor.orgId,
              email: input.email,
              name: input.name,
              kind: 'external',
              roles: ['EXTERNAL_AUDITOR'],
              auditorFirm: input.auditorFirm ?? null,
              passwordHash,
              language: input.language ?? 'en',
            },
            now,
          );
          await ensureFirm(trx, actor.orgId, input.auditorFirm);
          if (input.invite) await passwords.invite(trx, user);
          await d.publish(trx, {
            topic: 'identity.user_created',
            key: user.id,
            payload: {
              v: 1,
              orgId: actor.orgId,
              actorId: actor.userId,
              userId: user.id,
              kind: 'external',
              roles: user.roles,
            },
          });
          return user;
        }),
      );
    },

    async update(actor: UserPrincipal, id: string, patch: UserPatch): Promise<UserRow> {
      const self = actor.userId === id;
      const adminFields =
        patch.email !== undefined || patch.auditorFirm !== undefined || patch.disabled !== undefined;
      if (!isAdmin(actor) && (!self || adminFields)) throw forbidden();
      if (self && patch.disabled) throw conflict('CANNOT_DELETE_SELF');
      const now = d.clock.now();
      let applyRevocation: (() => void) | undefined;
      const updated = await withEmailConflict(() =>
        d.database.transaction(async (trx) => {
          const user = await target(trx, actor, id, true);
          if ((patch.email !== undefined || patch.auditorFirm !== undefined) && user.kind !== 'external') {
            throw badRequest('NOT_AN_EXTERNAL_AUDITOR');
          }
          const changes: string[] = [];
          const set: Partial<UserRow> = { updated_at: now };
          if (patch.name !== undefined && patch.name !== user.name) {
            set.name = patch.name;
            changes.push('name');
          }
          if (patch.language !== undefined && patch.language !== user.language) {
            set.language = patch.language;
            changes.push('language');
          }
          if (patch.email !== undefined && patch.email.toLowerCase() !== user.email.toLowerCase()) {
            if (await d.users.userByEmail(trx, patch.email)) throw conflict('EMAIL_TAKEN');
            set.email = patch.email;
            changes.push('email');
          }
          if (patch.auditorFirm !== undefined && patch.auditorFirm !== user.auditor_firm) {
            set.auditor_firm = patch.auditorFirm;
            changes.push('auditorFirm');
            await ensureFirm(trx, user.org_id, patch.auditorFirm);
          }
          if (patch.disabled !== undefined && patch.disabled !== (user.disabled_at !== null)) {
            if (patch.disabled) {
              if (user.box_role === 'admin') throw conflict('BOX_ADMIN_KEEPS_AUDIT_ADMIN');
              await assertKeepsAnAdmin(trx, user);
              set.disabled_at = now;
              applyRevocation = await sessions.revokeUser(trx, user.id, 'disabled');
            } else {
              set.disabled_at = null;
            }
            changes.push(patch.disabled ? 'disabled' : 'enabled');
          }
          if (changes.length === 0) return user;
          await trx.updateTable('identity.users').set(set).where('id', '=', id).execute();
          await d.publish(trx, {
            topic: 'identity.user_updated',
            key: id,
            payload: {
              v: 1,
              orgId: user.org_id,
              actorId: actor.userId,
              userId: id,
              changes,
              ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
            },
          });
          return { ...user, ...set } as UserRow;
        }),
      );
      applyRevocation?.();
      return updated;
    },

    async setRoles(actor: UserPrincipal, id: string, roles: Role[]): Promise<UserRow> {
      const wanted = [...new Set(roles)].sort() as Role[];
      if (wanted.length === 0 || wanted.some((r) => !BOX_ROLES.includes(r)))
        throw badRequest('ROLE_NOT_ALLOWED');
      let applyRevocation: (() => void) | undefined;
      const updated = await d.database.transaction(async (trx) => {
        const user = await target(trx, actor, id, true);
        if (user.kind === 'external') throw badRequest('ROLE_NOT_ALLOWED');
        if (user.kind === 'local' && !wanted.includes('AUDIT_ADMIN')) throw badRequest('ROLE_NOT_ALLOWED');
        if (user.box_role === 'admin' && !wanted.includes('AUDIT_ADMIN'))
          throw conflict('BOX_ADMIN_KEEPS_AUDIT_ADMIN');
        const previous = [...user.roles].sort() as Role[];
        if (previous.join() === wanted.join()) return user;
        if (!wanted.includes('AUDIT_ADMIN')) await assertKeepsAnAdmin(trx, user);
        await trx
          .updateTable('identity.users')
          .set({ roles: wanted, updated_at: d.clock.now() })
          .where('id', '=', id)
          .execute();
        // Roles travel inside access tokens: void the old ones so the change applies at once.
        applyRevocation = await sessions.revokeUser(trx, id, 'roles changed');
        await d.publish(trx, {
          topic: 'identity.roles_changed',
          key: id,
          payload: {
            v: 1,
            orgId: user.org_id,
            actorId: actor.userId,
            userId: id,
            roles: wanted,
            previousRoles: previous,
          },
        });
        return { ...user, roles: wanted };
      });
      applyRevocation?.();
      return updated;
    },

    async remove(actor: UserPrincipal, id: string): Promise<void> {
      if (actor.userId === id) throw conflict('CANNOT_DELETE_SELF');
      let applyRevocation: (() => void) | undefined;
      await d.database.transaction(async (trx) => {
        const user = await target(trx, actor, id, true);
        if (user.box_role === 'admin') throw conflict('BOX_ADMIN_KEEPS_AUDIT_ADMIN');
        await assertKeepsAnAdmin(trx, user);
        const now = d.clock.now();
        await trx
          .updateTable('identity.users')
          .set({
            deleted_at: now,
            password_hash: null,
            totp_secret: null,
            totp_enabled: false,
            updated_at: now,
          })
          .where('id', '=', id)
          .execute();
        await trx
          .updateTable('identity.api_tokens')
          .set({ revoked_at: now })
          .where('user_id', '=', id)
          .where('revoked_at', 'is', null)
          .execute();
        await trx.deleteFrom('identity.box_tokens').where('user_id', '=', id).execute();
        applyRevocation = await sessions.revokeUser(trx, id, 'deleted');
        await d.publish(trx, {
          topic: 'identity.user_deleted',
          key: id,
          payload: { v: 1, orgId: user.org_id, actorId: actor.userId, userId: id },
        });
      });
      applyRevocation?.();
    },

    async list(
      actor: UserPrincipal,
      filter: {
        role?: Role | undefined;
        kind?: UserKind | undefined;
        q?: string | undefined;
        includeDisabled: boolean;
      },
      page: Parameters<IdentityDeps['users']['listUsers']>[3],
    ) {
      return d.users.listUsers(d.db, actor.orgId, filter, page);
    },

    async beginTotp(actor: UserPrincipal, issuer: string): Promise<{ secret: string; otpauthUrl: string }> {
      const user = await target(d.db, actor, actor.userId);
      if (user.kind === 'box') throw badRequest('NOT_AN_EXTERNAL_AUDITOR');
      // Re-enrolling would switch the second factor off without a code: turning it off takes one.
      if (user.totp_enabled) throw conflict('TOTP_ALREADY_ENABLED');
      const secret = newTotpSecret();
      await d.db
        .updateTable('identity.users')
        .set({
          totp_secret: d.encryptor.encrypt(secret, user.id),
          totp_enabled: false,
          updated_at: d.clock.now(),
        })
        .where('id', '=', user.id)
        .execute();
      return { secret, otpauthUrl: totpUri(secret, user.email, issuer) };
    },

    async confirmTotp(actor: UserPrincipal, code: string, enable: boolean): Promise<void> {
      const user = await target(d.db, actor, actor.userId);
      const step = user.totp_secret
        ? checkTotp(d.encryptor.decrypt(user.totp_secret, user.id), code, d.clock.now(), user.totp_last_step)
        : null;
      if (step === null || !(await d.users.acceptTotpStep(d.db, user.id, step)))
        throw badRequest('TOTP_INVALID');
      await d.database.transaction(async (trx) => {
        await trx
          .updateTable('identity.users')
          .set(
            enable
              ? { totp_enabled: true, updated_at: d.clock.now() }
              : { totp_enabled: false, totp_secret: null, updated_at: d.clock.now() },
          )
          .where('id', '=', user.id)
          .execute();
        await d.publish(trx, {
          topic: 'identity.user_updated',
          key: user.id,
          payload: {
            v: 1,
            orgId: user.org_id,
            actorId: user.id,
            userId: user.id,
            changes: [enable ? 'totp_enabled' : 'totp_disabled'],
          },
        });
      });
    },

    async listFirms(actor: UserPrincipal) {
      return d.db
        .selectFrom('identity.auditor_firms')
        .select(['id', 'name'])
        .where('org_id', '=', actor.orgId)
        .orderBy('name')
        .execute();
    },

    async addFirm(actor: UserPrincipal, name: string) {
      return d.database.transaction(async (trx) => {
        await ensureFirm(trx, actor.orgId, name);
        return trx
          .selectFrom('identity.auditor_firms')
          .select(['id', 'name'])
          .where('org_id', '=', actor.orgId)
          .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
          .executeTakeFirstOrThrow();
      });
    },
  };
}

export type UserManagement = ReturnType<typeof createUserManagement>;
