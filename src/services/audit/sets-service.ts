/**
 * Audit sets (product.md F5.1, F5.2, F5.6): create, describe, delete (soft, restorable by an audit
 * admin for 30 days), collaborators and groups, ownership transfer, "my audit sets" scoped by role
 * with NEW / IN REVIEW for external auditors, favourites. Names are unique per organisation among live
 * sets, case-insensitively (a unique index decides races). Every change is announced (audit.*), so
 * the ledger records who changed what.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { isUniqueViolation } from '../../platform/db/database-errors.ts';
import { badRequest, conflict, forbidden } from '../../platform/errors.ts';
import type { SetRole } from '../../platform/messaging/catalogue.ts';
import type { UserSummary } from '../identity/identity-client.ts';
import type { Requester } from './audit-client.ts';
import { type AuditDeps, RESTORE_WINDOW_MS } from './audit-deps.ts';
import type { AuditTrx, SetRow } from './audit-tables.ts';
import { type CollaboratorInput, validateCollaborators } from './collaborator-rules.ts';
import { authorizeSet, isAuditAdmin } from './set-access.ts';
import type { SetDto } from './set-dto.ts';

export interface SetListQuery {
  limit: number;
  after?: { createdAt: Date; id: string } | undefined;
  before?: { createdAt: Date; id: string } | undefined;
  q?: string | undefined;
  filter: 'all' | 'new' | 'in_review' | 'favourites' | 'deleted';
}

export function createSetsService(d: AuditDeps) {
  const db = d.database.db;

  async function usersById(ids: string[]): Promise<Map<string, UserSummary>> {
    const unique = [...new Set(ids)];
    return new Map((await d.clients.identity().users(unique)).map((u) => [u.id, u]));
  }

  async function toDtos(user: Requester, sets: SetRow[]): Promise<SetDto[]> {
    if (sets.length === 0) return [];
    const ids = sets.map((s) => s.id);
    // What the caller is to each set, in one statement (this runs for every set list: one round
    // trip instead of five is most of the list's cost; bench/api).
    const [facts, owners] = await Promise.all([
      sql<{
        set_id: string;
        role: SetRole | null;
        via_group: boolean;
        opened: boolean;
        favourite: boolean;
        item_count: number;
      }>`
        select s.id as set_id,
          (select c.role from audit.collaborators c
            where c.set_id = s.id and c.user_id = ${user.userId} limit 1) as role,
          exists (select 1 from audit.set_groups sg
            join audit.group_members gm on gm.group_id = sg.group_id
            join audit.groups g on g.id = sg.group_id
            where sg.set_id = s.id and gm.user_id = ${user.userId} and g.deleted_at is null) as via_group,
          exists (select 1 from audit.set_openings o
            where o.set_id = s.id and o.user_id = ${user.userId}) as opened,
          exists (select 1 from audit.favourites f
            where f.set_id = s.id and f.user_id = ${user.userId}) as favourite,
          (select count(*) from audit.items i where i.set_id = s.id)::int as item_count
        from unnest(${ids}::uuid[]) as s(id)`.execute(db),
      usersById(sets.map((s) => s.owner_id).filter((x): x is string => !!x)),
    ]);
    const of = new Map(facts.rows.map((f) => [f.set_id, f]));
    return sets.map((s) => {
      const owner = s.owner_id ? owners.get(s.owner_id) : undefined;
      const f = of.get(s.id);
      // A group assignment makes a reviewer, unless the user collaborates in their own right.
      const myRole: SetRole | null = f?.role ?? (f?.via_group ? 'REVIEWER' : null);
      return {
        id: s.id,
        name: s.name,
        description: s.description,
        owner: owner ? { id: owner.id, name: owner.name, email: owner.email } : null,
        createdAt: s.created_at.toISOString(),
        updatedAt: s.updated_at.toISOString(),
        deletedAt: s.deleted_at?.toISOString() ?? null,
        myRole,
        accessStatus: myRole === 'REVIEWER' ? (f?.opened ? 'IN_REVIEW' : 'NEW') : null,
        favourite: f?.favourite ?? false,
        itemCount: f?.item_count ?? 0,
      };
    });
  }

  async function checkGroups(trx: AuditTrx, orgId: string, groupIds: string[]): Promise<void> {
    if (groupIds.length === 0) return;
    const found = await trx
      .selectFrom('audit.groups')
      .select('id')
      .where('org_id', '=', orgId)
      .where('deleted_at', 'is', null)
      .where('id', 'in', groupIds)
      .execute();
    if (found.length !== new Set(groupIds).size) throw badRequest('AUDIT_GROUP_NOT_FOUND');
  }

  async function writeCollaborators(
    trx: AuditTrx,
    set: SetRow,
    actor: Requester,
    collaborators: CollaboratorInput[],
    groupIds: string[],
  ) {
    const now = d.clock.now();
    await trx
      .deleteFrom('audit.collaborators')
      .where('set_id', '=', set.id)
      .where('role', '!=', 'OWNER')
      .execute();
    if (collaborators.length > 0) {
      await trx
        .insertInto('audit.collaborators')
        .values(
          collaborators.map((c) => ({
            set_id: set.id,
            user_id: c.userId,
            role: c.role,
            added_by: actor.userId,
            added_at: now,
          })),
        )
        .execute();
    }
    await trx.deleteFrom('audit.set_groups').where('set_id', '=', set.id).execute();
    const groups = [...new Set(groupIds)];
    if (groups.length > 0)
      await trx
        .insertInto('audit.set_groups')
        .values(groups.map((g) => ({ set_id: set.id, group_id: g })))
        .execute();
    await d.publish(trx, {
      topic: 'audit.collaborators_changed',
      key: set.id,
      payload: {
        v: 1,
        orgId: set.org_id,
        actorId: actor.userId,
        setId: set.id,
        collaborators: [
          ...(set.owner_id ? [{ userId: set.owner_id, role: 'OWNER' as const }] : []),
          ...collaborators,
        ],
        groupIds: groups,
      },
    });
  }

  async function uniqueName<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('AUDIT_SET_NAME_TAKEN');
      throw err;
    }
  }

  const service = {
    toDtos,

    async create(
      user: Requester,
      input: { name: string; description?: string; collaborators?: CollaboratorInput[]; groups?: string[] },
    ): Promise<SetDto> {
      if (!isAuditAdmin(user)) throw forbidden();
      const collaborators = input.collaborators ?? [];
      validateCollaborators(collaborators, await usersById(collaborators.map((c) => c.userId)), {
        orgId: user.orgId,
        ownerId: user.userId,
      });
      const now = d.clock.now();
      const set: SetRow = {
        id: randomUUID(),
        org_id: user.orgId,
        name: input.name,
        description: input.description ?? '',
        owner_id: user.userId,
        created_by: user.userId,
        created_at: now,
        updated_at: now,
        deleted_at: null,
        deleted_by: null,
      };
      await uniqueName(() =>
        d.database.transaction(async (trx) => {
          await checkGroups(trx, user.orgId, input.groups ?? []);
          await trx.insertInto('audit.sets').values(set).execute();
          await trx
            .insertInto('audit.collaborators')
            .values({
              set_id: set.id,
              user_id: user.userId,
              role: 'OWNER',
              added_by: user.userId,
              added_at: now,
            })
            .execute();
          await d.publish(trx, {
            topic: 'audit.set_created',
            key: set.id,
            payload: { v: 1, orgId: user.orgId, actorId: user.userId, setId: set.id, name: set.name },
          });
          await writeCollaborators(trx, set, user, collaborators, input.groups ?? []);
        }),
      );
      return (await toDtos(user, [set]))[0]!;
    },

    async list(user: Requester, q: SetListQuery): Promise<SetRow[]> {
      let query = db.selectFrom('audit.sets as s').selectAll('s').where('s.org_id', '=', user.orgId);
      query =
        q.filter === 'deleted'
          ? query.where('s.deleted_at', 'is not', null)
          : query.where('s.deleted_at', 'is', null);
      if (q.filter === 'deleted' && !isAuditAdmin(user)) return [];
      if (!isAuditAdmin(user)) {
        query = query.where((eb) =>
          eb.or([
            eb.exists(
              eb
                .selectFrom('audit.collaborators as c')
                .select('c.set_id')
                .whereRef('c.set_id', '=', 's.id')
                .where('c.user_id', '=', user.userId),
            ),
            eb.exists(
              eb
                .selectFrom('audit.set_groups as sg')
                .innerJoin('audit.group_members as gm', 'gm.group_id', 'sg.group_id')
                .innerJoin('audit.groups as g', 'g.id', 'sg.group_id')
                .select('sg.set_id')
                .whereRef('sg.set_id', '=', 's.id')
                .where('gm.user_id', '=', user.userId)
                .where('g.deleted_at', 'is', null),
            ),
          ]),
        );
      }
      if (q.q) {
        const like = `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) => eb(eb.fn('lower', ['s.name']), 'like', like));
      }
      const opened = db
        .selectFrom('audit.set_openings as o')
        .select('o.set_id')
        .where('o.user_id', '=', user.userId);
      if (q.filter === 'new') query = query.where('s.id', 'not in', opened);
      if (q.filter === 'in_review') query = query.where('s.id', 'in', opened);
      if (q.filter === 'favourites') {
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom('audit.favourites as f')
              .select('f.set_id')
              .whereRef('f.set_id', '=', 's.id')
              .where('f.user_id', '=', user.userId),
          ),
        );
      }
      // Newest first; keyset on (created_at, id).
      if (q.after) {
        const a = q.after;
        query = query.where((eb) =>
          eb.or([
            eb('s.created_at', '<', a.createdAt),
            eb.and([eb('s.created_at', '=', a.createdAt), eb('s.id', '<', a.id)]),
          ]),
        );
      }
      if (q.before) {
        const b = q.before;
        query = query.where((eb) =>
          eb.or([
            eb('s.created_at', '>', b.createdAt),
            eb.and([eb('s.created_at', '=', b.createdAt), eb('s.id', '>', b.id)]),
          ]),
        );
        return (
          await query
            .orderBy('s.created_at', 'asc')
            .orderBy('s.id', 'asc')
            .limit(q.limit + 1)
            .execute()
        ).reverse();
      }
      return query
        .orderBy('s.created_at', 'desc')
        .orderBy('s.id', 'desc')
        .limit(q.limit + 1)
        .execute();
    },

    async get(user: Requester, setId: string): Promise<SetDto> {
      const { set } = await authorizeSet(db, user, setId, 'view', { includeDeleted: isAuditAdmin(user) });
      return (await toDtos(user, [set]))[0]!;
    },

    async update(
      user: Requester,
      setId: string,
      patch: { name?: string; description?: string },
    ): Promise<SetDto> {
      const set = await uniqueName(() =>
        d.database.transaction(async (trx) => {
          const { set } = await authorizeSet(trx, user, setId, 'editSet', { forUpdate: true });
          const changes = Object.entries(patch)
            .filter(([k, v]) => v !== undefined && v !== (set as unknown as Record<string, unknown>)[k])
            .map(([k]) => k);
          if (changes.length === 0) return set;
          const next = {
            ...set,
            ...(patch.name !== undefined ? { name: patch.name } : {}),
            ...(patch.description !== undefined ? { description: patch.description } : {}),
            updated_at: d.clock.now(),
          };
          await trx
            .updateTable('audit.sets')
            .set({ name: next.name, description: next.description, updated_at: next.updated_at })
            .where('id', '=', setId)
            .execute();
          await d.publish(trx, {
            topic: 'audit.set_updated',
            key: setId,
            payload: { v: 1, orgId: set.org_id, actorId: user.userId, setId, changes },
          });
          return next;
        }),
      );
      return (await toDtos(user, [set]))[0]!;
    },

    async remove(user: Requester, setId: string): Promise<void> {
      await d.database.transaction(async (trx) => {
        const { set } = await authorizeSet(trx, user, setId, 'delete', { forUpdate: true });
        const now = d.clock.now();
        await trx
          .updateTable('audit.sets')
          .set({ deleted_at: now, deleted_by: user.userId, updated_at: now })
          .where('id', '=', setId)
          .execute();
        await d.publish(trx, {
          topic: 'audit.set_deleted',
          key: setId,
          payload: { v: 1, orgId: set.org_id, actorId: user.userId, setId },
        });
      });
    },

    async restore(user: Requester, setId: string): Promise<SetDto> {
      if (!isAuditAdmin(user)) throw forbidden();
      const set = await uniqueName(() =>
        d.database.transaction(async (trx) => {
          const { set } = await authorizeSet(trx, user, setId, 'view', {
            includeDeleted: true,
            forUpdate: true,
          });
          if (!set.deleted_at) throw conflict('AUDIT_SET_NOT_DELETED');
          if (d.clock.now().getTime() - set.deleted_at.getTime() > RESTORE_WINDOW_MS)
            throw conflict('AUDIT_SET_RESTORE_EXPIRED');
          const now = d.clock.now();
          await trx
            .updateTable('audit.sets')
            .set({ deleted_at: null, deleted_by: null, updated_at: now })
            .where('id', '=', setId)
            .execute();
          await d.publish(trx, {
            topic: 'audit.set_restored',
            key: setId,
            payload: { v: 1, orgId: set.org_id, actorId: user.userId, setId },
          });
          return { ...set, deleted_at: null, deleted_by: null, updated_at: now };
        }),
      );
      return (await toDtos(user, [set]))[0]!;
    },

    async collaborators(user: Requester, setId: string) {
      await authorizeSet(db, user, setId, 'view');
      const rows = await db
        .selectFrom('audit.collaborators')
        .select(['user_id', 'role'])
        .where('set_id', '=', setId)
        .orderBy('added_at')
        .execute();
      const groups = await db
        .selectFrom('audit.set_groups as sg')
        .innerJoin('audit.groups as g', 'g.id', 'sg.group_id')
        .select(['g.id', 'g.name'])
        .where('sg.set_id', '=', setId)
        .where('g.deleted_at', 'is', null)
        .orderBy('g.name')
        .execute();
      const users = await usersById(rows.map((r) => r.user_id));
      return {
        collaborators: rows.flatMap((r) => {
          const u = users.get(r.user_id);
          return u ? [{ id: u.id, name: u.name, email: u.email, role: r.role }] : [];
        }),
        groups,
      };
    },

    async setCollaborators(
      user: Requester,
      setId: string,
      input: { collaborators: CollaboratorInput[]; groups: string[] },
    ) {
      const users = await usersById(input.collaborators.map((c) => c.userId));
      await d.database.transaction(async (trx) => {
        const { set } = await authorizeSet(trx, user, setId, 'editSet', { forUpdate: true });
        validateCollaborators(input.collaborators, users, { orgId: set.org_id, ownerId: set.owner_id });
        await checkGroups(trx, set.org_id, input.groups);
        await writeCollaborators(trx, set, user, input.collaborators, input.groups);
        await trx
          .updateTable('audit.sets')
          .set({ updated_at: d.clock.now() })
          .where('id', '=', setId)
          .execute();
      });
      return service.collaborators(user, setId);
    },

    /** The new owner must be a co-owner; the old owner becomes a co-owner. */
    async transferOwnership(user: Requester, setId: string, newOwnerId: string): Promise<SetDto> {
      const set = await d.database.transaction(async (trx) => {
        const { set } = await authorizeSet(trx, user, setId, 'editSet', { forUpdate: true });
        const target = await trx
          .selectFrom('audit.collaborators')
          .select('role')
          .where('set_id', '=', setId)
          .where('user_id', '=', newOwnerId)
          .executeTakeFirst();
        if (target?.role !== 'CO_OWNER') throw badRequest('OWNER_TRANSFER_INVALID');
        const now = d.clock.now();
        if (set.owner_id) {
          await trx
            .updateTable('audit.collaborators')
            .set({ role: 'CO_OWNER' })
            .where('set_id', '=', setId)
            .where('user_id', '=', set.owner_id)
            .execute();
        }
        await trx
          .updateTable('audit.collaborators')
          .set({ role: 'OWNER' })
          .where('set_id', '=', setId)
          .where('user_id', '=', newOwnerId)
          .execute();
        await trx
          .updateTable('audit.sets')
          .set({ owner_id: newOwnerId, updated_at: now })
          .where('id', '=', setId)
          .execute();
        const rows = await trx
          .selectFrom('audit.collaborators')
          .select(['user_id', 'role'])
          .where('set_id', '=', setId)
          .execute();
        const groups = await trx
          .selectFrom('audit.set_groups')
          .select('group_id')
          .where('set_id', '=', setId)
          .execute();
        await d.publish(trx, {
          topic: 'audit.collaborators_changed',
          key: setId,
          payload: {
            v: 1,
            orgId: set.org_id,
            actorId: user.userId,
            setId,
            collaborators: rows.map((r) => ({ userId: r.user_id, role: r.role })),
            groupIds: groups.map((g) => g.group_id),
          },
        });
        return { ...set, owner_id: newOwnerId, updated_at: now };
      });
      return (await toDtos(user, [set]))[0]!;
    },

    async setFavourite(user: Requester, setId: string, favourite: boolean): Promise<void> {
      await authorizeSet(db, user, setId, 'view');
      if (favourite) {
        await db
          .insertInto('audit.favourites')
          .values({ user_id: user.userId, set_id: setId })
          .onConflict((oc) => oc.doNothing())
          .execute();
      } else {
        await db
          .deleteFrom('audit.favourites')
          .where('user_id', '=', user.userId)
          .where('set_id', '=', setId)
          .execute();
      }
    },

    /** An external auditor opened the set: NEW becomes IN REVIEW. */
    async markOpened(user: Requester, setId: string): Promise<void> {
      if (!user.roles.includes('EXTERNAL_AUDITOR')) return;
      await sql`insert into audit.set_openings (set_id, user_id, first_opened_at) values (${setId}, ${user.userId}, ${d.clock.now()})
                on conflict do nothing`.execute(db);
    },

    async purgeExpired(): Promise<number> {
      const cutoff = new Date(d.clock.now().getTime() - RESTORE_WINDOW_MS);
      const res = await db.deleteFrom('audit.sets').where('deleted_at', '<', cutoff).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
  return service;
}

export type SetsService = ReturnType<typeof createSetsService>;
