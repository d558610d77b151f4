/**
 * Who may do what with an audit set (product.md F5.2, F5.8, F6.5): view = any collaborator;
 * edit items = owner, co-owner, member; edit the set and its collaborators = owner, co-owner;
 * delete = owner; access logs = owner, co-owner, member; verify = any collaborator. An audit admin
 * may do all of it on every set of the organisation; only audit admins create sets. Reviewers are
 * external auditors assigned directly or through an audit group. Sets a user may not view are
 * reported as not found, so their existence does not leak.
 */
import { forbidden, notFound } from '../../platform/errors.ts';
import type { SetRole } from '../../platform/messaging/catalogue.ts';
import type { Requester } from './audit-client.ts';
import type { AuditDb, AuditTrx, SetRow } from './audit-tables.ts';

export type SetPermission = 'view' | 'editItems' | 'editSet' | 'delete' | 'verify' | 'viewAccessLogs';

const ALLOWED: Record<SetPermission, SetRole[]> = {
  view: ['OWNER', 'CO_OWNER', 'MEMBER', 'REVIEWER'],
  verify: ['OWNER', 'CO_OWNER', 'MEMBER', 'REVIEWER'],
  editItems: ['OWNER', 'CO_OWNER', 'MEMBER'],
  viewAccessLogs: ['OWNER', 'CO_OWNER', 'MEMBER'],
  editSet: ['OWNER', 'CO_OWNER'],
  delete: ['OWNER'],
};

export const isAuditAdmin = (u: Requester) => u.roles.includes('AUDIT_ADMIN');

/** The user's role in a set: direct, else REVIEWER through an assigned group. */
export async function roleInSet(
  db: AuditDb | AuditTrx,
  setId: string,
  userId: string,
): Promise<SetRole | null> {
  const direct = await db
    .selectFrom('audit.collaborators')
    .select('role')
    .where('set_id', '=', setId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (direct) return direct.role;
  const viaGroup = await db
    .selectFrom('audit.set_groups as sg')
    .innerJoin('audit.group_members as gm', 'gm.group_id', 'sg.group_id')
    .innerJoin('audit.groups as g', 'g.id', 'sg.group_id')
    .select('sg.set_id')
    .where('sg.set_id', '=', setId)
    .where('gm.user_id', '=', userId)
    .where('g.deleted_at', 'is', null)
    .executeTakeFirst();
  return viaGroup ? 'REVIEWER' : null;
}

export function permits(user: Requester, role: SetRole | null, permission: SetPermission): boolean {
  if (isAuditAdmin(user)) return true;
  return role !== null && ALLOWED[permission].includes(role);
}

/** Loads a live set of the user's organisation and checks a permission. */
export async function authorizeSet(
  db: AuditDb | AuditTrx,
  user: Requester,
  setId: string,
  permission: SetPermission,
  o: { includeDeleted?: boolean; forUpdate?: boolean } = {},
): Promise<{ set: SetRow; role: SetRole | null }> {
  let q = db.selectFrom('audit.sets').selectAll().where('id', '=', setId).where('org_id', '=', user.orgId);
  if (!o.includeDeleted) q = q.where('deleted_at', 'is', null);
  if (o.forUpdate) q = q.forUpdate();
  const set = await q.executeTakeFirst();
  if (!set) throw notFound('AUDIT_SET_NOT_FOUND');
  const role = await roleInSet(db, setId, user.userId);
  if (!permits(user, role, 'view')) throw notFound('AUDIT_SET_NOT_FOUND');
  if (!permits(user, role, permission)) throw forbidden();
  return { set, role };
}
