/**
 * Access logs (product.md F5.8): every view, preview and download, recorded by the server that served
 * it (never reported by the browser), announced as `audit.access_logged` (so it is in the ledger),
 * and shown per set and per item to owners, co-owners, members and audit admins.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { buildPage, decodeCursor } from '../../platform/pagination.ts';
import type { AccessLogEntry, Requester } from './audit-client.ts';
import type { AuditDeps } from './audit-deps.ts';
import { authorizeSet } from './set-access.ts';

const key = z.object({ at: z.coerce.date(), id: z.string().uuid() });

export function createAccessLogs(d: AuditDeps) {
  const db = d.database.db;
  return {
    async record(entry: AccessLogEntry): Promise<void> {
      const id = randomUUID();
      const at = d.clock.now();
      await d.database.transaction(async (trx) => {
        await trx
          .insertInto('audit.access_logs')
          .values({
            id,
            org_id: entry.orgId,
            set_id: entry.setId,
            item_id: entry.itemId,
            item_type: entry.itemType,
            user_id: entry.userId,
            action: entry.action,
            at,
          })
          .execute();
        await d.publish(trx, {
          topic: 'audit.access_logged',
          key: entry.setId ?? entry.itemId,
          payload: {
            v: 1,
            orgId: entry.orgId,
            actorId: entry.userId,
            accessId: id,
            setId: entry.setId,
            itemId: entry.itemId,
            userId: entry.userId,
            action: entry.action,
            at: at.toISOString(),
          },
        });
      });
    },

    async list(
      user: Requester,
      setId: string,
      q: { itemId?: string | undefined; limit: number; cursor?: string | undefined },
    ) {
      await authorizeSet(db, user, setId, 'viewAccessLogs');
      const page = { limit: q.limit, ...decodeCursor(q.cursor, key) };
      let query = db.selectFrom('audit.access_logs').selectAll().where('set_id', '=', setId);
      if (q.itemId) query = query.where('item_id', '=', q.itemId);
      if (page.after) {
        const a = page.after;
        query = query.where((eb) =>
          eb.or([eb('at', '<', a.at), eb.and([eb('at', '=', a.at), eb('id', '<', a.id)])]),
        );
      }
      let rows: Awaited<ReturnType<typeof query.execute>>;
      if (page.before) {
        const b = page.before;
        rows = (
          await query
            .where((eb) => eb.or([eb('at', '>', b.at), eb.and([eb('at', '=', b.at), eb('id', '>', b.id)])]))
            .orderBy('at', 'asc')
            .orderBy('id', 'asc')
            .limit(q.limit + 1)
            .execute()
        ).reverse();
      } else {
        rows = await query
          .orderBy('at', 'desc')
          .orderBy('id', 'desc')
          .limit(q.limit + 1)
          .execute();
      }
      const users = new Map(
        (await d.clients.identity().users([...new Set(rows.map((r) => r.user_id))])).map((u) => [u.id, u]),
      );
      return buildPage(
        rows,
        page,
        (r) => ({ at: r.at, id: r.id }),
        (r) => ({
          id: r.id,
          at: r.at.toISOString(),
          action: r.action,
          itemId: r.item_id,
          itemType: r.item_type,
          user: {
            id: r.user_id,
            name: users.get(r.user_id)?.name ?? '',
            email: users.get(r.user_id)?.email ?? '',
          },
        }),
      );
    },
  };
}
