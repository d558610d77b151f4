/**
 * Audit groups (product.md F5.5): named groups of external auditors that audit admins assign to sets.
 * Membership is one table, read at access time, so a change applies to every set at once (no copied
 * member lists to drift, unlike the original system).
 */
import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../platform/db/database-errors.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import type { Requester } from './audit-client.ts';
import type { AuditDeps } from './audit-deps.ts';
import type { AuditTrx, GroupRow } from './audit-tables.ts';
import { isAuditAdmin } from './set-access.ts';

export function createGroupsService(d: AuditDeps) {
  const db = d.database.db;

  function requireAdmin(user: Requester): void {
    if (!isAuditAdmin(user)) throw forbidden();
  }

  async function checkMembers(orgId: string, memberIds: string[]): Promise<void> {
    const users = await d.clients.identity().users([...new Set(memberIds)]);
    const ok = new Set(
      users
        .filter((u) => u.orgId === orgId && u.active && u.roles.includes('EXTERNAL_AUDITOR'))
        .map((u) => u.id),
    );
    const bad = memberIds.find((id) => !ok.has(id));
    if (bad) throw badRequest('GROUP_MEMBER_NOT_EXTERNAL_AUDITOR', { details: { userId: bad } });
  }

  async function load(
    trx: AuditTrx | AuditDeps['database']['db'],
    user: Requester,
    id: string,
    forUpdate = false,
  ): Promise<GroupRow> {
    let q = trx
      .selectFrom('audit.groups')
      .selectAll()
      .where('id', '=', id)
      .where('org_id', '=', user.orgId)
      .where('deleted_at', 'is', null);
    if (forUpdate) q = q.forUpdate();
    const g = await q.executeTakeFirst();
    if (!g) throw notFound('AUDIT_GROUP_NOT_FOUND');
    return g;
  }

  async function dtos(groups: GroupRow[]) {
    if (groups.length === 0) return [];
    const ids = groups.map((g) => g.id);
    const members = await db
      .selectFrom('audit.group_members')
      .select(['group_id', 'user_id'])
      .where('group_id', 'in', ids)
      .execute();
    const setCounts = await db
      .selectFrom('audit.set_groups as sg')
      .innerJoin('audit.sets as s', 's.id', 'sg.set_id')
      .select(['sg.group_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('sg.group_id', 'in', ids)
      .where('s.deleted_at', 'is', null)
      .groupBy('sg.group_id')
      .execute();
    const users = new Map(
      (await d.clients.identity().users([...new Set(members.map((m) => m.user_id))])).map((u) => [u.id, u]),
    );
    const counts = new Map(setCounts.map((c) => [c.group_id, Number(c.n)]));
    return groups.map((g) => ({
      id: g.id,
      name: g.name,
      description: g.description,
      members: members
        .filter((m) => m.group_id === g.id)
        .flatMap((m) => {
          const u = users.get(m.user_id);
          return u?.active ? [{ id: u.id, name: u.name, email: u.email }] : [];
        }),
      setCount: counts.get(g.id) ?? 0,
      createdAt: g.created_at.toISOString(),
      updatedAt: g.updated_at.toISOString(),
    }));
  }

  async function writeMembers(
    trx: AuditTrx,
    group: GroupRow,
    user: Requester,
    memberIds: string[],
    change: 'created' | 'updated',
  ) {
    const unique = [...new Set(memberIds)];
    await trx.deleteFrom('audit.group_members').where('group_id', '=', group.id).execute();
    if (unique.length > 0) {
      const now = d.clock.now();
      await trx
        .insertInto('audit.group_members')
        .values(unique.map((u) => ({ group_id: group.id, user_id: u, added_at: now })))
        .execute();
    }
    await d.publish(trx, {
      topic: 'audit.group_changed',
      key: group.id,
      payload: {
        v: 1,
        orgId: group.org_id,
        actorId: user.userId,
        groupId: group.id,
        change,
        memberIds: unique,
      },
    });
  }

  const named = async <T>(fn: () => Promise<T>) => {
    try {
      return await fn();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('AUDIT_GROUP_NAME_TAKEN');
      throw err;
    }
  };

  return {
    async list(user: Requester) {
      requireAdmin(user);
      return dtos(
        await db
          .selectFrom('audit.groups')
          .selectAll()
          .where('org_id', '=', user.orgId)
          .where('deleted_at', 'is', null)
          .orderBy('name')
          .limit(1000)
          .execute(),
      );
    },
    async get(user: Requester, id: string) {
      requireAdmin(user);
      return (await dtos([await load(db, user, id)]))[0]!;
    },
    async create(user: Requester, input: { name: string; description?: string; memberIds: string[] }) {
      requireAdmin(user);
      await checkMembers(user.orgId, input.memberIds);
      const now = d.clock.now();
      const group: GroupRow = {
        id: randomUUID(),
        org_id: user.orgId,
        name: input.name,
        description: input.description ?? '',
        created_by: user.userId,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      };
      await named(() =>
        d.database.transaction(async (trx) => {
          await trx.insertInto('audit.groups').values(group).execute();
          await writeMembers(trx, group, user, input.memberIds, 'created');
        }),
      );
      return (await dtos([group]))[0]!;
    },
    async update(
      user: Requester,
      id: string,
      patch: { name?: string; description?: string; memberIds?: string[] },
    ) {
      requireAdmin(user);
      if (patch.memberIds) await checkMembers(user.orgId, patch.memberIds);
      const group = await named(() =>
        d.database.transaction(async (trx) => {
          const g = await load(trx, user, id, true);
          const next = {
            ...g,
            name: patch.name ?? g.name,
            description: patch.description ?? g.description,
            updated_at: d.clock.now(),
          };
          await trx
            .updateTable('audit.groups')
            .set({ name: next.name, description: next.description, updated_at: next.updated_at })
            .where('id', '=', id)
            .execute();
          const members =
            patch.memberIds ??
            (
              await trx
                .selectFrom('audit.group_members')
                .select('user_id')
                .where('group_id', '=', id)
                .execute()
            ).map((m) => m.user_id);
          await writeMembers(trx, next, user, members, 'updated');
          return next;
        }),
      );
      return (await dtos([group]))[0]!;
    },
    /** Deleting a group removes its memberships and its assignments to sets in the same transaction. */
    async remove(user: Requester, id: string) {
      requireAdmin(user);
      await d.database.transaction(async (trx) => {
        const g = await load(trx, user, id, true);
        const now = d.clock.now();
        await trx
          .updateTable('audit.groups')
          .set({ deleted_at: now, updated_at: now })
          .where('id', '=', id)
          .execute();
        await trx.deleteFrom('audit.group_members').where('group_id', '=', id).execute();
        await trx.deleteFrom('audit.set_groups').where('group_id', '=', id).execute();
        await d.publish(trx, {
          topic: 'audit.group_changed',
          key: id,
          payload: {
            v: 1,
            orgId: g.org_id,
            actorId: user.userId,
            groupId: id,
            change: 'deleted',
            memberIds: [],
          },
        });
      });
    },
  };
}

export type GroupsService = ReturnType<typeof createGroupsService>;
