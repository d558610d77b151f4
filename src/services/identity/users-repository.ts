/** SQL for organisations and users. Deleted users stay as rows (their ids appear in the ledger). */
import { randomUUID } from 'node:crypto';
import type { Role } from '../../platform/messaging/catalogue.ts';
import type { IdentityDb, IdentityTrx, OrganizationRow, UserKind, UserRow } from './identity-tables.ts';

type Db = IdentityDb | IdentityTrx;

export interface NewUser {
  orgId: string;
  email: string;
  name: string;
  kind: UserKind;
  roles: Role[];
  boxUserId?: string | null;
  boxRole?: string | null;
  auditorFirm?: string | null;
  passwordHash?: string | null;
  language?: 'en' | 'ja';
}

export function createUsersRepository() {
  return {
    /**
     * Accepts an authenticator code's time step once: true only if it is newer than the last one
     * accepted (a conditional update, so two concurrent uses of one code cannot both pass).
     */
    async acceptTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
      const row = await db
        .updateTable('identity.users')
        .set({ totp_last_step: step })
        .where('id', '=', userId)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },
    async createOrganization(
      db: Db,
      name: string,
      boxEnterpriseId: string | null,
      now: Date,
    ): Promise<OrganizationRow> {
      const row = { id: randomUUID(), name, box_enterprise_id: boxEnterpriseId, created_at: now };
      await db.insertInto('identity.organizations').values(row).execute();
      return row;
    },
    organizationByEnterprise(db: Db, enterpriseId: string) {
      return db
        .selectFrom('identity.organizations')
        .selectAll()
        .where('box_enterprise_id', '=', enterpriseId)
        .executeTakeFirst();
    },
    organizationById(db: Db, id: string) {
      return db.selectFrom('identity.organizations').selectAll().where('id', '=', id).executeTakeFirst();
    },
    listOrganizations(db: Db) {
      return db.selectFrom('identity.organizations').selectAll().orderBy('created_at').execute();
    },
    async createUser(db: Db, u: NewUser, now: Date): Promise<UserRow> {
      const row: UserRow = {
        id: randomUUID(),
        org_id: u.orgId,
        email: u.email,
        name: u.name,
        kind: u.kind,
        roles: u.roles,
        box_user_id: u.boxUserId ?? null,
        box_role: u.boxRole ?? null,
        auditor_firm: u.auditorFirm ?? null,
        password_hash: u.passwordHash ?? null,
        totp_secret: null,
        totp_enabled: false,
        totp_last_step: null,
        language: u.language ?? 'en',
        disabled_at: null,
        deleted_at: null,
        tokens_valid_after: null,
        last_login_at: null,
        created_at: now,
        updated_at: now,
      };
      await db.insertInto('identity.users').values(row).execute();
      return row;
    },
    userById(db: Db, id: string) {
      return db
        .selectFrom('identity.users')
        .selectAll()
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
    },
    /** Locks the row for the rest of the transaction (role changes, deletes). */
    userByIdForUpdate(db: IdentityTrx, id: string) {
      return db
        .selectFrom('identity.users')
        .selectAll()
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .forUpdate()
        .executeTakeFirst();
    },
    userByEmail(db: Db, email: string) {
      return db
        .selectFrom('identity.users')
        .selectAll()
        .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
    },
    userByBoxId(db: Db, orgId: string, boxUserId: string) {
      return db
        .selectFrom('identity.users')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('box_user_id', '=', boxUserId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
    },
    async countAuditAdmins(db: Db, orgId: string, excludingUserId?: string): Promise<number> {
      let q = db
        .selectFrom('identity.users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', orgId)
        .where('deleted_at', 'is', null)
        .where('disabled_at', 'is', null)
        .where((eb) => eb(eb.val('AUDIT_ADMIN'), '=', eb.fn.any('roles')));
      if (excludingUserId) q = q.where('id', '!=', excludingUserId);
      return Number((await q.executeTakeFirst())?.n ?? 0);
    },
    async listUsers(
      db: Db,
      orgId: string,
      filter: { role?: Role; kind?: UserKind; q?: string; includeDisabled: boolean },
      page: {
        limit: number;
        after?: { createdAt: Date; id: string };
        before?: { createdAt: Date; id: string };
      },
    ): Promise<UserRow[]> {
      let q = db
        .selectFrom('identity.users')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('deleted_at', 'is', null);
      if (filter.role) q = q.where((eb) => eb(eb.val(filter.role), '=', eb.fn.any('roles')));
      if (filter.kind) q = q.where('kind', '=', filter.kind);
      if (!filter.includeDisabled) q = q.where('disabled_at', 'is', null);
      if (filter.q) {
        const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where((eb) =>
          eb.or([eb(eb.fn('lower', ['email']), 'like', like), eb(eb.fn('lower', ['name']), 'like', like)]),
        );
      }
      if (page.after) {
        const a = page.after;
        q = q.where((eb) =>
          eb.or([
            eb('created_at', '>', a.createdAt),
            eb.and([eb('created_at', '=', a.createdAt), eb('id', '>', a.id)]),
          ]),
        );
      }
      if (page.before) {
        const b = page.before;
        q = q.where((eb) =>
          eb.or([
            eb('created_at', '<', b.createdAt),
            eb.and([eb('created_at', '=', b.createdAt), eb('id', '<', b.id)]),
          ]),
        );
        const rows = await q
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(page.limit + 1)
          .execute();
        return rows.reverse();
      }
      return q
        .orderBy('created_at')
        .orderBy('id')
        .limit(page.limit + 1)
        .execute();
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
