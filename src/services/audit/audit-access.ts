/**
 * The AuditClient implementation: the one place deciding which items a user may see through audit
 * sets (product.md F3.5, F4.4, F5.2, §5), used by the file, event and verification services.
 */

import type { createAccessLogs } from './access-logs.ts';
import { isAllowed, isFolderVisible } from './allow-rules.ts';
import type { AuditClient, Requester } from './audit-client.ts';
import type { AuditDeps } from './audit-deps.ts';
import type { ItemRow } from './audit-tables.ts';
import { toTop } from './items-service.ts';
import { authorizeSet, isAuditAdmin } from './set-access.ts';

export function createAuditAccess(
  d: AuditDeps,
  accessLogs: ReturnType<typeof createAccessLogs>,
): AuditClient {
  const db = d.database.db;

  /** Top items of the live sets the user may view (all sets for an audit admin), optionally one set. */
  async function viewableItems(user: Requester, setId?: string): Promise<ItemRow[]> {
    let q = db
      .selectFrom('audit.items as i')
      .innerJoin('audit.sets as s', 's.id', 'i.set_id')
      .selectAll('i')
      .where('s.org_id', '=', user.orgId)
      .where('s.deleted_at', 'is', null);
    if (setId) q = q.where('s.id', '=', setId);
    if (!isAuditAdmin(user)) {
      q = q.where((eb) =>
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
    return q.execute();
  }

  return {
    async access(user, item, o) {
      if (o?.setId) await authorizeSet(db, user, o.setId, 'view');
      const covering = (await viewableItems(user, o?.setId)).filter(
        (i) => i.item_id === item.itemId || item.ancestorIds.includes(i.item_id),
      );
      const setIds = [
        ...new Set(
          covering
            .filter((i) =>
              item.itemType === 'file'
                ? isAllowed(toTop(i), item.itemId, item.ancestorIds)
                : isFolderVisible(toTop(i), item.itemId, item.ancestorIds),
            )
            .map((i) => i.set_id),
        ),
      ];
      // Audit admins see everything in their organisation (product.md F3.5), a set or not.
      return { allowed: isAuditAdmin(user) && !o?.setId ? true : setIds.length > 0, setIds };
    },

    async searchScope(user, o) {
      if (isAuditAdmin(user) && !o?.setId) return { all: true };
      if (o?.setId) await authorizeSet(db, user, o.setId, 'view');
      return { all: false, tops: (await viewableItems(user, o?.setId)).map(toTop) };
    },

    logAccess: (entry) => accessLogs.record(entry),

    async setsMonitoring(orgId, fileId, ancestorIds) {
      const candidates = await db
        .selectFrom('audit.items as i')
        .innerJoin('audit.sets as s', 's.id', 'i.set_id')
        .select(['i.set_id', 'i.item_id', 'i.item_type', 'i.rules', 'i.rule_paths', 's.name'])
        .where('s.org_id', '=', orgId)
        .where('s.deleted_at', 'is', null)
        .where('i.item_id', 'in', [fileId, ...ancestorIds])
        .execute();
      const setIds = [
        ...new Set(candidates.filter((c) => isAllowed(toTop(c), fileId, ancestorIds)).map((c) => c.set_id)),
      ];
      if (setIds.length === 0) return [];
      const owners = await db
        .selectFrom('audit.collaborators')
        .select(['set_id', 'user_id'])
        .where('set_id', 'in', setIds)
        .where('role', 'in', ['OWNER', 'CO_OWNER'])
        .execute();
      return setIds.map((setId) => ({
        setId,
        name: candidates.find((c) => c.set_id === setId)!.name,
        notifyUserIds: owners.filter((o) => o.set_id === setId).map((o) => o.user_id),
      }));
    },

    async setItems(user, setId) {
      await authorizeSet(db, user, setId, 'verify');
      return (await db.selectFrom('audit.items').selectAll().where('set_id', '=', setId).execute()).map(
        toTop,
      );
    },

    async monitoredItems(orgId) {
      const rows = await db
        .selectFrom('audit.items as i')
        .innerJoin('audit.sets as s', 's.id', 'i.set_id')
        .selectAll('i')
        .where('s.org_id', '=', orgId)
        .where('s.deleted_at', 'is', null)
        .where('i.status', '=', 'MONITORED')
        .execute();
      return rows.map((r) => ({ setId: r.set_id, item: toTop(r), ownerBoxUserId: r.owner_box_user_id }));
    },
  };
}
